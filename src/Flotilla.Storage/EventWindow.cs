using System.Diagnostics;

namespace Flotilla.Storage;

/// <summary>
/// A ring of the most recent events, for watches that resume from a revision.
/// </summary>
/// <remarks>
/// Invariant: the window holds exactly the events with revisions <see cref="Compacted"/> + 1 through
/// <see cref="Compacted"/> + count, in order. It holds because every revision belongs to exactly one committed
/// write and every committed write is appended, so an event's position follows from its revision.
/// Not thread-safe: <see cref="StoreState"/> guards it with its lock; only <see cref="Compacted"/> may be read
/// without the lock.
/// </remarks>
internal sealed class EventWindow
{
    private readonly WatchEvent[] _ring;
    private int _head;
    private int _count;
    private long _compacted;

    public EventWindow(int capacity, long compactedRevision)
    {
        _ring = new WatchEvent[capacity];
        _compacted = compactedRevision;
    }

    /// <summary>The newest revision no longer retained; watches may start after it or later.</summary>
    public long Compacted => Volatile.Read(ref _compacted);

    public void Append(WatchEvent change)
    {
        Debug.Assert(change.Revision == _compacted + _count + 1, "window revisions must be consecutive");
        if (_ring.Length == 0)
        {
            Volatile.Write(ref _compacted, change.Revision);
            return;
        }
        if (_count < _ring.Length)
        {
            _ring[(_head + _count) % _ring.Length] = change;
            _count++;
            return;
        }
        var evicted = _ring[_head];
        _ring[_head] = change;
        _head = (_head + 1) % _ring.Length;
        Volatile.Write(ref _compacted, evicted.Revision);
    }

    /// <summary>The retained events after <paramref name="afterRevision"/> (which must be at least <see cref="Compacted"/>) under <paramref name="prefix"/>.</summary>
    public WatchEvent[] Collect(long afterRevision, string prefix)
    {
        Debug.Assert(afterRevision >= _compacted, "callers check for expiry first");
        var skip = afterRevision - _compacted;
        if (skip >= _count)
        {
            return [];
        }
        var matches = new List<WatchEvent>();
        for (var i = (int)skip; i < _count; i++)
        {
            var change = _ring[(_head + i) % _ring.Length];
            if (change.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                matches.Add(change);
            }
        }
        return [.. matches];
    }
}
