using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// Imports a fleet service into a member cluster behind a derived LoadBalancer Service in <c>fleet-system</c> (spec
/// §1.7, §5). The referenced ServiceImport is always in the MultiClusterService's own namespace.
/// </summary>
[CustomResource(NetworkingApi.Group, "MultiClusterService", "multiclusterservices", ShortNames = ["mcs"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Alpha1], StatusSubresource = true)]
[PrinterColumn(0, "Service-Import", "string", ".spec.serviceImport.name")]
[PrinterColumn(1, "External-IP", "string", ".status.loadBalancer.ingress[0].ip")]
[PrinterColumn(2, "Is-Valid", "string", ".status.conditions[?(@.type=='Valid')].status")]
[PrinterColumn(3, "Age", "date", ".metadata.creationTimestamp")]
[ValidationRule(NetworkingCelRules.NameLength, NetworkingCelRules.NameLengthMessage)]
[Description("MultiClusterService is the Schema for creating north-south L4 load balancer to consume services across clusters.")]
public sealed class MultiClusterService : KubeObject
{
    [Required]
    [Description("The desired state of MultiClusterService.")]
    public MultiClusterServiceSpec Spec { get; set; } = new();

    [Description("The observed state of MultiClusterService.")]
    public MultiClusterServiceStatus? Status { get; set; }
}

public sealed class MultiClusterServiceSpec
{
    [Required]
    [Description("ServiceImport is the reference to the Service with the same name exported in the member clusters.")]
    public ServiceImportRef ServiceImport { get; set; } = new();
}

/// <summary>A ServiceImport in the same namespace; its name becomes a Service-like name, hence DNS-1035.</summary>
public sealed class ServiceImportRef
{
    [Required]
    [MaxLength(63)]
    [Pattern("^(" + NameValidation.Dns1035LabelFormat + ")$")]
    [Description("Name is the name of the referent.")]
    public string Name { get; set; } = "";
}

public sealed class MultiClusterServiceStatus
{
    [Description("LoadBalancer contains the current status of the load-balancer, if one is present.")]
    public LoadBalancerStatus? LoadBalancer { get; set; }

    [ListType("map", "type")]
    [Description("Current service state.")]
    public List<Condition>? Conditions { get; set; }
}
