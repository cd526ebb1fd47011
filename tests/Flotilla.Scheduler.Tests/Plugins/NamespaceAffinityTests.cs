using Flotilla.Api.Meta;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests.Plugins;

public sealed class NamespaceAffinityTests
{
    public static TheoryData<ClusterBuilder, string> Cases => new()
    {
        // Without namespace collection the cluster passes (the feature is off there).
        { Cluster("no-collection"), "Success" },
        { Cluster("nothing-reported").Namespaces(ConditionStatus.True, null), "ClusterUnschedulable, cluster has no namespace information available" },
        { Cluster("other-namespaces").Namespaces(ConditionStatus.True, "default", "kube-system"), "ClusterUnschedulable, target namespace does not exist on cluster" },
        { Cluster("has-it").Namespaces(ConditionStatus.True, "default", "app"), "Success" },
        // A False (degraded) collection still uses what it reported.
        { Cluster("degraded-has-it").Namespaces(ConditionStatus.False, "app"), "Success" },
        { Cluster("degraded-lacks-it").Namespaces(ConditionStatus.False, "default"), "ClusterUnschedulable, target namespace does not exist on cluster" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_ResourcePlacement_NeedsItsNamespaceOnTheCluster(ClusterBuilder cluster, string expected)
    {
        var view = cluster.View();
        var plugin = new NamespaceAffinityPlugin();
        var state = CycleState.For([view], Now);
        var policy = Policy(PickAll(), placementNamespace: "app");

        Assert.Null(plugin.PreFilter(state, policy));
        Assert.Equal(expected, Render(plugin.Filter(state, policy, view)));
    }

    [Fact]
    public void PreFilter_ClusterResourcePlacement_Skips()
    {
        var status = new NamespaceAffinityPlugin().PreFilter(CycleState.For([], Now), Policy(PickAll()));

        Assert.Equal(StatusCode.Skip, status?.Code);
    }

    [Fact]
    public void Schedule_ResourcePlacement_FiltersClustersWithoutTheNamespace()
    {
        var clusters = new[]
        {
            Cluster("a").Namespaces(ConditionStatus.True, "app"),
            Cluster("b").Namespaces(ConditionStatus.True, "default"),
            Cluster("c"),
            Cluster("d").Namespaces(ConditionStatus.True, null),
        };

        var resourcePlacement = Schedule(Policy(PickAll(), placementNamespace: "app"), clusters);
        var clusterPlacement = Schedule(Policy(PickAll()), clusters);

        Assert.Equal(
            [
                Create("a"),
                Create("c"),
                Status(Fulfilled(2)),
                Selected("a"),
                Selected("c"),
                Filtered("b", "target namespace does not exist on cluster"),
                Filtered("d", "cluster has no namespace information available"),
            ],
            Render(resourcePlacement));
        Assert.Equal([Create("a"), Create("b"), Create("c"), Create("d"), Status(Fulfilled(4)), Selected("a"), Selected("b"), Selected("c"), Selected("d")], Render(clusterPlacement));
    }
}
