using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// One exported EndpointSlice, on the hub in <c>fleet-member-&lt;exporter&gt;</c> under the slice's fleet-unique name
/// (spec §1.8). It has no status, although the CRD declares the status subresource as upstream does.
/// </summary>
[CustomResource(NetworkingApi.Group, "EndpointSliceExport", "endpointsliceexports",
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Alpha1], StatusSubresource = true)]
[Description("EndpointSliceExport is a data transport type that member clusters in the fleet use to upload the spec of exported EndpointSlices to the hub cluster.")]
public sealed class EndpointSliceExport : KubeObject
{
    [Required]
    [Description("The desired state of EndpointSliceExport.")]
    public EndpointSliceExportSpec Spec { get; set; } = new();
}

/// <summary>The exported content of an EndpointSlice; EndpointSliceImport carries a deep copy of the same shape.</summary>
public sealed class EndpointSliceExportSpec
{
    [Required]
    [Default("\"IPv4\"")]
    [Enum(EndpointAddressType.IPv4)]
    [Description("The type of address carried by this EndpointSlice. At this moment only IPv4 addresses are supported.")]
    public string AddressType { get; set; } = EndpointAddressType.IPv4;

    // Ready endpoints only (spec §4.1); an empty list is still a valid export.
    [Required]
    [ListType("atomic")]
    [Description("A list of unique endpoints in this slice.")]
    public List<Endpoint> Endpoints { get; set; } = [];

    [ListType("atomic")]
    [Description("The list of network ports exposed by each endpoint in this slice.")]
    public List<EndpointPort>? Ports { get; set; }

    [Required]
    [Description("The reference to the source EndpointSlice.")]
    public ExportedObjectReference EndpointSliceReference { get; set; } = new();

    [Required]
    [Description("The reference to the owner Service.")]
    public OwnerServiceReference OwnerServiceReference { get; set; } = new();
}
