using System.ComponentModel;
using System.Text.Json.Nodes;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

// Envelopes ship objects that must not be live on the hub (placement spec §2.5); upstream serves them in v1beta1 only.
// Upstream bounds data to 1..50 entries (minProperties/maxProperties), which the attribute set cannot express yet.

/// <summary>Wraps cluster-scoped objects to be placed as they are, without creating them on the hub.</summary>
[CustomResource(PlacementApi.Group, "ClusterResourceEnvelope", "clusterresourceenvelopes", Namespaced = false,
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1"])]
[Description("ClusterResourceEnvelope wraps cluster-scoped resources for placement, so that they are not created on the hub cluster.")]
public sealed class ClusterResourceEnvelope : KubeObject
{
    [Required]
    [EmbeddedResource]
    [Description("The manifests wrapped in this envelope, by key; each must be a cluster-scoped object.")]
    public Dictionary<string, JsonObject> Data { get; set; } = [];
}

/// <summary>Wraps namespaced objects of its own namespace to be placed as they are, without creating them on the hub.</summary>
[CustomResource(PlacementApi.Group, "ResourceEnvelope", "resourceenvelopes",
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1"])]
[Description("ResourceEnvelope wraps namespaced resources for placement, so that they are not created on the hub cluster.")]
public sealed class ResourceEnvelope : KubeObject
{
    [Required]
    [EmbeddedResource]
    [Description("The manifests wrapped in this envelope, by key; each must be a namespaced object of the envelope's namespace.")]
    public Dictionary<string, JsonObject> Data { get; set; } = [];
}
