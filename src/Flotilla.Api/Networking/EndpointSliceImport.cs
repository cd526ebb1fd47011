using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// An exported EndpointSlice distributed to one importing member, on the hub in <c>fleet-member-&lt;importer&gt;</c> with
/// the same name as its EndpointSliceExport (spec §1.9). The spec is a deep copy of the export's; there is no status.
/// </summary>
[CustomResource(NetworkingApi.Group, "EndpointSliceImport", "endpointsliceimports",
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Alpha1], StatusSubresource = true)]
[Description("EndpointSliceImport is a data transport type that hub cluster uses to distribute exported EndpointSlices to member clusters.")]
public sealed class EndpointSliceImport : KubeObject
{
    [Required]
    [Description("The desired state of EndpointSliceImport.")]
    public EndpointSliceExportSpec Spec { get; set; } = new();
}
