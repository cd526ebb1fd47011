namespace Flotilla.Runtime.WorkQueue;

/// <summary>Ready-made rate limiters.</summary>
public static class RateLimiters
{
    /// <summary>
    /// client-go's default controller rate limiter, with jitter: per key, exponential backoff from 5 ms to
    /// 1000 s (up to 10% taken off each delay at random); overall, a bucket of 100 retries refilled at 10 per
    /// second. A retry waits the longer of the two.
    /// </summary>
    /// <param name="timeProvider">The clock for the bucket; <see cref="TimeProvider.System"/> when null.</param>
    public static IRateLimiter<TKey> CreateDefault<TKey>(TimeProvider? timeProvider = null)
        where TKey : notnull =>
        new MaxOfRateLimiter<TKey>(
            new ExponentialBackoffRateLimiter<TKey>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000), jitter: 0.1),
            new BucketRateLimiter<TKey>(tokensPerSecond: 10, burst: 100, timeProvider));
}
