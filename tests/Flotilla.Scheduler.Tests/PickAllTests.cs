using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests;

public sealed class PickAllTests
{
    // No policy means PickAll.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Schedule_PickAll_EveryPassingClusterByNameFilteredListed(bool withPolicy)
    {
        var clusters = new[] { Cluster("c"), Cluster("a"), Cluster("b").Leaving(), Cluster("d").NoAgent(), Cluster("e") };

        var result = Schedule(Policy(withPolicy ? PickAll() : null), clusters);

        Assert.Equal(
            [
                "create a: a selected a=0,t=0 | Successfully scheduled resources for placement in \"a\" (affinity score: 0, topology spread score: 0): picked by scheduling policy",
                Create("c"),
                Create("e"),
                "status observed=5: Scheduled=True SchedulingPolicyFulfilled gen=3: found all cluster needed as specified by the scheduling policy, found 3 cluster(s)",
                Selected("a"),
                Selected("c"),
                Selected("e"),
                "b unselected - | ClusterUnschedulable, cluster has left the fleet",
                "d unselected - | ClusterUnschedulable, cluster is not connected to the fleet: member agent not online yet",
            ],
            Render(result));
    }

    // PickAll is fulfilled whatever it finds, none included.
    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Schedule_NoClusterPasses_StillFulfilled(int ineligible)
    {
        var clusters = Enumerable.Range(0, ineligible).Select(i => Cluster($"x{i}").Leaving());

        var result = Schedule(Policy(PickAll()), clusters);

        Assert.Equal(
            [
                "status observed=5: Scheduled=True SchedulingPolicyFulfilled gen=3: found all cluster needed as specified by the scheduling policy, found 0 cluster(s)",
                .. Enumerable.Range(0, ineligible).Select(i => Filtered($"x{i}", "cluster has left the fleet")),
            ],
            Render(result));
    }

    // The created, patched, Scheduled and Bound bindings all count; decisions come in that order.
    [Fact]
    public void Schedule_MixedBindings_DecisionsInUpstreamOrder()
    {
        var clusters = new[] { Cluster("new"), Cluster("moved"), Cluster("sched"), Cluster("bound"), Cluster("revived"), Cluster("dropped").Label("x", "y") };
        var policy = PickAll().WithRequired(new ClusterSelectorTerm
        {
            LabelSelector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "x", Operator = "DoesNotExist" }] },
        });

        var result = Schedule(Policy(policy), clusters,
            Binding("bound", BindingState.Bound, score: (0, 0)),
            Binding("moved", BindingState.Bound, OldSnapshot, score: (0, 0)),
            Binding("dropped", BindingState.Bound, OldSnapshot, score: (0, 0)),
            Binding("sched", BindingState.Scheduled, score: (0, 0)),
            Binding("revived", BindingState.Unscheduled, OldSnapshot, previous: BindingState.Scheduled));

        Assert.Equal(
            [
                Create("new"),
                "patch crp-moved Bound->Bound: " + Selected("moved"),
                "patch crp-revived Unscheduled->Scheduled: " + Selected("revived"),
                "unschedule crp-dropped (Bound)",
                Status(Fulfilled(5)),
                Selected("new"),
                Selected("moved"),
                Selected("revived"),
                Selected("sched"),
                Selected("bound"),
                Filtered("dropped", "cluster does not match with any of the required cluster affinity terms"),
            ],
            Render(result));
    }

    // The decision list holds at most 1000 entries; the condition counts every selected cluster.
    [Fact]
    public void Schedule_MoreThanThousandClusters_DecisionsCappedAt1000()
    {
        var clusters = Enumerable.Range(0, 1005).Select(i => Cluster($"c{i:0000}")).Append(Cluster("z-leaving").Leaving());

        var result = Schedule(Policy(PickAll()), clusters);

        Assert.Equal(1005, result.Create.Count);
        Assert.Equal(Fulfilled(1005), Render(result.Status!.Scheduled));
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => Selected($"c{i:0000}")), Decisions(result));
    }

    [Fact]
    public void Schedule_SameOutcomeTwice_SecondCycleWritesNothing()
    {
        var policy = Policy(PickAll());
        var clusters = new[] { Cluster("a"), Cluster("b"), Cluster("c").Leaving() };
        var first = Schedule(policy, clusters);

        var second = Schedule(After(policy, first), clusters, [.. Apply([], first)]);

        Assert.True(second.IsEmpty);
    }
}
