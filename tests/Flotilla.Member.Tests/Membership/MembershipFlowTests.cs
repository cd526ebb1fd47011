using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Hub.Tests;
using Flotilla.Testing;

namespace Flotilla.Member.Tests.Membership;

/// <summary>The hub's MemberCluster controller and the member agent together: join, heartbeats, leave (placement spec §8).</summary>
public sealed class MembershipFlowTests
{
    [Fact]
    public async Task JoinAndLeave_MemberClusterCreatedThenDeleted_AgentJoinsLeavesAndTheHubCleansUp()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await using var hub = await StartHubAsync(fleet);
        await fleet.CreateNodeAsync("node-1", "4", "16Gi", "4", "16Gi");
        var applier = new RecordingWorkApplier();
        await fleet.StartAgentAsync(workApplier: applier);

        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster(MemberHarness.Name));

        var mc = await hub.WaitForConditionAsync(MemberHarness.Name, "Joined", "True", "MemberClusterJoined");
        Assert.Equal("1", mc.Status!.Properties!["kubernetes-fleet.io/node-count"].Value);
        Assert.Equal("True", Conditions.Find(mc.Status.AgentStatus!.Single(a => a.Type == "MemberAgent").Conditions, "Healthy")!.Status);
        Assert.True(applier.Joins >= 1);

        await hub.Clusters.DeleteAsync(MemberHarness.Name);

        await Eventually.WaitAsync("the agent to report Left", async () =>
            Conditions.Find(MemberHarness.MemberAgentStatus(await fleet.GetImcAsync())?.Conditions, "Joined") is { IsFalse: true, Reason: "InternalMemberClusterLeft" }
            || await fleet.GetImcAsync() is null);
        await Eventually.WaitAsync("the cluster namespace to be deleted", async () => await hub.GetNamespaceAsync(MemberHarness.Namespace) is null);
        await Eventually.WaitAsync("the MemberCluster to be released", async () => await hub.GetClusterAsync(MemberHarness.Name) is null);
        Assert.True(applier.Leaves >= 1);
        Assert.Contains("MemberClusterLeft", await hub.EventReasonsAsync(MemberHarness.Name));
    }

    [Fact]
    public async Task Heartbeat_AgentStops_HeartbeatGoesStaleAndTheHubChangesNoCondition()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await using var hub = await StartHubAsync(fleet);
        var agent = await fleet.StartAgentAsync(healthProbe: new HealthyProbe());
        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster(MemberHarness.Name, heartbeatPeriodSeconds: 60));
        await hub.WaitForConditionAsync(MemberHarness.Name, "Joined", "True", "MemberClusterJoined");

        var beat = MemberHarness.MemberAgentStatus(await fleet.NextHeartbeatAsync())!.LastReceivedHeartbeat;
        await Eventually.WaitAsync("the hub to mirror the new heartbeat", async () =>
            (await hub.GetClusterAsync(MemberHarness.Name))?.Status?.AgentStatus?.Single(a => a.Type == "MemberAgent").LastReceivedHeartbeat == beat);

        await agent.DisposeAsync();
        fleet.Time.Advance(TimeSpan.FromMinutes(10));
        // Make the hub reconcile after the heartbeat went stale: a spec change it must follow (and can be seen following).
        await hub.Clusters.PatchAsync(MemberHarness.Name, Patch.Merge(new() { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["heartbeatPeriodSeconds"] = 30 } }));
        var mc = await Eventually.WaitAsync("the hub to reconcile the new generation", async () =>
        {
            var current = await hub.GetClusterAsync(MemberHarness.Name);
            return Conditions.Find(current?.Status?.Conditions, "Joined")?.ObservedGeneration == 2 ? current : null;
        });

        Assert.Equal(30, (await fleet.GetImcAsync())!.Spec.HeartbeatPeriodSeconds);
        Assert.Equal(beat, MemberHarness.MemberAgentStatus(await fleet.GetImcAsync())!.LastReceivedHeartbeat);
        Assert.Equal(beat, mc.Status!.AgentStatus!.Single(a => a.Type == "MemberAgent").LastReceivedHeartbeat);
        Assert.Equal(("True", "MemberClusterJoined"), (Conditions.Find(mc.Status.Conditions, "Joined")!.Status, Conditions.Find(mc.Status.Conditions, "Joined")!.Reason));
        Assert.Equal("True", Conditions.Find(mc.Status.Conditions, "ReadyToJoin")!.Status);
        Assert.Equal("True", Conditions.Find(mc.Status.AgentStatus!.Single().Conditions, "Healthy")!.Status);
    }

    /// <summary>The hub controllers against the harness's hub server (real time: the hub's clock plays no part here).</summary>
    private static Task<HubHarness> StartHubAsync(MemberHarness fleet) => HubHarness.AttachAsync(fleet.HubServer, fleet.HubClient);
}
