using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Testing;

namespace Flotilla.Member.Tests.Membership;

/// <summary>The member agent's join, heartbeat, health and leave (placement spec §8.2) against real hub and member API servers.</summary>
public sealed class MemberAgentTests
{
    [Fact]
    public async Task Join_ImcSaysJoin_ReportsJoinedHealthyAndBuiltInProperties()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateNodeAsync("node-1", "4", "16Gi", "3860m", "14Gi");
        await fleet.CreateNodeAsync("node-2", "4", "16Gi", "3860m", "14Gi");
        await fleet.CreatePodAsync("web-1", "node-1", "Running", ("250m", "512Mi"), ("250m", "512Mi"));
        await fleet.CreatePodAsync("web-2", "node-2", "Pending", ("100m", "128Mi"));
        await fleet.CreatePodAsync("done", "node-2", "Succeeded", ("1", "1Gi"));
        await fleet.CreatePodAsync("unscheduled", null, "Pending", ("2", "4Gi"));
        await fleet.CreateImcAsync();
        var applier = new RecordingWorkApplier();

        await fleet.StartAgentAsync(workApplier: applier);
        var imc = await fleet.WaitForJoinedAsync();

        var agent = MemberHarness.MemberAgentStatus(imc)!;
        Assert.Equal(KubeTimeConverter.Truncate(fleet.Time.GetUtcNow()), agent.LastReceivedHeartbeat);
        var joined = Conditions.Find(agent.Conditions, "Joined")!;
        Assert.Equal(("True", "InternalMemberClusterJoined", 1L), (joined.Status, joined.Reason, joined.ObservedGeneration!.Value));
        var healthy = Conditions.Find(agent.Conditions, "Healthy")!;
        Assert.Equal(("True", "InternalMemberClusterHealthy", 1L), (healthy.Status, healthy.Reason, healthy.ObservedGeneration!.Value));
        Assert.True(applier.Joins >= 1);

        var status = imc.Status!;
        Assert.Equal("2", status.Properties!["kubernetes-fleet.io/node-count"].Value);
        Assert.Equal(KubeTimeConverter.Truncate(fleet.Time.GetUtcNow()), status.Properties["kubernetes-fleet.io/node-count"].ObservationTime);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "8", ["memory"] = "32Gi" }, status.ResourceUsage!.Capacity);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "7720m", ["memory"] = "28Gi" }, status.ResourceUsage.Allocatable);
        // Requests of web-1 and web-2 only: 600m and 1152Mi.
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "7120m", ["memory"] = "27520Mi" }, status.ResourceUsage.Available);
        // No provider configured: no provider conditions.
        Assert.Null(Conditions.Find(status.Conditions, "ClusterPropertyProviderStarted"));
        Assert.Null(Conditions.Find(status.Conditions, "ClusterPropertyCollectionSucceeded"));
    }

    [Fact]
    public async Task Heartbeat_ClockAdvances_RecordsANewHeartbeatEachPeriod()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateImcAsync(heartbeatPeriodSeconds: 60);
        await fleet.StartAgentAsync(healthProbe: new HealthyProbe());
        var first = MemberHarness.MemberAgentStatus(await fleet.WaitForJoinedAsync())!.LastReceivedHeartbeat;

        var second = MemberHarness.MemberAgentStatus(await fleet.NextHeartbeatAsync())!.LastReceivedHeartbeat;
        var third = MemberHarness.MemberAgentStatus(await fleet.NextHeartbeatAsync())!.LastReceivedHeartbeat;

        Assert.Equal(TimeSpan.FromSeconds(63), second - first);
        Assert.Equal(TimeSpan.FromSeconds(63), third - second);
    }

    [Fact]
    public async Task Health_ReadyzFails_ReportsUnhealthyWithTheError()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateImcAsync();
        await fleet.StartAgentAsync();
        await fleet.WaitForJoinedAsync();

        await fleet.StopMemberServerAsync();
        var imc = await fleet.NextHeartbeatAsync();

        var agent = MemberHarness.MemberAgentStatus(imc)!;
        var healthy = Conditions.Find(agent.Conditions, "Healthy")!;
        Assert.Equal(("False", "InternalMemberClusterUnhealthy"), (healthy.Status, healthy.Reason));
        Assert.False(string.IsNullOrWhiteSpace(healthy.Message));
        Assert.Equal(KubeTimeConverter.Truncate(fleet.Time.GetUtcNow()), KubeTimeConverter.Truncate(healthy.LastTransitionTime));
        // Still joined: health and membership are separate.
        Assert.Equal("True", Conditions.Find(agent.Conditions, "Joined")!.Status);
    }

    [Fact]
    public async Task Leave_ImcSaysLeave_StopsTheWorkApplierReportsLeftAndStopsHeartbeating()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateImcAsync();
        var applier = new RecordingWorkApplier();
        await fleet.StartAgentAsync(workApplier: applier, healthProbe: new HealthyProbe());
        await fleet.WaitForJoinedAsync();

        await fleet.Imcs.PatchAsync(MemberHarness.Name, Patch.Merge(new() { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["state"] = "Leave" } }));

        var imc = await Eventually.WaitAsync("the agent to report Left", async () =>
        {
            var current = await fleet.GetImcAsync();
            return Conditions.Find(MemberHarness.MemberAgentStatus(current)?.Conditions, "Joined") is { IsFalse: true } ? current : null;
        });
        var joined = Conditions.Find(MemberHarness.MemberAgentStatus(imc)!.Conditions, "Joined")!;
        Assert.Equal(("InternalMemberClusterLeft", imc.Metadata.Generation), (joined.Reason, joined.ObservedGeneration));
        Assert.True(applier.Leaves >= 1);

        // No more heartbeats: with the clock well past the period, the agent looks at the IMC again (a spec change
        // wakes it, deterministically) and finds Leave: it writes no heartbeat.
        var heartbeat = MemberHarness.MemberAgentStatus(imc)!.LastReceivedHeartbeat;
        var leaves = applier.Leaves;
        fleet.Time.Advance(TimeSpan.FromMinutes(5));
        await fleet.Imcs.PatchAsync(MemberHarness.Name, Patch.Merge(new() { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["heartbeatPeriodSeconds"] = 30 } }));
        await Eventually.WaitAsync("the agent to look at the IMC again", () => applier.Leaves > leaves);
        Assert.Equal(heartbeat, MemberHarness.MemberAgentStatus(await fleet.GetImcAsync())!.LastReceivedHeartbeat);

        // Join again: the heartbeats resume.
        await fleet.Imcs.PatchAsync(MemberHarness.Name, Patch.Merge(new() { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["state"] = "Join" } }));
        await fleet.WaitForJoinedAsync();
        Assert.Equal(ClusterState.Join, (await fleet.GetImcAsync())!.Spec.State);
    }
}
