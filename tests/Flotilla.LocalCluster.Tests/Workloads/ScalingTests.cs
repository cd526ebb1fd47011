using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Workloads;

public sealed class ScalingTests
{
    [Fact]
    public async Task Scale_3To5To1_PodsAndEndpointSliceFollow()
    {
        var logs = new CollectingLoggerFactory(Microsoft.Extensions.Logging.LogLevel.Error);
        await using var cluster = await TestCluster.StartAsync(o => o with { LoggerFactory = logs });
        await cluster.CreateAsync(Manifests.Deployment("kuard", 3));
        await cluster.CreateAsync(Manifests.Service("kuard", "kuard", 8080));

        foreach (var replicas in new[] { 3, 5, 1 })
        {
            await cluster.PatchAsync(Kinds.Deployments, "kuard", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } });
            var pods = await cluster.WaitForReadyPodsAsync("app=kuard", replicas, $"{replicas} ready pods after scaling to {replicas}");
            await TestCluster.WaitAsync($"the EndpointSlice to hold the {replicas} pods' IPs, all ready", async () =>
            {
                var slice = Assert.Single(await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=kuard"));
                var endpoints = Json.Items(slice["endpoints"]).ToList();
                return endpoints.Select(e => Json.Str(e.At("addresses")!.AsArray()[0])).Order().SequenceEqual(pods.Select(Pods.PodIp).Order())
                    && endpoints.All(e => Json.Bool(e.At("conditions", "ready")));
            });
            await TestCluster.WaitAsync($"the Deployment's status to show {replicas} replicas", async () =>
            {
                var status = (await cluster.GetAsync(Kinds.Deployments, "kuard"))["status"] as JsonObject;
                return Json.Int(status?["replicas"]) == replicas && Json.Int(status?["availableReplicas"]) == replicas && Json.Int(status?["updatedReplicas"]) == replicas;
            });
        }
        var rs = Assert.Single(await cluster.ListAsync(Kinds.ReplicaSets, "app=kuard"));
        Assert.Equal("1", Json.Str(rs.At("metadata", "annotations", "deployment.kubernetes.io/desired-replicas")));
        Assert.Empty(logs.Entries);
        Assert.Equal("2", Json.Str(rs.At("metadata", "annotations", "deployment.kubernetes.io/max-replicas")));
    }

    [Fact]
    public async Task DeletePod_OwnedByReplicaSet_IsReplacedWithNewNameAndIp()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 2));
        var before = await cluster.WaitForReadyPodsAsync("app=kuard", 2, "two ready pods");
        var victim = before[0];

        await cluster.Resource(Kinds.Pods).DeleteAsync(victim.Name());

        List<JsonObject> after = [];
        await TestCluster.WaitAsync("a replacement pod, Running and Ready", async () =>
        {
            after = await cluster.ListAsync(Kinds.Pods, "app=kuard");
            return after.Count == 2 && after.All(p => p.Name() != victim.Name() && Pods.IsReady(p));
        });
        var replacement = after.Single(p => p.Name() != before[1].Name());
        Assert.NotEqual(victim.Name(), replacement.Name());
        Assert.NotEqual(Pods.PodIp(victim), Pods.PodIp(replacement));
        Assert.Equal(Pods.PodIp(before[1]), Pods.PodIp(after.Single(p => p.Name() == before[1].Name())));
        var (response, body) = await PodPages.GetAsync(Pods.PodIp(replacement), 8080);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(replacement.Name(), PodPages.PageContext(body)["hostname"]!.GetValue<string>());
    }

    [Fact]
    public async Task ScaleDown_ReadyAndUnscheduledPods_DeletesTheUnscheduledFirst()
    {
        // Two nodes of 1 cpu: two pods of 600m run, the third cannot be placed.
        await using var cluster = await TestCluster.StartAsync(o => o with { NodeCount = 2, NodeCpu = "1" });
        var container = Manifests.Container(resources: new JsonObject { ["requests"] = new JsonObject { ["cpu"] = "600m" } });
        await cluster.CreateAsync(Manifests.Deployment("big", 3, container));
        List<JsonObject> pods = [];
        await TestCluster.WaitAsync("two running pods and one unschedulable", async () =>
        {
            pods = await cluster.ListAsync(Kinds.Pods, "app=big");
            return pods.Count == 3 && pods.Count(Pods.IsReady) == 2
                && pods.Any(p => Json.Str(StatusConditions.Find(p["status"] as JsonObject, "PodScheduled")?["reason"]) == "Unschedulable");
        });
        var pending = pods.Single(p => Pods.NodeName(p).Length == 0);

        await cluster.PatchAsync(Kinds.Deployments, "big", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 2 } });

        await TestCluster.WaitAsync("the unscheduled pod to be the one removed", async () =>
        {
            var now = await cluster.ListAsync(Kinds.Pods, "app=big");
            return now.Count == 2 && now.All(p => p.Name() != pending.Name() && Pods.IsReady(p));
        });
    }
}
