using System.Threading.Channels;

namespace Flotilla.Storage;

/// <summary>
/// The store both in-process backends are: a single writer loop in front of <see cref="StoreState"/>, with an
/// optional <see cref="IWriteJournal"/> for durability (none for the memory backend).
/// </summary>
/// <remarks>
/// Group commit: callers queue writes; the writer drains what is queued (up to the batch size), checks each
/// write's precondition in order against the current state plus the batch's earlier writes, renders the
/// successful ones with consecutive revisions, commits them in one journal call, then publishes them to the
/// state and completes every caller. So:
/// <list type="bullet">
/// <item>revisions are assigned only to writes that commit, in commit order, with no gaps;</item>
/// <item>nothing is visible to readers or watchers, nor acknowledged, before it is durable;</item>
/// <item>a batch whose commit fails fails all its writes and changes nothing.</item>
/// </list>
/// The writer runs on its own thread because journal commits block on fsync; that must not hold a pool thread.
/// </remarks>
internal sealed class StoreEngine : IResourceStore
{
    private readonly StoreState _state;
    private readonly IWriteJournal? _journal;
    private readonly int _maxBatchSize;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly TaskCompletionSource _writerStopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Writer-thread scratch, reused across batches.
    private readonly List<PendingWrite> _batch = [];
    private readonly List<Change> _changes = [];
    private readonly Dictionary<string, StoredValue?> _batchState = new(StringComparer.Ordinal);

    private readonly Lock _disposeLock = new();
    private volatile Task? _disposal;
    private volatile Exception? _fault;

    public StoreEngine(StoreState state, IWriteJournal? journal, ResourceStoreOptions options)
    {
        _state = state;
        _journal = journal;
        _maxBatchSize = options.MaxBatchSize;
        new Thread(RunWriter) { IsBackground = true, Name = "Flotilla store writer" }.Start();
    }

    public long Revision => _state.Revision;

    public long CompactedRevision => _state.CompactedRevision;

