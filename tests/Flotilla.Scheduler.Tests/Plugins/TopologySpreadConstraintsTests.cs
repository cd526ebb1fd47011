using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests.Plugins;

public sealed class TopologySpreadConstraintsTests
{
    private const string ScheduleAnyway = UnsatisfiableConstraintAction.ScheduleAnyway;

    public static TheoryData<int[], int, int, int> ExtremeCases => new()
    {
        { [], 0, 0, 0 },
        { [3], 3, 3, 3 },
        { [1, 2], 1, 2, 2 },
        { [2, 1], 1, 2, 2 },
        { [2, 2], 2, 2, 2 },
        { [0, 0, 1], 0, 0, 1 },
        { [3, 1, 2], 1, 2, 3 },
        { [1, 1, 1, 5], 1, 1, 5 },
        { [4, 0, 9, 2, 7], 0, 2, 9 },
    };

    [Theory]
    [MemberData(nameof(ExtremeCases))]
    public void Extremes_DomainCounts_SmallestSecondSmallestLargest(int[] counts, int smallest, int second, int largest)
    {
        Assert.Equal((smallest, second, largest), TopologySpreadConstraintsPlugin.Extremes(counts));
    }

    [Theory]
    // All domains equal: one more anywhere raises the skew.
    [InlineData(0, 0, 0, 0, 1, false, 1)]
    [InlineData(5, 5, 5, 5, 3, false, 1)]
    // The only smallest domain: one more lowers the skew.
    [InlineData(0, 0, 1, 1, 1, false, -1)]
    [InlineData(0, 0, 1, 3, 2, false, -1)]
    // One of several smallest domains: the skew stays.
    [InlineData(0, 0, 0, 1, 1, false, 0)]
    // A largest domain: one more raises the skew.
    [InlineData(1, 0, 0, 1, 1, true, 1)]
    [InlineData(1, 0, 1, 1, 1, true, 1)]
    [InlineData(2, 0, 1, 2, 2, true, 1)]
    [InlineData(2, 0, 1, 2, 3, false, 1)]
    // In between: the skew stays, and a skew already beyond maxSkew is a violation.
    [InlineData(1, 0, 1, 2, 2, false, 0)]
    [InlineData(1, 0, 1, 3, 2, true, 0)]
    public void WouldViolate_DomainCount_SkewChangeAndViolation(
        int count, int smallest, int second, int largest, int maxSkew, bool violated, int skewChange)
    {
        Assert.Equal((violated, skewChange), TopologySpreadConstraintsPlugin.WouldViolate(count, smallest, second, largest, maxSkew));
    }

    private static readonly ClusterBuilder[] Regions =
    [
        Cluster("w1").Label("region", "west"),
        Cluster("w2").Label("region", "west"),
        Cluster("e1").Label("region", "east"),
        Cluster("nowhere"),
    ];

    private static (string Filter, int? Score)[] Evaluate(PlacementPolicy policy, ClusterBuilder[] clusters, params string[] picked)
    {
        var views = Views(clusters);
        var plugin = new TopologySpreadConstraintsPlugin();
        var state = CycleState.For(views, Now, scheduledOrBound: picked);
        var policyView = Policy(policy);
        var preFilter = plugin.PreFilter(state, policyView);
        Assert.True(preFilter is null || preFilter.Code == StatusCode.Skip);
        Assert.Null(plugin.PreScore(state, policyView));
        return
        [
            .. views.Select(v =>
            {
                var filter = preFilter is null ? plugin.Filter(state, policyView, v) : null;
                int? score = filter is null && plugin.Score(state, policyView, v, out var s) is null ? s.TopologySpread : null;
                return (Render(filter), score);
            }),
        ];
    }

    // w1 is picked: west counts 1, east 0. Another pick in west would skew 2 > 1; one in east lowers the skew.
    [Fact]
    public void Filter_DoNotSchedule_ViolatingClusterFilteredWithReason()
    {
        var result = Evaluate(PickN(3).WithSpread("region"), Regions, "w1");

        const string Violation = "ClusterUnschedulable, violated doNotSchedule topology spread constraint \"region\" (max skew 1)";
        Assert.Equal([(Violation, null), (Violation, null), ("Success", 1), ("Success", 0)], result);
    }

    [Fact]
    public void Score_ScheduleAnyway_ViolationCosts1000()
    {
        var result = Evaluate(PickN(3).WithSpread("region", 1, ScheduleAnyway), Regions, "w1");

        Assert.Equal([("Success", -1000), ("Success", -1000), ("Success", 1), ("Success", 0)], result);
    }

