using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Flotilla.Storage;

/// <summary>
/// One watcher: the retained events it replays first, then a bounded buffer of live events that the writer
/// fills without ever waiting.
/// </summary>
/// <remarks>
/// <see cref="StoreState"/> creates the watch and registers it under the same lock it publishes under, so the
/// replay (events up to the registration) and the live buffer (events after it) meet with no gap and no
/// duplicate. Only the writer side (publish, overflow, end) touches the buffer's writer, always under that lock.
/// </remarks>
internal sealed class StoreWatch : IStoreWatch
{
    private readonly StoreState _owner;
    private readonly string _prefix;
    private readonly long _afterRevision;
    private readonly Channel<WatchEvent> _live;
    private WatchEvent[] _replay;
    private int _enumerated;

    public StoreWatch(StoreState owner, string prefix, long afterRevision, WatchEvent[] replay, int bufferSize)
    {
        _owner = owner;
        _prefix = prefix;
        _afterRevision = afterRevision;
        _replay = replay;
        _live = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(bufferSize)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public async IAsyncEnumerable<WatchEvent> Events([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException("A store watch can be enumerated only once; start a new watch to read again.");
        }
        var replay = _replay;
        _replay = [];
        foreach (var change in replay)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return change;
        }
        await foreach (var change in _live.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return change;
        }
    }

    public void Dispose() => _owner.Unregister(this);

    public bool RequestProgress() => _owner.RequestProgress(this);

    /// <summary>Queues a progress marker at <paramref name="revision"/> (at least the watch's start). Caller holds the state's write lock.</summary>
    internal bool OfferProgress(long revision) =>
        _live.Writer.TryWrite(new WatchEvent(WatchEventType.Progress, "", Math.Max(revision, _afterRevision), [], null));

    /// <summary>
    /// Queues the batch's events this watch selects. Returns false when the buffer overflowed; the watch is then
    /// ended with <see cref="WatchOverflowException"/> and must be dropped. Caller holds the state's write lock.
    /// </summary>
    internal bool Offer(IReadOnlyList<Change> changes)
    {
        foreach (var change in changes)
        {
            var watchEvent = change.Event;
            if (watchEvent.Revision <= _afterRevision || !watchEvent.Key.StartsWith(_prefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (!_live.Writer.TryWrite(watchEvent))
            {
                // Every selected event before this one is queued and will be read before the exception, so the
                // reader has seen everything up to the revision just before this event.
                _live.Writer.TryComplete(new WatchOverflowException(watchEvent.Revision - 1));
                return false;
            }
        }
        return true;
    }

    /// <summary>Ends the stream normally: readers finish what is queued, then the enumeration completes.</summary>
    internal void End() => _live.Writer.TryComplete();
}
