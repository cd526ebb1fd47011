using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// Attaches the exporting clusters of a hub ServiceImport to a TrafficManagerProfile as weighted endpoints (spec
/// §1.10). Not part of L4 load balancing; modelled so the hub serves the same CRDs as upstream.
/// </summary>
[CustomResource(NetworkingApi.Group, "TrafficManagerBackend", "trafficmanagerbackends", ShortNames = ["tmb"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Beta1, NetworkingApi.V1Alpha1], StatusSubresource = true)]
[ValidationRule(NetworkingCelRules.NameLength, NetworkingCelRules.NameLengthMessage)]
[Description("TrafficManagerBackend is used to manage the Azure Traffic Manager Endpoints using cloud native way.")]
public sealed class TrafficManagerBackend : KubeObject
{
    [Required]
    [Description("The desired state of TrafficManagerBackend.")]
    public TrafficManagerBackendSpec Spec { get; set; } = new();

    [Description("The observed status of TrafficManagerBackend.")]
    public TrafficManagerBackendStatus? Status { get; set; }
}

public sealed class TrafficManagerBackendSpec
{
    [Required]
    [Description("The reference to a Traffic Manager Profile object in the same namespace as the TrafficManagerBackend object.")]
    public TrafficManagerProfileRef Profile { get; set; } = new();

    [Required]
    [Description("The reference to a Service exported to the hub cluster: the name of a ServiceImport in the same namespace.")]
    public TrafficManagerBackendRef Backend { get; set; } = new();

    [Format("int64")]
    [Description("The total weight of the endpoints created for this backend, shared by the exporting clusters by their weights.")]
    public long? Weight { get; set; }
}

/// <summary>A TrafficManagerProfile in the same namespace.</summary>
public sealed class TrafficManagerProfileRef
{
    [Required]
    [Description("Name is the name of the referred Traffic Manager profile.")]
    public string Name { get; set; } = "";
}

/// <summary>A hub ServiceImport in the same namespace.</summary>
public sealed class TrafficManagerBackendRef
{
    [Required]
    [Description("Name is the name of the referred ServiceImport.")]
    public string Name { get; set; } = "";
}

public sealed class TrafficManagerBackendStatus
{
    [Description("Endpoints contains a list of accepted Azure endpoints which are created or updated under the traffic manager Profile.")]
    public List<TrafficManagerEndpointStatus>? Endpoints { get; set; }

    [ListType("map", "type")]
    [Description("Current backend status.")]
    public List<Condition>? Conditions { get; set; }
}

/// <summary>One Azure Traffic Manager endpoint programmed for an exporting cluster.</summary>
public sealed class TrafficManagerEndpointStatus
{
    [Required]
    [Description("Name of the endpoint.")]
    public string Name { get; set; } = "";

    [Description("The Azure Resource URI of the endpoint.")]
    public string? ResourceID { get; set; }

    [Format("int64")]
    [Description("The weight of the endpoint.")]
    public long? Weight { get; set; }

    [Description("The fully-qualified DNS name or IP address of the endpoint.")]
    public string? Target { get; set; }

    [Description("From is where the endpoint is exported from.")]
    public FromCluster? From { get; set; }
}

/// <summary>The exporting cluster behind a Traffic Manager endpoint.</summary>
public sealed class FromCluster
{
    [Required]
    [Description("Cluster is the name of the exporting cluster.")]
    public string Cluster { get; set; } = "";

    [Format("int64")]
    [Description("Weight is the weight of the exporting cluster, from its ServiceExport weight annotation.")]
    public long? Weight { get; set; }
}
