using System.Globalization;
using Flotilla.Api.Cluster;

namespace Flotilla.Api.Placement;

/// <summary>
/// Names of the <c>placement.kubernetes-fleet.io</c> API: group and versions, and every label, annotation and
/// finalizer key the placement machinery writes (placement spec §1.6).
/// </summary>
public static class PlacementApi
{
    public const string Group = "placement.kubernetes-fleet.io";
    public const string StorageVersion = "v1beta1";
    public const string V1 = "v1";
    public const string ApiVersion = Group + "/" + StorageVersion;

    /// <summary>The prefix of every fleet label, annotation and finalizer.</summary>
    public const string FleetPrefix = "kubernetes-fleet.io/";

    // Labels.

    /// <summary>The owning placement's name, on snapshots, bindings and Works (used for CRPs and RPs alike).</summary>
    public const string ParentPlacementLabel = FleetPrefix + "parent-CRP";

    /// <summary><c>"true"</c> on the one latest policy/resource/override snapshot of its owner, <c>"false"</c> on the rest.</summary>
    public const string IsLatestSnapshotLabel = FleetPrefix + "is-latest-snapshot";

    /// <summary>The policy snapshot's index, from 0.</summary>
    public const string PolicyIndexLabel = FleetPrefix + "policy-index";

    /// <summary>The resource snapshot group's index, from 0.</summary>
    public const string ResourceIndexLabel = FleetPrefix + "resource-index";

    /// <summary>On a Work: the binding it was generated for.</summary>
    public const string ParentBindingLabel = FleetPrefix + "parent-resource-binding";

    /// <summary>On a Work generated for a ResourcePlacement: the placement's namespace.</summary>
    public const string ParentNamespaceLabel = FleetPrefix + "parent-placement-namespace";

    /// <summary>On a Work: the resource index it was generated from.</summary>
    public const string ParentResourceSnapshotIndexLabel = FleetPrefix + "parent-resource-snapshot-index";

    /// <summary>On an envelope Work: the envelope type.</summary>
    public const string EnvelopeTypeLabel = FleetPrefix + "envelope-work";

    /// <summary>On an envelope Work: the envelope's name.</summary>
    public const string EnvelopeNameLabel = FleetPrefix + "envelope-name";

    /// <summary>On an envelope Work for a ResourceEnvelope: the envelope's namespace.</summary>
    public const string EnvelopeNamespaceLabel = FleetPrefix + "envelope-namespace";

    /// <summary><c>"true"</c> on the <c>fleet-member-*</c> namespaces.</summary>
    public const string FleetResourceLabel = ClusterApi.FleetResourceLabel;

    /// <summary>The member cluster's name, on its MemberCluster (lets overrides pick one cluster by label).</summary>
    public const string MemberNameLabel = ClusterApi.MemberNameLabel;

    /// <summary>On an override snapshot: its index.</summary>
    public const string OverrideIndexLabel = FleetPrefix + "override-index";

    /// <summary>On an override snapshot: the owning override's name.</summary>
    public const string ParentResourceOverrideLabel = FleetPrefix + "parent-resource-override";

    // Annotations.

    /// <summary>On a master resource snapshot: sha256 hex of the whole selected-resource list.</summary>
    public const string ResourceHashAnnotation = FleetPrefix + "resource-hash";

    /// <summary>On a master resource snapshot: how many snapshots make up the group.</summary>
    public const string NumberOfResourceSnapshotsAnnotation = FleetPrefix + "number-of-resource-snapshots";

    /// <summary>On a master resource snapshot: how many envelope objects were selected.</summary>
    public const string NumberOfEnvelopedObjectsAnnotation = FleetPrefix + "number-of-enveloped-object";

    /// <summary>On a non-master resource snapshot: its 0-based sub-index.</summary>
    public const string SubindexOfResourceSnapshotAnnotation = FleetPrefix + "subindex-of-resource-snapshot";

    /// <summary>On the latest master resource snapshot: RFC 3339 time a resource change was first noticed.</summary>
    public const string NextResourceSnapshotCandidateDetectionTimeAnnotation = FleetPrefix + "next-resource-snapshot-candidate-detection-time";

    /// <summary>On a policy snapshot: the placement generation it reflects.</summary>
    public const string PlacementGenerationAnnotation = FleetPrefix + "CRP-generation";

    /// <summary>On a PickN policy snapshot: the current numberOfClusters.</summary>
    public const string NumberOfClustersAnnotation = FleetPrefix + "number-of-clusters";

