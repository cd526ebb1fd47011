namespace Flotilla.Storage;

/// <summary>
/// A key-value store of serialized objects with one global, monotonic revision (the Kubernetes
/// resourceVersion), compare-and-swap writes and watch-from-revision.
/// </summary>
/// <remarks>
/// Invariants every backend keeps:
/// <list type="bullet">
/// <item>Every successful write gets a revision greater than every earlier one; revisions start at 1.</item>
/// <item>A write is acknowledged (its task completes) only once it is durable for that backend.</item>
/// <item><see cref="List"/> returns a snapshot at exactly <see cref="ListResult.Revision"/>: watching from
/// that revision sees every later change and none of the earlier ones.</item>
/// <item>Watch events arrive in revision order, one per write, for keys under the watched prefix.</item>
/// </list>
/// Keys are '/'-separated paths. A prefix passed to <see cref="List"/> or <see cref="Watch"/> matches keys
/// that start with it, so callers end collection prefixes with '/'.
/// <para>
/// Byte arrays are never copied: the array a <c>render</c> function returns is the one <see cref="Get"/>,
/// <see cref="List"/> and watch events hand out, to every caller. Treat them as read-only.
/// </para>
/// <para>
/// A <c>render</c> function runs at most once, only if the write's precondition holds, on the store's writer
/// (one at a time, so keep it to serializing): it must not wait for other writes to the store. If it throws, the
/// write fails with that exception and takes no revision. A write's cancellation token cancels it only while it
/// is still queued; once the writer has taken it, it completes with its result.
/// </para>
/// </remarks>
public interface IResourceStore : IAsyncDisposable
{
    /// <summary>The revision of the latest acknowledged write (0 when the store is empty and new).</summary>
    long Revision { get; }

    /// <summary>The oldest revision a watch can still start after; older starts are <see cref="WatchStartResult.Expired"/>.</summary>
    long CompactedRevision { get; }

    /// <summary>Reads one key at the current revision.</summary>
    StoredValue? Get(string key);

    /// <summary>Reads every key under <paramref name="prefix"/>, ordered by key, as one consistent snapshot.</summary>
    ListResult List(string prefix);

    /// <summary>
    /// Creates <paramref name="key"/>. <paramref name="render"/> receives the revision this write will get and
    /// returns the bytes to store (so that a serialized resourceVersion can equal the store revision).
    /// </summary>
    ValueTask<WriteResult> CreateAsync(string key, Func<long, byte[]> render, CancellationToken cancellationToken = default);

    /// <summary>Replaces <paramref name="key"/> if its current revision is <paramref name="expectedRevision"/>.</summary>
    ValueTask<WriteResult> UpdateAsync(string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes <paramref name="key"/> if its current revision is <paramref name="expectedRevision"/>.
    /// <paramref name="render"/> gives the object's final state as the Deleted event carries it (with the
    /// deletion's revision).
    /// </summary>
    ValueTask<WriteResult> DeleteAsync(string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a watch of keys under <paramref name="prefix"/> for changes with revision strictly greater than
    /// <paramref name="afterRevision"/>. Fails with <see cref="WatchStartResult.Expired"/> when events after
    /// that revision are no longer retained.
    /// </summary>
    WatchStartResult Watch(string prefix, long afterRevision);
}

/// <summary>A stored value and the revision of the write that last changed it.</summary>
public sealed record StoredValue(string Key, long Revision, byte[] Value);

/// <summary>A consistent snapshot of a prefix.</summary>
public sealed record ListResult(long Revision, IReadOnlyList<StoredValue> Items);

public enum WriteStatus
{
    Ok,
    /// <summary>Create of a key that exists.</summary>
    AlreadyExists,
    /// <summary>Update or delete of a key that does not exist.</summary>
    NotFound,
    /// <summary>The key's revision differs from the expected one.</summary>
    Conflict,
}

/// <summary>
/// The outcome of a write. <see cref="Value"/> is the stored (or, for deletes, the final) value when
/// <see cref="Status"/> is Ok, and the current value on Conflict or AlreadyExists.
/// </summary>
public sealed record WriteResult(WriteStatus Status, StoredValue? Value)
{
    public bool Succeeded => Status == WriteStatus.Ok;
}

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>
    /// Not a change: the marker <see cref="IStoreWatch.RequestProgress"/> queues. Every event of the watch up to its
    /// <see cref="WatchEvent.Revision"/> came before it; its key and value are empty.
    /// </summary>
    Progress,
}

/// <summary>
/// One change. <see cref="Value"/> is the new state (for Deleted, the final state rendered by the delete);
/// <see cref="PreviousValue"/> is the state before the change (null for Added), which lets watchers with
/// selectors see an object leave or enter their selection.
/// </summary>
public sealed record WatchEvent(WatchEventType Type, string Key, long Revision, byte[] Value, byte[]? PreviousValue);

/// <summary>A started watch, or why it could not start.</summary>
public sealed record WatchStartResult(IStoreWatch? Watch, long OldestAvailableRevision)
{
    public bool Expired => Watch is null;
}

/// <summary>
/// A live stream of events. Events are buffered per watcher, so a slow reader never blocks writers; a reader
/// that falls too far behind is ended (<see cref="Events"/> completes with <see cref="WatchOverflowException"/>) and
/// must resume from its last revision.
/// </summary>
public interface IStoreWatch : IDisposable
{
    IAsyncEnumerable<WatchEvent> Events(CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a <see cref="WatchEventType.Progress"/> marker behind every event queued so far, carrying the store's
    /// current revision: the reader may then resume from that revision, though nothing under its prefix changed (what
    /// a bookmark needs; etcd's progress notify). False when the marker could not be queued (the watch ended or its
    /// buffer is full); no marker comes then.
    /// </summary>
    bool RequestProgress();
}

/// <summary>Ends a watch whose reader fell behind the per-watcher buffer.</summary>
public sealed class WatchOverflowException(long lastDeliveredRevision)
    : Exception($"watcher fell behind; resume after revision {lastDeliveredRevision}")
{
    public long LastDeliveredRevision { get; } = lastDeliveredRevision;
}
