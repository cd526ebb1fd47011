using Flotilla.Api.Placement;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests;

public sealed class PickNTests
{
    private const string Bound = BindingState.Bound;
    private const string Scheduled = BindingState.Scheduled;

    [Fact]
    public void Schedule_PickN_HighestScoresPickedWithVerbatimReasons()
    {
        var policy = PickN(2).WithPreferred(Preferred(20, Labels("env", "prod")), Preferred(5, Labels("tier", "gold")));
        var clusters = new[]
        {
            Cluster("c").Label("env", "prod"),
            Cluster("d").Label("tier", "gold"),
            Cluster("e"),
            Cluster("f").Label("env", "prod").Label("tier", "gold"),
        };

        var result = Schedule(Policy(policy), clusters);

        Assert.Equal(
            [
                "create f: f selected a=25,t=0 | Successfully scheduled resources for placement in \"f\" (affinity score: 25, topology spread score: 0): picked by scheduling policy",
                "create c: c selected a=20,t=0 | Successfully scheduled resources for placement in \"c\" (affinity score: 20, topology spread score: 0): picked by scheduling policy",
                "status observed=5: Scheduled=True SchedulingPolicyFulfilled gen=3: found all cluster needed as specified by the scheduling policy, found 2 cluster(s)",
                "f selected a=25,t=0 | Successfully scheduled resources for placement in \"f\" (affinity score: 25, topology spread score: 0): picked by scheduling policy",
                "c selected a=20,t=0 | Successfully scheduled resources for placement in \"c\" (affinity score: 20, topology spread score: 0): picked by scheduling policy",
                "d unselected a=5,t=0 | Cluster \"d\" does not score high enough (affinity score: 5, topology spread score: 0)",
                "e unselected a=0,t=0 | Cluster \"e\" does not score high enough (affinity score: 0, topology spread score: 0)",
            ],
            Render(result));
    }

    // With equal scores the lexicographically larger name is picked.
    [Fact]
    public void Schedule_EqualScores_LargerNamePicked()
    {
        string[] names = ["cluster-1-east-prod", "cluster-2-east-prod", "cluster-3-east-canary", "cluster-4-central-prod", "cluster-5-central-prod", "cluster-6-west-prod", "cluster-7-west-canary"];

        var result = Schedule(Policy(PickN(1)), names.Select(Cluster));

        Assert.Equal([Create("cluster-7-west-canary"), Status(Fulfilled(1)), Selected("cluster-7-west-canary"), .. Enumerable.Reverse(names).Skip(1).Select(n => NotPicked(n))], Render(result));
    }

    // Scaling out only adds: the clusters already picked keep their bindings and are not picked again.
    [Fact]
    public void Schedule_ScaleOutTwoToThree_KeepsTheFirstTwo()
    {
        var result = Schedule(Policy(PickN(3)), [Cluster("a"), Cluster("b"), Cluster("c"), Cluster("d")],
            Binding("a", Bound, score: (0, 0)), Binding("b", Scheduled, score: (0, 0)));

        Assert.Equal([Create("d"), Status(Fulfilled(3)), Selected("d"), Selected("b"), Selected("a"), NotPicked("c")], Render(result));
    }

    public static TheoryData<int, BindingView[], string[], string[]> ScaleIn => new()
    {
        // Scheduled bindings go first, lowest score first; equal scores: smaller name first.
        {
            2, [Binding("a", Scheduled, score: (0, 10)), Binding("c", Scheduled, score: (0, 5)), Binding("d", Scheduled, score: (0, 5))],
            ["crp-c"], ["d", "a"]
        },
        // A binding without a recorded score goes before any scored one, whatever its name.
        {
            1, [Binding("a", Scheduled, score: (0, 0)), Binding("x", Scheduled)],
            ["crp-x"], ["a"]
        },
        // Two unscored: the smaller name first.
        {
            1, [Binding("b", Scheduled), Binding("a", Scheduled)],
            ["crp-a"], ["b"]
        },
        // Exactly the Scheduled ones: all of them, whatever their scores.
        {
            1, [Binding("s1", Scheduled, score: (100, 100)), Binding("b", Bound, score: (0, 0)), Binding("s2", Scheduled, score: (50, 50))],
            ["crp-s1", "crp-s2"], ["b"]
        },
        // Scheduled before Bound, then the lowest-scored Bound ones.
        {
            1, [Binding("s", Scheduled, score: (100, 100)), Binding("b1", Bound, score: (0, 0)), Binding("b2", Bound, score: (5, 0))],
            ["crp-s", "crp-b1"], ["b2"]
        },
        // Equal Bound scores: smaller names go, so the larger names survive.
        {
            1, [Binding("b", Bound, score: (5, 0)), Binding("a", Bound, score: (5, 0)), Binding("c", Bound, score: (5, 0))],
            ["crp-a", "crp-b"], ["c"]
        },
        // The topology spread score ranks before the affinity score.
        {
            1, [Binding("a", Scheduled, score: (100, 0)), Binding("b", Scheduled, score: (0, 1))],
            ["crp-a"], ["b"]
        },
        // Down to zero: everything goes.
        {
            0, [Binding("s", Scheduled, score: (0, 0)), Binding("b", Bound, score: (0, 0))],
            ["crp-s", "crp-b"], []
        },
    };

