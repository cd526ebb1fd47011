namespace Flotilla.Runtime.Events;

/// <summary>A map of bounded size that forgets the least recently used entry first. Not thread-safe.</summary>
internal sealed class LruCache<TKey, TValue>(int capacity)
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<(TKey Key, TValue Value)>> _entries = [];
    private readonly LinkedList<(TKey Key, TValue Value)> _recency = new();

    public int Count => _entries.Count;

    /// <summary>Reads an entry, making it the most recently used.</summary>
    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var node))
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
            value = node.Value.Value;
            return true;
        }
        value = default!;
        return false;
    }

    /// <summary>Adds or replaces an entry as the most recently used, forgetting the least recently used beyond capacity.</summary>
    public void Set(TKey key, TValue value)
    {
        if (_entries.Remove(key, out var existing))
        {
            _recency.Remove(existing);
        }
        _entries[key] = _recency.AddFirst((key, value));
        if (_entries.Count > capacity)
        {
            var oldest = _recency.Last!;
            _recency.RemoveLast();
            _entries.Remove(oldest.Value.Key);
        }
    }
}
