using Flotilla.Api.Meta;

namespace Flotilla.Client.Informers;

/// <summary>
/// Reads an informer's cache: never the server. Results are snapshots (later changes do not show in a list already
/// returned) of shared objects: do not modify them. Thread-safe.
/// </summary>
public sealed class Lister<T>
    where T : class
{
    private readonly InformerStore<T> _store;
    private readonly ObjectAccessor<T> _accessor;

    internal Lister(InformerStore<T> store, ObjectAccessor<T> accessor)
    {
        _store = store;
        _accessor = accessor;
    }

    /// <summary>How many objects are cached.</summary>
    public int Count => _store.Count;

    /// <summary>The object <paramref name="name"/> in <paramref name="namespace"/> (null or empty for cluster-scoped objects); null when not cached.</summary>
    public T? Get(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _store.Get(ObjectAccessor<T>.Key(@namespace, name));
    }

    /// <summary>The object under a cache key (<c>namespace/name</c> or <c>name</c>); null when not cached.</summary>
    public T? GetByKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return _store.Get(key);
    }

    /// <summary>The cached objects, of one namespace when <paramref name="namespace"/> is given, matching <paramref name="selector"/> when given.</summary>
    public IReadOnlyList<T> List(string? @namespace = null, LabelSelector? selector = null)
    {
        Func<T, bool>? filter = selector is null || selector.IsEverything ? null : obj => _accessor.MatchesLabels(obj, selector);
        return @namespace is null
            ? _store.List(filter)
            : _store.ByIndex(SharedInformer.NamespaceIndex, @namespace, filter);
    }

    /// <summary>The cache keys.</summary>
    public IReadOnlyList<string> ListKeys() => _store.Keys();

    /// <summary>The cached objects indexed under <paramref name="indexedValue"/> by the index <paramref name="indexName"/>.</summary>
    /// <exception cref="ArgumentException">The informer has no such index.</exception>
    public IReadOnlyList<T> ByIndex(string indexName, string indexedValue) => _store.ByIndex(indexName, indexedValue, null);

    /// <summary>The values the index <paramref name="indexName"/> currently holds objects under.</summary>
    /// <exception cref="ArgumentException">The informer has no such index.</exception>
    public IReadOnlyList<string> IndexValues(string indexName) => _store.IndexValues(indexName);
}
