using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// A fleet-wide service (spec §1.4). On the hub it aggregates every non-conflicting export of
/// <c>&lt;namespace&gt;/&lt;name&gt;</c>; on an importing member it is the handle a MultiClusterService creates, its status
/// mirrored from the hub. There is no spec: everything is in <see cref="Status"/>.
/// </summary>
[CustomResource(NetworkingApi.Group, "ServiceImport", "serviceimports", ShortNames = ["svcimport"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Alpha1], StatusSubresource = true)]
[ValidationRule(NetworkingCelRules.NameLength, NetworkingCelRules.NameLengthMessage)]
[Description("ServiceImport describes a service imported from clusters in a ClusterSet.")]
public sealed class ServiceImport : KubeObject
{
    [Description("The observed state of ServiceImport.")]
    public ServiceImportStatus? Status { get; set; }
}

/// <summary>The resolved properties of an imported service; also the status shape of InternalServiceImport.</summary>
[Description("ServiceImportStatus describes the derived state of an imported service.")]
public sealed class ServiceImportStatus
{
    // Declared for API compatibility; upstream never fills it.
    [MaxItems(1)]
    [Description("IP will be used as the VIP for this service when type is ClusterSetIP.")]
    public List<string>? Ips { get; set; }

    [Enum(ServiceImportType.ClusterSetIP, ServiceImportType.Headless)]
    [Description("Type defines the type of this service. Must be ClusterSetIP or Headless.")]
    public string? Type { get; set; }

    [Description("Supports \"ClientIP\" and \"None\". Used to maintain session affinity.")]
    public string? SessionAffinity { get; set; }

    [Description("SessionAffinityConfig contains session affinity configuration.")]
    public SessionAffinityConfig? SessionAffinityConfig { get; set; }

    [ListType("atomic")]
    [Description("The ports of the service, resolved from the exporting clusters.")]
    public List<ServicePort>? Ports { get; set; }

    [ListType("map", "cluster")]
    [Description("Clusters is the list of exporting clusters from which this service was derived.")]
    public List<ClusterStatus>? Clusters { get; set; }
}

/// <summary>core/v1 SessionAffinityConfig.</summary>
public sealed class SessionAffinityConfig
{
    [Description("ClientIP contains the configurations of Client IP based session affinity.")]
    public ClientIPConfig? ClientIP { get; set; }
}

/// <summary>core/v1 ClientIPConfig.</summary>
public sealed class ClientIPConfig
{
    [Format("int32")]
    [Description("TimeoutSeconds specifies the seconds of ClientIP type session sticky time.")]
    public int? TimeoutSeconds { get; set; }
}
