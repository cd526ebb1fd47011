using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Runtime.Events;

/// <summary>How an <see cref="EventRecorder"/> writes, aggregates and limits Events.</summary>
public sealed class EventRecorderOptions
{
    /// <summary>Who reports: the Events' <c>source.component</c> and <c>reportingComponent</c> (kubectl's "From").</summary>
    public required string Component { get; init; }

    /// <summary>Which instance reports (a node or pod name): <c>source.host</c> and <c>reportingInstance</c>; optional.</summary>
    public string? Host { get; init; }

    /// <summary>
    /// How many events may wait for the background writer; beyond that new ones are dropped (and logged), so that
    /// callers never block. Default 1000, as client-go's broadcaster.
    /// </summary>
    public int QueueCapacity { get; init; } = 1000;

    /// <summary>
    /// A repeat of an Event (same object, type, reason and message) within this long of its last occurrence
    /// updates it (count + 1, lastTimestamp) instead of creating another. Default 10 minutes.
    /// </summary>
    public TimeSpan AggregationWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many Events about one object may be written in a burst. Default 25, as client-go's.</summary>
    public int SpamBurst { get; init; } = 25;

    /// <summary>After a burst, one more Event about the object per this interval. Default 5 minutes, as client-go's.</summary>
    public TimeSpan SpamRefillInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How many Events and objects the aggregation and spam state remembers (least recently used go first). Default 4096.</summary>
    public int CacheSize { get; init; } = 4096;

    /// <summary>How long disposing waits for queued Events to be written before abandoning them. Default 5 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The clock for timestamps, names, aggregation and spam limits; default the system's.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where write failures and drops are logged (category <c>Flotilla.Runtime.Events</c>); default none.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Component, nameof(Component));
        ArgumentOutOfRangeException.ThrowIfLessThan(QueueCapacity, 1, nameof(QueueCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(SpamBurst, 1, nameof(SpamBurst));
        ArgumentOutOfRangeException.ThrowIfLessThan(CacheSize, 1, nameof(CacheSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(AggregationWindow, TimeSpan.Zero, nameof(AggregationWindow));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SpamRefillInterval, TimeSpan.Zero, nameof(SpamRefillInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShutdownTimeout, TimeSpan.Zero, nameof(ShutdownTimeout));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
    }
}
