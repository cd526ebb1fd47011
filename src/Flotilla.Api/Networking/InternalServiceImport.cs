using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// One member's claim to import a fleet service, on the hub in <c>fleet-member-&lt;cluster&gt;</c> (spec §1.6). When the
/// claim wins, the hub copies the hub ServiceImport status here; otherwise the status stays empty.
/// </summary>
[CustomResource(NetworkingApi.Group, "InternalServiceImport", "internalserviceimports", ShortNames = ["internalsvcimport"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Alpha1], StatusSubresource = true)]
[Description("InternalServiceImport is used by the member clusters to import a Service from the hub cluster and to receive its resolved spec.")]
public sealed class InternalServiceImport : KubeObject
{
    [Required]
    [Description("The desired state of InternalServiceImport.")]
    public InternalServiceImportSpec Spec { get; set; } = new();

    [Description("The observed state of InternalServiceImport: a copy of the hub ServiceImport status while this cluster's import is granted.")]
    public ServiceImportStatus? Status { get; set; }
}

public sealed class InternalServiceImportSpec
{
    [Required]
    [Description("A reference to the ServiceImport in the member cluster; exportedSince is its creation time.")]
    public ExportedObjectReference ServiceImportReference { get; set; } = new();
}
