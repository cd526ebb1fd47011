namespace Flotilla.Storage;

/// <summary>
/// An <see cref="IResourceStore"/> that keeps everything in process memory and forgets it on disposal: for
/// tests, and for servers whose state need not survive them. It behaves exactly like
/// <see cref="SqliteResourceStore"/> apart from durability (the two share one engine).
/// </summary>
public sealed class MemoryResourceStore : IResourceStore
{
    private readonly StoreEngine _engine;

    /// <summary>Creates an empty store at revision 0.</summary>
    /// <param name="options">Window and buffer sizes; defaults when null.</param>
    public MemoryResourceStore(ResourceStoreOptions? options = null)
    {
        var validated = (options ?? new ResourceStoreOptions()).Validated();
        _engine = new StoreEngine(new StoreState([], 0, validated), journal: null, validated);
    }

    /// <inheritdoc />
    public long Revision => _engine.Revision;

    /// <inheritdoc />
    public long CompactedRevision => _engine.CompactedRevision;

    /// <inheritdoc />
    public StoredValue? Get(string key) => _engine.Get(key);

    /// <inheritdoc />
    public ListResult List(string prefix) => _engine.List(prefix);

    /// <inheritdoc />
    public ValueTask<WriteResult> CreateAsync(string key, Func<long, byte[]> render, CancellationToken cancellationToken = default) =>
        _engine.CreateAsync(key, render, cancellationToken);

    /// <inheritdoc />
    public ValueTask<WriteResult> UpdateAsync(string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken = default) =>
        _engine.UpdateAsync(key, expectedRevision, render, cancellationToken);

    /// <inheritdoc />
    public ValueTask<WriteResult> DeleteAsync(string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken = default) =>
        _engine.DeleteAsync(key, expectedRevision, render, cancellationToken);

    /// <inheritdoc />
    public WatchStartResult Watch(string prefix, long afterRevision) => _engine.Watch(prefix, afterRevision);

    /// <summary>Completes queued writes, then ends every watch (their enumerations complete normally).</summary>
    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}