    /// <summary>On an Unscheduled binding: the state it had before (<c>Scheduled</c> or <c>Bound</c>).</summary>
    public const string PreviousBindingStateAnnotation = FleetPrefix + "previous-binding-state";

    /// <summary>On a Work: the master resource snapshot named on the binding.</summary>
    public const string ParentResourceSnapshotNameAnnotation = FleetPrefix + "parent-resource-snapshot-name";

    /// <summary>On a Work: sha256 of the binding's ResourceOverride snapshot list.</summary>
    public const string ParentResourceOverrideSnapshotHashAnnotation = FleetPrefix + "parent-resource-override-snapshot-hash";

    /// <summary>On a Work: sha256 of the binding's ClusterResourceOverride snapshot list.</summary>
    public const string ParentClusterResourceOverrideSnapshotHashAnnotation = FleetPrefix + "parent-cluster-resource-override-snapshot-hash";

    /// <summary>On an object applied to a member: the hash of the sanitized manifest (drift detection).</summary>
    public const string ManifestHashAnnotation = FleetPrefix + "spec-hash";

    /// <summary>On an object applied to a member with client-side apply: the three-way-merge base.</summary>
    public const string LastAppliedConfigAnnotation = FleetPrefix + "last-applied-configuration";

    // Finalizers.

    public const string ClusterResourcePlacementCleanupFinalizer = FleetPrefix + "crp-cleanup";
    public const string ResourcePlacementCleanupFinalizer = FleetPrefix + "rp-cleanup";
    public const string SchedulerCleanupFinalizer = FleetPrefix + "scheduler-cleanup";
    public const string SchedulerBindingCleanupFinalizer = FleetPrefix + "scheduler-crb-cleanup";
    public const string WorkCleanupFinalizer = FleetPrefix + "work-cleanup";
    public const string MemberClusterFinalizer = ClusterApi.MemberClusterFinalizer;
    public const string OverrideCleanupFinalizer = FleetPrefix + "override-cleanup";
    public const string StagedUpdateRunFinalizer = FleetPrefix + "stagedupdaterun-finalizer";

    /// <summary>The name of a staged update run's deletion stage in its status.</summary>
    public const string DeleteStageName = FleetPrefix + "deleteStage";

    // Object names (placement spec §2).

    /// <summary>A policy snapshot: <c>&lt;placement&gt;-&lt;index&gt;</c>.</summary>
    public static string PolicySnapshotName(string placement, int index) =>
        placement + "-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The master resource snapshot of a group: <c>&lt;placement&gt;-&lt;index&gt;-snapshot</c>.</summary>
    public static string ResourceSnapshotName(string placement, int index) =>
        placement + "-" + index.ToString(CultureInfo.InvariantCulture) + "-snapshot";

    /// <summary>A sub-index resource snapshot: <c>&lt;placement&gt;-&lt;index&gt;-&lt;subindex&gt;</c>.</summary>
    public static string SubResourceSnapshotName(string placement, int index, int subindex) =>
        placement + "-" + index.ToString(CultureInfo.InvariantCulture) + "-" + subindex.ToString(CultureInfo.InvariantCulture);

    /// <summary>An override snapshot: <c>&lt;override&gt;-&lt;index&gt;</c>.</summary>
    public static string OverrideSnapshotName(string overrideName, int index) =>
        overrideName + "-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The prefix of a placement's Work names: the name for a CRP, <c>&lt;namespace&gt;.&lt;name&gt;</c> for an RP.</summary>
    public static string WorkNamePrefix(string? placementNamespace, string placementName) =>
        string.IsNullOrEmpty(placementNamespace) ? placementName : placementNamespace + "." + placementName;
}

/// <summary>The validating webhooks' names, which kubectl shows in a denial (<c>admission webhook "…" denied the request</c>).</summary>
public static class PlacementWebhooks
{
    public const string ClusterResourcePlacement = "fleet.clusterresourceplacementv1beta1.validating";

    // Not confirmed against upstream's registration; follows the CRP webhook's naming.
    public const string ResourcePlacement = "fleet.resourceplacementv1beta1.validating";

    public const string ClusterResourceOverride = "fleet.clusterresourceoverride.validating";
    public const string ResourceOverride = "fleet.resourceoverride.validating";
    public const string ClusterResourcePlacementEviction = "fleet.clusterresourceplacementeviction.validating";
    public const string ClusterResourcePlacementDisruptionBudget = "fleet.clusterresourceplacementdisruptionbudget.validating";
}

/// <summary>Condition types on a placement (CRP or RP): the per-cluster type with the kind as prefix.</summary>
public static class PlacementConditionType
{
    public const string ClusterResourcePlacementPrefix = "ClusterResourcePlacement";
    public const string ResourcePlacementPrefix = "ResourcePlacement";

