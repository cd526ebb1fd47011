using Flotilla.Api.Placement;

namespace Flotilla.Cli.Commands.Explain;

/// <summary>ClusterResourcePlacement or ResourcePlacement: the names a user may give and where each kind's objects live.</summary>
internal sealed record PlacementKind(string Kind, bool ClusterScoped, IReadOnlyList<string> ServedVersions)
{
    public static readonly PlacementKind ClusterResourcePlacement = new("ClusterResourcePlacement", true, [PlacementApi.StorageVersion, PlacementApi.V1]);

    public static readonly PlacementKind ResourcePlacement = new("ResourcePlacement", false, [PlacementApi.StorageVersion]);

    /// <summary>What <c>flotilla explain KIND NAME</c> accepts, as kubectl does: short name, kind, plural, in any case.</summary>
    public static PlacementKind? FromArgument(string text) => text.ToLowerInvariant() switch
    {
        "crp" or "clusterresourceplacement" or "clusterresourceplacements"
            or "clusterresourceplacement.placement.kubernetes-fleet.io" or "clusterresourceplacements.placement.kubernetes-fleet.io" => ClusterResourcePlacement,
        "rp" or "resourceplacement" or "resourceplacements"
            or "resourceplacement.placement.kubernetes-fleet.io" or "resourceplacements.placement.kubernetes-fleet.io" => ResourcePlacement,
        _ => null,
    };

    /// <summary>The kind of a manifest's <c>kind</c> field (exact, as the API server matches it).</summary>
    public static PlacementKind? FromManifestKind(string? kind) => kind switch
    {
        "ClusterResourcePlacement" => ClusterResourcePlacement,
        "ResourcePlacement" => ResourcePlacement,
        _ => null,
    };
}
