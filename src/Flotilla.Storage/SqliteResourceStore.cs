namespace Flotilla.Storage;

/// <summary>
/// The default, durable <see cref="IResourceStore"/>: one SQLite file in WAL mode with <c>synchronous=FULL</c>,
/// so a write's task completes only after its transaction is on disk. Concurrent writes are grouped into one
/// transaction (group commit). Reads and watches are served from memory and never touch SQLite.
/// </summary>
/// <remarks>
/// The file holds only the current objects and the revision counter, not history: after reopening, the state
/// and revision are exactly as they were, revisions keep increasing (deleted objects' revisions are never
/// reused), and the watch window starts empty, so <see cref="CompactedRevision"/> equals <see cref="Revision"/>
/// and watches from older revisions are <see cref="WatchStartResult.Expired"/> (clients relist, as they do after
/// an API server restart). The store holds the file exclusively while open.
/// </remarks>
public sealed class SqliteResourceStore : IResourceStore
{
    private readonly StoreEngine _engine;
    private readonly SqliteJournal _journal;

    private SqliteResourceStore(string path, StoreEngine engine, SqliteJournal journal)
    {
        Path = path;
        _engine = engine;
        _journal = journal;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public long Revision => _engine.Revision;

    /// <inheritdoc />
    public long CompactedRevision => _engine.CompactedRevision;

    /// <summary>SQLite write transactions committed since opening; tests use it to check that writes are grouped.</summary>
    internal long CommittedTransactions => _journal.CommittedTransactions;

    /// <summary>
    /// Opens the store in <paramref name="path"/>, creating the file (not its directory) if needed, and loads its
    /// objects into memory.
    /// </summary>
    /// <param name="path">The database file. Its directory must exist.</param>
    /// <param name="options">Window, buffer and batch sizes; defaults when null.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    /// <exception cref="IOException">Another open store (or SQLite client) holds the file.</exception>
    /// <exception cref="Microsoft.Data.Sqlite.SqliteException">The file cannot be opened or is not a database.</exception>
    /// <exception cref="NotSupportedException">The file was written by a newer schema version.</exception>
    public static async Task<SqliteResourceStore> OpenAsync(string path, ResourceStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var validated = (options ?? new ResourceStoreOptions()).Validated();
        var (journal, items, revision) = await SqliteJournal.OpenAsync(path, cancellationToken).ConfigureAwait(false);
        var engine = new StoreEngine(new StoreState(items, revision, validated), journal, validated);
        return new SqliteResourceStore(path, engine, journal);
    }

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

    /// <summary>Commits queued writes, closes the file, then ends every watch (their enumerations complete normally).</summary>
    public ValueTask DisposeAsync() => _engine.DisposeAsync();
}