    public const string CrpScheduled = "ClusterResourcePlacementScheduled";
    public const string CrpRolloutStarted = "ClusterResourcePlacementRolloutStarted";
    public const string CrpOverridden = "ClusterResourcePlacementOverridden";
    public const string CrpWorkSynchronized = "ClusterResourcePlacementWorkSynchronized";
    public const string CrpApplied = "ClusterResourcePlacementApplied";
    public const string CrpAvailable = "ClusterResourcePlacementAvailable";
    public const string CrpDiffReported = "ClusterResourcePlacementDiffReported";
    public const string CrpStatusSynced = "ClusterResourcePlacementStatusSynced";

    public const string RpScheduled = "ResourcePlacementScheduled";
    public const string RpRolloutStarted = "ResourcePlacementRolloutStarted";
    public const string RpOverridden = "ResourcePlacementOverridden";
    public const string RpWorkSynchronized = "ResourcePlacementWorkSynchronized";
    public const string RpApplied = "ResourcePlacementApplied";
    public const string RpAvailable = "ResourcePlacementAvailable";
    public const string RpDiffReported = "ResourcePlacementDiffReported";

    /// <summary>
    /// The placement-level type for a per-cluster type (<see cref="PerClusterConditionType"/>):
    /// <c>Scheduled</c> → <c>ClusterResourcePlacementScheduled</c> or <c>ResourcePlacementScheduled</c>.
    /// </summary>
    public static string For(bool clusterScoped, string perClusterType) =>
        (clusterScoped ? ClusterResourcePlacementPrefix : ResourcePlacementPrefix) + perClusterType;
}

/// <summary>
/// Condition types in <c>placementStatuses[].conditions</c>, and (all but <c>Scheduled</c>) on bindings, in the
/// order they are evaluated.
/// </summary>
public static class PerClusterConditionType
{
    public const string Scheduled = "Scheduled";
    public const string RolloutStarted = "RolloutStarted";
    public const string Overridden = "Overridden";
    public const string WorkSynchronized = "WorkSynchronized";
    public const string Applied = "Applied";
    public const string Available = "Available";
    public const string DiffReported = "DiffReported";
    public const string StatusSynced = "StatusSynced";
}

/// <summary>Condition types on ClusterResourceBinding and ResourceBinding.</summary>
public static class BindingConditionType
{
    public const string RolloutStarted = "RolloutStarted";
    public const string Overridden = "Overridden";
    public const string WorkSynchronized = "WorkSynchronized";
    public const string Applied = "Applied";
    public const string Available = "Available";
    public const string DiffReported = "DiffReported";
}

/// <summary>The condition type on policy snapshots.</summary>
public static class PolicySnapshotConditionType
{
    public const string Scheduled = "Scheduled";
}

/// <summary>Condition types on Works and on their manifest conditions.</summary>
public static class WorkConditionType
{
    public const string Applied = "Applied";
    public const string Available = "Available";
    public const string DiffReported = "DiffReported";
    public const string StatusTrimmed = "StatusTrimmed";
}

/// <summary>Condition types on ClusterResourcePlacementEviction.</summary>
public static class EvictionConditionType
{
    public const string Valid = "Valid";
    public const string Executed = "Executed";
}

/// <summary>Condition types on staged update runs, their stages, clusters and stage tasks, and approval requests.</summary>
public static class StagedUpdateConditionType
{
    // Update run.
    public const string Initialized = "Initialized";
    public const string Progressing = "Progressing";
    public const string Succeeded = "Succeeded";

    // Cluster within a stage.
    public const string Started = "Started";

    // Stage tasks.
    public const string ApprovalRequestCreated = "ApprovalRequestCreated";
    public const string ApprovalRequestApproved = "ApprovalRequestApproved";
    public const string WaitTimeElapsed = "WaitTimeElapsed";

    // Approval requests.
    public const string Approved = "Approved";
    public const string ApprovalAccepted = "ApprovalAccepted";
}

/// <summary><c>spec.policy.placementType</c>.</summary>
public static class PlacementType
{
    public const string PickAll = "PickAll";
    public const string PickN = "PickN";
    public const string PickFixed = "PickFixed";
}

/// <summary><c>resourceSelectors[].selectionScope</c> (meaningful for Namespace selectors only).</summary>
public static class SelectionScope
{
    public const string NamespaceOnly = "NamespaceOnly";
    public const string NamespaceWithResources = "NamespaceWithResources";
    public const string NamespaceWithResourceSelectors = "NamespaceWithResourceSelectors";
}

