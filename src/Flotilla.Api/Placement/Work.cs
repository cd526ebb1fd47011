using System.ComponentModel;
using System.Text.Json.Nodes;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>
/// The manifests one member cluster must apply, in that member's <c>fleet-member-&lt;cluster&gt;</c> namespace on the
/// hub (placement spec §2.4).
/// </summary>
[CustomResource(PlacementApi.Group, "Work", "works",
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[Description("Work is the Schema for the works API: the manifests the member agent applies on its cluster, and their status.")]
public sealed class Work : KubeObject
{
    [Description("Spec defines the workload of a work.")]
    public WorkSpec Spec { get; set; } = new();

    [Description("Status defines the status of each applied manifest on the member cluster.")]
    public WorkStatus? Status { get; set; }
}

[Description("WorkSpec defines the desired state of Work.")]
public sealed class WorkSpec
{
    [Description("Workload represents the manifest workload to be deployed on the member cluster.")]
    public WorkloadTemplate Workload { get; set; } = new();

    [Description("ApplyStrategy describes how to apply the manifests and how to resolve conflicts with existing resources.")]
    public ApplyStrategy? ApplyStrategy { get; set; }

    [Description("DeleteStrategy controls whether the applied resources are deleted or left in place when the Work is deleted.")]
    public DeleteStrategy? DeleteStrategy { get; set; }

    [Description("ReportBackStrategy describes whether and where the member agent reports the status of the applied resources.")]
    public ReportBackStrategy? ReportBackStrategy { get; set; }
}

[Description("WorkloadTemplate represents the manifest workload to be deployed on the member cluster.")]
public sealed class WorkloadTemplate
{
    /// <summary>Raw objects, kept as JSON end to end; never round-tripped through typed models.</summary>
    [EmbeddedResource]
    [Description("Manifests represents a list of Kubernetes resources to be deployed on the member cluster.")]
    public List<JsonObject>? Manifests { get; set; }
}

[Description("WorkStatus defines the observed state of Work.")]
public sealed class WorkStatus
{
    [ListType("map", "type")]
    [Description("Conditions contains the overall conditions of the Work: Applied, Available, DiffReported and StatusTrimmed.")]
    public List<Condition>? Conditions { get; set; }

    [Description("ManifestConditions represents the conditions of each manifest of the Work on the member cluster.")]
    public List<ManifestCondition>? ManifestConditions { get; set; }
}

/// <summary>Identifies one manifest of a Work, by its position and, once decoded, by its resource.</summary>
[Description("WorkResourceIdentifier provides the identifiers needed to interact with any arbitrary object.")]
public sealed class WorkResourceIdentifier
{
    [Required]
    [Description("Ordinal is the index of the manifest in the Work, so a condition can be linked to a manifest that could not be decoded.")]
    public int Ordinal { get; set; }

    [Description("Group is the group of the resource.")]
    public string? Group { get; set; }

    [Description("Version is the version of the resource.")]
    public string? Version { get; set; }

    [Description("Kind is the kind of the resource.")]
    public string? Kind { get; set; }

    [Description("Resource is the resource type of the resource.")]
    public string? Resource { get; set; }

    [Description("Namespace is the namespace of the resource; empty for cluster-scoped resources.")]
    public string? Namespace { get; set; }

    [Description("Name is the name of the resource.")]
    public string? Name { get; set; }
}

[Description("ManifestCondition represents the conditions of one manifest applied on the member cluster.")]
public sealed class ManifestCondition
{
    [Description("Identifier identifies the manifest in the Work.")]
    public WorkResourceIdentifier Identifier { get; set; } = new();

    [ListType("map", "type")]
    [Description("Conditions represents the conditions of this manifest on the member cluster: Applied, Available, DiffReported.")]
    public List<Condition> Conditions { get; set; } = [];

    [Description("DriftDetails explains the observed configuration drifts; Fleet may truncate them.")]
    public DriftDetails? DriftDetails { get; set; }

    [Description("DiffDetails explains the observed configuration differences; Fleet may truncate them.")]
    public DiffDetails? DiffDetails { get; set; }

    [Description("BackReportedStatus is the status of the applied resource as observed on the member cluster, when reporting back is enabled.")]
    public BackReportedStatus? BackReportedStatus { get; set; }
}

[Description("DriftDetails describes the observed configuration drifts.")]
public sealed class DriftDetails
{
    [Required]
    [Format("date-time")]
    [Description("ObservationTime is when the drift was last detected.")]
    public DateTimeOffset ObservationTime { get; set; }

    [Required]
    [Description("ObservedInMemberClusterGeneration is the generation of the applied resource on the member cluster.")]
    public long ObservedInMemberClusterGeneration { get; set; }

    [Required]
    [Format("date-time")]
    [Description("FirstDriftedObservedTime is when the drift was first detected.")]
    public DateTimeOffset FirstDriftedObservedTime { get; set; }

    [Description("ObservedDrifts describes each drifted field found on the applied resource.")]
    public List<PatchDetail>? ObservedDrifts { get; set; }
}

[Description("DiffDetails describes the observed configuration differences.")]
public sealed class DiffDetails
{
    [Required]
    [Format("date-time")]
    [Description("ObservationTime is when the differences were last detected.")]
    public DateTimeOffset ObservationTime { get; set; }

    [Description("ObservedInMemberClusterGeneration is the generation of the resource on the member cluster; unset when it does not exist there yet.")]
    public long? ObservedInMemberClusterGeneration { get; set; }

    [Required]
    [Format("date-time")]
    [Description("FirstDiffedObservedTime is when the differences were first detected.")]
    public DateTimeOffset FirstDiffedObservedTime { get; set; }

    [Description("ObservedDiffs describes each field with configuration differences.")]
    public List<PatchDetail>? ObservedDiffs { get; set; }
}

[Description("BackReportedStatus is the status of an applied resource reported back to the hub cluster.")]
public sealed class BackReportedStatus
{
    /// <summary>The object's <c>apiVersion</c>, <c>kind</c> and <c>status</c>, kept raw.</summary>
    [EmbeddedResource]
    [Description("ObservedStatus is the apiVersion, kind and status of the resource as observed on the member cluster.")]
    public JsonObject? ObservedStatus { get; set; }

    [Required]
    [Format("date-time")]
    [Description("ObservationTime is when the status was observed.")]
    public DateTimeOffset ObservationTime { get; set; }
}

/// <summary>
/// The member-side record of what one Work applied; every applied object is owned by it, so deleting it
/// (foreground) makes the member's garbage collector remove them (placement spec §2.4).
/// </summary>
[CustomResource(PlacementApi.Group, "AppliedWork", "appliedworks", Namespaced = false,
    Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[Description("AppliedWork represents an applied Work on the member cluster; it owns every resource the Work applied.")]
public sealed class AppliedWork : KubeObject
{
    [Required]
    [Description("Spec represents the desired configuration of AppliedWork.")]
    public AppliedWorkSpec Spec { get; set; } = new();

    [Description("Status represents the current status of AppliedWork.")]
    public AppliedWorkStatus? Status { get; set; }
}

[Description("AppliedWorkSpec represents the desired configuration of AppliedWork.")]
public sealed class AppliedWorkSpec
{
    [Required]
    [Description("WorkName represents the name of the related Work on the hub.")]
    public string WorkName { get; set; } = "";

    [Required]
    [Description("WorkNamespace represents the namespace of the related Work on the hub.")]
    public string WorkNamespace { get; set; } = "";
}

[Description("AppliedWorkStatus represents the current status of AppliedWork.")]
public sealed class AppliedWorkStatus
{
    [Description("AppliedResources lists the resources the Work applied successfully on the member cluster.")]
    public List<AppliedResourceMeta>? AppliedResources { get; set; }
}

/// <summary>A resource a Work applied: its manifest identifier (upstream embeds it inline) and its UID.</summary>
[Description("AppliedResourceMeta represents one applied resource of a Work.")]
public sealed class AppliedResourceMeta
{
    [Required]
    [Description("Ordinal is the index of the manifest in the Work.")]
    public int Ordinal { get; set; }

    [Description("Group is the group of the resource.")]
    public string? Group { get; set; }

    [Description("Version is the version of the resource.")]
    public string? Version { get; set; }

    [Description("Kind is the kind of the resource.")]
    public string? Kind { get; set; }

    [Description("Resource is the resource type of the resource.")]
    public string? Resource { get; set; }

    [Description("Namespace is the namespace of the resource; empty for cluster-scoped resources.")]
    public string? Namespace { get; set; }

    [Description("Name is the name of the resource.")]
    public string? Name { get; set; }

    [Description("UID is the unique identifier of the applied resource on the member cluster.")]
    public string? Uid { get; set; }
}
