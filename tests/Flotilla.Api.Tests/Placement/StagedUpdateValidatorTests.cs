using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using static Flotilla.Api.Tests.Placement.PlacementTestObjects;

namespace Flotilla.Api.Tests.Placement;

/// <summary>The CEL rules of staged update runs, strategies and approval requests (placement spec §4.6).</summary>
public sealed class StagedUpdateValidatorTests
{
    [Theory]
    [InlineData("Initialize", "Stop", "spec: Invalid value: \"object\": invalid state transition: cannot transition from Initialize to Stop")]
    [InlineData("Run", "Initialize", "spec: Invalid value: \"object\": invalid state transition: cannot transition from Run to Initialize")]
    [InlineData("Stop", "Initialize", "spec: Invalid value: \"object\": invalid state transition: cannot transition from Stop to Initialize")]
    public void ValidateUpdateRun_ForbiddenStateTransition_Invalid(string from, string to, string expected)
    {
        var result = StagedUpdateValidator.ValidateUpdateRun(Run(to), Run(from));

        Assert.Equal(expected, SingleCause(result));
    }

    [Theory]
    [InlineData("Initialize", "Run")]
    [InlineData("Run", "Stop")]
    [InlineData("Stop", "Run")]
    [InlineData("Run", "Run")]
    public void ValidateUpdateRun_AllowedStateTransition_Allowed(string from, string to)
    {
        Assert.True(StagedUpdateValidator.ValidateUpdateRun(Run(to), Run(from)).IsAllowed);
    }

    [Fact]
    public void ValidateUpdateRun_UnsetStateOnUpdate_ReadAsInitialize()
    {
        var result = StagedUpdateValidator.ValidateUpdateRun(Run(null), Run(UpdateRunState.Run));

        Assert.Equal("spec: Invalid value: \"object\": invalid state transition: cannot transition from Run to Initialize", SingleCause(result));
    }

    [Fact]
    public void ValidateUpdateRun_NameTooLong_InvalidAtRoot()
    {
        var run = Run(UpdateRunState.Initialize);
        run.Metadata.Name = new string('r', 64);

        Assert.Equal("<nil>: Invalid value: \"object\": metadata.name max length is 63", SingleCause(StagedUpdateValidator.ValidateUpdateRun(run, null)));
    }

    [Theory]
    [InlineData("placementName", "spec.placementName: Invalid value: \"string\": placementName is immutable")]
    [InlineData("resourceSnapshotIndex", "spec.resourceSnapshotIndex: Invalid value: \"string\": resourceSnapshotIndex is immutable")]
    [InlineData("stagedRolloutStrategyName", "spec.stagedRolloutStrategyName: Invalid value: \"string\": stagedRolloutStrategyName is immutable")]
    public void ValidateUpdateRun_ImmutableFieldChanged_Invalid(string field, string expected)
    {
        var updated = Run(UpdateRunState.Initialize);
        switch (field)
        {
            case "placementName": updated.Spec.PlacementName = "other"; break;
            case "resourceSnapshotIndex": updated.Spec.ResourceSnapshotIndex = "2"; break;
            default: updated.Spec.StagedRolloutStrategyName = "other"; break;
        }

        Assert.Equal(expected, SingleCause(StagedUpdateValidator.ValidateUpdateRun(updated, Run(UpdateRunState.Initialize))));
    }

    [Fact]
    public void ValidateUpdateRun_ResourceSnapshotIndexSetLater_Allowed()
    {
        // A transition rule on an optional field only runs when the field is in both the old and the new object.
        var old = Run(UpdateRunState.Initialize);
        old.Spec.ResourceSnapshotIndex = null;

        Assert.True(StagedUpdateValidator.ValidateUpdateRun(Run(UpdateRunState.Initialize), old).IsAllowed);
    }

