using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Informers;

/// <summary>
/// An informer's cache (client-go's indexer): objects by key, the indexes over them, and the handlers to tell about
/// changes. Every change to the cache and the posting of its notifications happen under one lock, so the order in
/// which handlers are told is the order of the cache's changes, and a handler added at any moment gets the cache's
/// contents followed by exactly the changes after them. Reads take the same lock briefly and return copies.
/// </summary>
/// <remarks>
/// Invariant: for every index, <c>_indexed[index][key]</c> holds the values the index function gave for the cached
/// object under <c>key</c>, and <c>_index[index][value]</c> is the set of keys whose values include <c>value</c>.
/// </remarks>
internal sealed class InformerStore<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Index> _indexes = new(StringComparer.Ordinal);
    private readonly List<HandlerListener<T>> _listeners = [];
    private readonly ObjectAccessor<T> _accessor;
    private readonly ILogger _logger;
    private readonly string _informer;
    private readonly Action _onFirstSync;
    private volatile bool _synced;

    public InformerStore(ObjectAccessor<T> accessor, ILogger logger, string informer, Action onFirstSync)
    {
        _accessor = accessor;
        _logger = logger;
        _informer = informer;
        _onFirstSync = onFirstSync;
        AddIndex(SharedInformer.NamespaceIndex, obj => [accessor.Namespace(obj) ?? ""]);
    }

    public bool HasSynced => _synced;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>
    /// A (re-)list: the cache becomes exactly <paramref name="items"/>. Objects that vanished are deleted with
    /// tombstones, new ones added, changed ones (another resourceVersion) updated, and one with another uid (deleted
    /// and re-created meanwhile) deleted then added. Unchanged objects notify nobody.
    /// </summary>
    public void Replace(IReadOnlyList<T> items)
    {
        var listed = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items)
        {
            listed[_accessor.KeyOf(item)] = item;
        }
        bool initial;
        lock (_lock)
        {
            initial = !_synced;
            foreach (var (key, old) in _items.Where(pair => !listed.ContainsKey(pair.Key)).ToList())
            {
                RemoveLocked(key);
                NotifyLocked(Notification<T>.Delete(new DeletedObject<T>(key, old, FinalStateUnknown: true)));
            }
            foreach (var (key, item) in listed)
            {
                if (!_items.TryGetValue(key, out var old))
                {
                    SetLocked(key, null, item);
                    NotifyLocked(Notification<T>.Add(item, initial));
                }
                else if (Recreated(old, item))
                {
                    RemoveLocked(key);
                    NotifyLocked(Notification<T>.Delete(new DeletedObject<T>(key, old, FinalStateUnknown: true)));
                    SetLocked(key, null, item);
                    NotifyLocked(Notification<T>.Add(item, false));
                }
                else if (_accessor.ResourceVersion(old) != _accessor.ResourceVersion(item))
                {
                    SetLocked(key, old, item);
                    NotifyLocked(Notification<T>.Update(old, item));
                }
            }
            if (initial)
            {
                _synced = true;
                NotifyLocked(Notification<T>.SyncedMarker);
            }
        }
        if (initial)
        {
            _onFirstSync();
        }
    }

    /// <summary>Applies one watch event (ADDED, MODIFIED or DELETED).</summary>
    public void Apply(WatchEventType type, T obj)
    {
        var key = _accessor.KeyOf(obj);
        lock (_lock)
        {
            var known = _items.TryGetValue(key, out var old);
            if (type == WatchEventType.Deleted)
            {
                // A delete of an object never seen (impossible after a correct list) has nothing to tell anyone.
                if (known)
                {
                    RemoveLocked(key);
                    NotifyLocked(Notification<T>.Delete(new DeletedObject<T>(key, obj, FinalStateUnknown: false)));
                }
                return;
            }
            if (!known)
            {
                SetLocked(key, null, obj);
                NotifyLocked(Notification<T>.Add(obj, false));
                return;
            }
            // The same version again (a server replaying an event) is not a change: never deliver a change twice.
            if (_accessor.ResourceVersion(old!) == _accessor.ResourceVersion(obj) && !Recreated(old!, obj))
            {
                return;
            }
            SetLocked(key, old, obj);
            NotifyLocked(Notification<T>.Update(old!, obj));
        }
    }

    /// <summary>Delivers every cached object again as an update to itself.</summary>
    public void Resync()
    {
        lock (_lock)
        {
            if (!_synced)
            {
                return;
            }
            foreach (var item in _items.Values)
            {
                NotifyLocked(Notification<T>.Update(item, item));
            }
        }
    }

    /// <summary>Adds a handler: it gets the cache's contents as adds (once synced), then every later change.</summary>
    public void AddListener(HandlerListener<T> listener)
    {
        lock (_lock)
        {
            if (_synced)
            {
                foreach (var item in _items.Values)
                {
                    listener.Post(Notification<T>.Add(item, true));
                }
                listener.Post(Notification<T>.SyncedMarker);
            }
            _listeners.Add(listener);
        }
    }

    public bool RemoveListener(HandlerListener<T> listener)
    {
        lock (_lock)
        {
            return _listeners.Remove(listener);
        }
    }

    public HandlerListener<T>[] RemoveAllListeners()
    {
        lock (_lock)
        {
            var all = _listeners.ToArray();
            _listeners.Clear();
            return all;
        }
    }

    public T? Get(string key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public List<T> List(Func<T, bool>? filter)
    {
        lock (_lock)
        {
            var result = new List<T>(filter is null ? _items.Count : 0);
            foreach (var item in _items.Values)
            {
                if (filter is null || filter(item))
                {
                    result.Add(item);
                }
            }
            return result;
        }
    }

    public List<string> Keys()
    {
        lock (_lock)
        {
            return [.. _items.Keys];
        }
    }

    public List<T> ByIndex(string indexName, string value, Func<T, bool>? filter)
    {
        lock (_lock)
        {
            if (!_indexes.TryGetValue(indexName, out var index))
            {
                throw new ArgumentException($"the informer has no index \"{indexName}\"; add it with AddIndex first", nameof(indexName));
            }
            var result = new List<T>();
            if (index.Keys.TryGetValue(value, out var keys))
            {
                foreach (var key in keys)
                {
                    var item = _items[key];
                    if (filter is null || filter(item))
                    {
                        result.Add(item);
                    }
                }
            }
            return result;
        }
    }

    public List<string> IndexValues(string indexName)
    {
        lock (_lock)
        {
            return _indexes.TryGetValue(indexName, out var index)
                ? [.. index.Keys.Keys]
                : throw new ArgumentException($"the informer has no index \"{indexName}\"; add it with AddIndex first", nameof(indexName));
        }
    }

    /// <summary>Adds an index, built at once over what is cached and kept up to date from then on.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexFunc)
    {
        lock (_lock)
        {
            var index = new Index(indexFunc);
            if (!_indexes.TryAdd(name, index))
            {
                throw new ArgumentException($"the informer already has an index \"{name}\"", nameof(name));
            }
            foreach (var (key, item) in _items)
            {
                IndexLocked(index, key, item);
            }
        }
    }

    private bool Recreated(T old, T current) =>
        _accessor.Uid(old) is { Length: > 0 } before && _accessor.Uid(current) is { Length: > 0 } after && before != after;

    private void SetLocked(string key, T? old, T item)
    {
        _items[key] = item;
        foreach (var index in _indexes.Values)
        {
            if (old is not null)
            {
                UnindexLocked(index, key);
            }
            IndexLocked(index, key, item);
        }
    }

    private void RemoveLocked(string key)
    {
        _items.Remove(key);
        foreach (var index in _indexes.Values)
        {
            UnindexLocked(index, key);
        }
    }

    private void IndexLocked(Index index, string key, T item)
    {
        string[] values;
        try
        {
            values = [.. index.Function(item).Distinct(StringComparer.Ordinal)];
        }
        catch (Exception e)
        {
            // A faulty index function must not stop the informer: the object is just not in that index.
            InformerLog.IndexFailed(_logger, e, _informer, key);
            return;
        }
        if (values.Length == 0)
        {
            return;
        }
        index.Values[key] = values;
        foreach (var value in values)
        {
            if (!index.Keys.TryGetValue(value, out var keys))
            {
                index.Keys[value] = keys = new HashSet<string>(StringComparer.Ordinal);
            }
            keys.Add(key);
        }
    }

    private static void UnindexLocked(Index index, string key)
    {
        if (!index.Values.Remove(key, out var values))
        {
            return;
        }
        foreach (var value in values)
        {
            var keys = index.Keys[value];
            keys.Remove(key);
            if (keys.Count == 0)
            {
                index.Keys.Remove(value);
            }
        }
    }

    private void NotifyLocked(Notification<T> notification)
    {
        foreach (var listener in _listeners)
        {
            listener.Post(notification);
        }
    }

    private sealed class Index(Func<T, IEnumerable<string>> function)
    {
        public Func<T, IEnumerable<string>> Function { get; } = function;

        /// <summary>Index value → the keys indexed under it.</summary>
        public Dictionary<string, HashSet<string>> Keys { get; } = new(StringComparer.Ordinal);

        /// <summary>Key → the values it is indexed under (so an update un-indexes exactly what was indexed).</summary>
        public Dictionary<string, string[]> Values { get; } = new(StringComparer.Ordinal);
    }
}