    public StoredValue? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _state.Get(key);
    }

    public ListResult List(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return _state.List(prefix);
    }

    public ValueTask<WriteResult> CreateAsync(string key, Func<long, byte[]> render, CancellationToken cancellationToken = default) =>
        Enqueue(WriteKind.Create, key, 0, render, cancellationToken);

    public ValueTask<WriteResult> UpdateAsync(string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken = default) =>
        Enqueue(WriteKind.Update, key, expectedRevision, render, cancellationToken);

    public ValueTask<WriteResult> DeleteAsync(string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken = default) =>
        Enqueue(WriteKind.Delete, key, expectedRevision, render, cancellationToken);

    public WatchStartResult Watch(string prefix, long afterRevision)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentOutOfRangeException.ThrowIfNegative(afterRevision);
        if (_disposal is not null)
        {
            throw new ObjectDisposedException(nameof(IResourceStore), "The store is disposed; watches can no longer start.");
        }
        return _state.Watch(prefix, afterRevision);
    }

    public ValueTask DisposeAsync()
    {
        // Idempotent: every caller awaits the one disposal.
        lock (_disposeLock)
        {
            _disposal ??= DisposeCoreAsync();
            return new ValueTask(_disposal);
        }
    }

    private async Task DisposeCoreAsync()
    {
        // Completing the queue lets the writer drain and commit everything already accepted, then stop.
        _queue.Writer.TryComplete();
        try
        {
            await _writerStopped.Task.ConfigureAwait(false);
        }
        finally
        {
            _journal?.Dispose();
            _state.EndWatches();
        }
    }

    private ValueTask<WriteResult> Enqueue(WriteKind kind, string key, long expectedRevision, Func<long, byte[]> render, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(render);
        if (_fault is { } fault)
        {
            throw new InvalidOperationException("The store's writer failed and accepts no more writes; reopen the store.", fault);
        }
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<WriteResult>(cancellationToken);
        }
        var write = new PendingWrite(kind, key, expectedRevision, render);
        write.ObserveCancellation(cancellationToken);
        if (!_queue.Writer.TryWrite(write))
        {
            // The queue completes only on disposal or a writer fault.
            write.Abandon();
            throw _fault is { } lateFault
                ? new InvalidOperationException("The store's writer failed and accepts no more writes; reopen the store.", lateFault)
                : new ObjectDisposedException(nameof(IResourceStore), "The store is disposed; writes are no longer accepted.");
        }
        return new ValueTask<WriteResult>(write.Task);
    }

    private void RunWriter()
    {
        var reader = _queue.Reader;
        try
        {
            while (WaitToRead(reader))
            {
                while (_batch.Count < _maxBatchSize && reader.TryRead(out var write))
                {
                    if (write.TryClaim())
                    {
                        _batch.Add(write);
                    }
                }
                if (_batch.Count > 0)
                {
                    ProcessBatch();
                }
            }
            _writerStopped.TrySetResult();
        }
        catch (Exception error)
        {
            // A bug, not an I/O failure (those fail only their batch): state and journal may disagree, so stop
            // accepting writes and fail whatever is in flight.
            _fault = error;
            _queue.Writer.TryComplete();
            foreach (var write in _batch)
            {
                write.Fail(error);
            }
            while (reader.TryRead(out var write))
            {
                write.Fail(error);
            }
            _writerStopped.TrySetResult();
        }
    }

    private static bool WaitToRead(ChannelReader<PendingWrite> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void ProcessBatch()
    {
        Plan();
        if (_changes.Count > 0)
        {
            try
            {
                _journal?.Commit(_changes, _changes[^1].Event.Revision);
            }
            catch (Exception error)
            {
                // Nothing of the batch was persisted or published, and no revision was taken, so the store
                // stays consistent and later batches may succeed.
                foreach (var write in _batch)
                {
                    write.Fail(error);
                }
                ClearBatch();
                return;
            }
            _state.Publish(_changes);
        }
        foreach (var write in _batch)
        {
            write.Complete();
        }
        ClearBatch();
    }

    /// <summary>
    /// Decides each write of the batch in queue order against the current state plus the batch's earlier
    /// writes, and fills <see cref="_changes"/> with the successful ones under consecutive revisions.
    /// </summary>
    private void Plan()
    {
        var revision = _state.Revision;
        foreach (var write in _batch)
        {
            var current = _batchState.TryGetValue(write.Key, out var planned) ? planned : _state.GetForWriter(write.Key);
            var status = Check(write, current);
            if (status != WriteStatus.Ok)
            {
                write.Result = new WriteResult(status, status == WriteStatus.NotFound ? null : current);
                continue;
            }
            byte[] value;
            try
            {
                value = write.Render(revision + 1)
                    ?? throw new InvalidOperationException($"The render function for '{write.Key}' returned null; it must return the bytes to store.");
            }
            catch (Exception error)
            {
                // The revision was never used, so the next write takes it.
                write.Error = error;
                continue;
            }
            revision++;
            var stored = new StoredValue(write.Key, revision, value);
            var type = write.Kind switch
            {
                WriteKind.Create => WatchEventType.Added,
                WriteKind.Update => WatchEventType.Modified,
                _ => WatchEventType.Deleted,
            };
            _changes.Add(new Change(new WatchEvent(type, write.Key, revision, value, current?.Value), stored));
            _batchState[write.Key] = type == WatchEventType.Deleted ? null : stored;
            write.Result = new WriteResult(WriteStatus.Ok, stored);
        }
    }

    private static WriteStatus Check(PendingWrite write, StoredValue? current)
    {
        if (write.Kind == WriteKind.Create)
        {
            return current is null ? WriteStatus.Ok : WriteStatus.AlreadyExists;
        }
        if (current is null)
        {
            return WriteStatus.NotFound;
        }
        return current.Revision == write.ExpectedRevision ? WriteStatus.Ok : WriteStatus.Conflict;
    }

    private void ClearBatch()
    {
        _batch.Clear();
        _changes.Clear();
        _batchState.Clear();
    }
}
