using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests;

public sealed class PolicyStatusTests
{
    private static ClusterDecision Decision(string cluster, bool selected = true, int? affinity = 0, int? topology = 0, string reason = "picked") => new()
    {
        ClusterName = cluster,
        Selected = selected,
        ClusterScore = affinity is null && topology is null ? null : new ClusterScore { AffinityScore = affinity, TopologySpreadScore = topology },
        Reason = reason,
    };

    private static Condition Scheduled(string status = ConditionStatus.True, string reason = "SchedulingPolicyFulfilled", long generation = 3, string message = "found 2", bool written = true) => new()
    {
        Type = PolicySnapshotConditionType.Scheduled,
        Status = status,
        Reason = reason,
        Message = message,
        ObservedGeneration = generation,
        // A written condition has its transition time; a desired one has none yet.
        LastTransitionTime = written ? Now.AddHours(-1) : default,
    };

    private static readonly PolicyStatus Desired = new(5, [Decision("a"), Decision("b", selected: false, reason: "filtered", affinity: null, topology: null)], Scheduled(written: false));

    private static SchedulingPolicySnapshotStatus Current(long observed = 5, Condition? condition = null, params ClusterDecision[] decisions) => new()
    {
        ObservedCRPGeneration = observed,
        Conditions = [condition ?? Scheduled()],
        TargetClusters = decisions.Length == 0 ? [Decision("a"), Decision("b", selected: false, reason: "filtered", affinity: null, topology: null)] : [.. decisions],
    };

    public static TheoryData<string, SchedulingPolicySnapshotStatus?, bool> Cases => new()
    {
        { "no status yet", null, true },
        { "identical", Current(), false },
        { "decisions in another order", Current(5, null, Decision("b", selected: false, reason: "filtered", affinity: null, topology: null), Decision("a")), false },
        { "observed placement generation changed", Current(observed: 4), true },
        { "a decision's reason changed", Current(5, null, Decision("a", reason: "other"), Decision("b", selected: false, reason: "filtered", affinity: null, topology: null)), true },
        { "a decision's score changed", Current(5, null, Decision("a", affinity: 1), Decision("b", selected: false, reason: "filtered", affinity: null, topology: null)), true },
        { "a score added", Current(5, null, Decision("a"), Decision("b", selected: false, reason: "filtered")), true },
        { "selected changed", Current(5, null, Decision("a", selected: false), Decision("b", selected: false, reason: "filtered", affinity: null, topology: null)), true },
        { "another cluster", Current(5, null, Decision("a"), Decision("c", selected: false, reason: "filtered", affinity: null, topology: null)), true },
        { "one decision fewer", Current(5, null, Decision("a")), true },
        { "condition status changed", Current(condition: Scheduled(ConditionStatus.False)), true },
        { "condition reason changed", Current(condition: Scheduled(reason: "SchedulingPolicyUnfulfilled")), true },
        { "condition observed an older generation", Current(condition: Scheduled(generation: 2)), true },
        // Like upstream's condition.EqualCondition: a newer observed generation, or another message, is no change.
        { "condition observed a newer generation", Current(condition: Scheduled(generation: 4)), false },
        { "only the message changed", Current(condition: Scheduled(message: "found 3")), false },
        { "no Scheduled condition", new SchedulingPolicySnapshotStatus { ObservedCRPGeneration = 5, TargetClusters = [Decision("a"), Decision("b", selected: false, reason: "filtered", affinity: null, topology: null)] }, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Differs_CurrentStatus_OnlyRealChangesCount(string change, SchedulingPolicySnapshotStatus? current, bool differs)
    {
        Assert.Equal((change, differs), (change, Desired.Differs(current)));
    }

    [Fact]
    public void ToApi_StatusUnchanged_TransitionTimeKept()
    {
        var current = Current(condition: Scheduled(message: "found 1"));

        var written = Desired.ToApi(current, Now);

        var condition = Assert.Single(written.Conditions!);
        Assert.Equal((5L, "Scheduled=True SchedulingPolicyFulfilled gen=3: found 2", Now.AddHours(-1)), (written.ObservedCRPGeneration, Render(condition), condition.LastTransitionTime));
        Assert.Equal(Desired.Decisions.Select(Render), written.TargetClusters!.Select(Render));
    }

    [Fact]
    public void ToApi_StatusChanged_TransitionTimeNow()
    {
        var written = Desired.ToApi(Current(condition: Scheduled(ConditionStatus.False, "SchedulingPolicyUnfulfilled")), Now);

        Assert.Equal(Now, Assert.Single(written.Conditions!).LastTransitionTime);
    }

    // A cycle whose outcome is already written writes nothing; a new placement generation is written again. (PickN's
    // second cycle has nothing to pick and rewrites the status with the known selections only, as upstream does.)
    [Fact]
    public void Schedule_StatusAlreadyCurrent_StatusNull()
    {
        var policy = Policy(PickN(2));
        var clusters = new[] { Cluster("a"), Cluster("b"), Cluster("c").Leaving() };
        var first = Schedule(policy, clusters);
        var bindings = Apply([], first);
        policy = After(policy, first);
        var second = Schedule(policy, clusters, [.. bindings]);
        policy = After(policy, second);

        var third = Schedule(policy, clusters, [.. bindings]);
        var newGeneration = Schedule(policy with { PlacementGeneration = 6 }, clusters, [.. bindings]);

        Assert.Equal([Selected("b"), Selected("a"), Filtered("c", "cluster has left the fleet")], Decisions(first));
        Assert.Equal([Selected("b"), Selected("a")], Decisions(second));
        Assert.True(third.IsEmpty);
        Assert.Equal(6, newGeneration.Status?.ObservedPlacementGeneration);
    }
}
