using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement;

namespace Flotilla.Hub.Tests.Placement;

/// <summary>The scheduling part of a placement's status (placement spec §7.3).</summary>
public sealed class ScheduledStatusTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Earlier = Now.AddMinutes(-10);

    [Fact]
    public void Apply_NoSnapshotStatus_PendingAndNoClusters()
    {
        var status = new PlacementStatus { PlacementStatuses = [new PerClusterPlacementStatus { ClusterName = "stale" }] };

        var completed = ScheduledStatus.Apply(status, Placement(PlacementType.PickAll, generation: 2), clusterScoped: true, Snapshot(null), Now);

        Assert.False(completed);
        var condition = Assert.Single(status.Conditions!);
        Assert.Equal(
            ("ClusterResourcePlacementScheduled", "Unknown", "SchedulePending", "Scheduling has not completed", 2L),
            (condition.Type, condition.Status, condition.Reason, condition.Message, condition.ObservedGeneration!.Value));
        Assert.Empty(status.PlacementStatuses!);
    }

    [Theory]
    [InlineData(1, 2, 1, "the snapshot's status is for an older placement generation")]
    [InlineData(2, 2, 0, "the snapshot's condition is for an older snapshot generation")]
    public void Apply_StaleSnapshotStatus_Pending(long observedPlacementGeneration, long placementGeneration, long conditionGeneration, string why)
    {
        var snapshot = Snapshot(Fulfilled(2), observedPlacementGeneration, conditionGeneration);
        var status = new PlacementStatus();

        Assert.False(ScheduledStatus.Apply(status, Placement(PlacementType.PickAll, placementGeneration), clusterScoped: true, snapshot, Now), why);
        Assert.Equal("SchedulePending", status.Conditions!.Single().Reason);
    }

    [Fact]
    public void Apply_PickNUnfulfilled_SelectedClustersThenFailedEntriesCappedByUnselected()
    {
        var snapshot = Snapshot(new Condition
        {
            Type = "Scheduled", Status = "False", Reason = "SchedulingPolicyUnfulfilled", ObservedGeneration = 1,
            Message = "could not find all clusters needed as specified by the scheduling policy, found 1 cluster(s) instead",
        }, decisions:
        [
            new ClusterDecision { ClusterName = "a", Selected = true, Reason = "picked a" },
            new ClusterDecision { ClusterName = "b", Selected = false, Reason = "ClusterUnschedulable, no" },
        ]);
        var status = new PlacementStatus();

        // N = 4 wants 3 more, but only one unselected decision explains why.
        ScheduledStatus.Apply(status, Placement(PlacementType.PickN, 1, numberOfClusters: 4), clusterScoped: false, snapshot, Now);

        var condition = status.Conditions!.Single();
        Assert.Equal(("ResourcePlacementScheduled", "False", "SchedulingPolicyUnfulfilled"), (condition.Type, condition.Status, condition.Reason));
        Assert.Equal(
            [("a", "True", "Scheduled", "picked a"), ("", "False", "ScheduleFailed", "ClusterUnschedulable, no")],
            status.PlacementStatuses!.Select(Describe));
    }

    [Fact]
    public void Apply_PickAllWithUnselected_NoFailedEntries()
    {
        var snapshot = Snapshot(Fulfilled(1), decisions:
        [
            new ClusterDecision { ClusterName = "a", Selected = true, Reason = "picked a" },
            new ClusterDecision { ClusterName = "b", Selected = false, Reason = "ClusterUnschedulable, no" },
        ]);
        var status = new PlacementStatus();

        ScheduledStatus.Apply(status, Placement(PlacementType.PickAll, 1), clusterScoped: true, snapshot, Now);

        Assert.Equal([("a", "True", "Scheduled", "picked a")], status.PlacementStatuses!.Select(Describe));
    }

    [Fact]
    public void Apply_Unchanged_KeepsTransitionTimesAndOtherPerClusterConditions()
    {
        var snapshot = Snapshot(Fulfilled(1), decisions: [new ClusterDecision { ClusterName = "a", Selected = true, Reason = "picked a" }]);
        var status = new PlacementStatus();
        ScheduledStatus.Apply(status, Placement(PlacementType.PickAll, 1), clusterScoped: true, snapshot, Earlier);
        status.PlacementStatuses![0].Conditions!.Add(new Condition { Type = "RolloutStarted", Status = "True", Reason = "RolloutStarted" });

        ScheduledStatus.Apply(status, Placement(PlacementType.PickAll, 1), clusterScoped: true, snapshot, Now);

        Assert.Equal(Earlier, status.Conditions!.Single().LastTransitionTime);
        var entry = Assert.Single(status.PlacementStatuses!);
        Assert.Equal(Earlier, entry.Conditions!.Single(c => c.Type == "Scheduled").LastTransitionTime);
        Assert.Contains(entry.Conditions!, c => c.Type == "RolloutStarted");
    }

    [Fact]
    public void Apply_ZeroSelected_OnlyTheScheduledConditionRemains()
    {
        var status = new PlacementStatus
        {
            Conditions = [new Condition { Type = "ClusterResourcePlacementRolloutStarted", Status = "True", Reason = "RolloutStarted" }],
        };

        ScheduledStatus.Apply(status, Placement(PlacementType.PickN, 1, numberOfClusters: 0), clusterScoped: true, Snapshot(Fulfilled(0)), Now);

        Assert.Equal(["ClusterResourcePlacementScheduled"], status.Conditions!.Select(c => c.Type));
        Assert.Empty(status.PlacementStatuses!);
    }

    private static (string, string, string, string) Describe(PerClusterPlacementStatus entry)
    {
        var scheduled = entry.Conditions!.Single(c => c.Type == "Scheduled");
        return (entry.ClusterName ?? "", scheduled.Status, scheduled.Reason, scheduled.Message);
    }

    private static Condition Fulfilled(int found) => new()
    {
        Type = "Scheduled", Status = "True", Reason = "SchedulingPolicyFulfilled", ObservedGeneration = 1,
        Message = $"found all cluster needed as specified by the scheduling policy, found {found} cluster(s)",
    };

    private static ClusterResourcePlacement Placement(string type, long generation, int? numberOfClusters = null) => new()
    {
        Metadata = new ObjectMeta { Name = "crp", Generation = generation },
        Spec = new PlacementSpec { Policy = new PlacementPolicy { PlacementType = type, NumberOfClusters = numberOfClusters } },
    };

    private static ClusterSchedulingPolicySnapshot Snapshot(
        Condition? scheduled, long observedPlacementGeneration = 1, long? conditionGeneration = null, List<ClusterDecision>? decisions = null)
    {
        if (scheduled is not null && conditionGeneration is { } generation)
        {
            scheduled.ObservedGeneration = generation;
        }
        return new ClusterSchedulingPolicySnapshot
        {
            Metadata = new ObjectMeta { Name = "crp-0", Generation = 1 },
            Status = new SchedulingPolicySnapshotStatus
            {
                ObservedCRPGeneration = observedPlacementGeneration,
                Conditions = scheduled is null ? [] : [scheduled],
                TargetClusters = decisions ?? [],
            },
        };
    }
}
