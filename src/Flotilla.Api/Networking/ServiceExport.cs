using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// Exports the Service of the same namespace and name from a member cluster to the fleet (spec §1.3). It has no spec:
/// the member agent reports whether the Service is exportable (<c>Valid</c>) and whether its ports agree with the
/// other exporters (<c>Conflict</c>). v1alpha1 is still served with an identical schema.
/// </summary>
[CustomResource(NetworkingApi.Group, "ServiceExport", "serviceexports", ShortNames = ["svcexport"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Beta1, NetworkingApi.V1Alpha1], StatusSubresource = true)]
[PrinterColumn(0, "Is-Valid", "string", ".status.conditions[?(@.type=='Valid')].status")]
[PrinterColumn(1, "Is-Conflicted", "string", ".status.conditions[?(@.type=='Conflict')].status")]
[PrinterColumn(2, "Age", "date", ".metadata.creationTimestamp")]
[ValidationRule(NetworkingCelRules.NameLength, NetworkingCelRules.NameLengthMessage)]
[Description("ServiceExport declares that the associated service should be exported to other clusters.")]
public sealed class ServiceExport : KubeObject
{
    [Description("The observed state of ServiceExport.")]
    public ServiceExportStatus? Status { get; set; }
}

public sealed class ServiceExportStatus
{
    [ListType("map", "type")]
    [Description("Current service state: whether the service is valid for export and whether it conflicts with other exported services.")]
    public List<Condition>? Conditions { get; set; }
}
