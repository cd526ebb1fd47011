namespace Flotilla.Testing;

/// <summary>Waits on conditions instead of sleeping: polls until true, or fails naming what was awaited.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(string phase, Func<Task<T?>> probe, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var started = DateTime.UtcNow;
        var delay = TimeSpan.FromMilliseconds(10);
        Exception? last = null;
        while (DateTime.UtcNow - started < limit)
        {
            try
            {
                if (await probe().ConfigureAwait(false) is { } value && (value is not bool b || b))
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                last = e;
            }
            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
        throw new TimeoutException($"timed out after {limit.TotalSeconds:0}s waiting for: {phase}" + (last is null ? "" : $" (last error: {last.Message})"), last);
    }

    public static Task WaitAsync(string phase, Func<bool> probe, TimeSpan? timeout = null) =>
        WaitAsync(phase, () => Task.FromResult<bool?>(probe() ? true : null), timeout);
}
