namespace Flotilla.Client.Informers;

/// <summary>
/// Receives an informer's changes. For one handler, calls come one at a time, in the order the informer applied
/// the changes to its cache: a change is never delivered twice, and never out of order for a key. Handlers run on
/// the handler's own loop, so a slow one delays only itself; they should be quick (enqueue a key) and must not
/// modify the objects, which are shared with the cache and every other handler.
/// </summary>
public interface IResourceEventHandler<T>
    where T : class
{
    /// <summary>
    /// An object appeared. <paramref name="isInInitialList"/> is true for the objects of the first list, and for the
    /// cache's contents replayed to a handler added after the informer synced.
    /// </summary>
    void OnAdd(T obj, bool isInInitialList);

    /// <summary>
    /// An object changed from <paramref name="oldObj"/> to <paramref name="newObj"/>. On a resync both are the same
    /// instance: nothing changed, but the handler gets a chance to re-check.
    /// </summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>An object is gone.</summary>
    void OnDelete(DeletedObject<T> deleted);
}

/// <summary>A deleted object, as delete handlers receive it.</summary>
/// <param name="Key">The cache key, <c>namespace/name</c> or <c>name</c>.</param>
/// <param name="Object">The final state from the watch's DELETED event; for a tombstone, the last state the informer saw.</param>
/// <param name="FinalStateUnknown">
/// True for a tombstone: the delete happened while the informer was not watching and was found by a re-list, so
/// <paramref name="Object"/> is the last state the informer knew, not the object's final state.
/// </param>
public sealed record DeletedObject<T>(string Key, T Object, bool FinalStateUnknown)
    where T : class;

/// <summary>A handler added to a <see cref="SharedInformer{T}"/>; dispose it to stop the deliveries.</summary>
public sealed class EventHandlerRegistration : IDisposable
{
    private readonly Action<EventHandlerRegistration> _remove;
    private volatile bool _synced;
    private int _disposed;

    internal EventHandlerRegistration(Action<EventHandlerRegistration> remove) => _remove = remove;

    /// <summary>
    /// True once the handler has been given every object of the informer's initial list (or, for a handler added
    /// later, of the cache when it was added).
    /// </summary>
    public bool HasSynced => _synced;

    /// <summary>Stops delivering to the handler (a call in progress finishes).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _remove(this);
        }
    }

    internal void MarkSynced() => _synced = true;
}

/// <summary>Adapts delegates to <see cref="IResourceEventHandler{T}"/>.</summary>
internal sealed class DelegateEventHandler<T>(Action<T>? onAdd, Action<T, T>? onUpdate, Action<DeletedObject<T>>? onDelete) : IResourceEventHandler<T>
    where T : class
{
    public void OnAdd(T obj, bool isInInitialList) => onAdd?.Invoke(obj);

    public void OnUpdate(T oldObj, T newObj) => onUpdate?.Invoke(oldObj, newObj);

    public void OnDelete(DeletedObject<T> deleted) => onDelete?.Invoke(deleted);
}