    [Fact]
    public void PreFilter_OnlyScheduleAnyway_SkipsFilter()
    {
        var status = new TopologySpreadConstraintsPlugin().PreFilter(CycleState.For(Views(Regions), Now), Policy(PickN(3).WithSpread("region", 1, ScheduleAnyway)));

        Assert.Equal("Skip, no DoNotSchedule topology spread constraint is present", Render(status));
    }

    // maxSkew unset means 1; a larger one lets the west domain grow further ahead.
    [Theory]
    [InlineData(null, "ClusterUnschedulable, violated doNotSchedule topology spread constraint \"region\" (max skew 1)", null)]
    [InlineData(2, "Success", -1)]
    public void Filter_MaxSkew_DefaultsToOne(int? maxSkew, string expectedFilter, int? expectedScore)
    {
        var result = Evaluate(PickN(3).WithSpread("region", maxSkew), Regions, "w1");

        Assert.Equal((expectedFilter, expectedScore), result[1]);
    }

    // Constraints add up; DoNotSchedule violations win whatever the order they are listed in.
    [Fact]
    public void Score_TwoConstraints_ScoresSummedViolationsFiltered()
    {
        var clusters = new[]
        {
            Cluster("a").Label("region", "r1").Label("zone", "z1"),
            Cluster("b").Label("region", "r2").Label("zone", "z1"),
            Cluster("c").Label("region", "r2").Label("zone", "z2"),
            Cluster("d").Label("zone", "z2"),
        };
        var policy = PickN(3).WithSpread("zone", 1, ScheduleAnyway).WithSpread("region");

        var result = Evaluate(policy, clusters, "a");

        // region r1=1, r2=0: a violates, b and c lower the skew (+1); d has no region (0).
        // zone z1=1, z2=0: b would skew 2 (-1000), c and d lower the skew (+1).
        Assert.Equal(
            [
                ("ClusterUnschedulable, violated doNotSchedule topology spread constraint \"region\" (max skew 1)", (int?)null),
                ("Success", 1 - 1000),
                ("Success", 2),
                ("Success", 1),
            ],
            result);
    }

    // Domains are counted over every cluster, ineligible ones included; only current picks count, not obsolete ones.
    [Fact]
    public void Score_DomainsOfIneligibleClustersAndObsoleteBindings_CountedAsUpstream()
    {
        var clusters = new[] { Cluster("e1").Label("region", "east"), Cluster("w1").Label("region", "west"), Cluster("c1").Label("region", "central").Leaving() };
        var views = Views(clusters);
        var state = CycleState.For(views, Now, scheduledOrBound: ["e1"], obsolete: ["w1"]);

        var spread = TopologySpreadConstraintsPlugin.Evaluate(state, [new TopologySpreadConstraint { TopologyKey = "region", MaxSkew = 1 }]);

        // east=1, west=0, central=0 (c1 leaving still makes a domain): smallest 0, second 0, largest 1.
        Assert.Equal([null, 0, 0], spread.Scores);
        Assert.Equal(["violated doNotSchedule topology spread constraint \"region\" (max skew 1)", null, null], spread.Violations.Select(v => v?.Reasons.Single()));
    }

    [Fact]
    public void PreScore_NoScores_Skips()
    {
        var plugin = new TopologySpreadConstraintsPlugin();
        var state = CycleState.For([], Now);
        var policy = Policy(PickN(1).WithSpread("region"));
        Assert.Equal("Skip, no DoNotSchedule topology spread constraint is present", Render(plugin.PreFilter(state, Policy(PickN(1).WithSpread("region", 1, ScheduleAnyway)))));
        Assert.Null(plugin.PreFilter(state, policy));

        Assert.Equal("Skip, no available scores", Render(plugin.PreScore(state, policy)));
        Assert.Equal("Skip, no topology spread constraint is present", Render(plugin.PreScore(state, Policy(PickN(1)))));
    }

    [Fact]
    public void Score_ClusterWithoutPrecomputedScore_InternalError()
    {
        var plugin = new TopologySpreadConstraintsPlugin();
        var views = Views(Regions);
        var state = CycleState.For(views, Now);
        var policy = Policy(PickN(1).WithSpread("region"));
        Assert.Null(plugin.PreFilter(state, policy));

        var status = plugin.Score(state, policy, Cluster("stranger").View(), out _);

        Assert.Equal("InternalError, no topology spread score is found for cluster stranger", Render(status));
    }

    [Fact]
    public void PostBatch_Constraints_LimitOnePerCycle()
    {
        var plugin = new TopologySpreadConstraintsPlugin();
        var state = CycleState.For([], Now);

        var withConstraint = (Render(plugin.PostBatch(state, Policy(PickN(5).WithSpread("region")), out var limit)), limit);
        var without = Render(plugin.PostBatch(state, Policy(PickN(5)), out _));
        var noPolicy = Render(plugin.PostBatch(state, Policy(null), out _));

        Assert.Equal(("Success", 1), withConstraint);
        Assert.Equal("Skip, no topology spread constraint is present", without);
        Assert.Equal("InternalError, no policy is specified", noPolicy);
    }

