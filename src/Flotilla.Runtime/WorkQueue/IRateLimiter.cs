namespace Flotilla.Runtime.WorkQueue;

/// <summary>
/// Decides how long a key waits before it is retried (<see cref="WorkQueue{TKey}.AddRateLimited"/>). Each call of
/// <see cref="When"/> counts as one more retry of the key until <see cref="Forget"/>.
/// </summary>
/// <typeparam name="TKey">The work queue's key type.</typeparam>
public interface IRateLimiter<in TKey>
{
    /// <summary>Records one more retry of <paramref name="key"/> and returns how long it should wait.</summary>
    TimeSpan When(TKey key);

    /// <summary>Stops tracking <paramref name="key"/>: its next retry waits as if it were the first.</summary>
    void Forget(TKey key);

    /// <summary>How many retries of <paramref name="key"/> were recorded since it was last forgotten.</summary>
    int NumRequeues(TKey key);
}
