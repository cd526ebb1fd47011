namespace Flotilla.Runtime.WorkQueue;

/// <summary>
/// Per-key exponential backoff: the n-th retry of a key waits <c>baseDelay × 2ⁿ⁻¹</c>, never more than
/// <c>maxDelay</c>. With jitter, a random fraction (up to <c>jitter</c>) of each delay is taken off, so the
/// retries of many keys that failed together spread out instead of arriving together; the cap stays an upper
/// bound.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
public sealed class ExponentialBackoffRateLimiter<TKey> : IRateLimiter<TKey>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly double _jitter;
    private readonly Random _random;

    /// <param name="baseDelay">The first retry's delay; positive.</param>
    /// <param name="maxDelay">The cap; at least <paramref name="baseDelay"/>.</param>
    /// <param name="jitter">The largest fraction of a delay taken off at random, from 0 (none) to 1.</param>
    /// <param name="random">The source of jitter; a seeded one makes delays reproducible. Used under a lock.</param>
    public ExponentialBackoffRateLimiter(TimeSpan baseDelay, TimeSpan maxDelay, double jitter = 0, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        ArgumentOutOfRangeException.ThrowIfNegative(jitter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jitter, 1);
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _jitter = jitter;
        _random = random ?? new Random();
    }

    /// <inheritdoc />
    public TimeSpan When(TKey key)
    {
        int failures;
        double fraction;
        lock (_lock)
        {
            failures = _failures.GetValueOrDefault(key);
            // Saturate rather than overflow: past a few dozen failures the cap applies anyway.
            _failures[key] = failures == int.MaxValue ? failures : failures + 1;
            fraction = _jitter > 0 ? _jitter * _random.NextDouble() : 0;
        }
        // In double, 2ⁿ grows to infinity instead of wrapping, and the cap takes over.
        var ticks = Math.Min(_baseDelay.Ticks * Math.Pow(2, failures), _maxDelay.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 - fraction)));
    }

    /// <inheritdoc />
    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    /// <inheritdoc />
    public int NumRequeues(TKey key)
    {
        lock (_lock)
        {
            return _failures.GetValueOrDefault(key);
        }
    }
}
