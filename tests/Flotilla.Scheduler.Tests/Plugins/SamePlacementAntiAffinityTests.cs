using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests.Plugins;

public sealed class SamePlacementAntiAffinityTests
{
    [Theory]
    [InlineData("picked", "ClusterAlreadySelected, resource placement has already been scheduled or bounded on the cluster")]
    [InlineData("obsolete", "Success")]
    [InlineData("other", "Success")]
    public void Filter_ClusterWithCurrentBinding_AlreadySelected(string cluster, string expected)
    {
        var views = Views([Cluster("picked"), Cluster("obsolete"), Cluster("other")]);
        var state = CycleState.For(views, Now, scheduledOrBound: ["picked"], obsolete: ["obsolete"]);

        var status = new SamePlacementAntiAffinityPlugin().Filter(state, Policy(PickN(1)), views.Single(v => v.Name == cluster));

        Assert.Equal(expected, Render(status));
    }

    [Theory]
    [InlineData("obsolete", 1)]
    [InlineData("other", 0)]
    public void Score_ClusterWithObsoleteBinding_TieBreakerOnly(string cluster, int expected)
    {
        var views = Views([Cluster("obsolete"), Cluster("other")]);
        var state = CycleState.For(views, Now, obsolete: ["obsolete"]);

        Assert.Null(new SamePlacementAntiAffinityPlugin().Score(state, Policy(PickN(1)), views.Single(v => v.Name == cluster), out var score));

        Assert.Equal(new Score(0, 0, expected), score);
    }

    // Already selected clusters are dropped silently: not created again, not listed as filtered.
    [Fact]
    public void Schedule_PickAllWithSelectedClusters_NotReselectedNorFiltered()
    {
        var result = Schedule(Policy(PickAll()), [Cluster("a"), Cluster("b"), Cluster("c")],
            Binding("a", BindingState.Bound, score: (0, 0)), Binding("c", score: (0, 0)));

        Assert.Equal([Create("b"), Status(Fulfilled(3)), Selected("b"), Selected("c"), Selected("a")], Render(result));
    }

    // Among equal scores the larger name wins, except over a cluster the placement picked under its previous policy:
    // that binding moves to the new policy keeping its state, and the score written shows no trace of the tie-breaker.
    [Fact]
    public void Schedule_PolicyChangeWithEqualScores_ObsoleteClusterKept()
    {
        var result = Schedule(Policy(PickN(1)), [Cluster("a"), Cluster("b"), Cluster("c")], Binding("a", BindingState.Bound, OldSnapshot, score: (0, 0)));

        Assert.Equal(
            [
                "patch crp-a Bound->Bound: " + Selected("a"),
                Status(Fulfilled(1)),
                Selected("a"),
                NotPicked("c"),
                NotPicked("b"),
            ],
            Render(result));
    }

    // The tie-breaker is the last criterion: a better affinity score wins over it.
    [Fact]
    public void Schedule_PolicyChangeWithBetterCluster_ObsoleteBindingDeselected()
    {
        var policy = PickN(1).WithPreferred(Preferred(10, Labels("tier", "gold")));

        var result = Schedule(Policy(policy), [Cluster("a"), Cluster("b").Label("tier", "gold")], Binding("a", BindingState.Bound, OldSnapshot, score: (0, 0)));

        Assert.Equal(
            [
                Create("b", affinity: 10),
                "unschedule crp-a (Bound)",
                Status(Fulfilled(1)),
                Selected("b", affinity: 10),
                NotPicked("a"),
            ],
            Render(result));
    }
}
