using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Events;

internal static partial class EventLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Event queue full ({Capacity}); dropping events, starting with {Reason} for {Object}")]
    public static partial void QueueFull(ILogger logger, int capacity, string reason, string @object);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped event {Reason} for {Kind} {Name}: the queue is full")]
    public static partial void Dropped(ILogger logger, string reason, string kind, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped event {Reason} for {Kind} {Name}: too many events about the object (spam limit)")]
    public static partial void SpamFiltered(ILogger logger, string reason, string kind, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write event {Namespace}/{Name} ({Reason} for {Object}); dropping it")]
    public static partial void WriteFailed(ILogger logger, Exception exception, string @namespace, string name, string reason, string @object);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event {Namespace}/{Name} already exists")]
    public static partial void AlreadyExists(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abandoning {Count} unwritten event(s) at shutdown")]
    public static partial void Abandoned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dropped event {Reason} for {Kind} {Name}: the recorder was disposed")]
    public static partial void RecordedAfterDispose(ILogger logger, string reason, string kind, string name);
}
