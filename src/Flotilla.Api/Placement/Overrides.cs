using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>Per-cluster changes to cluster-scoped placed resources (placement spec §6.1).</summary>
[CustomResource(PlacementApi.Group, "ClusterResourceOverride", "clusterresourceoverrides", Namespaced = false,
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"])]
[Description("ClusterResourceOverride defines a group of override policies for cluster-scoped resources placed to member clusters.")]
public sealed class ClusterResourceOverride : KubeObject
{
    [Required]
    [ValidationRule(CelRules.OverridePlacementImmutable, CelRules.OverridePlacementImmutableMessage)]
    [Description("The desired state of ClusterResourceOverride.")]
    public ClusterResourceOverrideSpec Spec { get; set; } = new();
}

[Description("ClusterResourceOverrideSpec defines the desired state of ClusterResourceOverride.")]
public sealed class ClusterResourceOverrideSpec
{
    [ValidationRule(CelRules.ClusterOverridePlacementNotNamespaced, CelRules.ClusterOverridePlacementNotNamespacedMessage)]
    [Description("Placement selects the placement the override applies to; unset means every placement that selects the resources. Immutable.")]
    public PlacementRef? Placement { get; set; }

    [Required]
    [MinItems(1)]
    [MaxItems(20)]
    [Description("ClusterResourceSelectors is an array of selectors used to select cluster-scoped resources, by name. The selectors are ORed.")]
    public List<ResourceSelectorTerm> ClusterResourceSelectors { get; set; } = [];

    [Required]
    [Description("Policy defines how to override the selected resources on the target clusters.")]
    public OverridePolicy Policy { get; set; } = new();
}

/// <summary>Per-cluster changes to namespaced placed resources of its own namespace (placement spec §6.1).</summary>
[CustomResource(PlacementApi.Group, "ResourceOverride", "resourceoverrides",
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"])]
[Description("ResourceOverride defines a group of override policies for namespaced resources in its namespace placed to member clusters.")]
public sealed class ResourceOverride : KubeObject
{
    [Required]
    [ValidationRule(CelRules.OverridePlacementImmutable, CelRules.OverridePlacementImmutableMessage)]
    [Description("The desired state of ResourceOverride.")]
    public ResourceOverrideSpec Spec { get; set; } = new();
}

[Description("ResourceOverrideSpec defines the desired state of ResourceOverride.")]
public sealed class ResourceOverrideSpec
{
    [Description("Placement selects the placement the override applies to: a ClusterResourcePlacement (Cluster scope) or a ResourcePlacement in this namespace (Namespaced scope); unset means every placement that selects the resources. Immutable.")]
    public PlacementRef? Placement { get; set; }

    [Required]
    [MinItems(1)]
    [MaxItems(20)]
    [Description("ResourceSelectors is an array of selectors used to select namespaced resources in this namespace, by name. The selectors are ORed.")]
    public List<ResourceSelector> ResourceSelectors { get; set; } = [];

    [Required]
    [Description("Policy defines how to override the selected resources on the target clusters.")]
    public OverridePolicy Policy { get; set; } = new();
}

[Description("PlacementRef is the reference to a placement.")]
public sealed class PlacementRef
{
    [Required]
    [Description("Name is the name of the referenced placement.")]
    public string Name { get; set; } = "";

    [Default("\"Cluster\"")]
    [Enum(PlacementRefScope.Cluster, PlacementRefScope.Namespaced)]
    [Description("Scope of the referenced placement: Cluster (a ClusterResourcePlacement, default) or Namespaced (a ResourcePlacement in the override's namespace).")]
    public string? Scope { get; set; }
}

/// <summary>A namespaced resource of the ResourceOverride's namespace, by GVK and name.</summary>
[Description("ResourceSelector is used to select namespace-scoped resources by name within the override's namespace.")]
public sealed class ResourceSelector
{
    [Required]
    [Description("Group name of the namespace-scoped resource; empty for the core group.")]
    public string Group { get; set; } = "";

    [Required]
    [Description("Version of the namespace-scoped resource.")]
    public string Version { get; set; } = "";

    [Required]
    [Description("Kind of the namespace-scoped resource.")]
    public string Kind { get; set; } = "";

    [Required]
    [Description("Name of the namespace-scoped resource.")]
    public string Name { get; set; } = "";
}

[Description("OverridePolicy defines how to override the selected resources on the target clusters.")]
public sealed class OverridePolicy
{
    [Required]
    [MinItems(1)]
    [MaxItems(20)]
    [Description("OverrideRules defines an array of override rules; all the rules that match a cluster are applied in order.")]
    public List<OverrideRule> OverrideRules { get; set; } = [];
}

[Description("OverrideRule defines how to override the selected resources on the target clusters.")]
public sealed class OverrideRule
{
    [Description("ClusterSelector selects the target clusters by label; unset selects no cluster, an empty one selects all clusters.")]
    public ClusterSelector? ClusterSelector { get; set; }

    [Default("\"JSONPatch\"")]
    [Enum(Placement.OverrideType.JsonPatch, Placement.OverrideType.Delete)]
    [Description("OverrideType is how the resources are overridden: JSONPatch (default) applies the patches; Delete keeps the resources off the selected clusters.")]
    public string? OverrideType { get; set; }

    [MinItems(1)]
    [MaxItems(20)]
    [Description("JSONPatchOverrides defines the JSON patches applied to the selected resources; required for JSONPatch and not allowed for Delete.")]
    public List<JsonPatchOverride>? JsonPatchOverrides { get; set; }
}

[Description("JSONPatchOverride applies a JSON patch on the selected resources following RFC 6902.")]
public sealed class JsonPatchOverride
{
    [JsonPropertyName("op")]
    [Required]
    [Enum(JsonPatchOperator.Add, JsonPatchOperator.Remove, JsonPatchOperator.Replace)]
    [Description("Operator defines the operation on the target field: add, remove or replace.")]
    public string Operator { get; set; } = "";

    [Required]
    [Description("Path defines the target location, a JSON pointer; typeMeta, status and metadata fields other than labels and annotations cannot be overridden.")]
    public string Path { get; set; } = "";

    /// <summary>Any JSON value; <c>${MEMBER-CLUSTER-NAME}</c> inside string values is replaced per cluster.</summary>
    [Description("Value defines the content to be applied on the target location; not allowed for remove.")]
    public JsonNode? Value { get; set; }
}

/// <summary>An immutable copy of a ClusterResourceOverride's spec (placement spec §2.6).</summary>
[CustomResource(PlacementApi.Group, "ClusterResourceOverrideSnapshot", "clusterresourceoverridesnapshots", Namespaced = false,
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"])]
[Description("ClusterResourceOverrideSnapshot is used to store a snapshot of a ClusterResourceOverride.")]
public sealed class ClusterResourceOverrideSnapshot : KubeObject
{
    [Required]
    [Description("The desired state of ClusterResourceOverrideSnapshot.")]
    public ClusterResourceOverrideSnapshotSpec Spec { get; set; } = new();
}

[Description("ClusterResourceOverrideSnapshotSpec defines the desired state of ClusterResourceOverrideSnapshot.")]
public sealed class ClusterResourceOverrideSnapshotSpec
{
    [Required]
    [Description("OverrideSpec is a copy of the ClusterResourceOverride spec.")]
    public ClusterResourceOverrideSpec OverrideSpec { get; set; } = new();

    /// <summary>Base64 on the wire (a Go <c>[]byte</c>).</summary>
    [Required]
    [Format("byte")]
    [Description("OverrideHash is the sha256 hash of the override spec.")]
    public string OverrideHash { get; set; } = "";
}

/// <summary>An immutable copy of a ResourceOverride's spec (placement spec §2.6).</summary>
[CustomResource(PlacementApi.Group, "ResourceOverrideSnapshot", "resourceoverridesnapshots",
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"])]
[Description("ResourceOverrideSnapshot is used to store a snapshot of a ResourceOverride.")]
public sealed class ResourceOverrideSnapshot : KubeObject
{
    [Required]
    [Description("The desired state of ResourceOverrideSnapshot.")]
    public ResourceOverrideSnapshotSpec Spec { get; set; } = new();
}

[Description("ResourceOverrideSnapshotSpec defines the desired state of ResourceOverrideSnapshot.")]
public sealed class ResourceOverrideSnapshotSpec
{
    [Required]
    [Description("OverrideSpec is a copy of the ResourceOverride spec.")]
    public ResourceOverrideSpec OverrideSpec { get; set; } = new();

    /// <summary>Base64 on the wire (a Go <c>[]byte</c>).</summary>
    [Required]
    [Format("byte")]
    [Description("OverrideHash is the sha256 hash of the override spec.")]
    public string OverrideHash { get; set; } = "";
}
