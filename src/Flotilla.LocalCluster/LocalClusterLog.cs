using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster;

/// <summary>The local cluster runtime's log messages.</summary>
internal static partial class LocalClusterLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} registered")]
    public static partial void NodeRegistered(ILogger logger, string node);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node leases are not written: {Reason}")]
    public static partial void LeasesUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local cluster {Cluster} starting: {Nodes} node(s), pods in {PodCidr}")]
    public static partial void Starting(ILogger logger, string cluster, int nodes, string podCidr);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local cluster {Cluster} running")]
    public static partial void Started(ILogger logger, string cluster);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local cluster {Cluster} stopped")]
    public static partial void Stopped(ILogger logger, string cluster);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Pod} bound to node {Node}")]
    public static partial void PodBound(ILogger logger, Flotilla.Runtime.NamespacedName pod, string node);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pod {Pod} is unschedulable: {Message}")]
    public static partial void PodUnschedulable(ILogger logger, Flotilla.Runtime.NamespacedName pod, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Pod} started on {Node} with IP {Ip}")]
    public static partial void PodStarted(ILogger logger, Flotilla.Runtime.NamespacedName pod, string node, string ip);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pod {Pod} stopped; IP {Ip} released")]
    public static partial void PodStopped(ILogger logger, Flotilla.Runtime.NamespacedName pod, string ip);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Pod}: no free IP in node {Node}'s range {Cidr}")]
    public static partial void NoPodIp(ILogger logger, Flotilla.Runtime.NamespacedName pod, string node, string cidr);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pod {Pod}: cannot listen on {Endpoint}: {Reason}")]
    public static partial void ListenFailed(ILogger logger, string pod, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Responder connection on {Endpoint} ended: {Reason}")]
    public static partial void ConnectionEnded(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Responder on {Endpoint} stopped accepting: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} {Key}: {Message}")]
    public static partial void WriteFailed(ILogger logger, string kind, Flotilla.Runtime.NamespacedName key, string message);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Kind} {Key}: waiting for the cache to catch up with earlier writes")]
    public static partial void ExpectationsPending(ILogger logger, string kind, Flotilla.Runtime.NamespacedName key);
}
