namespace Flotilla.Storage;

/// <summary>
/// The in-memory core every in-process backend shares: the current objects, the revision, the event window
/// and the watchers. Reads never touch a backend; they are served from here.
/// </summary>
/// <remarks>
/// Concurrency: the engine's writer loop is the only mutator (<see cref="Publish"/>), and it publishes only
/// writes that are already durable, so readers never see a write that might not survive. One lock guards
/// everything: a <see cref="List"/> is therefore one snapshot (items and revision from the same instant), and a
/// watch registers atomically with respect to publishing, which is what makes its replay and live stream meet
/// exactly. Critical sections are short (a list copies references only), so a plain lock beats a reader-writer
/// lock here, and needs no disposal.
/// </remarks>
internal sealed class StoreState
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SortedSet<Entry> _ordered = new(EntryKeyComparer.Instance);
    private readonly List<StoreWatch> _watchers = [];
    private readonly EventWindow _window;
    private readonly int _watcherBufferSize;
    private long _revision;
    private bool _ended;

    /// <param name="items">The objects to start from (a backend's persisted state).</param>
    /// <param name="revision">The revision to start from; the window starts empty, compacted at this revision.</param>
    /// <param name="options">Validated options.</param>
    public StoreState(IEnumerable<StoredValue> items, long revision, ResourceStoreOptions options)
    {
        foreach (var item in items)
        {
            var entry = new Entry(item.Key) { Value = item };
            _entries.Add(item.Key, entry);
            _ordered.Add(entry);
        }
        _revision = revision;
        _window = new EventWindow(options.EventWindowSize, revision);
        _watcherBufferSize = options.WatcherBufferSize;
    }

    public long Revision => Volatile.Read(ref _revision);

    public long CompactedRevision => _window.Compacted;

    public StoredValue? Get(string key)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(key, out var entry) ? entry.Value : null;
        }
    }

    /// <summary>
    /// The current value of <paramref name="key"/> without locking. Only the writer loop may call this: it is
    /// the only mutator, so nothing changes underneath it, and concurrent readers do not mutate.
    /// </summary>
    public StoredValue? GetForWriter(string key) => _entries.TryGetValue(key, out var entry) ? entry.Value : null;

    public ListResult List(string prefix)
    {
        var items = new List<StoredValue>();
        lock (_lock)
        {
            foreach (var entry in Range(prefix))
            {
                // The range is sorted, so the first key past the prefix ends it (only the inclusive upper
                // bound itself can get here).
                if (!entry.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    break;
                }
                items.Add(entry.Value);
            }
            return new ListResult(_revision, items);
        }
    }

    /// <summary>Applies a committed batch, extends the window and fans the events out to the watchers.</summary>
    public void Publish(IReadOnlyList<Change> changes)
    {
        if (changes.Count == 0)
        {
            return;
        }
        lock (_lock)
        {
            foreach (var change in changes)
            {
                Apply(change);
                _window.Append(change.Event);
            }
            Volatile.Write(ref _revision, changes[^1].Event.Revision);
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                if (!_watchers[i].Offer(changes))
                {
                    RemoveWatcherAt(i);
                }
            }
        }
    }

    public WatchStartResult Watch(string prefix, long afterRevision)
    {
        lock (_lock)
        {
            var compacted = _window.Compacted;
            if (afterRevision < compacted)
            {
                return new WatchStartResult(null, compacted);
            }
            var watch = new StoreWatch(this, prefix, afterRevision, _window.Collect(afterRevision, prefix), _watcherBufferSize);
            if (_ended)
            {
                // Lost a race with disposal: the watch still replays, then ends like every other watch.
                watch.End();
            }
            else
            {
                _watchers.Add(watch);
            }
            return new WatchStartResult(watch, compacted);
        }
    }

    /// <summary>
    /// Under the lock that publishes, so the marker's revision covers exactly the batches already offered to the watch:
    /// every event it selects up to that revision is queued ahead of the marker.
    /// </summary>
    public bool RequestProgress(StoreWatch watch)
    {
        lock (_lock)
        {
            return _watchers.Contains(watch) && watch.OfferProgress(_revision);
        }
    }

    public void Unregister(StoreWatch watch)
    {
        lock (_lock)
        {
            var index = _watchers.IndexOf(watch);
            if (index >= 0)
            {
                RemoveWatcherAt(index);
            }
            watch.End();
        }
    }

    /// <summary>Ends every watch normally; watches started afterwards end right after their replay.</summary>
    public void EndWatches()
    {
        lock (_lock)
        {
            _ended = true;
            foreach (var watch in _watchers)
            {
                watch.End();
            }
            _watchers.Clear();
        }
    }

    private void Apply(Change change)
    {
        var key = change.Event.Key;
        if (change.IsDelete)
        {
            if (_entries.Remove(key, out var removed))
            {
                _ordered.Remove(removed);
            }
            return;
        }
        if (_entries.TryGetValue(key, out var entry))
        {
            // Updates replace the value in place; the sorted index only changes when keys come and go.
            entry.Value = change.Stored;
            return;
        }
        entry = new Entry(key) { Value = change.Stored };
        _entries.Add(key, entry);
        _ordered.Add(entry);
    }

    /// <summary>Swap-remove: watcher order carries no meaning.</summary>
    private void RemoveWatcherAt(int index)
    {
        _watchers[index] = _watchers[^1];
        _watchers.RemoveAt(_watchers.Count - 1);
    }

    /// <summary>The entries from <paramref name="prefix"/> up to (inclusive) the smallest string above every key that starts with it.</summary>
    private IEnumerable<Entry> Range(string prefix)
    {
        if (prefix.Length == 0)
        {
            return _ordered;
        }
        var upper = UpperBound(prefix);
        return upper is null
            ? _ordered.GetViewBetween(new Entry(prefix), Entry.Last)
            : _ordered.GetViewBetween(new Entry(prefix), new Entry(upper));
    }

    /// <summary>
    /// The shortest string greater (ordinally) than every string starting with <paramref name="prefix"/>: the
    /// prefix with its last non-<c>\uffff</c> character incremented and the rest dropped; null if there is none.
    /// </summary>
    private static string? UpperBound(string prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != char.MaxValue)
            {
                var next = (char)(prefix[i] + 1);
                return string.Concat(prefix.AsSpan(0, i), new ReadOnlySpan<char>(in next));
            }
        }
        return null;
    }

    /// <summary>A key's slot in both indexes; updates swap <see cref="Value"/> so the sorted index is untouched.</summary>
    private sealed class Entry(string key)
    {
        /// <summary>Sorts after every real entry; a range bound only.</summary>
        public static readonly Entry Last = new(string.Empty);

        public string Key { get; } = key;

        public StoredValue Value { get; set; } = null!;
    }

    private sealed class EntryKeyComparer : IComparer<Entry>
    {
        public static readonly EntryKeyComparer Instance = new();

        public int Compare(Entry? x, Entry? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }
            if (ReferenceEquals(x, Entry.Last))
            {
                return 1;
            }
            if (ReferenceEquals(y, Entry.Last))
            {
                return -1;
            }
            return string.CompareOrdinal(x!.Key, y!.Key);
        }
    }
}
