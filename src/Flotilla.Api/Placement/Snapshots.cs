using System.ComponentModel;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>An immutable copy of a ClusterResourcePlacement's policy, with the scheduler's decisions (placement spec §2.1).</summary>
[CustomResource(PlacementApi.Group, "ClusterSchedulingPolicySnapshot", "clusterschedulingpolicysnapshots", Namespaced = false,
    ShortNames = ["csps"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Gen", "string", ".metadata.generation")]
[PrinterColumn(1, "Age", "date", ".metadata.creationTimestamp")]
[Description("ClusterSchedulingPolicySnapshot is used to store a snapshot of the scheduling policy of a ClusterResourcePlacement and the scheduling decisions made for it.")]
public sealed class ClusterSchedulingPolicySnapshot : KubeObject, IPolicySnapshot
{
    [Required]
    [Description("The desired state of the policy snapshot.")]
    public SchedulingPolicySnapshotSpec Spec { get; set; } = new();

    [Description("The observed status of the policy snapshot.")]
    public SchedulingPolicySnapshotStatus? Status { get; set; }
}

/// <summary>The namespaced twin of <see cref="ClusterSchedulingPolicySnapshot"/>, for ResourcePlacements.</summary>
[CustomResource(PlacementApi.Group, "SchedulingPolicySnapshot", "schedulingpolicysnapshots",
    ShortNames = ["sps"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Gen", "string", ".metadata.generation")]
[PrinterColumn(1, "Age", "date", ".metadata.creationTimestamp")]
[Description("SchedulingPolicySnapshot is used to store a snapshot of the scheduling policy of a ResourcePlacement and the scheduling decisions made for it.")]
public sealed class SchedulingPolicySnapshot : KubeObject, IPolicySnapshot
{
    [Required]
    [Description("The desired state of the policy snapshot.")]
    public SchedulingPolicySnapshotSpec Spec { get; set; } = new();

    [Description("The observed status of the policy snapshot.")]
    public SchedulingPolicySnapshotStatus? Status { get; set; }
}

/// <summary>A policy snapshot of either scope: the ClusterResourcePlacement's or the ResourcePlacement's.</summary>
public interface IPolicySnapshot
{
    ObjectMeta Metadata { get; }

    SchedulingPolicySnapshotSpec Spec { get; }

    SchedulingPolicySnapshotStatus? Status { get; set; }
}

[Description("SchedulingPolicySnapshotSpec holds an immutable copy of a placement policy.")]
public sealed class SchedulingPolicySnapshotSpec
{
    [Description("Policy is a copy of the placement policy; unset means pick all clusters.")]
    public PlacementPolicy? Policy { get; set; }

    /// <summary>
    /// Base64 on the wire (a Go <c>[]byte</c>) of the bytes of the lowercase hex sha256 of the policy's JSON with
    /// numberOfClusters unset.
    /// </summary>
    [Required]
    [Format("byte")]
    [Description("PolicyHash is the sha256 hash of the policy, with numberOfClusters unset so that scaling a PickN placement keeps its snapshot.")]
    public string PolicyHash { get; set; } = "";
}

[Description("SchedulingPolicySnapshotStatus defines the observed state of a policy snapshot.")]
public sealed class SchedulingPolicySnapshotStatus
{
    [Description("ObservedCRPGeneration is the generation of the placement that the scheduler used for the decisions.")]
    public long ObservedCRPGeneration { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the policy snapshot.")]
    public List<Condition>? Conditions { get; set; }

    [MaxItems(1000)]
    [Description("ClusterDecisions contains the scheduling decisions: the selected clusters and some of those not selected, with the reasons.")]
    public List<ClusterDecision>? TargetClusters { get; set; }
}

/// <summary>One scheduling decision about one cluster (placement spec §3.6).</summary>
[Description("ClusterDecision represents a decision from a placement about one cluster.")]
public sealed class ClusterDecision
{
    [Required]
    [Description("ClusterName is the name of the member cluster.")]
    public string ClusterName { get; set; } = "";

    [Required]
    [Description("Selected indicates if this cluster is selected by the scheduler.")]
    public bool Selected { get; set; }

    [Description("ClusterScore represents the score of the cluster calculated by the scheduler.")]
    public ClusterScore? ClusterScore { get; set; }

    [Required]
    [Description("Reason represents the reason why the cluster is selected or not.")]
    public string Reason { get; set; } = "";
}

[Description("ClusterScore represents the score of the cluster calculated by the scheduler.")]
public sealed class ClusterScore
{
    [Format("int32")]
    [Description("AffinityScore represents the affinity score of the cluster calculated by the last scheduling decision based on the preferred affinity selector.")]
    public int? AffinityScore { get; set; }

    /// <summary>The topology spread score; upstream names it <c>priorityScore</c> on the wire.</summary>
    [JsonPropertyName("priorityScore")]
    [Format("int32")]
    [Description("TopologySpreadScore represents the priority score of the cluster calculated by the last scheduling decision based on the topology spread applied to the cluster.")]
    public int? TopologySpreadScore { get; set; }
}

/// <summary>An immutable chunk of the resources a ClusterResourcePlacement selected (placement spec §2.2).</summary>
[CustomResource(PlacementApi.Group, "ClusterResourceSnapshot", "clusterresourcesnapshots", Namespaced = false,
    ShortNames = ["crs"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Gen", "string", ".metadata.generation")]
[PrinterColumn(1, "Age", "date", ".metadata.creationTimestamp")]
[Description("ClusterResourceSnapshot is used to store a snapshot of the resources selected by a ClusterResourcePlacement; a group of them with the same resource index holds one selection.")]
public sealed class ClusterResourceSnapshot : KubeObject
{
    [Required]
    [Description("The desired state of the resource snapshot.")]
    public ResourceSnapshotSpec Spec { get; set; } = new();

    [Description("The observed status of the resource snapshot.")]
    public ResourceSnapshotStatus? Status { get; set; }
}

/// <summary>The namespaced twin of <see cref="ClusterResourceSnapshot"/>, for ResourcePlacements.</summary>
[CustomResource(PlacementApi.Group, "ResourceSnapshot", "resourcesnapshots",
    ShortNames = ["rs"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Gen", "string", ".metadata.generation")]
[PrinterColumn(1, "Age", "date", ".metadata.creationTimestamp")]
[Description("ResourceSnapshot is used to store a snapshot of the resources selected by a ResourcePlacement; a group of them with the same resource index holds one selection.")]
public sealed class ResourceSnapshot : KubeObject
{
    [Required]
    [Description("The desired state of the resource snapshot.")]
    public ResourceSnapshotSpec Spec { get; set; } = new();

    [Description("The observed status of the resource snapshot.")]
    public ResourceSnapshotStatus? Status { get; set; }
}

[Description("ResourceSnapshotSpec holds the selected resources.")]
public sealed class ResourceSnapshotSpec
{
    /// <summary>The sanitized objects, kept as raw JSON end to end (never round-tripped through typed models).</summary>
    [Required]
    [EmbeddedResource]
    [Description("SelectedResources contains the sanitized resources selected by the placement, in snapshot order.")]
    public List<JsonObject> SelectedResources { get; set; } = [];
}

[Description("ResourceSnapshotStatus defines the observed state of a resource snapshot.")]
public sealed class ResourceSnapshotStatus
{
    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the resource snapshot.")]
    public List<Condition>? Conditions { get; set; }
}
