namespace Flotilla.LocalCluster.Common;

/// <summary>
/// Upstream's <c>ControllerExpectations</c>: what a controller has asked the server to create and delete for one
/// owner and not yet seen in its informer cache. While expectations are pending the cache lags the controller's own
/// writes, so counting from it would create or delete twice; the controller then waits for the events (or, should
/// one never come, for the TTL to pass). Creations are counted (generated names are unknown until the
/// server answers, and the informer may deliver the object before the answer); deletions are tracked by name.
/// Thread-safe.
/// </summary>
internal sealed class Expectations<TKey>(TimeProvider time, TimeSpan ttl)
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, Entry> _entries = [];
    private readonly TimeSpan _ttl = ttl;

    /// <summary>Expects <paramref name="count"/> more objects to appear for <paramref name="key"/>.</summary>
    public void ExpectCreations(TKey key, int count)
    {
        lock (_lock)
        {
            var entry = EntryLocked(key);
            entry.Creations += count;
            entry.Stamp = time.GetTimestamp();
        }
    }

    /// <summary>Expects the named objects to disappear for <paramref name="key"/>.</summary>
    public void ExpectDeletions(TKey key, IEnumerable<string> names)
    {
        lock (_lock)
        {
            var entry = EntryLocked(key);
            entry.Deletions.UnionWith(names);
            entry.Stamp = time.GetTimestamp();
        }
    }

    /// <summary>An object appeared for <paramref name="key"/>, or a create failed and will not produce one.</summary>
    public void CreationObserved(TKey key)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry) && entry.Creations > 0)
            {
                entry.Creations--;
            }
        }
    }

    /// <summary>The named object is gone for <paramref name="key"/>, or its delete failed and will not remove it.</summary>
    public void DeletionObserved(TKey key, string name)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var entry))
            {
                entry.Deletions.Remove(name);
            }
        }
    }

    /// <summary>Whether <paramref name="name"/> is being deleted for <paramref name="key"/> (still in the cache, already gone on the server).</summary>
    public bool IsDeleting(TKey key, string name)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) && entry.Deletions.Contains(name) && !Expired(entry);
        }
    }

    /// <summary>True when nothing is pending for <paramref name="key"/> (or what is pending is older than the TTL).</summary>
    public bool Satisfied(TKey key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var entry))
            {
                return true;
            }
            if (entry.Creations <= 0 && entry.Deletions.Count == 0)
            {
                return true;
            }
            if (Expired(entry))
            {
                _entries.Remove(key);
                return true;
            }
            return false;
        }
    }

    public void Forget(TKey key)
    {
        lock (_lock)
        {
            _entries.Remove(key);
        }
    }

    private bool Expired(Entry entry) => time.GetElapsedTime(entry.Stamp) > _ttl;

    private Entry EntryLocked(TKey key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new Entry();
            _entries[key] = entry;
        }
        return entry;
    }

    private sealed class Entry
    {
        public int Creations;
        public HashSet<string> Deletions { get; } = new(StringComparer.Ordinal);
        public long Stamp;
    }
}
