namespace Flotilla.Runtime.WorkQueue;

/// <summary>
/// An overall token bucket over all keys: up to <c>burst</c> retries at once, then <c>tokensPerSecond</c>. Each
/// retry reserves a token and waits until the token would be there, so a storm of failures cannot retry faster
/// than the rate however many keys fail. Tracks no keys: <see cref="Forget"/> does nothing and
/// <see cref="NumRequeues"/> is always 0.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
public sealed class BucketRateLimiter<TKey> : IRateLimiter<TKey>
{
    private readonly Lock _lock = new();
    private readonly double _tokensPerSecond;
    private readonly int _burst;
    private readonly TimeProvider _timeProvider;
    private double _tokens;
    private long _refilledAt;

    /// <param name="tokensPerSecond">The sustained rate; positive.</param>
    /// <param name="burst">How many tokens the bucket holds (and starts with); positive.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    public BucketRateLimiter(double tokensPerSecond, int burst, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tokensPerSecond, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(burst, 0);
        _tokensPerSecond = tokensPerSecond;
        _burst = burst;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _tokens = burst;
        _refilledAt = _timeProvider.GetTimestamp();
    }

    /// <inheritdoc />
    public TimeSpan When(TKey key)
    {
        lock (_lock)
        {
            var now = _timeProvider.GetTimestamp();
            var elapsed = _timeProvider.GetElapsedTime(_refilledAt, now);
            _refilledAt = now;
            _tokens = Math.Min(_burst, _tokens + (elapsed.TotalSeconds * _tokensPerSecond));
            // Tokens go negative: a debt that later reservations queue behind.
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _tokensPerSecond);
        }
    }

    /// <inheritdoc />
    public void Forget(TKey key)
    {
    }

    /// <inheritdoc />
    public int NumRequeues(TKey key) => 0;
}