    [Theory]
    [MemberData(nameof(ScaleIn))]
    public void Schedule_ScaleIn_TrimsInUpstreamOrder(int n, BindingView[] bindings, string[] unscheduled, string[] kept)
    {
        var clusters = bindings.Select(b => Cluster(b.TargetCluster)).Append(Cluster("spare"));

        var result = Schedule(Policy(PickN(n)), clusters, bindings);

        Assert.Equal(unscheduled.Order(StringComparer.Ordinal), result.Unschedule.Select(b => b.Name).Order(StringComparer.Ordinal));
        Assert.Empty(result.Create);
        Assert.Empty(result.Patch);
        // The status lists only the remaining selections (no not-picked or filtered clusters).
        Assert.Equal(kept, result.Status!.Decisions.Select(d => d.ClusterName));
        Assert.Equal(Fulfilled(n), Render(result.Status.Scheduled));
        Assert.False(result.Requeue);
    }

    // With the right number of clusters picked, obsolete bindings left over from the previous policy are deselected.
    [Fact]
    public void Schedule_RightCountWithObsoleteBindings_ObsoleteDeselected()
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a"), Cluster("b"), Cluster("c")],
            Binding("a", Bound, score: (0, 0)), Binding("b", Bound, OldSnapshot, score: (0, 0)), Binding("c", Scheduled, OldSnapshot, score: (0, 0)));

        Assert.Equal(["unschedule crp-b (Bound)", "unschedule crp-c (Scheduled)", Status(Fulfilled(1)), Selected("a")], Render(result));
    }

    [Fact]
    public void Schedule_ScaleInWithObsoleteBindings_ObsoleteDeselectedFirst()
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a"), Cluster("b"), Cluster("c")],
            Binding("a", Bound, score: (0, 0)), Binding("b", Scheduled, score: (0, 0)), Binding("c", Bound, OldSnapshot, score: (0, 0)));

        Assert.Equal(["unschedule crp-c (Bound)", "unschedule crp-b (Scheduled)", Status(Fulfilled(1)), Selected("a")], Render(result));
    }

    // Nothing to do when N clusters are picked: the status is refreshed with the known selections, Bound first.
    [Fact]
    public void Schedule_NEqualsPresent_NoBindingChanges()
    {
        var result = Schedule(Policy(PickN(2)), [Cluster("a"), Cluster("b"), Cluster("c")],
            Binding("a", Scheduled, score: (0, 0)), Binding("b", Bound, score: (0, 0)));

        Assert.Equal([Status(Fulfilled(2)), Selected("b"), Selected("a")], Render(result));
    }

    // ...and when that status is already written, there is nothing at all to do.
    [Fact]
    public void Schedule_NEqualsPresentStatusCurrent_NothingToWrite()
    {
        var policy = Policy(PickN(2));
        var clusters = new[] { Cluster("a"), Cluster("b"), Cluster("c") };
        BindingView[] bindings = [Binding("a", Scheduled, score: (0, 0)), Binding("b", Bound, score: (0, 0))];
        var first = Schedule(policy, clusters, bindings);

        var second = Schedule(After(policy, first), clusters, bindings);

        Assert.True(second.IsEmpty);
        Assert.Null(second.Status);
    }

    [Fact]
    public void Schedule_NotEnoughClusters_PicksAllThatPassUnfulfilled()
    {
        var result = Schedule(Policy(PickN(3)), [Cluster("a"), Cluster("b"), Cluster("c").Unhealthy()]);

        Assert.Equal(
            [
                Create("b"),
                Create("a"),
                "status observed=5: Scheduled=False SchedulingPolicyUnfulfilled gen=3: could not find all clusters needed as specified by the scheduling policy, found 2 cluster(s) instead",
                Selected("b"),
                Selected("a"),
                "c unselected - | ClusterUnschedulable, cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)",
            ],
            Render(result));
    }

    [Fact]
    public void Schedule_ZeroClusters_FulfilledWithNoDecisions()
    {
        var result = Schedule(Policy(PickN(0)), [Cluster("a")]);

        Assert.Equal(
            ["status observed=5: Scheduled=True SchedulingPolicyFulfilled gen=3: found all cluster needed as specified by the scheduling policy, found 0 cluster(s)"],
            Render(result));
    }

    [Fact]
    public void Schedule_NoNumberOfClusters_InternalError()
    {
        var policy = Policy(PickN(2)) with { NumberOfClusters = null };

        var result = Schedule(policy, [Cluster("a")]);

        Assert.Equal(["error: policy snapshot crp-2 of a PickN placement has no valid number-of-clusters annotation"], Render(result));
    }

    // At most 20 unselected clusters are listed: the best not-picked ones first, then filtered ones by name.
    [Fact]
    public void Schedule_ManyNotPicked_TwentyBestListedNoFiltered()
    {
        var clusters = Enumerable.Range(0, 30).Select(i => Cluster($"c{i:00}")).Concat(Enumerable.Range(0, 5).Select(i => Cluster($"f{i}").Leaving()));

        var result = Schedule(Policy(PickN(1)), clusters);

        Assert.Equal([Selected("c29"), .. Enumerable.Range(9, 20).Reverse().Select(i => NotPicked($"c{i:00}"))], Decisions(result));
    }

    [Fact]
    public void Schedule_FewNotPicked_RemainingBudgetForFilteredByName()
    {
        var clusters = Enumerable.Range(0, 30).Select(i => Cluster($"f{i:00}").Leaving()).Reverse().Concat(Enumerable.Range(0, 6).Select(i => Cluster($"c{i}")));

        var result = Schedule(Policy(PickN(1)), clusters);

        Assert.Equal(
            [
                Selected("c5"),
                .. new[] { "c4", "c3", "c2", "c1", "c0" }.Select(n => NotPicked(n)),
                .. Enumerable.Range(0, 15).Select(i => Filtered($"f{i:00}", "cluster has left the fleet")),
            ],
            Decisions(result));
    }

    // The filtered list is walked by index: a selected cluster that now fails a filter is not listed twice, but it
    // still uses one of the 20 slots.
    [Fact]
    public void Schedule_SelectedClusterNowFiltered_ListedOnceAndUsesBudget()
    {
        var clusters = Enumerable.Range(0, 26).Select(i => Cluster($"f{i:00}").Unhealthy()).Append(Cluster("e"));
        const string Unhealthy = "cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)";

        var result = Schedule(Policy(PickN(2)), clusters, Binding("f00", Scheduled, score: (0, 0)));

        Assert.Equal(
            [Selected("e"), Selected("f00"), .. Enumerable.Range(1, 19).Select(i => Filtered($"f{i:00}", Unhealthy))],
            Decisions(result));
    }

    // A policy change: picked clusters with an obsolete binding keep it (and its state); obsolete bindings on clusters
    // not picked now are deselected.
    [Fact]
    public void Schedule_PolicyChange_ObsoleteBindingsPatchedOrDeselected()
    {
        var policy = PickN(2).WithPreferred(Preferred(30, Labels("tier", "gold")), Preferred(10, Labels("env", "prod")));
        var clusters = new[] { Cluster("a").Label("env", "prod"), Cluster("b"), Cluster("c").Label("tier", "gold") };

        var result = Schedule(Policy(policy), clusters,
            Binding("a", Bound, OldSnapshot, score: (0, 0)), Binding("b", Scheduled, OldSnapshot, score: (0, 0)));

        Assert.Equal(
            [
                Create("c", affinity: 30),
                "patch crp-a Bound->Bound: " + Selected("a", affinity: 10),
                "unschedule crp-b (Scheduled)",
                Status(Fulfilled(2)),
                Selected("c", affinity: 30),
                Selected("a", affinity: 10),
                NotPicked("b"),
            ],
            Render(result));
    }

    // A picked cluster that stops matching keeps its binding (IgnoredDuringExecution), and is listed once.
    [Fact]
    public void Schedule_SelectedClusterNoLongerMatches_BindingKept()
    {
        var policy = PickN(2).WithRequired(Term(Labels("env", "prod")));

        var result = Schedule(Policy(policy), [Cluster("a").Label("env", "test"), Cluster("b").Label("env", "prod"), Cluster("c")],
            Binding("a", Bound, score: (0, 0)));

        Assert.Equal(
            [
                Create("b"),
                Status(Fulfilled(2)),
                Selected("b"),
                Selected("a"),
                Filtered("c", "cluster does not match with any of the required cluster affinity terms"),
            ],
            Render(result));
    }

    // Picking a cluster whose binding is Unscheduled (not yet deleted) revives that binding in its previous state.
    [Theory]
    [InlineData(Bound)]
    [InlineData(Scheduled)]
    public void Schedule_UnscheduledBindingPickedAgain_RevivedToPreviousState(string previous)
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a")], Binding("a", BindingState.Unscheduled, OldSnapshot, score: (0, 0), previous: previous));

        Assert.Equal([$"patch crp-a Unscheduled->{previous}: " + Selected("a"), Status(Fulfilled(1)), Selected("a")], Render(result));
        Assert.True(result.Patch.Single().Revives);
    }

    [Fact]
    public void Schedule_UnscheduledBindingWithoutPreviousState_InternalError()
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a")], Binding("a", BindingState.Unscheduled, OldSnapshot));

        Assert.Equal(["error: binding crp-a is Unscheduled without a valid kubernetes-fleet.io/previous-binding-state annotation (found \"\")"], Render(result));
    }

    // An Unscheduled binding whose cluster is not picked stays as it is (the rollout controller deletes it).
    [Fact]
    public void Schedule_UnscheduledBindingNotPicked_LeftAlone()
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a"), Cluster("b")], Binding("a", BindingState.Unscheduled, previous: Bound));

        Assert.Equal([Create("b"), Status(Fulfilled(1)), Selected("b"), NotPicked("a")], Render(result));
    }
}
