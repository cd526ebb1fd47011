namespace Flotilla.Storage;

internal enum WriteKind
{
    Create,
    Update,
    Delete,
}

/// <summary>
/// A write waiting for the writer loop. A caller's cancellation wins only while the write is still queued;
/// once the writer claims it, it runs to its result (it may already be part of a committing batch).
/// </summary>
internal sealed class PendingWrite(WriteKind kind, string key, long expectedRevision, Func<long, byte[]> render)
{
    private const int Queued = 0;
    private const int Claimed = 1;
    private const int Canceled = 2;

    // Continuations run on the thread pool, never on the writer thread.
    private readonly TaskCompletionSource<WriteResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private int _state;

    public WriteKind Kind { get; } = kind;

    public string Key { get; } = key;

    public long ExpectedRevision { get; } = expectedRevision;

    public Func<long, byte[]> Render { get; } = render;

    public Task<WriteResult> Task => _completion.Task;

    /// <summary>The planned result; set by the writer, delivered by <see cref="Complete"/>.</summary>
    public WriteResult? Result { get; set; }

    /// <summary>Set instead of <see cref="Result"/> when the write fails (its render threw).</summary>
    public Exception? Error { get; set; }

    /// <summary>Must be called before the write is queued, so that the writer never sees a half-set registration.</summary>
    public void ObserveCancellation(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(
                static (state, token) => ((PendingWrite)state!).TryCancel(token), this);
        }
    }

    /// <summary>Takes the write for a batch; false if the caller canceled it first.</summary>
    public bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Queued) == Queued;

    public void Complete()
    {
        _cancellation.Unregister();
        if (Error is not null)
        {
            _completion.TrySetException(Error);
        }
        else
        {
            _completion.TrySetResult(Result!);
        }
    }

    /// <summary>Forgets a write that was never queued; its task is never handed out.</summary>
    public void Abandon() => _cancellation.Unregister();

    public void Fail(Exception error)
    {
        _cancellation.Unregister();
        _completion.TrySetException(error);
    }

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
        {
            _completion.TrySetCanceled(token);
        }
    }
}
