using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>
/// A stage-by-stage rollout of one resource snapshot of a ClusterResourcePlacement with the External strategy
/// (placement spec §4.6).
/// </summary>
[CustomResource(PlacementApi.Group, "ClusterStagedUpdateRun", "clusterstagedupdateruns", Namespaced = false,
    ShortNames = ["csur"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Placement", "string", ".spec.placementName")]
[PrinterColumn(1, "Resource-Snapshot-Index", "string", ".spec.resourceSnapshotIndex")]
[PrinterColumn(2, "Policy-Snapshot-Index", "string", ".status.policySnapshotIndexUsed")]
[PrinterColumn(3, "Initialized", "string", ".status.conditions[?(@.type==\"Initialized\")].status")]
[PrinterColumn(4, "Progressing", "string", ".status.conditions[?(@.type==\"Progressing\")].status")]
[PrinterColumn(5, "Succeeded", "string", ".status.conditions[?(@.type==\"Succeeded\")].status")]
[PrinterColumn(6, "Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn(7, "Strategy", "string", ".spec.stagedRolloutStrategyName", Priority = 1)]
[ValidationRule(CelRules.NameLength, CelRules.NameLengthMessage)]
[Description("ClusterStagedUpdateRun represents a stage by stage update process that applies the resources selected by a ClusterResourcePlacement to the clusters it picked.")]
public sealed class ClusterStagedUpdateRun : KubeObject, IStagedUpdateRun
{
    [Required]
    [Description("The desired state of ClusterStagedUpdateRun.")]
    public UpdateRunSpec Spec { get; set; } = new();

    [Description("The observed status of ClusterStagedUpdateRun.")]
    public UpdateRunStatus? Status { get; set; }
}

/// <summary>The namespaced twin of <see cref="ClusterStagedUpdateRun"/>, for ResourcePlacements.</summary>
[CustomResource(PlacementApi.Group, "StagedUpdateRun", "stagedupdateruns",
    ShortNames = ["sur"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Placement", "string", ".spec.placementName")]
[PrinterColumn(1, "Resource-Snapshot-Index", "string", ".spec.resourceSnapshotIndex")]
[PrinterColumn(2, "Policy-Snapshot-Index", "string", ".status.policySnapshotIndexUsed")]
[PrinterColumn(3, "Initialized", "string", ".status.conditions[?(@.type==\"Initialized\")].status")]
[PrinterColumn(4, "Progressing", "string", ".status.conditions[?(@.type==\"Progressing\")].status")]
[PrinterColumn(5, "Succeeded", "string", ".status.conditions[?(@.type==\"Succeeded\")].status")]
[PrinterColumn(6, "Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn(7, "Strategy", "string", ".spec.stagedRolloutStrategyName", Priority = 1)]
[ValidationRule(CelRules.NameLength, CelRules.NameLengthMessage)]
[Description("StagedUpdateRun represents a stage by stage update process that applies the resources selected by a ResourcePlacement to the clusters it picked.")]
public sealed class StagedUpdateRun : KubeObject, IStagedUpdateRun
{
    [Required]
    [Description("The desired state of StagedUpdateRun.")]
    public UpdateRunSpec Spec { get; set; } = new();

    [Description("The observed status of StagedUpdateRun.")]
    public UpdateRunStatus? Status { get; set; }
}

/// <summary>What ClusterStagedUpdateRun and StagedUpdateRun share.</summary>
public interface IStagedUpdateRun
{
    ObjectMeta Metadata { get; }

    UpdateRunSpec Spec { get; }

    UpdateRunStatus? Status { get; set; }
}

[ValidationRule(CelRules.InitializeToStop, CelRules.InitializeToStopMessage)]
[ValidationRule(CelRules.RunToInitialize, CelRules.RunToInitializeMessage)]
[ValidationRule(CelRules.StopToInitialize, CelRules.StopToInitializeMessage)]
[Description("UpdateRunSpec defines the placement, the resource snapshot and the strategy of a staged update run.")]
public sealed class UpdateRunSpec
{
    [Required]
    [MaxLength(255)]
    [ValidationRule(CelRules.Immutable, CelRules.PlacementNameImmutableMessage)]
    [Description("PlacementName is the name of the placement this update run applies to.")]
    public string PlacementName { get; set; } = "";

    [ValidationRule(CelRules.Immutable, CelRules.ResourceSnapshotIndexImmutableMessage)]
    [Description("The resource snapshot index of the selected resources to be updated across clusters; when empty the run uses the current selection.")]
    public string? ResourceSnapshotIndex { get; set; }

    [Required]
    [ValidationRule(CelRules.Immutable, CelRules.StrategyNameImmutableMessage)]
    [Description("The name of the update strategy that specifies the stages and the order in which the clusters are updated.")]
    public string StagedRolloutStrategyName { get; set; } = "";

    [Default("\"Initialize\"")]
    [Enum(UpdateRunState.Initialize, UpdateRunState.Run, UpdateRunState.Stop)]
    [Description("State is the desired state of the update run: Initialize (default: initialize but do not start), Run, or Stop.")]
    public string? State { get; set; }
}

[Description("UpdateRunStatus defines the observed state of a staged update run.")]
public sealed class UpdateRunStatus
{
    [Description("PolicySnapshotIndexUsed records the policy snapshot index of the placement that the update run is based on.")]
    public string? PolicySnapshotIndexUsed { get; set; }

    [Description("PolicyObservedClusterCount records the number of clusters the policy snapshot observed when the run started.")]
    public int? PolicyObservedClusterCount { get; set; }

    [Description("ResourceSnapshotIndexUsed records the resource snapshot index the update run is based on.")]
    public string? ResourceSnapshotIndexUsed { get; set; }

    [Description("AppliedStrategy is the apply strategy of the placement when the run started; later changes are not picked up.")]
    public ApplyStrategy? AppliedStrategy { get; set; }

    [Description("StagedUpdateStrategySnapshot is the snapshot of the update strategy used by the run.")]
    public UpdateStrategySpec? StagedUpdateStrategySnapshot { get; set; }

    [Description("StagesStatus lists the current updating status of each stage.")]
    public List<StageUpdatingStatus>? StagesStatus { get; set; }

    [Description("DeletionStageStatus is the status of the deletion stage, which removes the resources from the clusters no longer picked after all the stages complete.")]
    public StageUpdatingStatus? DeletionStageStatus { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions: Initialized, Progressing and Succeeded.")]
    public List<Condition>? Conditions { get; set; }
}

[Description("StageUpdatingStatus defines the status of the update run in a stage.")]
public sealed class StageUpdatingStatus
{
    [Required]
    [Description("The name of the stage.")]
    public string StageName { get; set; } = "";

    [Required]
    [Description("The updating status of each cluster in this stage.")]
    public List<ClusterUpdatingStatus> Clusters { get; set; } = [];

    [MaxItems(2)]
    [Description("The status of the after-stage tasks; empty until every cluster of the stage is updated.")]
    public List<StageTaskStatus>? AfterStageTaskStatus { get; set; }

    [MaxItems(1)]
    [Description("The status of the before-stage tasks.")]
    public List<StageTaskStatus>? BeforeStageTaskStatus { get; set; }

    [Format("date-time")]
    [Description("When the stage started updating.")]
    public DateTimeOffset? StartTime { get; set; }

    [Format("date-time")]
    [Description("When the stage finished updating.")]
    public DateTimeOffset? EndTime { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions of the stage: Progressing and Succeeded.")]
    public List<Condition>? Conditions { get; set; }
}

[Description("ClusterUpdatingStatus defines the status of the update run on one cluster.")]
public sealed class ClusterUpdatingStatus
{
    [Required]
    [Description("The name of the cluster.")]
    public string ClusterName { get; set; } = "";

    [Description("ResourceOverrideSnapshots lists the ResourceOverride snapshots that apply on the cluster, computed when the run starts.")]
    public List<NamespacedName>? ResourceOverrideSnapshots { get; set; }

    [Description("ClusterResourceOverrideSnapshots lists the ClusterResourceOverride snapshots that apply on the cluster, computed when the run starts.")]
    public List<string>? ClusterResourceOverrideSnapshots { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions of the cluster: Started and Succeeded.")]
    public List<Condition>? Conditions { get; set; }
}

[Description("StageTaskStatus is the status of a before-stage or after-stage task.")]
public sealed class StageTaskStatus
{
    [Required]
    [Enum(StageTaskType.TimedWait, StageTaskType.Approval)]
    [Description("The type of the task.")]
    public string Type { get; set; } = "";

    [Description("The name of the approval request created for the task; only for Approval tasks.")]
    public string? ApprovalRequestName { get; set; }

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions of the task: ApprovalRequestCreated, ApprovalRequestApproved, WaitTimeElapsed.")]
    public List<Condition>? Conditions { get; set; }
}

/// <summary>A reusable list of stages for ClusterStagedUpdateRuns.</summary>
[CustomResource(PlacementApi.Group, "ClusterStagedUpdateStrategy", "clusterstagedupdatestrategies", Namespaced = false,
    ShortNames = ["csus"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[Description("ClusterStagedUpdateStrategy defines a reusable strategy that specifies the stages and the order in which the selected cluster resources are updated on the member clusters.")]
public sealed class ClusterStagedUpdateStrategy : KubeObject
{
    [Required]
    [Description("The desired state of ClusterStagedUpdateStrategy.")]
    public UpdateStrategySpec Spec { get; set; } = new();
}

/// <summary>A reusable list of stages for StagedUpdateRuns in the same namespace.</summary>
[CustomResource(PlacementApi.Group, "StagedUpdateStrategy", "stagedupdatestrategies",
    ShortNames = ["sus"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"])]
[Description("StagedUpdateStrategy defines a reusable strategy that specifies the stages and the order in which the selected resources are updated on the member clusters.")]
public sealed class StagedUpdateStrategy : KubeObject
{
    [Required]
    [Description("The desired state of StagedUpdateStrategy.")]
    public UpdateStrategySpec Spec { get; set; } = new();
}

[Description("UpdateStrategySpec defines the stages of an update strategy.")]
public sealed class UpdateStrategySpec
{
    [Required]
    [MaxItems(31)]
    [Description("Stages specifies the configuration of each update stage, in order.")]
    public List<StageConfig> Stages { get; set; } = [];
}

/// <summary>One stage: which clusters, in which order, how many at a time, and what gates it.</summary>
[Description("StageConfig describes a single update stage; its clusters are updated in order and the update stops at the first failure.")]
public sealed class StageConfig
{
    [Required]
    [MaxLength(63)]
    [Pattern("^[a-z0-9]+$")]
    [Description("The name of the stage; unique within the strategy.")]
    public string Name { get; set; } = "";

    [Description("LabelSelector selects the clusters of this stage among those the placement picked: empty selects all of them, unset selects none. A cluster may be in only one stage.")]
    public StructuredLabelSelector? LabelSelector { get; set; }

    [Description("The label key whose integer value orders the clusters of the stage (ascending, ties by name); by name when unset.")]
    public string? SortingLabelKey { get; set; }

    [Default("1")]
    [Pattern("^(100|[1-9][0-9]?)%$")]
    [ValidationRule(CelRules.MaxConcurrencyAtLeastOne, CelRules.MaxConcurrencyAtLeastOneMessage)]
    [Description("MaxConcurrency is the maximum number of clusters of the stage updated at the same time: an absolute number or a percentage of the stage's clusters, rounded down, at least 1. Defaults to 1.")]
    public IntOrString? MaxConcurrency { get; set; }

    [MaxItems(2)]
    [ValidationRule(CelRules.ApprovalHasNoWaitTime, CelRules.ApprovalHasNoWaitTimeMessage)]
    [ValidationRule(CelRules.TimedWaitNeedsWaitTime, CelRules.TimedWaitNeedsWaitTimeMessage)]
    [Description("The tasks that must complete after the stage's clusters are updated before the next stage starts; at most one of each type.")]
    public List<StageTask>? AfterStageTasks { get; set; }

    [MaxItems(1)]
    [ValidationRule(CelRules.ApprovalHasNoWaitTime, CelRules.ApprovalHasNoWaitTimeMessage)]
    [ValidationRule(CelRules.NoTimedWaitBefore, CelRules.NoTimedWaitBeforeMessage)]
    [Description("The tasks that must complete before the stage starts; only Approval is allowed.")]
    public List<StageTask>? BeforeStageTasks { get; set; }
}

[ValidationRule(CelRules.WaitTimeNotNegative, CelRules.WaitTimeNotNegativeMessage)]
[Description("StageTask is a task that must complete before a stage starts or before the next stage starts.")]
public sealed class StageTask
{
    [Required]
    [Enum(StageTaskType.TimedWait, StageTaskType.Approval)]
    [Description("The type of the task: TimedWait or Approval.")]
    public string Type { get; set; } = "";

    [Pattern("^(?:[0-9]+(\\.[0-9]+)?(?:s|m|h))+$")]
    [Description("The time to wait after the stage's clusters are updated, for TimedWait tasks; only h, m and s units are accepted.")]
    public string? WaitTime { get; set; }
}

/// <summary>A request for a human to approve a stage of a ClusterStagedUpdateRun.</summary>
[CustomResource(PlacementApi.Group, "ClusterApprovalRequest", "clusterapprovalrequests", Namespaced = false,
    ShortNames = ["careq"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Update-Run", "string", ".spec.parentStageRollout")]
[PrinterColumn(1, "Stage", "string", ".spec.targetStage")]
[PrinterColumn(2, "Approved", "string", ".status.conditions[?(@.type==\"Approved\")].status")]
[PrinterColumn(3, "Age", "date", ".metadata.creationTimestamp")]
[Description("ClusterApprovalRequest defines a request for user approval for a stage of a cluster staged update run.")]
public sealed class ClusterApprovalRequest : KubeObject, IApprovalRequest
{
    [Required]
    [ValidationRule(CelRules.Immutable, CelRules.ApprovalSpecImmutableMessage)]
    [Description("The desired state of ClusterApprovalRequest; immutable.")]
    public ApprovalRequestSpec Spec { get; set; } = new();

    [Description("The observed state of ClusterApprovalRequest.")]
    public ApprovalRequestStatus? Status { get; set; }
}

/// <summary>A request for a human to approve a stage of a StagedUpdateRun.</summary>
[CustomResource(PlacementApi.Group, "ApprovalRequest", "approvalrequests",
    ShortNames = ["areq"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Update-Run", "string", ".spec.parentStageRollout")]
[PrinterColumn(1, "Stage", "string", ".spec.targetStage")]
[PrinterColumn(2, "Approved", "string", ".status.conditions[?(@.type==\"Approved\")].status")]
[PrinterColumn(3, "Age", "date", ".metadata.creationTimestamp")]
[Description("ApprovalRequest defines a request for user approval for a stage of a staged update run.")]
public sealed class ApprovalRequest : KubeObject, IApprovalRequest
{
    [Required]
    [ValidationRule(CelRules.Immutable, CelRules.ApprovalSpecImmutableMessage)]
    [Description("The desired state of ApprovalRequest; immutable.")]
    public ApprovalRequestSpec Spec { get; set; } = new();

    [Description("The observed state of ApprovalRequest.")]
    public ApprovalRequestStatus? Status { get; set; }
}

/// <summary>What ClusterApprovalRequest and ApprovalRequest share.</summary>
public interface IApprovalRequest
{
    ObjectMeta Metadata { get; }

    ApprovalRequestSpec Spec { get; }

    ApprovalRequestStatus? Status { get; set; }
}

[Description("ApprovalRequestSpec names the update run and stage to approve.")]
public sealed class ApprovalRequestSpec
{
    [Required]
    [Description("The name of the staged update run this approval request is for.")]
    public string ParentStageRollout { get; set; } = "";

    [Required]
    [Description("The name of the stage this approval request is for.")]
    public string TargetStage { get; set; } = "";
}

[Description("ApprovalRequestStatus defines the observed state of an approval request.")]
public sealed class ApprovalRequestStatus
{
    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions: Approved (set by a user) and ApprovalAccepted.")]
    public List<Condition>? Conditions { get; set; }
}
