using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Kubelet;

public sealed class SchedulingTests
{
    [Fact]
    public async Task Pod_RequestingMoreCpuThanAnyNode_StaysPendingAndUnschedulable()
    {
        await using var cluster = await TestCluster.StartAsync();
        var container = Manifests.Container(resources: new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "64", ["memory"] = "1Gi" } });
        await cluster.CreateAsync(Manifests.Pod("huge", container));

        JsonObject pod = [];
        await TestCluster.WaitAsync("the pod to be marked Unschedulable", async () =>
        {
            pod = await cluster.GetAsync(Kinds.Pods, "huge");
            return Json.Str(StatusConditions.Find(pod["status"] as JsonObject, "PodScheduled")?["reason"]) == "Unschedulable";
        });

        var scheduled = StatusConditions.Find(pod["status"] as JsonObject, "PodScheduled")!;
        Assert.Equal("False", Json.Str(scheduled["status"]));
        Assert.Equal("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
            Json.Str(scheduled["message"]));
        Assert.Equal("Pending", Pods.Phase(pod));
        Assert.Equal("", Pods.NodeName(pod));
        Assert.Null(pod.At("status", "podIP"));
    }

    [Fact]
    public async Task Pods_WithRequests_SpreadOverNodesAndFillThemUpToAllocatable()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeCount = 2, NodeCpu = "2", NodeMemory = "4Gi" });
        var container = Manifests.Container(resources: new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "900m", ["memory"] = "512Mi" } });
        await cluster.CreateAsync(Manifests.Deployment("spread", 5, container));

        List<JsonObject> pods = [];
        await TestCluster.WaitAsync("four running pods and one that no node has room for", async () =>
        {
            pods = await cluster.ListAsync(Kinds.Pods, "app=spread");
            return pods.Count == 5 && pods.Count(Pods.IsReady) == 4
                && pods.Count(p => Json.Str(StatusConditions.Find(p["status"] as JsonObject, "PodScheduled")?["reason"]) == "Unschedulable") == 1;
        });

        Assert.All(pods.Where(Pods.IsReady).GroupBy(Pods.NodeName), g => Assert.Equal(2, g.Count()));
        var pending = pods.Single(p => !Pods.IsReady(p));
        Assert.StartsWith("0/2 nodes are available: 2 Insufficient cpu.", Json.Str(StatusConditions.Find(pending["status"] as JsonObject, "PodScheduled")?["message"]));

        // Room appears when the Deployment shrinks; nothing is left waiting.
        await cluster.PatchAsync(Kinds.Deployments, "spread", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 4 } });
        await cluster.WaitForReadyPodsAsync("app=spread", 4, "four running pods");
    }
}
