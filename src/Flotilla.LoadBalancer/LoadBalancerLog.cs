using System.Net;
using Microsoft.Extensions.Logging;

namespace Flotilla.LoadBalancer;

/// <summary>The load balancer's log messages. Per-connection events are Debug, so traffic never floods the log;
/// health transitions and configuration changes are Information or Warning.</summary>
internal static partial class LoadBalancerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} added on {ListenAddress} with {Ports} port(s)")]
    public static partial void ServiceAdded(ILogger logger, string service, IPAddress listenAddress, int ports);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} updated on {ListenAddress} with {Ports} port(s)")]
    public static partial void ServiceUpdated(ILogger logger, string service, IPAddress listenAddress, int ports);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} removed; its connections close within {DrainSeconds} s")]
    public static partial void ServiceRemoved(ILogger logger, string service, double drainSeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} listening on {EndPoint}")]
    public static partial void Listening(ILogger logger, string service, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} stopped listening on {EndPoint}")]
    public static partial void ListenerStopped(ILogger logger, string service, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service {Service} failed to accept on {EndPoint}; retrying shortly")]
    public static partial void AcceptFailed(ILogger logger, Exception exception, string service, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} port {Port}: no endpoints; closing the client")]
    public static partial void NoEndpoints(ILogger logger, string service, int port);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} port {Port}: connect to {EndPoint} failed: {Reason}")]
    public static partial void ConnectFailed(ILogger logger, string service, int port, IPEndPoint endPoint, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} port {Port}: none of {Tried} endpoint(s) tried accepted a connection; closing the client")]
    public static partial void NoEndpointReachable(ILogger logger, string service, int port, int tried);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} port {Port}: connection ended abnormally")]
    public static partial void ConnectionFailed(ILogger logger, Exception exception, string service, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} port {Port}: endpoint {EndPoint} ejected for {Seconds} s after a failed connect")]
    public static partial void EndpointEjectedPassively(ILogger logger, string service, int port, IPEndPoint endPoint, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} port {Port}: endpoint {EndPoint} readmitted after its ejection period")]
    public static partial void EndpointReadmitted(ILogger logger, string service, int port, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service {Service} port {Port}: endpoint {EndPoint} ejected: its active health check failed")]
    public static partial void EndpointEjectedActively(ILogger logger, string service, int port, IPEndPoint endPoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} port {Port}: endpoint {EndPoint} passed its active health check (healthy: {Healthy})")]
    public static partial void EndpointPassedActiveCheck(ILogger logger, string service, int port, IPEndPoint endPoint, bool healthy);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Service {Service} port {Port}: active health check of {EndPoint} failed: {Reason}")]
    public static partial void ActiveCheckFailed(ILogger logger, string service, int port, IPEndPoint endPoint, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} port {Port}: drain timeout over for removed endpoint {EndPoint}; closing {Connections} connection(s)")]
    public static partial void DrainTimeoutClosing(ILogger logger, string service, int port, IPEndPoint endPoint, int connections);
}