/// <summary><c>spec.statusReportingScope</c>.</summary>
public static class StatusReportingScope
{
    public const string ClusterScopeOnly = "ClusterScopeOnly";
    public const string NamespaceAccessible = "NamespaceAccessible";
}

/// <summary><c>spec.strategy.type</c>.</summary>
public static class RolloutStrategyType
{
    public const string RollingUpdate = "RollingUpdate";
    public const string External = "External";
}

/// <summary><c>applyStrategy.type</c>.</summary>
public static class ApplyStrategyType
{
    public const string ClientSideApply = "ClientSideApply";
    public const string ServerSideApply = "ServerSideApply";
    public const string ReportDiff = "ReportDiff";
}

/// <summary><c>applyStrategy.comparisonOption</c>.</summary>
public static class ComparisonOption
{
    public const string PartialComparison = "PartialComparison";
    public const string FullComparison = "FullComparison";
}

/// <summary><c>applyStrategy.whenToApply</c>.</summary>
public static class WhenToApply
{
    public const string Always = "Always";
    public const string IfNotDrifted = "IfNotDrifted";
}

/// <summary><c>applyStrategy.whenToTakeOver</c>.</summary>
public static class WhenToTakeOver
{
    public const string Always = "Always";
    public const string IfNoDiff = "IfNoDiff";
    public const string Never = "Never";
}

/// <summary><c>deleteStrategy.propagationPolicy</c>.</summary>
public static class DeletePropagationPolicy
{
    public const string Delete = "Delete";
    public const string Abandon = "Abandon";
}

/// <summary><c>reportBackStrategy.type</c>.</summary>
public static class ReportBackStrategyType
{
    public const string Disabled = "Disabled";
    public const string Mirror = "Mirror";
}

/// <summary><c>reportBackStrategy.destination</c>.</summary>
public static class ReportBackDestination
{
    public const string OriginalResource = "OriginalResource";
    public const string WorkApi = "WorkAPI";
}

/// <summary>Toleration operators.</summary>
public static class TolerationOperator
{
    public const string Equal = "Equal";
    public const string Exists = "Exists";
}

/// <summary><c>topologySpreadConstraints[].whenUnsatisfiable</c>.</summary>
public static class UnsatisfiableConstraintAction
{
    public const string DoNotSchedule = "DoNotSchedule";
    public const string ScheduleAnyway = "ScheduleAnyway";
}

/// <summary>Property selector operators.</summary>
public static class PropertySelectorOperator
{
    public const string GreaterThan = "Gt";
    public const string GreaterThanOrEqualTo = "Ge";
    public const string EqualTo = "Eq";
    public const string NotEqualTo = "Ne";
    public const string LessThan = "Lt";
    public const string LessThanOrEqualTo = "Le";
}

/// <summary><c>propertySorter.sortOrder</c>.</summary>
public static class PropertySortOrder
{
    public const string Ascending = "Ascending";
    public const string Descending = "Descending";
}

/// <summary>A binding's <c>spec.state</c>.</summary>
public static class BindingState
{
    public const string Scheduled = "Scheduled";
    public const string Bound = "Bound";
    public const string Unscheduled = "Unscheduled";
}

/// <summary>The envelope type in a ResourceIdentifier's <c>envelope.type</c> and the envelope-work label.</summary>
public static class EnvelopeType
{
    public const string ConfigMap = "ConfigMap";
    public const string ClusterResourceEnvelope = "ClusterResourceEnvelope";
    public const string ResourceEnvelope = "ResourceEnvelope";
}

/// <summary><c>overrideRules[].overrideType</c>.</summary>
public static class OverrideType
{
    public const string JsonPatch = "JSONPatch";
    public const string Delete = "Delete";
}

/// <summary><c>jsonPatchOverrides[].op</c>.</summary>
public static class JsonPatchOperator
{
    public const string Add = "add";
    public const string Remove = "remove";
    public const string Replace = "replace";
}

/// <summary>An override's <c>placement.scope</c>.</summary>
public static class PlacementRefScope
{
    public const string Cluster = "Cluster";
    public const string Namespaced = "Namespaced";
}

/// <summary>A staged update run's <c>spec.state</c>.</summary>
public static class UpdateRunState
{
    public const string Initialize = "Initialize";
    public const string Run = "Run";
    public const string Stop = "Stop";
}

/// <summary>A stage task's type.</summary>
public static class StageTaskType
{
    public const string TimedWait = "TimedWait";
    public const string Approval = "Approval";
}
