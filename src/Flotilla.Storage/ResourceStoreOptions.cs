namespace Flotilla.Storage;

/// <summary>
/// Tuning for the in-process store backends (<see cref="MemoryResourceStore"/> and
/// <see cref="SqliteResourceStore"/>). The defaults suit an API server with tens of thousands of objects.
/// </summary>
public sealed class ResourceStoreOptions
{
    /// <summary>
    /// How many of the most recent events are kept so that watches can resume from a revision
    /// (the watch window). A watch from before the window is <see cref="WatchStartResult.Expired"/>.
    /// Zero keeps no history: watches can start only from the current revision.
    /// </summary>
    public int EventWindowSize { get; set; } = 10_000;

    /// <summary>
    /// How many live events one watcher may have queued but not yet read. A watcher that falls further behind
    /// is ended with <see cref="WatchOverflowException"/>, so a slow reader never holds writers back.
    /// </summary>
    public int WatcherBufferSize { get; set; } = 10_000;

    /// <summary>
    /// The most writes the writer loop applies in one batch (for SQLite, one transaction and one fsync).
    /// Bounds the latency a single batch adds to the writes queued behind it.
    /// </summary>
    public int MaxBatchSize { get; set; } = 1_024;

    /// <summary>Copies and checks the options, so later changes to this instance do not reach a running store.</summary>
    internal ResourceStoreOptions Validated()
    {
        if (EventWindowSize < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(EventWindowSize), EventWindowSize,
                $"{nameof(EventWindowSize)} must be zero or more; set it to the number of events watches may resume from.");
        }
        if (WatcherBufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(WatcherBufferSize), WatcherBufferSize,
                $"{nameof(WatcherBufferSize)} must be at least 1; set it to the events a watcher may lag behind.");
        }
        if (MaxBatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBatchSize), MaxBatchSize,
                $"{nameof(MaxBatchSize)} must be at least 1; set it to the most writes one commit may carry.");
        }
        return new ResourceStoreOptions
        {
            EventWindowSize = EventWindowSize,
            WatcherBufferSize = WatcherBufferSize,
            MaxBatchSize = MaxBatchSize,
        };
    }
}