    public static TheoryData<string, Action<StageConfig>, string> StageCases => new()
    {
        {
            "maxConcurrency zero",
            s => s.MaxConcurrency = 0,
            "spec.stages[0].maxConcurrency: Invalid value: \"\": maxConcurrency must be at least 1"
        },
        {
            "after-stage Approval with waitTime",
            s => s.AfterStageTasks = [new StageTask { Type = StageTaskType.Approval, WaitTime = "1h" }],
            "spec.stages[0].afterStageTasks: Invalid value: \"array\": AfterStageTaskType is Approval, waitTime is not allowed"
        },
        {
            "after-stage TimedWait without waitTime",
            s => s.AfterStageTasks = [new StageTask { Type = StageTaskType.TimedWait }],
            "spec.stages[0].afterStageTasks: Invalid value: \"array\": AfterStageTaskType is TimedWait, waitTime is required"
        },
        {
            "before-stage TimedWait",
            s => s.BeforeStageTasks = [new StageTask { Type = StageTaskType.TimedWait, WaitTime = "5m" }],
            "spec.stages[0].beforeStageTasks: Invalid value: \"array\": BeforeStageTaskType cannot be TimedWait"
        },
        {
            "before-stage Approval with waitTime",
            s => s.BeforeStageTasks = [new StageTask { Type = StageTaskType.Approval, WaitTime = "5m" }],
            "spec.stages[0].beforeStageTasks: Invalid value: \"array\": AfterStageTaskType is Approval, waitTime is not allowed"
        },
        {
            "negative waitTime",
            s => s.AfterStageTasks = [new StageTask { Type = StageTaskType.TimedWait, WaitTime = "-5m" }],
            "spec.stages[0].afterStageTasks[0]: Invalid value: \"object\": waitTime must be a non-negative duration"
        },
    };

    [Theory]
    [MemberData(nameof(StageCases))]
    public void ValidateUpdateStrategy_BrokenStageRule_Invalid(string name, Action<StageConfig> change, string expected)
    {
        var stage = new StageConfig { Name = "canary" };
        change(stage);

        var result = StagedUpdateValidator.ValidateUpdateStrategy(new UpdateStrategySpec { Stages = [stage] });

        Assert.True(result.IsInvalid, name);
        Assert.Equal(expected, SingleCause(result));
    }

    [Fact]
    public void ValidateUpdateStrategy_TypicalStages_Allowed()
    {
        var spec = new UpdateStrategySpec
        {
            Stages =
            [
                new StageConfig
                {
                    Name = "canary", MaxConcurrency = "50%",
                    BeforeStageTasks = [new StageTask { Type = StageTaskType.Approval }],
                    AfterStageTasks = [new StageTask { Type = StageTaskType.TimedWait, WaitTime = "1h" }, new StageTask { Type = StageTaskType.Approval }],
                },
                new StageConfig { Name = "prod", MaxConcurrency = 3, LabelSelector = new StructuredLabelSelector() },
            ],
        };

        Assert.True(StagedUpdateValidator.ValidateUpdateStrategy(spec).IsAllowed);
    }

    [Fact]
    public void ValidateApprovalRequest_SpecChanged_Invalid()
    {
        var old = new ClusterApprovalRequest { Spec = new ApprovalRequestSpec { ParentStageRollout = "run", TargetStage = "canary" } };
        var updated = new ClusterApprovalRequest { Spec = new ApprovalRequestSpec { ParentStageRollout = "run", TargetStage = "prod" } };

        Assert.Equal("spec: Invalid value: \"object\": The spec field is immutable", SingleCause(StagedUpdateValidator.ValidateApprovalRequest(updated, old)));
    }

    [Fact]
    public void ValidateApprovalRequest_StatusOnlyChange_Allowed()
    {
        var old = new ApprovalRequest { Spec = new ApprovalRequestSpec { ParentStageRollout = "run", TargetStage = "canary" } };
        var updated = new ApprovalRequest
        {
            Spec = new ApprovalRequestSpec { ParentStageRollout = "run", TargetStage = "canary" },
            Status = new ApprovalRequestStatus { Conditions = [new Condition { Type = StagedUpdateConditionType.Approved, Status = ConditionStatus.True, Reason = "lgtm" }] },
        };

        Assert.True(StagedUpdateValidator.ValidateApprovalRequest(updated, old).IsAllowed);
    }

    private static ClusterStagedUpdateRun Run(string? state) => new()
    {
        Metadata = new ObjectMeta { Name = "run" },
        Spec = new UpdateRunSpec { PlacementName = "crp", ResourceSnapshotIndex = "1", StagedRolloutStrategyName = "strategy", State = state },
    };
}
