using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Nodes;

public sealed class NodeTests
{
    [Fact]
    public async Task Start_ThreeNodes_RegistersReadyNodesWithCapacityLabelsAndLeases()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with
        {
            ClusterName = "member-2",
            NodeCpu = "8",
            NodeMemory = "32Gi",
            InstanceType = "Standard_D8s_v3",
            Region = "eastus",
            Zones = ["eastus-1", "eastus-2"],
        });

        var nodes = (await cluster.ListAsync(Kinds.Nodes)).OrderBy(n => n.Name()).ToList();

        Assert.Equal(["member-2-node-0", "member-2-node-1", "member-2-node-2"], nodes.Select(n => n.Name()));
        for (var i = 0; i < 3; i++)
        {
            var node = nodes[i];
            var labels = node.Labels()!;
            Assert.Equal(node.Name(), Json.Str(labels["kubernetes.io/hostname"]));
            Assert.Equal("linux", Json.Str(labels["kubernetes.io/os"]));
            Assert.Equal("amd64", Json.Str(labels["kubernetes.io/arch"]));
            Assert.Equal("Standard_D8s_v3", Json.Str(labels["node.kubernetes.io/instance-type"]));
            Assert.Equal("eastus", Json.Str(labels["topology.kubernetes.io/region"]));
            Assert.Equal(i % 2 == 0 ? "eastus-1" : "eastus-2", Json.Str(labels["topology.kubernetes.io/zone"]));
            Assert.True(JsonNode.DeepEquals(
                JsonNode.Parse("""{"cpu":"8","ephemeral-storage":"104857600Ki","hugepages-1Gi":"0","hugepages-2Mi":"0","memory":"33554432Ki","pods":"110"}"""),
                node.At("status", "capacity")));
            Assert.True(JsonNode.DeepEquals(node.At("status", "capacity"), node.At("status", "allocatable")));
            var conditions = Json.Items(node.At("status", "conditions")).ToDictionary(c => Json.Str(c["type"])!, c => Json.Str(c["status"]));
            Assert.Equal(new Dictionary<string, string?> { ["MemoryPressure"] = "False", ["DiskPressure"] = "False", ["PIDPressure"] = "False", ["Ready"] = "True" }, conditions);
            var addresses = Json.Items(node.At("status", "addresses")).ToDictionary(a => Json.Str(a["type"])!, a => Json.Str(a["address"]));
            Assert.Equal(cluster.Runtime.Nodes[i].Address, addresses["InternalIP"]);
            Assert.StartsWith("127.", addresses["InternalIP"]);
            Assert.Equal(node.Name(), addresses["Hostname"]);
            Assert.StartsWith("v1.32.", Json.Str(node.At("status", "nodeInfo", "kubeletVersion")));
            Assert.Equal("linux", Json.Str(node.At("status", "nodeInfo", "operatingSystem")));
            Assert.Equal("amd64", Json.Str(node.At("status", "nodeInfo", "architecture")));
            Assert.NotNull(Json.Str(node.At("status", "nodeInfo", "osImage")));
            Assert.NotNull(Json.Str(node.At("status", "nodeInfo", "containerRuntimeVersion")));
            Assert.Equal(cluster.Runtime.Nodes[i].PodCidr, Json.Str(node.At("spec", "podCIDR")));
        }
        await TestCluster.WaitAsync("a Lease per node in kube-node-lease", async () =>
        {
            var leases = await cluster.Client.Resource(Kinds.Leases).InNamespace("kube-node-lease").ListAsync();
            return leases.Items.Select(l => l.Name()).Order().SequenceEqual(nodes.Select(n => n.Name()));
        });
    }

    [Fact]
    public async Task Heartbeat_ReportIntervalPasses_RefreshesConditionHeartbeats()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeCount = 1, NodeStatusReportInterval = TimeSpan.FromSeconds(1) });
        var node = Assert.Single(await cluster.ListAsync(Kinds.Nodes));
        var first = Json.Time(StatusConditions.Find(node["status"] as JsonObject, "Ready")!["lastHeartbeatTime"])!.Value;
        var since = StatusConditions.Find(node["status"] as JsonObject, "Ready")!["lastTransitionTime"]!.GetValue<string>();

        await TestCluster.WaitAsync("a later heartbeat", async () =>
        {
            var ready = StatusConditions.Find((await cluster.ListAsync(Kinds.Nodes)).Single()["status"] as JsonObject, "Ready")!;
            return Json.Time(ready["lastHeartbeatTime"]) > first && Json.Str(ready["lastTransitionTime"]) == since;
        });
    }

    [Fact]
    public async Task DeleteNode_ByAUser_RegistersAgain()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeCount = 1 });
        var node = Assert.Single(await cluster.ListAsync(Kinds.Nodes));

        await cluster.Client.Resource(Kinds.Nodes).DeleteAsync(node.Name());

        await TestCluster.WaitAsync("the node to register again, Ready", async () =>
            (await cluster.ListAsync(Kinds.Nodes)).SingleOrDefault() is { } again && again.Uid() != node.Uid()
            && StatusConditions.IsTrue(again["status"] as JsonObject, "Ready"));
    }
}
