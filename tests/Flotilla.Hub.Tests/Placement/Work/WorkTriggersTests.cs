using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Work;

using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Tests.Placement.Work;

/// <summary>Which Work and binding changes wake the work generator (§5.1) and the placement controller (§7.2).</summary>
public sealed class WorkTriggersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);

    private static WorkObject Work(string index = "0", string overrideHash = "h", string? appliedStatus = null) => new()
    {
        Metadata = new ObjectMeta
        {
            Name = "crp-work",
            Labels = new Dictionary<string, string> { [PlacementApi.ParentResourceSnapshotIndexLabel] = index },
            Annotations = new Dictionary<string, string>
            {
                [PlacementApi.ParentResourceOverrideSnapshotHashAnnotation] = overrideHash,
                [PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation] = "c",
            },
        },
        Status = appliedStatus is null ? null : new WorkStatus
        {
            Conditions = [new Condition { Type = WorkConditionType.Applied, Status = appliedStatus, Reason = "R", LastTransitionTime = Now }],
        },
    };

    [Fact]
    public void WorkChanged_NothingButTheResourceVersion_False()
    {
        var old = Work(appliedStatus: "True");
        var current = Work(appliedStatus: "True");
        current.Metadata.ResourceVersion = "42";

        Assert.False(WorkTriggers.WorkChanged(old, current));
    }

    [Theory]
    [InlineData("index label")]
    [InlineData("override hash")]
    [InlineData("status")]
    public void WorkChanged_WhatTheGeneratorWroteOrTheMemberReported_True(string change)
    {
        var old = Work(appliedStatus: "False");
        var current = change switch
        {
            "index label" => Work(index: "1", appliedStatus: "False"),
            "override hash" => Work(overrideHash: "other", appliedStatus: "False"),
            _ => Work(appliedStatus: "True"),
        };

        Assert.True(WorkTriggers.WorkChanged(old, current));
    }

    private static ClusterResourceBinding Binding(string availableStatus = "True", string message = "m", long observed = 1, List<FailedResourcePlacement>? failed = null) => new()
    {
        Metadata = new ObjectMeta { Name = "b", Generation = 1 },
        Status = new ResourceBindingStatus
        {
            Conditions =
            [
                new Condition { Type = BindingConditionType.Available, Status = availableStatus, Reason = "R", Message = message, ObservedGeneration = observed, LastTransitionTime = Now },
            ],
            FailedPlacements = failed,
        },
    };

    [Fact]
    public void BindingStatusChanged_SameConditionsAndDetails_False() =>
        Assert.False(WorkTriggers.BindingStatusChanged(Binding(), Binding()));

    [Theory]
    [InlineData("status")]
    [InlineData("message")]
    [InlineData("observed generation")]
    [InlineData("failed placements")]
    public void BindingStatusChanged_WhatThePlacementCopies_True(string change)
    {
        var current = change switch
        {
            "status" => Binding(availableStatus: "False"),
            "message" => Binding(message: "other"),
            "observed generation" => Binding(observed: 2),
            _ => Binding(failed: [new FailedResourcePlacement { Kind = "ConfigMap", Name = "c", Version = "v1" }]),
        };

        Assert.True(WorkTriggers.BindingStatusChanged(Binding(), current));
    }
}
