using Flotilla.Api.Cluster;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests.Plugins;

public sealed class TaintTolerationTests
{
    private const string Exists = TolerationOperator.Exists;
    private const string Equal = TolerationOperator.Equal;
    private const string NoSchedule = TaintEffect.NoSchedule;

    [Theory]
    // Exists: any value; an empty key matches every key; an empty effect every effect.
    [InlineData(null, Exists, null, null, "k1", "v1", true)]
    [InlineData("", Exists, null, null, "k1", null, true)]
    [InlineData("k1", Exists, null, null, "k1", "v1", true)]
    [InlineData("k1", Exists, null, null, "k2", "v1", false)]
    [InlineData("k1", Exists, null, NoSchedule, "k1", "v1", true)]
    [InlineData("k1", Exists, null, "NoExecute", "k1", "v1", false)]
    [InlineData(null, Exists, null, "NoExecute", "k1", "v1", false)]
    // Equal: key and value must both equal.
    [InlineData("k1", Equal, "v1", null, "k1", "v1", true)]
    [InlineData("k1", Equal, "v1", NoSchedule, "k1", "v1", true)]
    [InlineData("k1", Equal, "v1", "NoExecute", "k1", "v1", false)]
    [InlineData("k1", Equal, "v2", null, "k1", "v1", false)]
    [InlineData("k2", Equal, "v1", null, "k1", "v1", false)]
    [InlineData("k1", Equal, null, null, "k1", null, true)]
    [InlineData("k1", Equal, "", null, "k1", null, true)]
    [InlineData("k1", Equal, null, null, "k1", "v1", false)]
    // Unlike Kubernetes, an empty key with Equal matches no key.
    [InlineData("", Equal, "v1", null, "k1", "v1", false)]
    // Any other operator, empty included, tolerates nothing.
    [InlineData("k1", "", "v1", null, "k1", "v1", false)]
    [InlineData("k1", null, "v1", null, "k1", "v1", false)]
    [InlineData("k1", "Lt", "v1", null, "k1", "v1", false)]
    [InlineData(null, "exists", null, null, "k1", "v1", false)]
    public void Tolerates_OperatorKeyValueEffect_UpstreamMatching(
        string? key, string? op, string? value, string? effect, string taintKey, string? taintValue, bool tolerated)
    {
        var toleration = new Toleration { Key = key, Operator = op, Value = value, Effect = effect };
        var taint = new Taint { Key = taintKey, Value = taintValue, Effect = NoSchedule };

        Assert.Equal(tolerated, TaintTolerationPlugin.Tolerates(toleration, taint));
    }

    public static TheoryData<ClusterBuilder, Toleration[], string> Filters => new()
    {
        { Cluster("untainted"), [], "Success" },
        { Cluster("tainted").Taint("key1", "value1"), [], "ClusterUnschedulable, taint &{Key:key1 Value:value1 Effect:NoSchedule} cannot be tolerated" },
        { Cluster("no-value").Taint("key1", null), [], "ClusterUnschedulable, taint &{Key:key1 Value: Effect:NoSchedule} cannot be tolerated" },
        // The first taint no toleration tolerates is the one reported.
        {
            Cluster("three-taints").Taint("key0", "value0").Taint("key1", "value1").Taint("key2", "value2"),
            [new Toleration { Key = "key0", Operator = Equal, Value = "value0" }],
            "ClusterUnschedulable, taint &{Key:key1 Value:value1 Effect:NoSchedule} cannot be tolerated"
        },
        {
            Cluster("all-tolerated").Taint("key0", "value0").Taint("key1", "value1"),
            [new Toleration { Key = "key1", Operator = Exists }, new Toleration { Key = "key0", Operator = Equal, Value = "value0" }],
            "Success"
        },
        { Cluster("tolerate-everything").Taint("key0", "value0").Taint("key1", "value1"), [new Toleration { Operator = Exists }], "Success" },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Filter_Taints_FirstUntoleratedTaintReported(ClusterBuilder cluster, Toleration[] tolerations, string expected)
    {
        var view = cluster.View();

        var status = new TaintTolerationPlugin().Filter(CycleState.For([view], Now), Policy(PickAll().WithTolerations(tolerations)), view);

        Assert.Equal(expected, Render(status));
    }

    [Fact]
    public void Schedule_PickAllTaintedCluster_FilteredWithTaint()
    {
        var result = Schedule(Policy(PickAll()), [Cluster("a"), Cluster("b").Taint("key1", "value1")]);

        Assert.Equal(
            [Create("a"), Status(Fulfilled(1)), Selected("a"), "b unselected - | ClusterUnschedulable, taint &{Key:key1 Value:value1 Effect:NoSchedule} cannot be tolerated"],
            Render(result));
    }

    [Fact]
    public void Schedule_PickFixedTaintedCluster_TaintIgnored()
    {
        var result = Schedule(Policy(PickFixed("b")), [Cluster("b").Taint("key1", "value1")]);

        Assert.Equal(["create b: " + SelectedFixed("b"), Status(Fulfilled(1)), SelectedFixed("b")], Render(result));
    }

    // A taint added after the pick keeps the binding: taints only keep new placements away. The cluster is not
    // listed as filtered either, since its binding's decision is already listed.
    [Fact]
    public void Schedule_TaintAddedToSelectedCluster_BindingKept()
    {
        var result = Schedule(Policy(PickAll()), [Cluster("a").Taint("key1", "value1")], Binding("a", BindingState.Bound, score: (0, 0)));

        Assert.Equal([Status(Fulfilled(1)), Selected("a")], Render(result));
    }
}
