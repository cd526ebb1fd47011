using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Workloads;

public sealed class OtherWorkloadTests
{
    [Fact]
    public async Task StatefulSet_ThreeReplicas_CreatesOrdinalPodsOneAfterAnother()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { ReadinessDelay = TimeSpan.FromMilliseconds(200) });
        await cluster.CreateAsync(Manifests.StatefulSet("web", 3));

        // Every look at the pods must show web-(i-1) Running and Ready whenever web-i exists (OrderedReady).
        var violations = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var pods = (await cluster.ListAsync(Kinds.Pods, "app=web")).ToDictionary(p => p.Name());
                for (var i = 1; i < 3; i++)
                {
                    if (pods.ContainsKey($"web-{i}") && !(pods.TryGetValue($"web-{i - 1}", out var previous) && Pods.IsReady(previous)))
                    {
                        violations.Add($"web-{i} existed while web-{i - 1} was not ready");
                    }
                }
                await Task.Delay(5);
            }
        });
        var pods = await cluster.WaitForReadyPodsAsync("app=web", 3, "web-0, web-1 and web-2 ready");
        JsonObject set = [];
        await TestCluster.WaitAsync("the StatefulSet's status to show 3 ready, current and updated replicas", async () =>
        {
            set = await cluster.GetAsync(Kinds.StatefulSets, "web");
            return Json.Int(set.At("status", "readyReplicas")) == 3 && Json.Int(set.At("status", "currentReplicas")) == 3 && Json.Int(set.At("status", "updatedReplicas")) == 3;
        });
        await stop.CancelAsync();
        await watcher;

        Assert.Empty(violations);
        Assert.Equal(["web-0", "web-1", "web-2"], pods.Select(p => p.Name()).Order());
        var revision = Json.Str(set.At("status", "updateRevision"))!;
        Assert.Matches("^web-[a-z0-9]+$", revision);
        Assert.Equal(revision, Json.Str(set.At("status", "currentRevision")));
        Assert.Equal(3, Json.Int(set.At("status", "replicas")));
        Assert.Equal(3, Json.Int(set.At("status", "availableReplicas")));
        Assert.Equal(1, Json.Int(set.At("status", "observedGeneration")));
        foreach (var pod in pods)
        {
            Assert.Equal(revision, Json.Str(pod.At("metadata", "labels", "controller-revision-hash")));
            Assert.Equal(pod.Name(), Json.Str(pod.At("metadata", "labels", "statefulset.kubernetes.io/pod-name")));
            Assert.Equal(pod.Name(), Json.Str(pod.At("spec", "hostname")));
            Assert.Equal("web", Json.Str(pod.At("spec", "subdomain")));
        }

        // Deleted, web-1 comes back under the same name with a new uid.
        var web1 = pods.Single(p => p.Name() == "web-1");
        await cluster.Resource(Kinds.Pods).DeleteAsync("web-1");
        await TestCluster.WaitAsync("web-1 to be re-created and ready", async () =>
        {
            var again = (await cluster.ListAsync(Kinds.Pods, "app=web")).SingleOrDefault(p => p.Name() == "web-1");
            return again is not null && again.Uid() != web1.Uid() && Pods.IsReady(again);
        });

        // Scaled down, the highest ordinals go.
        await cluster.PatchAsync(Kinds.StatefulSets, "web", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 1 } });
        await TestCluster.WaitAsync("only web-0 left", async () =>
            (await cluster.ListAsync(Kinds.Pods, "app=web")).Select(p => p.Name()).SequenceEqual(["web-0"]));
    }

    [Fact]
    public async Task StatefulSet_TemplateChange_ReplacesPodsFromTheHighestOrdinalDown()
    {
        await using var cluster = await TestCluster.StartAsync(o => o with { ReadinessDelay = TimeSpan.FromMilliseconds(100) });
        await cluster.CreateAsync(Manifests.StatefulSet("web", 3));
        await cluster.WaitForReadyPodsAsync("app=web", 3, "web-0, web-1 and web-2 ready");
        var before = Json.Str((await cluster.GetAsync(Kinds.StatefulSets, "web")).At("status", "updateRevision"));

        // Updated ordinals must always be a suffix: web-i is updated only once web-(i+1) and above are.
        var violations = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var pods = (await cluster.ListAsync(Kinds.Pods, "app=web")).ToDictionary(p => p.Name());
                for (var i = 0; i < 2; i++)
                {
                    bool Updated(int ordinal) => pods.TryGetValue($"web-{ordinal}", out var p) && Json.Str(p.At("metadata", "labels", "controller-revision-hash")) != before;
                    if (Updated(i) && !Updated(i + 1))
                    {
                        violations.Add($"web-{i} was updated before web-{i + 1}");
                    }
                }
                await Task.Delay(5);
            }
        });
        await cluster.PatchAsync(Kinds.StatefulSets, "web", JsonNode.Parse("""{"spec":{"template":{"metadata":{"labels":{"version":"2"}}}}}""")!.AsObject());
        JsonObject set = [];
        await TestCluster.WaitAsync("the rolling update to finish", async () =>
        {
            set = await cluster.GetAsync(Kinds.StatefulSets, "web");
            return Json.Str(set.At("status", "updateRevision")) != before && Json.Str(set.At("status", "currentRevision")) == Json.Str(set.At("status", "updateRevision"))
                && Json.Int(set.At("status", "updatedReplicas")) == 3 && Json.Int(set.At("status", "readyReplicas")) == 3;
        });
        await stop.CancelAsync();
        await watcher;

        Assert.Empty(violations);
        Assert.Equal(3, (await cluster.ListAsync(Kinds.Pods, "app=web,version=2")).Count(Pods.IsReady));
    }

    [Fact]
    public async Task DaemonSet_ThreeNodes_RunsOnePodOnEachNode()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.DaemonSet("agent"));

        var pods = await cluster.WaitForReadyPodsAsync("app=agent", 3, "one ready agent pod per node");
        JsonObject ds = [];
        await TestCluster.WaitAsync("the DaemonSet's status to count three", async () =>
        {
            ds = await cluster.GetAsync(Kinds.DaemonSets, "agent");
            return Json.Int(ds.At("status", "numberAvailable")) == 3;
        });

        Assert.Equal(cluster.Runtime.Nodes.Select(n => n.Name).Order(), pods.Select(Pods.NodeName).Order());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"currentNumberScheduled":3,"numberMisscheduled":0,"desiredNumberScheduled":3,"numberReady":3,"observedGeneration":1,"updatedNumberScheduled":3,"numberAvailable":3}"""),
            ds["status"]), ds["status"]!.ToJsonString());
        Assert.All(pods, p => Assert.Matches("^agent-[a-z0-9]{5}$", p.Name()));
        Assert.All(pods, p => Assert.Equal("1", Json.Str(p.At("metadata", "labels", "pod-template-generation"))));
    }

    [Fact]
    public async Task Job_ThreeCompletionsParallelismTwo_RunsPodsToCompletionAndCompletes()
    {
        await using var cluster = await TestCluster.StartAsync();
        var maxActive = 0;
        using var stop = new CancellationTokenSource();
        await cluster.CreateAsync(Manifests.Job("batch", completions: 3, parallelism: 2));
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var active = (await cluster.ListAsync(Kinds.Pods, "job-name=batch")).Count(p => !Pods.IsTerminal(p));
                maxActive = Math.Max(maxActive, active);
                await Task.Delay(5);
            }
        });

        JsonObject job = [];
        await TestCluster.WaitAsync("the Job to be Complete", async () =>
        {
            job = await cluster.GetAsync(Kinds.Jobs, "batch");
            return StatusConditions.IsTrue(job["status"] as JsonObject, "Complete");
        });
        await stop.CancelAsync();
        await watcher;

        var status = job["status"]!.AsObject();
        Assert.Equal(3, Json.Int(status["succeeded"]));
        Assert.Null(status["active"]);
        Assert.NotNull(status["startTime"]);
        Assert.NotNull(status["completionTime"]);
        Assert.True(StatusConditions.IsTrue(status, "SuccessCriteriaMet"));
        var complete = StatusConditions.Find(status, "Complete")!;
        Assert.Equal(("CompletionsReached", "Reached expected number of succeeded pods"), (Json.Str(complete["reason"]), Json.Str(complete["message"])));
        Assert.InRange(maxActive, 1, 2);
        var pods = await cluster.ListAsync(Kinds.Pods, "job-name=batch");
        Assert.Equal(3, pods.Count);
        Assert.All(pods, p =>
        {
            Assert.Equal("Succeeded", Pods.Phase(p));
            var terminated = Json.Items(p.At("status", "containerStatuses")).Single().At("state", "terminated");
            Assert.Equal(0, Json.Int(terminated?["exitCode"]));
            Assert.Equal("Completed", Json.Str(terminated?["reason"]));
        });
    }
}
