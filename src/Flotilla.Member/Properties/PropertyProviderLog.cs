using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Properties;

internal static partial class PropertyProviderLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "The property provider {Provider} has started")]
    public static partial void Started(ILogger logger, string provider);

    [LoggerMessage(Level = LogLevel.Error, Message = "The property provider {Provider} did not start within {Timeout}; using the built-in property collection")]
    public static partial void StartTimedOut(ILogger logger, string provider, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Error, Message = "The property provider {Provider} failed to start; using the built-in property collection")]
    public static partial void StartFailed(ILogger logger, Exception exception, string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The property provider did not answer within {Timeout}")]
    public static partial void CollectTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Outstanding} calls to the property provider are still outstanding; not calling it again until one returns")]
    public static partial void TooManyCalls(ILogger logger, int outstanding);

    [LoggerMessage(Level = LogLevel.Error, Message = "The property provider failed to collect properties")]
    public static partial void CollectFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the member cluster's version: {Message}")]
    public static partial void VersionFailed(ILogger logger, string message);
}
