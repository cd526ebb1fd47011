using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Informers;

/// <summary>The informers' log messages.</summary>
internal static partial class InformerLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Informer {Informer}: listed {Count} object(s) at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string informer, int count, string resourceVersion);

    [LoggerMessage(EventId = 102, Level = LogLevel.Information, Message = "Informer {Informer}: cache synced")]
    public static partial void Synced(ILogger logger, string informer);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Informer {Informer}: resourceVersion {ResourceVersion} is no longer retained by the server (410); listing again")]
    public static partial void Expired(ILogger logger, string informer, string resourceVersion);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "Informer {Informer}: the watch was silent for {IdleTimeout} (no event, no bookmark); restarting it from resourceVersion {ResourceVersion}")]
    public static partial void WatchSilent(ILogger logger, string informer, TimeSpan idleTimeout, string resourceVersion);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Informer {Informer}: {Operation} failed (attempt {Attempt}); retrying in {Delay}")]
    public static partial void Failed(ILogger logger, Exception exception, string informer, string operation, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Informer {Informer}: an event handler threw on {Kind}; it keeps receiving later changes")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string informer, NotificationKind kind);

    [LoggerMessage(EventId = 107, Level = LogLevel.Error, Message = "Informer {Informer}: an index function threw for {Key}; the object is left out of that index")]
    public static partial void IndexFailed(ILogger logger, Exception exception, string informer, string key);

    [LoggerMessage(EventId = 108, Level = LogLevel.Debug, Message = "Informer {Informer}: watch from resourceVersion {ResourceVersion} ended; watching again")]
    public static partial void WatchEnded(ILogger logger, string informer, string resourceVersion);
}
