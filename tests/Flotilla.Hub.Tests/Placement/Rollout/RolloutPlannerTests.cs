using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Rollout;

namespace Flotilla.Hub.Tests.Placement.Rollout;

/// <summary>Which bindings one rollout round binds, updates, deletes or holds back (placement spec §4.3–4.5).</summary>
public sealed class RolloutPlannerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);
    private const string Latest = "crp-1-snapshot";
    private const string Older = "crp-0-snapshot";

    [Fact]
    public void Plan_FirstRolloutPickN4WithDefaults_BindsEveryScheduledBindingAtOnce()
    {
        // target 4, nothing ready or able to be: maxToAdd = 4 + ceil(25% of 4) = 5 ≥ 4.
        var bindings = Enumerable.Range(1, 4).Select(i => Scheduled($"c{i}")).ToArray();

        var plan = Plan(bindings, PickN(4), Strategy());

        Assert.Equal(["c1", "c2", "c3", "c4"], plan.Update.Select(u => u.Binding.TargetCluster));
        Assert.All(plan.Update, u => Assert.Equal(Latest, u.ResourceSnapshotName));
        Assert.Empty(plan.Stale);
        Assert.False(plan.NothingToRoll);
    }

    [Theory]
    [InlineData(4, "25%", 1)]
    [InlineData(4, "50%", 2)]
    [InlineData(3, "25%", 1)]
    [InlineData(10, "25%", 3)]
    [InlineData(4, "0", 0)]
    public void Plan_NewSnapshotOverReadyBoundBindings_MovesMaxUnavailableAtATimeAndHoldsTheRest(int n, string maxUnavailable, int moved)
    {
        var bindings = Enumerable.Range(1, n).Select(i => Bound($"c{i:D2}", Older, available: true)).ToArray();

        var plan = Plan(bindings, PickN(n), Strategy(maxUnavailable: maxUnavailable));

        Assert.Equal(moved, plan.Update.Count);
        Assert.Equal(n - moved, plan.Stale.Count);
        // In name order.
        Assert.Equal(bindings.Take(moved).Select(b => b.Name), plan.Update.Select(u => u.Binding.Name));
    }

    [Fact]
    public void Plan_FailingBindingsOnOldSnapshot_UpdatedEvenWhenNothingMayBecomeUnavailable()
    {
        Condition failed = new() { Type = "Applied", Status = "False", Reason = "NotAllWorkHaveBeenApplied", ObservedGeneration = 1 };
        RolloutBinding[] bindings = [Bound("c1", Older, available: true), Bound("c2", Older, conditions: [failed])];

        var plan = Plan(bindings, PickN(2), Strategy(maxUnavailable: "0"));

        Assert.Equal(["c2"], plan.Update.Select(u => u.Binding.TargetCluster));
        Assert.Equal(["c1"], plan.Stale.Select(b => b.TargetCluster));
    }

    [Fact]
    public void Plan_ScaleIn3To1_DeletesBothUnscheduledBindingsInOneRound()
    {
        RolloutBinding[] bindings = [Bound("c1", Latest, available: true), Unscheduled("c2", available: true), Unscheduled("c3", available: true)];

        var plan = Plan(bindings, PickN(1), Strategy());

        // ready 3, minAvailable = 1 - ceil(25% of 1) = 0: up to 3 may go.
        Assert.Equal(["c2", "c3"], plan.Delete.Select(b => b.TargetCluster));
        Assert.Equal(["c1"], plan.UpToDate.Select(b => b.TargetCluster));
    }

    [Fact]
    public void Plan_ClustersSwapped_MakeBeforeBreak()
    {
        // PickN 2 moved from {a, b} to {a, c}: c may be bound (surge), b may only go once enough are ready.
        RolloutBinding[] bindings = [Bound("a", Latest, available: true), Unscheduled("b", available: true), Scheduled("c")];

        var plan = Plan(bindings, PickN(2), Strategy(maxUnavailable: "0", maxSurge: "1"));

        Assert.Equal(["c"], plan.Update.Select(u => u.Binding.TargetCluster));
        Assert.Empty(plan.Delete);
    }

    [Fact]
    public void Plan_UntrackableAvailableRecently_NotReadyUntilTheUnavailablePeriodPasses()
    {
        Condition untrackable = new()
        {
            Type = "Available", Status = "True", Reason = "NotAllWorkAreAvailabilityTrackable", ObservedGeneration = 1, LastTransitionTime = Now.AddSeconds(-20),
        };
        RolloutBinding[] bindings = [Bound("c1", Older, conditions: [untrackable]), Bound("c2", Older, available: true)];

        var plan = Plan(bindings, PickN(2), Strategy(maxUnavailable: "1", unavailablePeriodSeconds: 60));

        // c1 is not ready for 40 s more: only one is ready, minAvailable 1, nothing may move yet.
        Assert.Empty(plan.Update);
        Assert.Equal(TimeSpan.FromSeconds(40), plan.WaitTime);
        Assert.Equal(["c1", "c2"], plan.Stale.Select(b => b.TargetCluster));
    }

    [Fact]
    public void Plan_EverythingUpToDate_NothingToRoll()
    {
        RolloutBinding[] bindings = [Bound("c1", Latest, available: true), Bound("c2", Latest, available: true)];

        var plan = Plan(bindings, PickN(2), Strategy());

        Assert.True(plan.NothingToRoll);
        Assert.Equal(["c1", "c2"], plan.UpToDate.Select(b => b.TargetCluster));
        Assert.Equal(TimeSpan.Zero, plan.WaitTime);
    }

    [Fact]
    public void Plan_OverridesChangedForACluster_BindingUpdatedWithThem()
    {
        RolloutBinding[] bindings = [Bound("c1", Latest, available: true), Bound("c2", Latest, available: true)];
        var overrides = new ClusterOverrides(["cro-1"], null);

        var plan = RolloutPlanner.Plan(bindings, Latest, cluster => cluster == "c2" ? overrides : ClusterOverrides.None, PickN(2), Strategy(maxUnavailable: "1"), Now);

        var update = Assert.Single(plan.Update);
        Assert.Equal("c2", update.Binding.TargetCluster);
        Assert.Same(overrides, update.Overrides);
    }

    [Theory]
    [InlineData("DiffReported", "True", "AllWorkHaveDiffReported", true)]
    [InlineData("DiffReported", "False", "DiffReportInProgress", false)]
    [InlineData("Available", "True", "AllWorkAreAvailable", true)]
    [InlineData("Available", "False", "NotAllWorkAreAvailable", false)]
    [InlineData("Applied", "True", "AllWorkHaveBeenApplied", false)]
    public void IsReady_Conditions_AsUpstream(string type, string status, string reason, bool expected)
    {
        var binding = Bound("c", Latest, conditions: [new Condition { Type = type, Status = status, Reason = reason, ObservedGeneration = 1 }]);

        var ready = RolloutPlanner.IsReady(binding, Now.AddMinutes(-1)).Ready;

        Assert.Equal(expected, ready);
    }

    private static RolloutPlan Plan(RolloutBinding[] bindings, PlacementPolicy policy, RollingUpdateConfig strategy) =>
        RolloutPlanner.Plan(bindings, Latest, _ => ClusterOverrides.None, policy, strategy, Now);

    private static PlacementPolicy PickN(int n) => new() { PlacementType = PlacementType.PickN, NumberOfClusters = n };

    private static RollingUpdateConfig Strategy(string maxUnavailable = "25%", string maxSurge = "25%", int unavailablePeriodSeconds = 60) => new()
    {
        MaxUnavailable = int.TryParse(maxUnavailable, out var u) ? IntOrString.FromInt(u) : IntOrString.FromString(maxUnavailable),
        MaxSurge = int.TryParse(maxSurge, out var s) ? IntOrString.FromInt(s) : IntOrString.FromString(maxSurge),
        UnavailablePeriodSeconds = unavailablePeriodSeconds,
    };

    private static RolloutBinding Scheduled(string cluster) =>
        new($"crp-{cluster}", BindingState.Scheduled, cluster, Deleting: false, Generation: 1, null, null, null, []);

    private static RolloutBinding Bound(string cluster, string snapshot, bool available = false, Condition[]? conditions = null) =>
        new($"crp-{cluster}", BindingState.Bound, cluster, Deleting: false, Generation: 1, snapshot, null, null,
            conditions ?? (available ? [Available()] : []));

    private static RolloutBinding Unscheduled(string cluster, bool available) =>
        new($"crp-{cluster}", BindingState.Unscheduled, cluster, Deleting: false, Generation: 1, Older, null, null, available ? [Available()] : []);

    private static Condition Available() => new()
    {
        Type = "Available", Status = "True", Reason = "AllWorkAreAvailable", ObservedGeneration = 1, LastTransitionTime = Now.AddHours(-1),
    };
}
