using System.Globalization;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// The CEL rules of the staged update kinds (placement spec §4.6): run state transitions and immutable fields, stage
/// task rules, and immutable approval requests. Upstream has no webhook for these kinds; the pattern, length and
/// count limits are schema rules, which the API server's schema validation enforces.
/// </summary>
public static class StagedUpdateValidator
{
    private const int MaxNameLength = 63;

    /// <summary>Admits a ClusterStagedUpdateRun or StagedUpdateRun create (<paramref name="old"/> null) or update.</summary>
    public static AdmissionResult ValidateUpdateRun(IStagedUpdateRun run, IStagedUpdateRun? old)
    {
        ArgumentNullException.ThrowIfNull(run);
        var causes = new List<StatusCause>();
        if ((run.Metadata.Name ?? "").Length > MaxNameLength)
        {
            causes.Add(FieldError.Cel(FieldError.RootPath, "object", CelRules.NameLengthMessage));
        }
        if (old is not null)
        {
            var from = old.Spec.State;
            var to = run.Spec.State ?? UpdateRunState.Initialize;
            if (from == UpdateRunState.Initialize && to == UpdateRunState.Stop)
            {
                causes.Add(FieldError.Cel("spec", "object", CelRules.InitializeToStopMessage));
            }
            if (from == UpdateRunState.Run && to == UpdateRunState.Initialize)
            {
                causes.Add(FieldError.Cel("spec", "object", CelRules.RunToInitializeMessage));
            }
            if (from == UpdateRunState.Stop && to == UpdateRunState.Initialize)
            {
                causes.Add(FieldError.Cel("spec", "object", CelRules.StopToInitializeMessage));
            }
            if (old.Spec.PlacementName != run.Spec.PlacementName)
            {
                causes.Add(FieldError.Cel("spec.placementName", "string", CelRules.PlacementNameImmutableMessage));
            }
            // A transition rule on an optional field runs only when the field is in both objects.
            if (old.Spec.ResourceSnapshotIndex is not null && run.Spec.ResourceSnapshotIndex is not null
                && old.Spec.ResourceSnapshotIndex != run.Spec.ResourceSnapshotIndex)
            {
                causes.Add(FieldError.Cel("spec.resourceSnapshotIndex", "string", CelRules.ResourceSnapshotIndexImmutableMessage));
            }
            if (old.Spec.StagedRolloutStrategyName != run.Spec.StagedRolloutStrategyName)
            {
                causes.Add(FieldError.Cel("spec.stagedRolloutStrategyName", "string", CelRules.StrategyNameImmutableMessage));
            }
        }
        return AdmissionResult.Invalid(causes);
    }

    /// <summary>Admits a ClusterStagedUpdateStrategy or StagedUpdateStrategy spec (creates and updates alike).</summary>
    public static AdmissionResult ValidateUpdateStrategy(UpdateStrategySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var causes = new List<StatusCause>();
        for (var i = 0; i < spec.Stages.Count; i++)
        {
            var stage = spec.Stages[i];
            var path = "spec.stages[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            if (stage.MaxConcurrency is { IntValue: < 1 })
            {
                // An int-or-string node: upstream reports its schema type as the empty string.
                causes.Add(FieldError.Cel(path + ".maxConcurrency", "", CelRules.MaxConcurrencyAtLeastOneMessage));
            }
            if (stage.AfterStageTasks is { } after)
            {
                ValidateTasks(after, path + ".afterStageTasks", causes);
                if (after.Any(t => t.Type == StageTaskType.Approval && t.WaitTime is not null))
                {
                    causes.Add(FieldError.Cel(path + ".afterStageTasks", "array", CelRules.ApprovalHasNoWaitTimeMessage));
                }
                if (after.Any(t => t.Type == StageTaskType.TimedWait && t.WaitTime is null))
                {
                    causes.Add(FieldError.Cel(path + ".afterStageTasks", "array", CelRules.TimedWaitNeedsWaitTimeMessage));
                }
            }
            if (stage.BeforeStageTasks is { } before)
            {
                ValidateTasks(before, path + ".beforeStageTasks", causes);
                if (before.Any(t => t.Type == StageTaskType.Approval && t.WaitTime is not null))
                {
                    causes.Add(FieldError.Cel(path + ".beforeStageTasks", "array", CelRules.ApprovalHasNoWaitTimeMessage));
                }
                if (before.Any(t => t.Type == StageTaskType.TimedWait))
                {
                    causes.Add(FieldError.Cel(path + ".beforeStageTasks", "array", CelRules.NoTimedWaitBeforeMessage));
                }
            }
        }
        return AdmissionResult.Invalid(causes);
    }

    /// <summary>Admits a ClusterApprovalRequest or ApprovalRequest update: its spec is immutable.</summary>
    public static AdmissionResult ValidateApprovalRequest(IApprovalRequest request, IApprovalRequest? old)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (old is not null && (old.Spec.ParentStageRollout != request.Spec.ParentStageRollout || old.Spec.TargetStage != request.Spec.TargetStage))
        {
            return AdmissionResult.Invalid([FieldError.Cel("spec", "object", CelRules.ApprovalSpecImmutableMessage)]);
        }
        return AdmissionResult.Allowed;
    }

    private static void ValidateTasks(List<StageTask> tasks, string path, List<StatusCause> causes)
    {
        for (var j = 0; j < tasks.Count; j++)
        {
            // The schema pattern admits no sign, so only a value that bypassed it can be negative.
            if (tasks[j].WaitTime is { } waitTime && waitTime.StartsWith('-') && waitTime.Any(c => c is >= '1' and <= '9'))
            {
                causes.Add(FieldError.Cel(path + "[" + j.ToString(CultureInfo.InvariantCulture) + "]", "object", CelRules.WaitTimeNotNegativeMessage));
            }
        }
    }
}
