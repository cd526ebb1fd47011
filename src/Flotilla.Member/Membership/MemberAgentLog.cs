using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Membership;

internal static partial class MemberAgentLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "InternalMemberCluster {Namespace}/{Name} does not exist (yet); waiting for the hub to create it")]
    public static partial void NotFound(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Heartbeat sent; next in {Delay}")]
    public static partial void Heartbeat(ILogger logger, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The member cluster is unhealthy: {Message}")]
    public static partial void Unhealthy(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member cluster {Name} joined the fleet")]
    public static partial void Joined(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member cluster {Name} left the fleet")]
    public static partial void Left(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Error, Message = "The work applier failed to {Action}")]
    public static partial void WorkApplierFailed(ILogger logger, Exception exception, string action);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Write conflict on the InternalMemberCluster status; re-reading (attempt {Attempt})")]
    public static partial void StatusConflict(ILogger logger, int attempt);
}
