using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Workloads;

public sealed class RolloutTests
{
    [Fact]
    public async Task TemplateChange_RollingUpdateMaxSurge1MaxUnavailable1_StaysWithinBudgetAndReplacesEveryPod()
    {
        // Pods become ready 300 ms after starting, so the rollout takes several observable steps.
        await using var cluster = await TestCluster.StartAsync(o => o with { ReadinessDelay = TimeSpan.FromMilliseconds(300) });
        var strategy = JsonNode.Parse("""{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":1}}""")!.AsObject();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 4, strategy: strategy));
        var original = await cluster.WaitForReadyPodsAsync("app=kuard", 4, "the first revision's four ready pods");
        var oldRs = Assert.Single(await cluster.ListAsync(Kinds.ReplicaSets, "app=kuard"));

        using var observer = new RolloutObserver(cluster, "app=kuard");
        await cluster.PatchAsync(Kinds.Deployments, "kuard", JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"gcr.io/kuar-demo/kuard-amd64:green"}]}}}}""")!.AsObject());

        JsonObject deployment = [];
        await TestCluster.WaitAsync("the rollout to complete: 4 updated, available replicas and NewReplicaSetAvailable", async () =>
        {
            deployment = await cluster.GetAsync(Kinds.Deployments, "kuard");
            var status = deployment["status"] as JsonObject;
            return Json.Int(status?["observedGeneration"]) == 2 && Json.Int(status?["updatedReplicas"]) == 4 && Json.Int(status?["replicas"]) == 4
                && Json.Int(status?["availableReplicas"]) == 4 && Json.Str(StatusConditions.Find(status, "Progressing")?["reason"]) == "NewReplicaSetAvailable";
        });
        var pods = await cluster.WaitForReadyPodsAsync("app=kuard", 4, "four ready pods of the new revision");
        var snapshots = await observer.StopAsync();

        Assert.Empty(snapshots.SelectMany(s => s.Violations(replicas: 4, maxSurge: 1, maxUnavailable: 1)));
        Assert.Contains(snapshots, s => s.Hashes.Count > 1);
        var replicaSets = await cluster.ListAsync(Kinds.ReplicaSets, "app=kuard");
        var newRs = replicaSets.Single(rs => rs.Uid() != oldRs.Uid());
        var old = replicaSets.Single(rs => rs.Uid() == oldRs.Uid());
        Assert.Equal(0, Json.Int(old.At("spec", "replicas")));
        Assert.Equal("1", Json.Str(old.At("metadata", "annotations", "deployment.kubernetes.io/revision")));
        Assert.Equal("2", Json.Str(newRs.At("metadata", "annotations", "deployment.kubernetes.io/revision")));
        Assert.Equal("2", Json.Str(deployment.At("metadata", "annotations", "deployment.kubernetes.io/revision")));
        Assert.All(pods, p => Assert.Equal(Json.Str(newRs.At("metadata", "labels", "pod-template-hash")), Json.Str(p.At("metadata", "labels", "pod-template-hash"))));
        Assert.Empty(pods.Select(p => p.Name()).Intersect(original.Select(p => p.Name())));
        Assert.Equal($"ReplicaSet \"{newRs.Name()}\" has successfully progressed.", Json.Str(StatusConditions.Find(deployment["status"] as JsonObject, "Progressing")?["message"]));
        Assert.Contains(snapshots, s => s.Progressing == $"ReplicaSetUpdated: ReplicaSet \"{newRs.Name()}\" is progressing.");
    }

    [Fact]
    public async Task TemplateChange_Recreate_OldPodsGoBeforeNewOnesStart()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 3, strategy: new JsonObject { ["type"] = "Recreate" }));
        await cluster.WaitForReadyPodsAsync("app=kuard", 3, "the first revision's three ready pods");

        using var observer = new RolloutObserver(cluster, "app=kuard");
        await cluster.PatchAsync(Kinds.Deployments, "kuard", JsonNode.Parse("""{"spec":{"template":{"metadata":{"labels":{"version":"2"}}}}}""")!.AsObject());
        await TestCluster.WaitAsync("the Recreate rollout to complete", async () =>
        {
            var status = (await cluster.GetAsync(Kinds.Deployments, "kuard"))["status"] as JsonObject;
            var pods = await cluster.ListAsync(Kinds.Pods, "app=kuard,version=2");
            return Json.Int(status?["observedGeneration"]) == 2 && Json.Int(status?["updatedReplicas"]) == 3 && Json.Int(status?["availableReplicas"]) == 3
                && pods.Count(Pods.IsReady) == 3;
        });
        var snapshots = await observer.StopAsync();

        Assert.DoesNotContain(snapshots, s => s.Hashes.Count > 1);
        Assert.Equal(3, (await cluster.ListAsync(Kinds.Pods, "app=kuard")).Count);
    }

    /// <summary>One look at the rollout: the pods (with their template hash and readiness) and the ReplicaSets' sizes.</summary>
    private sealed record Snapshot(int Pods, int ReadyPods, int SpecTotal, HashSet<string> Hashes, string? Progressing)
    {
        public IEnumerable<string> Violations(int replicas, int maxSurge, int maxUnavailable)
        {
            if (Pods > replicas + maxSurge)
            {
                yield return $"{Pods} pods exist, more than {replicas} + maxSurge {maxSurge}";
            }
            if (SpecTotal > replicas + maxSurge)
            {
                yield return $"the ReplicaSets ask for {SpecTotal} pods, more than {replicas} + maxSurge {maxSurge}";
            }
            if (ReadyPods < replicas - maxUnavailable)
            {
                yield return $"only {ReadyPods} pods are ready, fewer than {replicas} - maxUnavailable {maxUnavailable}";
            }
        }
    }

    /// <summary>Looks at the pods and ReplicaSets over and over, through the API, until stopped.</summary>
    private sealed class RolloutObserver : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentQueue<Snapshot> _snapshots = new();
        private readonly Task _loop;

        public RolloutObserver(TestCluster cluster, string selector) => _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var pods = (await cluster.ListAsync(Kinds.Pods, selector)).Where(p => !p.IsDeleting()).ToList();
                var replicaSets = await cluster.ListAsync(Kinds.ReplicaSets, selector);
                var deployment = (await cluster.ListAsync(Kinds.Deployments, selector)).Single();
                var progressing = StatusConditions.Find(deployment["status"] as JsonObject, "Progressing");
                _snapshots.Enqueue(new Snapshot(
                    pods.Count,
                    pods.Count(Pods.IsReady),
                    replicaSets.Sum(rs => Json.Int(rs.At("spec", "replicas"))),
                    [.. pods.Select(p => Json.Str(p.At("metadata", "labels", "pod-template-hash")) ?? "")],
                    $"{Json.Str(progressing?["reason"])}: {Json.Str(progressing?["message"])}"));
                await Task.Delay(5);
            }
        });

        public async Task<List<Snapshot>> StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            return [.. _snapshots];
        }

        public void Dispose() => _stop.Dispose();
    }
}
