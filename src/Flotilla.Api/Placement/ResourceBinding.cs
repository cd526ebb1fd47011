using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>One scheduling decision of a ClusterResourcePlacement: its resources bound to one cluster (placement spec §2.3).</summary>
[CustomResource(PlacementApi.Group, "ClusterResourceBinding", "clusterresourcebindings", Namespaced = false,
    ShortNames = ["crb"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "WorkSynchronized", "string", ".status.conditions[?(@.type==\"WorkSynchronized\")].status")]
[PrinterColumn(1, "ResourcesApplied", "string", ".status.conditions[?(@.type==\"Applied\")].status")]
[PrinterColumn(2, "ResourceAvailable", "string", ".status.conditions[?(@.type==\"Available\")].status", Priority = 1)]
[PrinterColumn(3, "Age", "date", ".metadata.creationTimestamp")]
[Description("ClusterResourceBinding represents a scheduling decision that binds the resources selected by a ClusterResourcePlacement to one member cluster.")]
public sealed class ClusterResourceBinding : KubeObject, IBinding
{
    [Required]
    [Description("The desired state of ClusterResourceBinding.")]
    public ResourceBindingSpec Spec { get; set; } = new();

    [Description("The observed status of ClusterResourceBinding.")]
    public ResourceBindingStatus? Status { get; set; }
}

/// <summary>The namespaced twin of <see cref="ClusterResourceBinding"/>, for ResourcePlacements.</summary>
[CustomResource(PlacementApi.Group, "ResourceBinding", "resourcebindings",
    ShortNames = ["rb"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "WorkSynchronized", "string", ".status.conditions[?(@.type==\"WorkSynchronized\")].status")]
[PrinterColumn(1, "ResourcesApplied", "string", ".status.conditions[?(@.type==\"Applied\")].status")]
[PrinterColumn(2, "ResourceAvailable", "string", ".status.conditions[?(@.type==\"Available\")].status", Priority = 1)]
[PrinterColumn(3, "Age", "date", ".metadata.creationTimestamp")]
[Description("ResourceBinding represents a scheduling decision that binds the resources selected by a ResourcePlacement to one member cluster.")]
public sealed class ResourceBinding : KubeObject, IBinding
{
    [Required]
    [Description("The desired state of ResourceBinding.")]
    public ResourceBindingSpec Spec { get; set; } = new();

    [Description("The observed status of ResourceBinding.")]
    public ResourceBindingStatus? Status { get; set; }
}

/// <summary>What ClusterResourceBinding and ResourceBinding share, so controllers handle both through one seam.</summary>
public interface IBinding
{
    ObjectMeta Metadata { get; }

    ResourceBindingSpec Spec { get; }

    ResourceBindingStatus? Status { get; set; }
}

[Description("ResourceBindingSpec defines the desired state of a binding.")]
public sealed class ResourceBindingSpec
{
    [Required]
    [Enum(BindingState.Scheduled, BindingState.Bound, BindingState.Unscheduled)]
    [Description("The desired state of the binding: Scheduled (picked, not yet rolled out), Bound (resources placed) or Unscheduled (to be removed).")]
    public string State { get; set; } = BindingState.Scheduled;

    [Description("ResourceSnapshotName is the name of the master resource snapshot of the group this binding places; empty until bound.")]
    public string? ResourceSnapshotName { get; set; }

    [Description("ResourceOverrideSnapshots is the list of ResourceOverride snapshots that apply on the target cluster, sorted by namespace then name.")]
    public List<NamespacedName>? ResourceOverrideSnapshots { get; set; }

    [Description("ClusterResourceOverrideSnapshots is the list of ClusterResourceOverride snapshots that apply on the target cluster, sorted by name.")]
    public List<string>? ClusterResourceOverrideSnapshots { get; set; }

    [Required]
    [Description("SchedulingPolicySnapshotName is the name of the policy snapshot this binding's decision belongs to.")]
    public string SchedulingPolicySnapshotName { get; set; } = "";

    [Required]
    [Description("TargetCluster is the name of the member cluster the resources are bound to.")]
    public string TargetCluster { get; set; } = "";

    [Description("ClusterDecision explains why the scheduler selected this cluster.")]
    public ClusterDecision? ClusterDecision { get; set; }

    [Description("ApplyStrategy is the placement's apply strategy, with defaults filled, pushed to the Works.")]
    public ApplyStrategy? ApplyStrategy { get; set; }
}

[Description("ResourceBindingStatus represents the current status of a binding.")]
public sealed class ResourceBindingStatus
{
    [MaxItems(100)]
    [Description("FailedPlacements lists the resources that failed to be applied or are not available; at most 100.")]
    public List<FailedResourcePlacement>? FailedPlacements { get; set; }

    [MaxItems(100)]
    [Description("DriftedPlacements lists the resources with configuration drifts; at most 100.")]
    public List<DriftedResourcePlacement>? DriftedPlacements { get; set; }

    [MaxItems(100)]
    [Description("DiffedPlacements lists the resources with configuration differences; at most 100.")]
    public List<DiffedResourcePlacement>? DiffedPlacements { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the binding.")]
    public List<Condition>? Conditions { get; set; }
}
