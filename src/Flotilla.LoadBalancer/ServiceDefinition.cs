using System.Net;

namespace Flotilla.LoadBalancer;

/// <summary>
/// What one virtual service should look like: where it listens, which ports it proxies and to which backends, and how
/// it balances, checks health and drains. Applied with <see cref="LoadBalancerHost.AddOrUpdateAsync"/>; applying a new
/// definition for the same <see cref="Key"/> updates the running service in place.
/// </summary>
public sealed record ServiceDefinition
{
    /// <summary>Identifies the service, e.g. <c>fleet-system/kuard-demo-kuard</c>; also the <c>service</c> tag on metrics.</summary>
    public required string Key { get; init; }

    /// <summary>The virtual IP the service listens on, e.g. an address in <c>127.250.0.0/16</c>.</summary>
    public required IPAddress ListenAddress { get; init; }

    /// <summary>The ports to listen on, each with its own backend endpoints. Port numbers are unique within a service.</summary>
    public required IReadOnlyList<ServicePortDefinition> Ports { get; init; }

    /// <summary>How a backend is picked for each new connection. Default <see cref="LoadBalancingPolicy.RoundRobin"/>.</summary>
    public LoadBalancingPolicy Policy { get; init; } = LoadBalancingPolicy.RoundRobin;

    /// <summary>How long a connect to a backend may take before it counts as failed. Default 2 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Passive health: how long an endpoint is left out of balancing after a failed connect. Default 10 s;
    /// <see cref="TimeSpan.Zero"/> turns passive ejection off (failed connects are still retried on another endpoint).
    /// </summary>
    public TimeSpan PassiveEjectionPeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Active TCP health checks (connect, then close); null, the default, turns them off.</summary>
    public ActiveHealthCheckOptions? ActiveHealthCheck { get; init; }

    /// <summary>
    /// How long connections to an endpoint that was removed (or to a removed service or port) may run on before they
    /// are closed. Default 30 s; <see cref="TimeSpan.Zero"/> closes them at once.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>One listening port of a virtual service and the backends it forwards to.</summary>
public sealed record ServicePortDefinition
{
    /// <summary>The port to listen on; 0 lets the system pick one (see <see cref="VirtualService.GetListenEndPoint"/>).</summary>
    public required int Port { get; init; }

    /// <summary>The transport protocol. Only <see cref="TransportProtocol.Tcp"/> is supported; others are rejected.</summary>
    public TransportProtocol Protocol { get; init; } = TransportProtocol.Tcp;

    /// <summary>The backend endpoints (IP and port) connections are forwarded to; may be empty, and then clients are
    /// closed at once. Duplicates count once.</summary>
    public required IReadOnlyList<IPEndPoint> Endpoints { get; init; }
}

/// <summary>Active TCP health checking: every <see cref="Interval"/>, connect to each endpoint and close again.</summary>
/// <remarks>One failed check ejects an endpoint and one successful check readmits it.</remarks>
public sealed record ActiveHealthCheckOptions
{
    /// <summary>Time between rounds of checks. Default 5 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one check's connect may take before the check fails. Default 2 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>How a backend endpoint is picked for a new connection.</summary>
public enum LoadBalancingPolicy
{
    /// <summary>Each healthy endpoint in turn.</summary>
    RoundRobin,

    /// <summary>Two healthy endpoints at random; the one with fewer active connections wins.</summary>
    PowerOfTwoLeastConnections,
}

/// <summary>The transport protocol of a service port, as a Kubernetes Service port names it.</summary>
public enum TransportProtocol
{
    /// <summary>TCP: proxied.</summary>
    Tcp,

    /// <summary>UDP: not supported by this load balancer.</summary>
    Udp,

    /// <summary>SCTP: not supported by this load balancer.</summary>
    Sctp,
}
