using Flotilla.Scheduler.Framework;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests.Framework;

public sealed class FrameworkTests
{
    [Theory]
    // Topology spread first, then affinity, then the obsolete-placement tie-breaker.
    [InlineData(1, 0, 0, 0, 100, 1, 1)]
    [InlineData(-1, 100, 1, 0, 0, 0, -1)]
    [InlineData(0, 1, 0, 0, 0, 1, 1)]
    [InlineData(0, 0, 1, 0, 0, 0, 1)]
    [InlineData(0, -5, 1, 0, -4, 0, -1)]
    [InlineData(3, 3, 1, 3, 3, 1, 0)]
    public void CompareTo_Scores_Lexicographic(int t1, int a1, int o1, int t2, int a2, int o2, int expected)
    {
        Assert.Equal(expected, Math.Sign(new Score(t1, a1, o1).CompareTo(new Score(t2, a2, o2))));
    }

    [Fact]
    public void Add_Scores_ComponentWise()
    {
        Assert.Equal(new Score(-999, 25, 1), new Score(1, 20, 0) + new Score(-1000, 5, 1));
    }

    [Fact]
    public void Describe_Score_AsDecisionReasonsShowIt()
    {
        Assert.Equal("(affinity score: -20, topology spread score: 3)", new Score(3, -20, 1).Describe());
    }

