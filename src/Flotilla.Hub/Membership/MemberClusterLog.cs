using Microsoft.Extensions.Logging;

namespace Flotilla.Hub.Membership;

internal static partial class MemberClusterLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "MemberCluster {Name} is gone; nothing to do")]
    public static partial void NotFound(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Added the finalizer and member-name label to MemberCluster {Name}")]
    public static partial void MetadataEnsured(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created {Kind} {Namespace}/{Name}")]
    public static partial void Created(ILogger logger, string kind, string? @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Updated {Kind} {Namespace}/{Name}")]
    public static partial void Updated(ILogger logger, string kind, string? @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "MemberCluster {Name}: {Condition} is now {Status} ({Reason})")]
    public static partial void ConditionChanged(ILogger logger, string name, string condition, string status, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Namespace {Namespace} is still terminating; checking again in 1s")]
    public static partial void NamespaceTerminating(ILogger logger, string @namespace);

    [LoggerMessage(Level = LogLevel.Error, Message = "Namespace {Namespace} has been terminating for {Elapsed}; something in it may be blocking its deletion (a finalizer?)")]
    public static partial void NamespaceStuck(ILogger logger, string @namespace, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "MemberCluster {Name} is leaving: asked its agents to leave; cleaning up without them in {Remaining} at the latest")]
    public static partial void AskedToLeave(ILogger logger, string name, TimeSpan remaining);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MemberCluster {Name} has been deleting for {Elapsed} without its agents reporting they left; cleaning up without them")]
    public static partial void ForceDeleting(ILogger logger, string name, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleaning up MemberCluster {Name}: removed the finalizers of {Works} Work(s), deleting namespace {Namespace}")]
    public static partial void GarbageCollecting(ILogger logger, string name, int works, string @namespace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Namespace {Namespace} is gone; removed the finalizer of MemberCluster {Name}")]
    public static partial void FinalizerRemoved(ILogger logger, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Write conflict on MemberCluster {Name} status; re-reading (attempt {Attempt})")]
    public static partial void StatusConflict(ILogger logger, string name, int attempt);
}
