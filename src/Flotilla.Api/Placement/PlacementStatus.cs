using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

// Upstream embeds ResourceIdentifier inline in the failed/drifted/diffed placement types; here they derive from it,
// which serializes the same JSON (its fields first, in the same order).

/// <summary>The status shared by ClusterResourcePlacement and ResourcePlacement (placement spec §7.1).</summary>
[Description("PlacementStatus defines the observed state of a placement.")]
public sealed class PlacementStatus
{
    [Description("SelectedResources contains the resources selected by the resource selectors, in snapshot order.")]
    public List<ResourceIdentifier>? SelectedResources { get; set; }

    [Description("ObservedResourceIndex is the index of the resource snapshot group the conditions refer to. With the External rollout strategy it is set only when every cluster observes the same index.")]
    public string? ObservedResourceIndex { get; set; }

    [Description("PlacementStatuses contains the placement status on each selected cluster, plus one entry without a cluster name per cluster the scheduler could not find.")]
    public List<PerClusterPlacementStatus>? PlacementStatuses { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the placement.")]
    public List<Condition>? Conditions { get; set; }
}

/// <summary>
/// Identifies one selected resource: GVK, namespace/name, and the envelope it came in, if any. The failed, drifted and
/// diffed placement entries carry these fields inline (upstream embeds the struct), so they derive from it.
/// </summary>
[Description("ResourceIdentifier identifies one Kubernetes resource.")]
public class ResourceIdentifier
{
    [Description("Group is the group name of the selected resource; empty for the core group.")]
    public string? Group { get; set; }

    [Required]
    [Description("Version is the version of the selected resource.")]
    public string Version { get; set; } = "";

    [Required]
    [Description("Kind represents the Kind of the selected resources.")]
    public string Kind { get; set; } = "";

    [Required]
    [Description("Name of the target resource.")]
    public string Name { get; set; } = "";

    [Description("Namespace is the namespace of the resource; empty for cluster-scoped resources.")]
    public string? Namespace { get; set; }

    [Description("Envelope identifies the envelope object that contains this resource.")]
    public EnvelopeIdentifier? Envelope { get; set; }
}

[Description("EnvelopeIdentifier identifies the envelope object that contains the selected resource.")]
public sealed class EnvelopeIdentifier
{
    [Required]
    [Description("Name of the envelope object.")]
    public string Name { get; set; } = "";

    [Description("Namespace is the namespace of the envelope object; empty for a cluster-scoped envelope.")]
    public string? Namespace { get; set; }

    [Default("\"ConfigMap\"")]
    [Enum(EnvelopeType.ConfigMap, EnvelopeType.ClusterResourceEnvelope, EnvelopeType.ResourceEnvelope)]
    [Description("Type of the envelope object.")]
    public string? Type { get; set; }
}

/// <summary>The placement's status on one cluster (placement spec §7.5).</summary>
[Description("PerClusterPlacementStatus represents the placement status of the selected resources on one target cluster.")]
public sealed class PerClusterPlacementStatus
{
    [Description("ClusterName is the name of the cluster; empty for an entry that reports a cluster the scheduler could not find.")]
    public string? ClusterName { get; set; }

    [Description("ObservedResourceIndex is the index of the resource snapshot group placed on this cluster.")]
    public string? ObservedResourceIndex { get; set; }

    [Description("ApplicableResourceOverrides contains the ResourceOverride snapshots that apply on this cluster.")]
    public List<NamespacedName>? ApplicableResourceOverrides { get; set; }

    [Description("ApplicableClusterResourceOverrides contains the ClusterResourceOverride snapshots that apply on this cluster.")]
    public List<string>? ApplicableClusterResourceOverrides { get; set; }

    [MaxItems(100)]
    [Description("FailedPlacements lists the resources that failed to be applied or are not available; at most 100.")]
    public List<FailedResourcePlacement>? FailedPlacements { get; set; }

    [MaxItems(100)]
    [Description("DriftedPlacements lists the resources whose state on the member cluster drifted from the hub manifest; at most 100.")]
    public List<DriftedResourcePlacement>? DriftedPlacements { get; set; }

    [MaxItems(100)]
    [Description("DiffedPlacements lists the resources that differ from the hub manifest (ReportDiff, or takeover refused); at most 100.")]
    public List<DiffedResourcePlacement>? DiffedPlacements { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions on the cluster.")]
    public List<Condition> Conditions { get; set; } = [];
}

/// <summary>A namespaced object reference (override snapshots).</summary>
[Description("NamespacedName comprises a resource name with its namespace.")]
public sealed class NamespacedName
{
    [Required]
    [Description("Name is the name of the namespaced resource.")]
    public string Name { get; set; } = "";

    [Required]
    [Description("Namespace is the namespace of the namespaced resource.")]
    public string Namespace { get; set; } = "";
}

[Description("FailedResourcePlacement contains the failure details of a resource.")]
public sealed class FailedResourcePlacement : ResourceIdentifier
{
    [Required]
    [Description("The failed condition status.")]
    public Condition Condition { get; set; } = new();
}

[Description("DriftedResourcePlacement contains the details of a resource with configuration drifts.")]
public sealed class DriftedResourcePlacement : ResourceIdentifier
{
    [Required]
    [Format("date-time")]
    [Description("ObservationTime is when the drift was last observed.")]
    public DateTimeOffset ObservationTime { get; set; }

    [Required]
    [Description("TargetClusterObservedGeneration is the generation of the resource on the member cluster.")]
    public long TargetClusterObservedGeneration { get; set; }

    [Required]
    [Format("date-time")]
    [Description("FirstDriftedObservedTime is when the drift was first observed.")]
    public DateTimeOffset FirstDriftedObservedTime { get; set; }

    [Description("ObservedDrifts lists each drifted field: its value on the member cluster and in the hub manifest.")]
    public List<PatchDetail>? ObservedDrifts { get; set; }
}

[Description("DiffedResourcePlacement contains the details of a resource with configuration differences.")]
public sealed class DiffedResourcePlacement : ResourceIdentifier
{
    [Required]
    [Format("date-time")]
    [Description("ObservationTime is when the differences were last observed.")]
    public DateTimeOffset ObservationTime { get; set; }

    [Description("TargetClusterObservedGeneration is the generation of the resource on the member cluster; unset when the resource does not exist there.")]
    public long? TargetClusterObservedGeneration { get; set; }

    [Required]
    [Format("date-time")]
    [Description("FirstDiffedObservedTime is when the differences were first observed.")]
    public DateTimeOffset FirstDiffedObservedTime { get; set; }

    [Description("ObservedDiffs lists each differing field: its value on the member cluster and in the hub manifest.")]
    public List<PatchDetail>? ObservedDiffs { get; set; }
}

[Description("PatchDetail describes one field that differs between the member cluster and the hub manifest.")]
public sealed class PatchDetail
{
    [Required]
    [Description("Path is the JSON pointer of the field.")]
    public string Path { get; set; } = "";

    [Description("ValueInMember is the value of the field on the member cluster; empty when it is absent there.")]
    public string? ValueInMember { get; set; }

    [Description("ValueInHub is the value of the field in the hub manifest; empty when it is absent there.")]
    public string? ValueInHub { get; set; }
}