    public static TheoryData<PluginStatus, string> Statuses => new()
    {
        { PluginStatus.Success, "Success" },
        { PluginStatus.Unschedulable("P", "cluster has left the fleet"), "ClusterUnschedulable, cluster has left the fleet" },
        { PluginStatus.AlreadySelected("P", "already there"), "ClusterAlreadySelected, already there" },
        { PluginStatus.Skip("P", "nothing to do"), "Skip, nothing to do" },
        { PluginStatus.Internal("P", "boom"), "InternalError, boom" },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void ToString_Status_CodeThenErrorThenReasons(PluginStatus status, string expected)
    {
        Assert.Equal(expected, status.ToString());
    }

    // Picking order: best score first; among equal scores the lexicographically larger name first.
    [Fact]
    public void BestFirst_ScoredClusters_HigherScoreThenLargerName()
    {
        var clusters = new (string Name, Score Score)[]
        {
            ("cluster-1-east-prod", new Score(0, 0, 0)),
            ("cluster-7-west-canary", new Score(0, 0, 0)),
            ("b", new Score(0, 10, 0)),
            ("a", new Score(1, -50, 0)),
            ("z", new Score(-1, 100, 0)),
            ("c", new Score(0, 10, 1)),
            ("cluster-10", new Score(0, 0, 0)),
        };
        var scored = clusters.Select(c => new ScoredCluster(Cluster(c.Name).View(), c.Score)).ToList();

        scored.Sort(ScoredCluster.BestFirst);

        Assert.Equal(["a", "c", "b", "cluster-7-west-canary", "cluster-10", "cluster-1-east-prod", "z"], scored.Select(s => s.Cluster.Name));
    }

    [Fact]
    public void Default_Profile_UpstreamPluginsInUpstreamOrder()
    {
        var profile = Profile.Default;

        Assert.Equal(
            [
                "PostBatch: TopologySpreadConstraints",
                "PreFilter: ClusterAffinity, NamespaceAffinity, TopologySpreadConstraints",
                "Filter: ClusterAffinity, ClusterEligibility, NamespaceAffinity, TaintToleration, SamePlacementAntiAffinity, TopologySpreadConstraints",
                "PreScore: ClusterAffinity, TopologySpreadConstraints",
                "Score: ClusterAffinity, SamePlacementAntiAffinity, TopologySpreadConstraints",
            ],
            [
                "PostBatch: " + string.Join(", ", profile.PostBatch.Select(p => p.Name)),
                "PreFilter: " + string.Join(", ", profile.PreFilter.Select(p => p.Name)),
                "Filter: " + string.Join(", ", profile.Filter.Select(p => p.Name)),
                "PreScore: " + string.Join(", ", profile.PreScore.Select(p => p.Name)),
                "Score: " + string.Join(", ", profile.Score.Select(p => p.Name)),
            ]);
    }

    // With the default profile, a cluster failing several filters is reported by the first in upstream's order.
    [Theory]
    [InlineData("unmatched-leaving", "cluster does not match with any of the required cluster affinity terms")]
    [InlineData("leaving-tainted", "cluster has left the fleet")]
    [InlineData("tainted-no-namespace", "target namespace does not exist on cluster")]
    [InlineData("tainted", "taint &{Key:key1 Value:value1 Effect:NoSchedule} cannot be tolerated")]
    public void Schedule_SeveralFiltersFail_FirstInOrderReported(string cluster, string reason)
    {
        var clusters = new[]
        {
            Cluster("unmatched-leaving").Leaving(),
            Cluster("leaving-tainted").Label("env", "prod").Leaving().Taint("key1", "value1").Namespaces(Api.Meta.ConditionStatus.True),
            Cluster("tainted-no-namespace").Label("env", "prod").Taint("key1", "value1").Namespaces(Api.Meta.ConditionStatus.True),
            Cluster("tainted").Label("env", "prod").Taint("key1", "value1"),
        };
        var policy = Policy(PickAll().WithRequired(Term(Labels("env", "prod"))), placementNamespace: "app");

        var result = Schedule(policy, clusters);

        Assert.Contains(Filtered(cluster, reason), Decisions(result));
    }

    /// <summary>A plugin for every stage whose answers the test sets; it records which clusters it filtered and scored.</summary>
    private sealed class FakePlugin(string name) : IPostBatchPlugin, IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
    {
        public string Name => name;

        public int? BatchLimit { get; init; }

        public PluginStatus? PostBatchStatus { get; init; }

        public PluginStatus? PreFilterStatus { get; init; }

        public Func<SchedulingCluster, PluginStatus?> FilterStatus { get; init; } = _ => null;

        public PluginStatus? PreScoreStatus { get; init; }

        public Func<SchedulingCluster, Score> ScoreOf { get; init; } = _ => default;

        public List<string> Filtered { get; } = [];

        public List<string> Scored { get; } = [];

        public PluginStatus? PostBatch(CycleState state, PolicyView policy, out int limit)
        {
            limit = BatchLimit ?? 0;
            return PostBatchStatus ?? (BatchLimit is null ? PluginStatus.Skip(name, "no limit") : null);
        }

        public PluginStatus? PreFilter(CycleState state, PolicyView policy) => PreFilterStatus;

        public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster)
        {
            Filtered.Add(cluster.Name);
            return FilterStatus(cluster);
        }

        public PluginStatus? PreScore(CycleState state, PolicyView policy) => PreScoreStatus;

        public PluginStatus? Score(CycleState state, PolicyView policy, SchedulingCluster cluster, out Score score)
        {
            Scored.Add(cluster.Name);
            score = ScoreOf(cluster);
            return null;
        }
    }

    private static Profile ProfileOf(params FakePlugin[] plugins) => new()
    {
        PostBatch = plugins,
        PreFilter = plugins,
        Filter = plugins,
        PreScore = plugins,
        Score = plugins,
    };

    private static SchedulingResult Run(Profile profile, int n, params string[] clusters) =>
        new PlacementScheduler(profile).Schedule(new SchedulingInput(Policy(PickN(n)), Views(clusters.Select(Cluster)), [], Now));

    // The batch is the smallest non-negative limit; Skip and negative limits do not limit. A filled batch asks for more.
    [Fact]
    public void Schedule_PostBatchLimits_SmallestNonNegativeWins()
    {
        var profile = ProfileOf(new FakePlugin("three") { BatchLimit = 3 }, new FakePlugin("none"), new FakePlugin("two") { BatchLimit = 2 }, new FakePlugin("negative") { BatchLimit = -1 });

        var result = Run(profile, 5, "a", "b", "c", "d", "e");

        Assert.Equal([Create("e"), Create("d"), "requeue"], Render(result));
    }

