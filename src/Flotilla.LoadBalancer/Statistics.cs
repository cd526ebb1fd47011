using System.Net;

namespace Flotilla.LoadBalancer;

/// <summary>A point-in-time reading of one virtual service's counters, as <see cref="PrometheusText"/> renders them.</summary>
/// <param name="Key">The service key (the <c>service</c> label).</param>
/// <param name="ConnectionsAccepted">Client connections accepted since the service was added.</param>
/// <param name="ActiveConnections">Client connections open now, including ones still connecting to a backend.</param>
/// <param name="BytesReceived">Bytes received from clients (and forwarded to backends).</param>
/// <param name="BytesSent">Bytes sent to clients (received from backends).</param>
/// <param name="ConnectFailures">Failed or timed-out connects to backends.</param>
/// <param name="Ejections">Times an endpoint was taken out of balancing by passive or active health.</param>
/// <param name="Endpoints">Every endpoint, current ones in definition order then draining ones.</param>
public sealed record ServiceStatistics(
    string Key,
    long ConnectionsAccepted,
    long ActiveConnections,
    long BytesReceived,
    long BytesSent,
    long ConnectFailures,
    long Ejections,
    IReadOnlyList<EndpointStatistics> Endpoints);

/// <summary>A point-in-time reading of one backend endpoint of a service port.</summary>
/// <param name="ServicePort">The service port (as defined) the endpoint serves.</param>
/// <param name="EndPoint">The backend's address and port.</param>
/// <param name="Healthy">False while ejected by passive or active health.</param>
/// <param name="Draining">True once removed from the definition: it takes no new connections and its open ones are
/// closed when the drain timeout ends.</param>
/// <param name="ActiveConnections">Connections to it open now.</param>
/// <param name="Connections">Connections established to it since it was added.</param>
public sealed record EndpointStatistics(
    int ServicePort,
    IPEndPoint EndPoint,
    bool Healthy,
    bool Draining,
    long ActiveConnections,
    long Connections);
