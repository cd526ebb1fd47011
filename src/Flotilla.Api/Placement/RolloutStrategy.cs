using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>How changes roll out to the picked clusters (placement spec §1.3.4).</summary>
[ValidationRule(CelRules.ExternalIsFinal, CelRules.ExternalIsFinalMessage)]
[Description("RolloutStrategy describes how to roll out a new change in selected resources to target clusters.")]
public sealed class RolloutStrategy
{
    [Default("\"RollingUpdate\"")]
    [Enum(RolloutStrategyType.RollingUpdate, RolloutStrategyType.External)]
    [Description("Type of rollout: RollingUpdate (default), or External when staged update runs drive the rollout.")]
    public string? Type { get; set; }

    [Description("Rolling update config params. Present only if the type is RollingUpdate.")]
    public RollingUpdateConfig? RollingUpdate { get; set; }

    [Description("ApplyStrategy describes how to resolve the conflict if the resource to be placed already exists in the target cluster and whether and how to detect drifts and report differences.")]
    public ApplyStrategy? ApplyStrategy { get; set; }

    [ServedIn("v1beta1")]
    [Description("DeleteStrategy configures what happens to the placed resources when the placement is deleted.")]
    public DeleteStrategy? DeleteStrategy { get; set; }

    [ServedIn("v1beta1")]
    [Description("ReportBackStrategy describes how to report the status of the placed resources back to the hub cluster.")]
    public ReportBackStrategy? ReportBackStrategy { get; set; }
}

/// <summary>The pace of a rolling update: percentages are taken against the target number of clusters, rounding up.</summary>
[Description("RollingUpdateConfig contains the config to control the desired behavior of a rolling update.")]
public sealed class RollingUpdateConfig
{
    [Default("\"25%\"")]
    [Pattern("^((100|[0-9]{1,2})%|[0-9]+)$")]
    [Description("The maximum number of clusters that can be unavailable during the rolling update: an absolute number or a percentage of the target number of clusters, rounded up. Defaults to 25%.")]
    public IntOrString? MaxUnavailable { get; set; }

    [Default("\"25%\"")]
    [Pattern("^((100|[0-9]{1,2})%|[0-9]+)$")]
    [Description("The maximum number of clusters that can be scheduled above the target number of clusters: an absolute number or a percentage, rounded up. Defaults to 25%.")]
    public IntOrString? MaxSurge { get; set; }

    [Default("60")]
    [Minimum(0)]
    [Description("How long (in seconds) to wait after resources are applied before treating them as available, for resources whose availability cannot be tracked. Defaults to 60.")]
    public int? UnavailablePeriodSeconds { get; set; }
}

/// <summary>How the member agent applies, takes over, compares and reports resources (placement spec §1.3.4, §5).</summary>
[Description("ApplyStrategy describes when and how to apply the selected resources to the target cluster.")]
public sealed class ApplyStrategy
{
    [Default("\"PartialComparison\"")]
    [Enum(Placement.ComparisonOption.PartialComparison, Placement.ComparisonOption.FullComparison)]
    [Description("ComparisonOption controls how Fleet compares the desired state of a resource with its current state: only the fields set in the hub manifest (PartialComparison, default), or all fields (FullComparison).")]
    public string? ComparisonOption { get; set; }

    [Default("\"Always\"")]
    [Enum(Placement.WhenToApply.Always, Placement.WhenToApply.IfNotDrifted)]
    [Description("WhenToApply controls when Fleet applies the manifests: Always (default), or IfNotDrifted to stop applying once drift is found.")]
    public string? WhenToApply { get; set; }

    [Default("\"ClientSideApply\"")]
    [Enum(ApplyStrategyType.ClientSideApply, ApplyStrategyType.ServerSideApply, ApplyStrategyType.ReportDiff)]
    [Description("Type is the apply strategy: ClientSideApply (default), ServerSideApply, or ReportDiff to only report differences without applying.")]
    public string? Type { get; set; }

    [Description("AllowCoOwnership lets Fleet take over a resource that is also owned by other controllers. Defaults to false.")]
    public bool AllowCoOwnership { get; set; }

    [Description("ServerSideApplyConfig defines the configuration for server-side apply. Only valid with the ServerSideApply type.")]
    public ServerSideApplyConfig? ServerSideApplyConfig { get; set; }

    [Default("\"Always\"")]
    [Enum(Placement.WhenToTakeOver.Always, Placement.WhenToTakeOver.IfNoDiff, Placement.WhenToTakeOver.Never)]
    [Description("WhenToTakeOver controls whether Fleet takes over resources that already exist on the member cluster: Always (default), IfNoDiff, or Never.")]
    public string? WhenToTakeOver { get; set; }
}

[Description("ServerSideApplyConfig defines the configuration for the server-side apply strategy.")]
public sealed class ServerSideApplyConfig
{
    [Description("Force resolves conflicts in favour of Fleet: it becomes the owner of the conflicting fields. Defaults to false.")]
    public bool Force { get; set; }
}

[Description("DeleteStrategy configures the deletion of the placed resources.")]
public sealed class DeleteStrategy
{
    [Default("\"Delete\"")]
    [Enum(DeletePropagationPolicy.Abandon, DeletePropagationPolicy.Delete)]
    [Description("PropagationPolicy says whether placed resources are deleted from member clusters (Delete, default) or left in place (Abandon) when the placement is deleted.")]
    public string? PropagationPolicy { get; set; }
}

[ValidationRule(CelRules.MirrorNeedsDestination, CelRules.MirrorNeedsDestinationMessage)]
[Description("ReportBackStrategy describes how to report back the status of the placed resources.")]
public sealed class ReportBackStrategy
{
    [Required]
    [Default("\"Disabled\"")]
    [Enum(ReportBackStrategyType.Disabled, ReportBackStrategyType.Mirror)]
    [Description("Type of the report back strategy: Disabled (default) or Mirror.")]
    public string Type { get; set; } = ReportBackStrategyType.Disabled;

    [Enum(ReportBackDestination.OriginalResource, ReportBackDestination.WorkApi)]
    [Description("Destination of the mirrored status: the original resource on the hub (OriginalResource) or the Work object (WorkAPI). Required for Mirror.")]
    public string? Destination { get; set; }
}
