namespace Flotilla.Runtime.Tests;

/// <summary>Bounded waits on things that must happen, failing with the phase's name instead of hanging.</summary>
internal static class TestWaits
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static async Task Within(this Task task, string phase)
    {
        try
        {
            await task.WaitAsync(Limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"timed out after {Limit.TotalSeconds:0}s waiting for: {phase}", e);
        }
    }

    public static async Task<T> Within<T>(this Task<T> task, string phase)
    {
        try
        {
            return await task.WaitAsync(Limit);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"timed out after {Limit.TotalSeconds:0}s waiting for: {phase}", e);
        }
    }

    public static Task<T> Within<T>(this ValueTask<T> task, string phase) => task.AsTask().Within(phase);
}