    private static ClusterBuilder[] WorkedExampleFleet() =>
    [
        Cluster("cluster-1-east-prod").Label("region", "east").Label("env", "prod"),
        Cluster("cluster-2-east-prod").Label("region", "east").Label("env", "prod"),
        Cluster("cluster-3-east-canary").Label("region", "east").Label("env", "canary"),
        Cluster("cluster-4-central-prod").Label("region", "central").Label("env", "prod"),
        Cluster("cluster-5-central-prod").Label("region", "central").Label("env", "prod"),
        Cluster("cluster-6-west-prod").Label("region", "west").Label("env", "prod"),
        Cluster("cluster-7-west-canary").Label("region", "west").Label("env", "canary"),
        Cluster("cluster-8-east-canary").Label("region", "east").Label("env", "canary").Unhealthy(),
        Cluster("cluster-9-central-prod").Label("region", "central").Label("env", "prod").Leaving(),
    ];

    internal static PlacementPolicy WorkedExamplePolicy() => PickN(2).WithSpread("region");

    internal static ClusterBuilder[] WorkedExample() => WorkedExampleFleet();

    // The spec's worked example (upstream's integration test "pick with required topology spread constraints").
    [Fact]
    public void Schedule_WorkedExample_OnePickPerCycleSpreadAcrossRegions()
    {
        var policy = Policy(WorkedExamplePolicy());
        var clusters = WorkedExampleFleet();

        // Cycle 1: every domain counts 0, every candidate scores -1; the largest name wins. The batch (1) is filled, so
        // the scheduler asks for another cycle at once and writes no status yet.
        var first = Schedule(policy, clusters);
        Assert.Equal([Create("cluster-7-west-canary", topology: -1), "requeue"], Render(first));

        // Cycle 2: west counts 1, so cluster 6 would skew 2; east and central keep the skew (score 0).
        var second = Schedule(policy, clusters, [.. Apply([], first)]);
        Assert.Equal(
            [
                Create("cluster-5-central-prod"),
                Status(Fulfilled(2)),
                Selected("cluster-5-central-prod"),
                Selected("cluster-7-west-canary", topology: -1),
                NotPicked("cluster-4-central-prod"),
                NotPicked("cluster-3-east-canary"),
                NotPicked("cluster-2-east-prod"),
                NotPicked("cluster-1-east-prod"),
                Filtered("cluster-6-west-prod", "violated doNotSchedule topology spread constraint \"region\" (max skew 1)"),
                Filtered("cluster-8-east-canary", "cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)"),
                Filtered("cluster-9-central-prod", "cluster has left the fleet"),
            ],
            Render(second));
    }

    // The batch limit asks for another cycle only when it was filled: nothing to pick means the status is written.
    [Fact]
    public void Schedule_BatchNotFilled_NoRequeueStatusWritten()
    {
        var result = Schedule(Policy(PickN(2).WithSpread("region")), [Cluster("a").Label("region", "east").Unhealthy()]);

        Assert.Equal(
            [
                Status(Unfulfilled(0)),
                Filtered("a", "cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)"),
            ],
            Render(result));
    }

    // A cluster without the topology key is a candidate with score 0, and beats every cluster that would raise the skew.
    [Fact]
    public void Schedule_ClusterWithoutTopologyKey_ScoresZero()
    {
        var result = Schedule(Policy(PickN(1).WithSpread("region")), [Cluster("a-east").Label("region", "east"), Cluster("b-unlabelled")]);

        Assert.Equal([Create("b-unlabelled"), Status(Fulfilled(1)), Selected("b-unlabelled"), NotPicked("a-east", topology: -1)], Render(result));
    }

    // The topology spread score comes before the affinity score.
    [Fact]
    public void Schedule_TopologyAndAffinityScores_TopologyComparedFirst()
    {
        var policy = PickN(2).WithSpread("region", 2).WithPreferred(Preferred(20, Labels("env", "prod")));
        var clusters = new[]
        {
            Cluster("a").Label("region", "r1").Label("env", "prod"),
            Cluster("b").Label("region", "r2"),
            Cluster("c").Label("region", "r1"),
        };

        // r1=1 (c), r2=0: a raises the skew to 2 (-1), b lowers it (+1).
        var result = Schedule(Policy(policy), clusters, Binding("c", score: (0, -1)));

        Assert.Equal(
            [
                Create("b", topology: 1),
                Status(Fulfilled(2)),
                Selected("b", topology: 1),
                Selected("c", topology: -1),
                NotPicked("a", affinity: 20, topology: -1),
            ],
            Render(result));
    }
}
