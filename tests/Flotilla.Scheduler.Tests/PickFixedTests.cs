using Flotilla.Api.Placement;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests;

public sealed class PickFixedTests
{
    // No names: no binding changes and no status at all (the placement stays pending), obsolete bindings untouched.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Schedule_NoClusterNames_NothingAtAll(bool emptyList)
    {
        var policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = emptyList ? [] : null };

        var result = Schedule(Policy(policy), [Cluster("a")], Binding("a", BindingState.Bound, OldSnapshot));

        Assert.True(result.IsEmpty);
        Assert.Equal([], Render(result));
    }

    [Fact]
    public void Schedule_ValidInvalidNotFound_VerbatimReasonsAndUnfulfilled()
    {
        var clusters = new[] { Cluster("a"), Cluster("b").Unhealthy(), Cluster("c").Leaving(), Cluster("d") };

        var result = Schedule(Policy(PickFixed("x", "b", "a", "c")), clusters);

        Assert.Equal(
            [
                "create a: a selected - | Successfully scheduled resources for placement in \"a\": picked by scheduling policy",
                "status observed=5: Scheduled=False SchedulingPolicyUnfulfilled gen=3: could not find all clusters needed as specified by the scheduling policy, found 1 cluster(s) instead",
                "a selected - | Successfully scheduled resources for placement in \"a\": picked by scheduling policy",
                "b unselected - | Cluster \"b\" is not eligible for resource placement yet: cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)",
                "c unselected - | Cluster \"c\" is not eligible for resource placement yet: cluster has left the fleet",
                "x unselected - | Specified cluster \"x\" is not found",
            ],
            Render(result));
    }

    [Theory]
    [InlineData("missing", false)]
    [InlineData("ineligible", false)]
    [InlineData("a", true)]
    public void Schedule_AnyInvalidOrMissing_ConditionFalse(string second, bool fulfilled)
    {
        var result = Schedule(Policy(PickFixed("b", second)), [Cluster("a"), Cluster("b"), Cluster("ineligible").Joined(null)]);

        Assert.Equal(fulfilled ? Fulfilled(2) : Unfulfilled(1), Render(result.Status!.Scheduled));
    }

    // Affinity, taints and topology do not apply; only eligibility does.
    [Fact]
    public void Schedule_TaintedUnmatchedCluster_StillPicked()
    {
        var policy = PickFixed("a").WithRequired(Term(Labels("env", "prod"))).WithSpread("region");

        var result = Schedule(Policy(policy), [Cluster("a").Label("env", "test").Taint("key1", "value1")]);

        Assert.Equal(["create a: " + SelectedFixed("a"), Status(Fulfilled(1)), SelectedFixed("a")], Render(result));
    }

    [Fact]
    public void Schedule_ExistingBindings_KeptPatchedRevivedOrDeselected()
    {
        var clusters = new[] { Cluster("kept"), Cluster("moved"), Cluster("revived"), Cluster("dropped"), Cluster("new"), Cluster("gone-bad").Unhealthy() };

        var result = Schedule(Policy(PickFixed("kept", "moved", "revived", "new", "gone-bad")), clusters,
            Binding("kept", BindingState.Bound),
            Binding("moved", BindingState.Bound, OldSnapshot, score: (10, 0)),
            Binding("revived", BindingState.Unscheduled, OldSnapshot, previous: BindingState.Bound),
            Binding("dropped", BindingState.Scheduled, OldSnapshot),
            Binding("gone-bad", BindingState.Bound, OldSnapshot));

        Assert.Equal(
            [
                "create new: " + SelectedFixed("new"),
                "patch crp-moved Bound->Bound: " + SelectedFixed("moved"),
                "patch crp-revived Unscheduled->Bound: " + SelectedFixed("revived"),
                "unschedule crp-dropped (Scheduled)",
                "unschedule crp-gone-bad (Bound)",
                Status(Unfulfilled(4)),
                SelectedFixed("kept"),
                SelectedFixed("moved"),
                SelectedFixed("revived"),
                SelectedFixed("new"),
                "gone-bad unselected - | Cluster \"gone-bad\" is not eligible for resource placement yet: cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)",
            ],
            Render(result));
    }

    [Fact]
    public void Schedule_UnscheduledBindingWithoutPreviousState_InternalError()
    {
        var result = Schedule(Policy(PickFixed("a")), [Cluster("a")], Binding("a", BindingState.Unscheduled, OldSnapshot));

        Assert.Equal(["error: binding crp-a is Unscheduled without a valid kubernetes-fleet.io/previous-binding-state annotation (found \"\")"], Render(result));
    }
}