    [Fact]
    public void Schedule_PostBatchInternalError_CycleStops()
    {
        var profile = ProfileOf(new FakePlugin("broken") { PostBatchStatus = PluginStatus.Internal("broken", "no batch for you") });

        var result = Run(profile, 1, "a");

        Assert.Equal(["error: failed to run post-batch plugin broken: InternalError, no batch for you"], Render(result));
    }

    // PreFilter's Skip turns that plugin's Filter off for the cycle; the others still filter.
    [Fact]
    public void Schedule_PreFilterSkip_FilterNotCalled()
    {
        var skipped = new FakePlugin("skipped") { PreFilterStatus = PluginStatus.Skip("skipped", "not needed"), FilterStatus = c => PluginStatus.Unschedulable("skipped", "never") };
        var active = new FakePlugin("active") { FilterStatus = c => c.Name == "a" ? PluginStatus.Unschedulable("active", "not a") : null };

        var result = Run(ProfileOf(skipped, active), 2, "a", "b");

        Assert.Empty(skipped.Filtered);
        Assert.Equal(["a", "b"], active.Filtered);
        Assert.Equal([Create("b"), Status(Unfulfilled(1)), Selected("b"), "a unselected - | ClusterUnschedulable, not a"], Render(result));
    }

    // The first plugin that does not pass a cluster decides; later plugins do not see it.
    [Fact]
    public void Schedule_FirstNonSuccessFilter_Decides()
    {
        var first = new FakePlugin("first") { FilterStatus = c => c.Name == "a" ? PluginStatus.AlreadySelected("first", "mine") : null };
        var second = new FakePlugin("second") { FilterStatus = c => PluginStatus.Unschedulable("second", "second says no") };

        var result = Run(ProfileOf(first, second), 1, "a", "b");

        Assert.Equal(["b"], second.Filtered);
        // a is dropped silently (already selected); b is filtered with the second plugin's reason.
        Assert.Equal([Status(Unfulfilled(0)), "b unselected - | ClusterUnschedulable, second says no"], Render(result));
    }

    [Fact]
    public void Schedule_FilterInternalError_CycleStops()
    {
        var broken = new FakePlugin("broken") { FilterStatus = c => c.Name == "b" ? PluginStatus.Internal("broken", "cannot tell") : null };

        var result = Run(ProfileOf(broken), 1, "a", "b");

        Assert.Equal(["error: failed to run filter plugin broken: InternalError, cannot tell"], Render(result));
    }

    [Fact]
    public void Schedule_PreFilterOtherThanSuccessOrSkip_CycleStops()
    {
        var odd = new FakePlugin("odd") { PreFilterStatus = PluginStatus.Unschedulable("odd", "wrong stage") };

        var result = Run(ProfileOf(odd), 1, "a");

        Assert.Equal(["error: failed to run pre-filter plugin odd: ClusterUnschedulable, wrong stage"], Render(result));
    }

    // Scores of the running plugins add up; PreScore's Skip turns that plugin's Score off.
    [Fact]
    public void Schedule_ScorePlugins_SummedAndSkippable()
    {
        var affinity = new FakePlugin("affinity") { ScoreOf = c => new Score(0, c.Name == "a" ? 10 : 3, 0) };
        var spread = new FakePlugin("spread") { ScoreOf = c => new Score(c.Name == "b" ? 1 : 0, 0, 0) };
        var skipped = new FakePlugin("skipped") { PreScoreStatus = PluginStatus.Skip("skipped", "no scores"), ScoreOf = c => new Score(100, 100, 0) };

        var result = Run(ProfileOf(affinity, spread, skipped), 1, "a", "b");

        Assert.Empty(skipped.Scored);
        Assert.Equal([Create("b", affinity: 3, topology: 1), Status(Fulfilled(1)), Selected("b", affinity: 3, topology: 1), NotPicked("a", affinity: 10)], Render(result));
    }
}
