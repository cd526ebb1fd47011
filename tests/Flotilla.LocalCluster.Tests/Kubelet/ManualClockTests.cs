using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.LocalCluster.Tests.Kubelet;

/// <summary>Readiness and availability delays, with the runtime on a clock the test moves.</summary>
public sealed class ManualClockTests
{
    private static readonly TimeSpan Nudge = TimeSpan.FromMilliseconds(10);

    [Fact]
    public async Task ReadinessProbe_InitialDelay30s_ReadyOnlyAfterThirtySecondsOfTheClock()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var cluster = await TestCluster.StartAsync(o => o with { Time = time });
        var probe = JsonNode.Parse("""{"httpGet":{"path":"/ready","port":8080},"initialDelaySeconds":30}""")!.AsObject();
        await cluster.CreateAsync(Manifests.Pod("slow", Manifests.Container(readinessProbe: probe)));

        // Small nudges let retries and backoffs run without coming near the probe's delay.
        JsonObject pod = [];
        await TestCluster.WaitAsync("the pod Running but not Ready", async () =>
        {
            time.Advance(Nudge);
            pod = await cluster.GetAsync(Kinds.Pods, "slow");
            return Pods.Phase(pod) == "Running";
        });
        var ready = StatusConditions.Find(pod["status"] as JsonObject, "Ready")!;
        Assert.Equal(("False", "ContainersNotReady", "containers with unready status: [app]"), (Json.Str(ready["status"]), Json.Str(ready["reason"]), Json.Str(ready["message"])));
        var container = Json.Items(pod.At("status", "containerStatuses")).Single();
        Assert.True(Json.Bool(container["started"]));
        Assert.False(Json.Bool(container["ready"]));

        await TestCluster.WaitAsync("the pod Ready once the clock passes the initial delay", async () =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            pod = await cluster.GetAsync(Kinds.Pods, "slow");
            return Pods.IsReady(pod);
        });
        var started = Json.Time(pod.At("status", "startTime"))!.Value;
        Assert.True(Pods.ReadySince(pod) - started >= TimeSpan.FromSeconds(30), $"ready at {Pods.ReadySince(pod):O}, started at {started:O}");
    }

    [Fact]
    public async Task MinReadySeconds_PodsReady_AvailableOnlyAfterTheMinimum()
    {
        var time = new ManualTimeProvider(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var cluster = await TestCluster.StartAsync(o => o with { Time = time });
        await cluster.CreateAsync(Manifests.Deployment("kuard", 2, minReadySeconds: 10));

        JsonObject rs = [];
        await TestCluster.WaitAsync("two ready replicas, none available yet", async () =>
        {
            time.Advance(Nudge);
            rs = (await cluster.ListAsync(Kinds.ReplicaSets, "app=kuard")).SingleOrDefault() ?? [];
            return Json.Int(rs.At("status", "readyReplicas")) == 2;
        });
        Assert.Equal(0, Json.Int(rs.At("status", "availableReplicas")));
        await TestCluster.WaitAsync("the Deployment to report MinimumReplicasUnavailable", async () =>
        {
            time.Advance(Nudge);
            var deployment = await cluster.GetAsync(Kinds.Deployments, "kuard");
            return Json.Str(StatusConditions.Find(deployment["status"] as JsonObject, "Available")?["reason"]) == "MinimumReplicasUnavailable"
                && Json.Int(deployment.At("status", "readyReplicas")) == 2 && Json.Int(deployment.At("status", "unavailableReplicas")) == 2;
        });

        JsonObject available = [];
        await TestCluster.WaitAsync("both replicas available and the Deployment Available", async () =>
        {
            time.Advance(TimeSpan.FromSeconds(1));
            available = await cluster.GetAsync(Kinds.Deployments, "kuard");
            return Json.Int(available.At("status", "availableReplicas")) == 2 && StatusConditions.IsTrue(available["status"] as JsonObject, "Available");
        });
        var pods = await cluster.ListAsync(Kinds.Pods, "app=kuard");
        var readySince = pods.Max(p => Pods.ReadySince(p)!.Value);
        Assert.True(time.GetUtcNow() - readySince > TimeSpan.FromSeconds(10));
    }
}
