using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// One member's export of one Service, on the hub in <c>fleet-member-&lt;cluster&gt;</c> (spec §1.5). The member agent
/// writes the spec; the hub agent decides conflicts and reports them in <c>Conflict</c>. Internal kinds carry no
/// name-length rule, so their names may use the full 253 characters of a DNS subdomain.
/// </summary>
[CustomResource(NetworkingApi.Group, "InternalServiceExport", "internalserviceexports", ShortNames = ["internalsvcexport"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Alpha1], StatusSubresource = true)]
[Description("InternalServiceExport is a data transport type that member clusters in the fleet use to upload the spec of exported Service to the hub cluster.")]
public sealed class InternalServiceExport : KubeObject
{
    [Required]
    [Description("The desired state of InternalServiceExport.")]
    public InternalServiceExportSpec Spec { get; set; } = new();

    [Description("The observed state of InternalServiceExport.")]
    public InternalServiceExportStatus? Status { get; set; }
}

public sealed class InternalServiceExportSpec
{
    // Copied from the Service in order; conflicts compare the whole list exactly, order included.
    [Required]
    [ListType("atomic")]
    [Description("A list of ports exposed by the exported Service.")]
    public List<ServicePort> Ports { get; set; } = [];

    [Required]
    [Description("The reference to the source Service.")]
    public ExportedObjectReference ServiceReference { get; set; } = new();

    // The fields below are filled only by the Traffic Manager feature (except type), and read by the backend
    // controller; L4 load balancing ignores them.
    [Description("Type is the type of the Service in the member cluster.")]
    public string? Type { get; set; }

    [Description("IsDNSLabelConfigured determines if the Service has a DNS label configured.")]
    public bool? IsDNSLabelConfigured { get; set; }

    [Description("IsInternalLoadBalancer determines if the Service is an internal load balancer type.")]
    public bool? IsInternalLoadBalancer { get; set; }

    [Description("PublicIPResourceID is the Azure Resource URI of public IP. This is only applicable for Load Balancer type Services.")]
    public string? PublicIPResourceID { get; set; }

    [Format("int64")]
    [Description("Weight is the proportion of requests sent to this cluster, from the weight annotation of the ServiceExport.")]
    public long? Weight { get; set; }
}

public sealed class InternalServiceExportStatus
{
    [ListType("map", "type")]
    [Description("Conditions of the export; only Conflict is used.")]
    public List<Condition>? Conditions { get; set; }
}
