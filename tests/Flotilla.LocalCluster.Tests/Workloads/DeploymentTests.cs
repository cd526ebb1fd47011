using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Workloads;

public sealed class DeploymentTests
{
    [Fact]
    public async Task Deployment_ThreeReplicas_RunsThreeReadyPodsWithDistinctIpsAndUpstreamStatus()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 3));

        var pods = await cluster.WaitForReadyPodsAsync("app=kuard", 3, "three Running and Ready kuard pods");
        JsonObject deployment = [];
        await TestCluster.WaitAsync("the Deployment's status to show 3 available replicas", async () =>
        {
            deployment = await cluster.GetAsync(Kinds.Deployments, "kuard");
            return Json.Int(deployment.At("status", "availableReplicas")) == 3
                && StatusConditions.Find(deployment["status"] as JsonObject, "Progressing")?["reason"]?.GetValue<string>() == "NewReplicaSetAvailable";
        });

        var replicaSets = await cluster.ListAsync(Kinds.ReplicaSets, "app=kuard");
        var rs = Assert.Single(replicaSets);
        var hash = rs.At("metadata", "labels", "pod-template-hash")!.GetValue<string>();
        Assert.Equal($"kuard-{hash}", rs.Name());
        Assert.Equal(hash, rs.At("spec", "selector", "matchLabels", "pod-template-hash")!.GetValue<string>());
        var annotations = rs.At("metadata", "annotations")!.AsObject();
        Assert.Equal("1", annotations["deployment.kubernetes.io/revision"]!.GetValue<string>());
        Assert.Equal("3", annotations["deployment.kubernetes.io/desired-replicas"]!.GetValue<string>());
        Assert.Equal("4", annotations["deployment.kubernetes.io/max-replicas"]!.GetValue<string>());
        var owner = Assert.Single(rs.At("metadata", "ownerReferences")!.AsArray())!.AsObject();
        Assert.Equal("Deployment", owner["kind"]!.GetValue<string>());
        Assert.Equal(deployment.Uid(), owner["uid"]!.GetValue<string>());
        Assert.True(owner["controller"]!.GetValue<bool>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"replicas":3,"fullyLabeledReplicas":3,"readyReplicas":3,"availableReplicas":3,"observedGeneration":1}"""), rs["status"]));

        var status = deployment["status"]!.AsObject();
        Assert.Equal(1, Json.Int(status["observedGeneration"]));
        Assert.Equal(3, Json.Int(status["replicas"]));
        Assert.Equal(3, Json.Int(status["updatedReplicas"]));
        Assert.Equal(3, Json.Int(status["readyReplicas"]));
        Assert.Null(status["unavailableReplicas"]);
        var available = StatusConditions.Find(status, "Available")!;
        Assert.Equal(("True", "MinimumReplicasAvailable", "Deployment has minimum availability."),
            (Json.Str(available["status"]), Json.Str(available["reason"]), Json.Str(available["message"])));
        var progressing = StatusConditions.Find(status, "Progressing")!;
        Assert.Equal(("True", $"ReplicaSet \"{rs.Name()}\" has successfully progressed."), (Json.Str(progressing["status"]), Json.Str(progressing["message"])));
        Assert.Equal("1", Json.Str(deployment.At("metadata", "annotations", "deployment.kubernetes.io/revision")));

        var nodes = cluster.Runtime.Nodes.ToDictionary(n => n.Name);
        Assert.Equal(3, pods.Select(Pods.PodIp).Distinct().Count());
        foreach (var pod in pods)
        {
            Assert.Matches($"^{rs.Name()}-[a-z0-9]{{5}}$", pod.Name());
            var node = nodes[Pods.NodeName(pod)];
            Assert.Equal(node.Address, Json.Str(pod.At("status", "hostIP")));
            Assert.True(Ipv4Cidr.Parse(node.PodCidr, "node").Contains(Pods.PodIp(pod)), $"{Pods.PodIp(pod)} is in {node.PodCidr}");
            Assert.Equal(Pods.PodIp(pod), Json.Str(Json.Items(pod.At("status", "podIPs")).Single()["ip"]));
            Assert.Equal(["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"],
                Json.Items(pod.At("status", "conditions")).Select(c => Json.Str(c["type"])));
            Assert.All(Json.Items(pod.At("status", "conditions")), c => Assert.Equal("True", Json.Str(c["status"])));
            var container = Assert.Single(Json.Items(pod.At("status", "containerStatuses")));
            Assert.Equal(Manifests.KuardImage, Json.Str(container["image"]));
            Assert.StartsWith("gcr.io/kuar-demo/kuard-amd64@sha256:", Json.Str(container["imageID"]));
            Assert.StartsWith("flotilla://", Json.Str(container["containerID"]));
            Assert.True(Json.Bool(container["ready"]) && Json.Bool(container["started"]));
            Assert.Equal(0, Json.Int(container["restartCount"]));
            Assert.NotNull(container.At("state", "running", "startedAt"));
            Assert.NotNull(pod.At("status", "startTime"));
            Assert.Equal("BestEffort", Json.Str(pod.At("status", "qosClass")));
        }
    }

    [Fact]
    public async Task Deployment_Created_RecordsTheEventsOfEachComponent()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 1));
        var pod = Assert.Single(await cluster.WaitForReadyPodsAsync("app=kuard", 1, "one ready pod"));
        var rs = Assert.Single(await cluster.ListAsync(Kinds.ReplicaSets, "app=kuard"));

        var expected = new[]
        {
            ("Deployment", "ScalingReplicaSet", $"Scaled up replica set {rs.Name()} from 0 to 1", "deployment-controller"),
            ("ReplicaSet", "SuccessfulCreate", $"Created pod: {pod.Name()}", "replicaset-controller"),
            ("Pod", "Scheduled", $"Successfully assigned default/{pod.Name()} to {Pods.NodeName(pod)}", "default-scheduler"),
            ("Pod", "Pulled", $"Container image \"{Manifests.KuardImage}\" already present on machine", "kubelet"),
            ("Pod", "Created", "Created container: app", "kubelet"),
            ("Pod", "Started", "Started container app", "kubelet"),
        };
        await TestCluster.WaitAsync("the Events of the deployment, replicaset, scheduler and kubelet", async () =>
        {
            var events = await cluster.Client.Resource(new Flotilla.Client.ResourceMapping("", "v1", "events", "Event", namespaced: true)).InNamespace("default").ListAsync();
            var seen = events.Items.Select(e => (Json.Str(e.At("involvedObject", "kind")), Json.Str(e["reason"]), Json.Str(e["message"]), Json.Str(e.At("source", "component")))).ToHashSet();
            return expected.All(e => seen.Contains(e));
        });
    }
}
