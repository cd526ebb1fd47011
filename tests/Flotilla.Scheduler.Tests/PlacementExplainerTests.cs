using System.Globalization;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Tests.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests;

public sealed class PlacementExplainerTests
{
    private const string LeftTheFleet = "ClusterUnschedulable, cluster has left the fleet";
    private const string Unhealthy = "ClusterUnschedulable, cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)";
    private const string RegionViolation = "ClusterUnschedulable, violated doNotSchedule topology spread constraint \"region\" (max skew 1)";

    private static string Render(ClusterExplanation row) => string.Create(CultureInfo.InvariantCulture,
        $"{row.Cluster} {row.Outcome} plugin={row.Plugin ?? "-"} rank={row.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-"} score={Render(row.Score)} " +
        $"parts=[{string.Join(", ", row.PluginScores.Select(p => p.Plugin + ":" + Render(p.Score)))}] now={row.FilteredNowBy ?? "-"} | {row.Reason}");

    private static string Render(Score? score) => score is { } s ? string.Create(CultureInfo.InvariantCulture, $"{s.TopologySpread}/{s.Affinity}/{s.ObsoletePlacementAffinity}") : "-";

    private static List<string> Render(PlacementExplanation explanation) =>
    [
        $"{explanation.PlacementType} scheduled={(explanation.Scheduled is { } c ? Fleet.Render(c) : "-")} error={explanation.Error ?? "-"}",
        .. explanation.Clusters.Select(Render),
    ];

    [Fact]
    public void Explain_PickN_SelectedNotPickedWithScoresAndRankFilteredWithPlugin()
    {
        var policy = Policy(PickN(2).WithPreferred(Preferred(20, Labels("env", "prod"))));
        var clusters = new[]
        {
            Cluster("a").Label("env", "prod"),
            Cluster("b").Label("env", "prod"),
            Cluster("c"),
            Cluster("d").Leaving(),
            Cluster("e").Label("env", "prod").Unhealthy(),
        };
        BindingView[] bindings = [Binding("e", BindingState.Bound, score: (20, 0)), Binding("a", BindingState.Scheduled, score: (20, 0))];
        var status = Schedule(policy, clusters, bindings).Status!;
        policy = policy with { Status = status.ToApi(null, Now) };

        var explanation = new PlacementExplainer().Explain(new SchedulingInput(policy, Views(clusters), bindings, Now));

        Assert.Equal(
            [
                "PickN scheduled=" + Fulfilled(2) + " error=-",
                // Selected, in the status's decision order (Bound first); e would not pass today, but keeps its binding.
                "e Selected plugin=- rank=- score=0/20/0 parts=[] now=" + Unhealthy + " | " + Picked("e", 20, 0),
                "a Selected plugin=- rank=- score=0/20/0 parts=[] now=- | " + Picked("a", 20, 0),
                "b NotPicked plugin=- rank=1 score=0/20/0 parts=[ClusterAffinity:0/20/0, SamePlacementAntiAffinity:0/0/0] now=- | " + NotHighEnough("b", 20, 0),
                "c NotPicked plugin=- rank=2 score=0/0/0 parts=[ClusterAffinity:0/0/0, SamePlacementAntiAffinity:0/0/0] now=- | " + NotHighEnough("c", 0, 0),
                "d Filtered plugin=ClusterEligibility rank=- score=- parts=[] now=- | " + LeftTheFleet,
            ],
            Render(explanation));
    }

    [Fact]
    public void Explain_PickNStillShort_BestCandidatesAreTheNextPicksNotLosers()
    {
        var policy = Policy(PickN(2).WithPreferred(Preferred(20, Labels("env", "prod"))));
        var clusters = new[] { Cluster("a").Label("env", "prod"), Cluster("b").Label("env", "prod"), Cluster("c") };
        BindingView[] bindings = [Binding("a", BindingState.Scheduled, score: (20, 0))];

        var explanation = new PlacementExplainer().Explain(new SchedulingInput(policy, Views(clusters), bindings, Now));

        Assert.Equal(
            [
                "a Selected plugin=- rank=- score=0/20/0 parts=[] now=- | " + Picked("a", 20, 0),
                "b NotPicked plugin=- rank=1 score=0/20/0 parts=[ClusterAffinity:0/20/0, SamePlacementAntiAffinity:0/0/0] now=- | passes every filter; the placement still wants 1 more cluster(s), picked best first",
                "c NotPicked plugin=- rank=2 score=0/0/0 parts=[ClusterAffinity:0/0/0, SamePlacementAntiAffinity:0/0/0] now=- | " + NotHighEnough("c", 0, 0),
            ],
            Render(explanation)[1..]);
    }

    [Fact]
    public void Explain_PickFixed_NamedEligibleIneligibleMissing()
    {
        var policy = Policy(PickFixed("a", "b", "c", "x"));
        var clusters = new[] { Cluster("a"), Cluster("b"), Cluster("c").Leaving(), Cluster("d") };

        var explanation = new PlacementExplainer().Explain(new SchedulingInput(policy, Views(clusters), [Binding("a")], Now));

        Assert.Equal(
            [
                "PickFixed scheduled=- error=-",
                "a Selected plugin=- rank=- score=- parts=[] now=- | " + PickedFixed("a"),
                "b NotPicked plugin=- rank=- score=- parts=[] now=- | named and eligible; the next scheduling cycle picks it",
                "c Filtered plugin=ClusterEligibility rank=- score=- parts=[] now=- | Cluster \"c\" is not eligible for resource placement yet: cluster has left the fleet",
                "d Filtered plugin=PickFixed rank=- score=- parts=[] now=- | not in the placement's clusterNames",
                "x NotFound plugin=- rank=- score=- parts=[] now=- | Specified cluster \"x\" is not found",
            ],
            Render(explanation));
    }

    [Fact]
    public void Explain_BadPropertyValue_ErrorAndSelectedOnly()
    {
        var policy = Policy(PickN(2).WithPreferred(Preferred(10, sortBy: "p")));
        var clusters = new[] { Cluster("a").Property("p", "1"), Cluster("b").Property("p", "lots") };

        var explanation = new PlacementExplainer().Explain(new SchedulingInput(policy, Views(clusters), [Binding("a", score: (0, 0))], Now));

        Assert.Equal(
            [
                "PickN scheduled=- error=failed to parse the value of property p on cluster b: " + Quantity.FormatWrongError,
                "a Selected plugin=- rank=- score=- parts=[] now=- | " + Picked("a", 0, 0),
            ],
            Render(explanation));
    }

    /// <summary>Runs scheduling cycles as the hub would, applying each result, until one asks for no more.</summary>
    private static (List<BindingView> Bindings, PolicyView Policy) Settle(PolicyView policy, ClusterBuilder[] clusters)
    {
        var bindings = new List<BindingView>();
        for (var cycle = 0; cycle < 10; cycle++)
        {
            var result = Schedule(policy, clusters, [.. bindings]);
            Assert.Null(result.Error);
            bindings = Apply(bindings, result);
            policy = After(policy, result);
            if (!result.Requeue)
            {
                return (bindings, policy);
            }
        }
        throw new InvalidOperationException("the scheduler did not settle in 10 cycles");
    }

    [Fact]
    public void DryRun_PickNWithTopologySpread_PicksWhatRepeatedCyclesPick()
    {
        var policy = Policy(TopologySpreadConstraintsTests.WorkedExamplePolicy());
        var clusters = TopologySpreadConstraintsTests.WorkedExample();
        var (settled, _) = Settle(policy, clusters);

        var explanation = new PlacementExplainer().DryRun(policy, Views(clusters), Now);

        Assert.Equal(
            settled.Select(b => b.TargetCluster).Order(StringComparer.Ordinal),
            explanation.Clusters.Where(c => c.Outcome == ClusterOutcome.Selected).Select(c => c.Cluster).Order(StringComparer.Ordinal));
        Assert.Equal(
            [
                "PickN scheduled=" + Fulfilled(2) + " error=-",
                "cluster-5-central-prod Selected plugin=- rank=- score=0/0/0 parts=[] now=- | " + Picked("cluster-5-central-prod", 0, 0),
                "cluster-7-west-canary Selected plugin=- rank=- score=-1/0/0 parts=[] now=- | " + Picked("cluster-7-west-canary", 0, -1),
                "cluster-3-east-canary NotPicked plugin=- rank=1 score=1/0/0 parts=[SamePlacementAntiAffinity:0/0/0, TopologySpreadConstraints:1/0/0] now=- | " + NotHighEnough("cluster-3-east-canary", 0, 1),
                "cluster-2-east-prod NotPicked plugin=- rank=2 score=1/0/0 parts=[SamePlacementAntiAffinity:0/0/0, TopologySpreadConstraints:1/0/0] now=- | " + NotHighEnough("cluster-2-east-prod", 0, 1),
                "cluster-1-east-prod NotPicked plugin=- rank=3 score=1/0/0 parts=[SamePlacementAntiAffinity:0/0/0, TopologySpreadConstraints:1/0/0] now=- | " + NotHighEnough("cluster-1-east-prod", 0, 1),
                "cluster-4-central-prod Filtered plugin=TopologySpreadConstraints rank=- score=- parts=[] now=- | " + RegionViolation,
                "cluster-6-west-prod Filtered plugin=TopologySpreadConstraints rank=- score=- parts=[] now=- | " + RegionViolation,
                "cluster-8-east-canary Filtered plugin=ClusterEligibility rank=- score=- parts=[] now=- | " + Unhealthy,
                "cluster-9-central-prod Filtered plugin=ClusterEligibility rank=- score=- parts=[] now=- | " + LeftTheFleet,
            ],
            Render(explanation));
    }

    [Fact]
    public void DryRun_PickAll_SelectsEveryPassingCluster()
    {
        var clusters = new[] { Cluster("a"), Cluster("b").Taint("key1", "value1"), Cluster("c") };

        var explanation = new PlacementExplainer().DryRun(Policy(PickAll()), Views(clusters), Now);

        Assert.Equal(
            [
                "PickAll scheduled=" + Fulfilled(2) + " error=-",
                "a Selected plugin=- rank=- score=0/0/0 parts=[] now=- | " + Picked("a", 0, 0),
                "c Selected plugin=- rank=- score=0/0/0 parts=[] now=- | " + Picked("c", 0, 0),
                "b Filtered plugin=TaintToleration rank=- score=- parts=[] now=- | ClusterUnschedulable, taint &{Key:key1 Value:value1 Effect:NoSchedule} cannot be tolerated",
            ],
            Render(explanation));
    }
}
