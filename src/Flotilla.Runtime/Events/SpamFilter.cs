namespace Flotilla.Runtime.Events;

/// <summary>
/// client-go's event spam filter, simplified: one token bucket per involved object (the source is the recorder
/// itself), holding up to <c>burst</c> tokens and gaining one per <c>refillInterval</c>. Every Event written,
/// new or repeat, takes a token; with none left it is dropped. Not thread-safe.
/// </summary>
internal sealed class SpamFilter(int burst, TimeSpan refillInterval, int capacity)
{
    private readonly LruCache<SpamKey, Bucket> _buckets = new(capacity);

    /// <summary>Takes a token for an Event about <paramref name="involvedObject"/> at <paramref name="now"/>; false when none is left.</summary>
    public bool TryTake(ObjectReference involvedObject, DateTimeOffset now)
    {
        var key = new SpamKey(involvedObject.ApiVersion, involvedObject.Kind, involvedObject.Namespace, involvedObject.Name, involvedObject.Uid);
        if (!_buckets.TryGet(key, out var bucket))
        {
            bucket = new Bucket { Tokens = burst, UpdatedAt = now };
            _buckets.Set(key, bucket);
        }
        // A clock that steps back refills nothing rather than draining the bucket.
        var elapsed = now - bucket.UpdatedAt;
        if (elapsed > TimeSpan.Zero)
        {
            bucket.Tokens = Math.Min(burst, bucket.Tokens + (elapsed / refillInterval));
            bucket.UpdatedAt = now;
        }
        if (bucket.Tokens < 1)
        {
            return false;
        }
        bucket.Tokens -= 1;
        return true;
    }

    private readonly record struct SpamKey(string ApiVersion, string Kind, string? Namespace, string Name, string? Uid);

    private sealed class Bucket
    {
        public double Tokens { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }
    }
}
