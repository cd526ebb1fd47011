using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Http;

/// <summary>The client's log messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Client configuration for {Server}: {Warning}")]
    public static partial void ConfigurationWarning(ILogger logger, Uri server, string warning);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "{Method} {Path} failed ({Failure}); retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, HttpMethod method, string path, string failure, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "{Method} {Path}: server warning: {Warning}")]
    public static partial void ServerWarning(ILogger logger, HttpMethod method, string path, string warning);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Discovery of {GroupVersion} failed and is skipped: {Error}")]
    public static partial void DiscoveryFailed(ILogger logger, string groupVersion, string error);
}
