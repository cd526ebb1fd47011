namespace Flotilla.Client.Http;

/// <summary>
/// Client-side rate limiting: a token bucket holding up to <c>burst</c> tokens, refilled at <c>qps</c> per second.
/// A request takes a token, waiting for one when the bucket is empty. Waiters reserve their token up front (the
/// balance may go negative), so they are served in arrival order without a queue; a cancelled waiter gives its
/// reservation back.
/// </summary>
internal sealed class TokenBucket
{
    private readonly double _qps;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _updatedAt;

    public TokenBucket(double qps, int burst, TimeProvider time)
    {
        _qps = qps;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _updatedAt = time.GetTimestamp();
    }

    /// <summary>Takes a token; completes synchronously while tokens are available.</summary>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_lock)
        {
            Refill();
            _tokens -= 1;
            if (_tokens >= 0)
            {
                return ValueTask.CompletedTask;
            }
            wait = TimeSpan.FromSeconds(-_tokens / _qps);
        }
        return new ValueTask(DelayAsync(wait, cancellationToken));
    }

    private async Task DelayAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                _tokens += 1;
            }
            throw;
        }
    }

    private void Refill()
    {
        var now = _time.GetTimestamp();
        var elapsed = _time.GetElapsedTime(_updatedAt, now);
        _updatedAt = now;
        _tokens = Math.Min(_burst, _tokens + (elapsed.TotalSeconds * _qps));
    }
}
