namespace Flotilla.Runtime.WorkQueue;

/// <summary>Combines rate limiters: a retry waits the longest of their delays.</summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
public sealed class MaxOfRateLimiter<TKey> : IRateLimiter<TKey>
{
    private readonly IRateLimiter<TKey>[] _limiters;

    /// <param name="limiters">At least one limiter; each is asked on every retry.</param>
    public MaxOfRateLimiter(params IRateLimiter<TKey>[] limiters)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        ArgumentOutOfRangeException.ThrowIfZero(limiters.Length);
        _limiters = [.. limiters];
    }

    /// <inheritdoc />
    public TimeSpan When(TKey key)
    {
        var longest = TimeSpan.Zero;
        foreach (var limiter in _limiters)
        {
            // Every limiter records the retry, whichever wins.
            var delay = limiter.When(key);
            if (delay > longest)
            {
                longest = delay;
            }
        }
        return longest;
    }

    /// <inheritdoc />
    public void Forget(TKey key)
    {
        foreach (var limiter in _limiters)
        {
            limiter.Forget(key);
        }
    }

    /// <inheritdoc />
    public int NumRequeues(TKey key) => _limiters.Max(limiter => limiter.NumRequeues(key));
}
