using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// Points from a hub object to the member object it was exported from (spec §1.2). On create every field is set from
/// the source; later syncs refresh only <see cref="ResourceVersion"/>, <see cref="Generation"/> and
/// <see cref="ExportedSince"/>. <see cref="Uid"/> is the identity check against re-created sources.
/// </summary>
[Atomic]
[Description("ExportedObjectReference helps refer to an object exported from a member cluster.")]
public sealed class ExportedObjectReference
{
    [Required]
    [Description("The ID of the cluster where the object is exported.")]
    public string ClusterId { get; set; } = "";

    // Copied from the source's type meta, which typed client reads often drop: it may be empty.
    [Description("The API version of the referred object.")]
    public string? ApiVersion { get; set; }

    // Required but may be empty (same reason as ApiVersion): the key is always written.
    [Required]
    [Description("The kind of the referred object.")]
    public string Kind { get; set; } = "";

    [Required]
    [Description("The namespace of the referred object.")]
    public string Namespace { get; set; } = "";

    [Required]
    [Description("The name of the referred object.")]
    public string Name { get; set; } = "";

    [Required]
    [Description("The resource version of the referred object.")]
    public string ResourceVersion { get; set; } = "";

    [Required]
    [Format("int64")]
    [Description("The generation of the referred object.")]
    public long Generation { get; set; }

    [Required]
    [Description("The UID of the referred object.")]
    public string Uid { get; set; } = "";

    [Required]
    [Description("The namespaced name of the referred object, in the form <namespace>/<name>.")]
    public string NamespacedName { get; set; } = "";

    [Format("date-time")]
    [Description("The timestamp from a local clock when the generation (or resource version) of the referred object was first exported.")]
    public DateTimeOffset? ExportedSince { get; set; }
}

/// <summary>One port of an exported or imported service; converts 1:1 to a core/v1 ServicePort without nodePort.</summary>
[Description("ServicePort represents the port on which the service is exposed.")]
public sealed class ServicePort
{
    [Description("The name of this port within the service. This must be a DNS_LABEL. All ports within a service must have unique names.")]
    public string? Name { get; set; }

    [Default("\"TCP\"")]
    [Enum(PortProtocol.Tcp, PortProtocol.Udp, PortProtocol.Sctp)]
    [Description("The IP protocol for this port. Supports \"TCP\", \"UDP\", and \"SCTP\". Default is TCP.")]
    public string? Protocol { get; set; }

    // A pointer upstream: absent and "" are different values, and export conflicts compare them exactly.
    [Description("The application protocol for this port.")]
    public string? AppProtocol { get; set; }

    [Required]
    [Minimum(1)]
    [Maximum(65535)]
    [Format("int32")]
    [Description("The port that will be exposed by this service.")]
    public int Port { get; set; }

    [Description("Number or name of the port to access on the pods targeted by the service.")]
    public IntOrString? TargetPort { get; set; }
}

/// <summary>A cluster that exports a service; a list of these is a map keyed by <see cref="Cluster"/>.</summary>
[Description("ClusterStatus contains service configuration mapped to a specific source cluster.")]
public sealed class ClusterStatus
{
    [Required]
    [Description("The name of the exporting cluster. Must be a valid RFC-1123 DNS label.")]
    public string Cluster { get; set; } = "";
}

/// <summary>The Service an exported EndpointSlice belongs to (from its <c>kubernetes.io/service-name</c> label).</summary>
[Description("OwnerServiceReference points to the service which owns the EndpointSlice.")]
public sealed class OwnerServiceReference
{
    [Required]
    [Description("The namespace of the owner service.")]
    public string Namespace { get; set; } = "";

    [Required]
    [Description("The name of the owner service.")]
    public string Name { get; set; } = "";

    [Required]
    [Description("The namespaced name of the owner service, in the form <namespace>/<name>.")]
    public string NamespacedName { get; set; } = "";
}

/// <summary>
/// An exported endpoint: only its addresses. Conditions, hostname, zone and the rest are dropped at export, and the
/// count limits mentioned upstream are not enforced by the CRD (spec §1.2), so none are declared here.
/// </summary>
[Description("Endpoint represents a single logical backend implementing a service.")]
public sealed class Endpoint
{
    [Required]
    [Description("The addresses of this endpoint. Only IPv4 addresses are exported.")]
    public List<string> Addresses { get; set; } = [];
}

/// <summary>discovery/v1 EndpointPort, carried verbatim from the source EndpointSlice.</summary>
[Atomic]
[Description("EndpointPort represents a port used by an endpoint.")]
public sealed class EndpointPort
{
    [Description("The name of this port. All ports in an EndpointSlice must have a unique name.")]
    public string? Name { get; set; }

    [Description("The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.")]
    public string? Protocol { get; set; }

    [Format("int32")]
    [Description("The port number of the endpoint.")]
    public int? Port { get; set; }

    [Description("The application protocol for this port.")]
    public string? AppProtocol { get; set; }
}

/// <summary>core/v1 LoadBalancerStatus, mirrored from the derived Service into the MultiClusterService status.</summary>
[Description("LoadBalancerStatus represents the status of a load-balancer.")]
public sealed class LoadBalancerStatus
{
    [ListType("atomic")]
    [Description("Ingress is a list containing ingress points for the load-balancer.")]
    public List<LoadBalancerIngress>? Ingress { get; set; }
}

/// <summary>core/v1 LoadBalancerIngress.</summary>
[Description("LoadBalancerIngress represents the status of a load-balancer ingress point.")]
public sealed class LoadBalancerIngress
{
    [Description("IP is set for load-balancer ingress points that are IP based.")]
    public string? Ip { get; set; }

    [Description("Hostname is set for load-balancer ingress points that are DNS based.")]
    public string? Hostname { get; set; }

    [Description("IPMode specifies how the load-balancer IP behaves: VIP or Proxy.")]
    public string? IpMode { get; set; }

    [ListType("atomic")]
    [Description("Ports is a list of records of service ports.")]
    public List<PortStatus>? Ports { get; set; }
}

/// <summary>core/v1 PortStatus.</summary>
[Description("PortStatus represents the error condition of a service port.")]
public sealed class PortStatus
{
    [Required]
    [Format("int32")]
    [Description("Port is the port number of the service port of which status is recorded here.")]
    public int Port { get; set; }

    [Required]
    [Description("Protocol is the protocol of the service port of which status is recorded here. Supported values are TCP, UDP, SCTP.")]
    public string Protocol { get; set; } = "";

    [MaxLength(316)]
    [Pattern(@"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?(\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")]
    [Description("Error records the problem with the service port, in CamelCase.")]
    public string? Error { get; set; }
}
