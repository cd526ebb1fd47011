namespace Flotilla.Client.Tests.Support;

/// <summary>Bounded waits on things that must happen, failing with the phase's name instead of hanging.</summary>
internal static class TestWaits
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public static async Task Within(this Task task, string phase, TimeSpan? limit = null)
    {
        var bound = limit ?? Limit;
        try
        {
            await task.WaitAsync(bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"timed out after {bound.TotalSeconds:0}s waiting for: {phase}", e);
        }
    }
}
