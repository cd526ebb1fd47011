using System.Text.Json;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Hub.Membership;
using Flotilla.Testing;

namespace Flotilla.Hub.Tests.Membership;

/// <summary>Status mirroring and the Joined aggregation (placement spec §1.1, §8.1 step 6).</summary>
public sealed class MemberClusterStatusTests
{
    private static readonly string[] AllAgents = ["MemberAgent", "MultiClusterServiceAgent", "ServiceExportImportAgent"];

    public static TheoryData<string, string?[], string, string, string> AggregationCases => new()
    {
        { "no agent yet", [], "Unknown", "MemberClusterJoinStateUnknown", "Member cluster m has not reported all the expected agents, expected 3, got 0" },
        { "one of three", ["True"], "Unknown", "MemberClusterJoinStateUnknown", "Member cluster m has not reported all the expected agents, expected 3, got 1" },
        { "all joined", ["True", "True", "True"], "True", "MemberClusterJoined", "Member cluster has successfully joined the fleet" },
        { "all left", ["False", "False", "False"], "False", "MemberClusterLeft", "Member cluster has left the fleet" },
        { "mixed", ["True", "False", "True"], "Unknown", "MemberClusterJoinStateUnknown", "Member agents are not in a consistent state" },
        { "one Unknown", ["True", "True", "Unknown"], "Unknown", "MemberClusterJoinStateUnknown", "Member agents are not in a consistent state" },
        { "no Joined condition", ["True", null, "True"], "Unknown", "MemberClusterJoinStateUnknown", "Member cluster m has not reported the join condition for agent MultiClusterServiceAgent" },
    };

    [Theory]
    [MemberData(nameof(AggregationCases))]
    public void AggregateJoined_NetworkingAgentsExpected_FollowsTheAgents(string name, string?[] joined, string status, string reason, string message)
    {
        var reported = joined.Select((j, i) => HubHarness.Agent(AllAgents[i], j)).ToList();

        var state = MemberClusterStatusSync.AggregateJoined("m", reported, AllAgents);

        Assert.True((status, reason, message) == (state.Status, state.Reason, state.Message), $"{name}: got {state}");
    }

    [Fact]
    public void AggregateJoined_UnexpectedAgentTypes_AreIgnored()
    {
        var reported = new List<AgentStatus> { HubHarness.Agent("MultiClusterServiceAgent", "False"), HubHarness.Agent("MemberAgent", "True") };

        var state = MemberClusterStatusSync.AggregateJoined("m", reported, ["MemberAgent"]);

        Assert.Equal(("True", "MemberClusterJoined"), (state.Status, state.Reason));
    }

    [Fact]
    public void Desired_SettledCluster_IsStable()
    {
        var mc = HubHarness.NewMemberCluster("m");
        mc.Metadata.Generation = 4;
        var imc = new InternalMemberCluster { Status = new InternalMemberClusterStatus { AgentStatus = [HubHarness.Agent("MemberAgent", "True")] } };
        var first = MemberClusterStatusSync.Desired(mc, imc, ["MemberAgent"], DateTimeOffset.UnixEpoch);
        mc.Status = JsonSerializer.Deserialize(JsonSerializer.Serialize(first, ClusterJsonContext.Default.MemberClusterStatus), ClusterJsonContext.Default.MemberClusterStatus);

        var second = MemberClusterStatusSync.Desired(mc, imc, ["MemberAgent"], DateTimeOffset.UnixEpoch.AddHours(1));

        Assert.True(MemberClusterStatusSync.SameOnTheWire(mc.Status, second));
    }

    [Fact]
    public async Task Status_ImcStatus_IsMirroredAtTheMemberClusterGeneration()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster("member-1"));
        await Eventually.WaitAsync("the InternalMemberCluster", () => hub.GetImcAsync("member-1"));
        // Generation 2, so that copied conditions visibly take the MemberCluster's generation, not the IMC's.
        await hub.Clusters.PatchAsync("member-1", Patch.Merge(new() { ["spec"] = new System.Text.Json.Nodes.JsonObject { ["heartbeatPeriodSeconds"] = 30 } }));
        var heartbeat = new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);
        var observed = new DateTimeOffset(2025, 3, 4, 5, 6, 0, TimeSpan.Zero);
        await hub.UpdateImcStatusAsync("member-1", status =>
        {
            var agent = HubHarness.Agent("MemberAgent", "True", observedGeneration: 7, heartbeat: heartbeat);
            agent.Conditions!.Add(new Condition { Type = "Healthy", Status = "True", Reason = "InternalMemberClusterHealthy", ObservedGeneration = 7, LastTransitionTime = observed });
            status.AgentStatus = [agent];
            status.Properties = new() { ["kubernetes-fleet.io/node-count"] = new PropertyValue { Value = "3", ObservationTime = observed } };
            status.ResourceUsage = new ResourceUsage
            {
                Capacity = new() { ["cpu"] = "12", ["memory"] = "48Gi" },
                Allocatable = new() { ["cpu"] = "11", ["memory"] = "44Gi" },
                Available = new() { ["cpu"] = "7500m", ["memory"] = "40Gi" },
                ObservationTime = observed,
            };
            status.Namespaces = new() { ["app"] = "work-1" };
            status.Conditions =
            [
                new Condition { Type = "ClusterPropertyProviderStarted", Status = "True", Reason = "Started", Message = "The property provider has started successfully", ObservedGeneration = 7, LastTransitionTime = observed },
                new Condition { Type = "AKSClusterCostPropertiesCollectionSucceeded", Status = "True", Reason = "CostsCalculated", ObservedGeneration = 7, LastTransitionTime = observed },
            ];
        });

        var mc = await hub.WaitForConditionAsync("member-1", "Joined", "True", "MemberClusterJoined");

        Assert.Equal(2, mc.Metadata.Generation);
        var status = mc.Status!;
        var agentStatus = Assert.Single(status.AgentStatus!);
        Assert.Equal(("MemberAgent", heartbeat), (agentStatus.Type, agentStatus.LastReceivedHeartbeat));
        Assert.All(agentStatus.Conditions!, c => Assert.Equal(2, c.ObservedGeneration));
        Assert.Equal(["Joined", "Healthy"], agentStatus.Conditions!.Select(c => c.Type));
        Assert.Equal("3", status.Properties!["kubernetes-fleet.io/node-count"].Value);
        Assert.Equal(observed, status.Properties["kubernetes-fleet.io/node-count"].ObservationTime);
        Assert.Equal(
            JsonSerializer.Serialize(new ResourceUsage
            {
                Capacity = new() { ["cpu"] = "12", ["memory"] = "48Gi" },
                Allocatable = new() { ["cpu"] = "11", ["memory"] = "44Gi" },
                Available = new() { ["cpu"] = "7500m", ["memory"] = "40Gi" },
                ObservationTime = observed,
            }, ClusterJsonContext.Default.ResourceUsage),
            JsonSerializer.Serialize(status.ResourceUsage!, ClusterJsonContext.Default.ResourceUsage));
        Assert.Equal("work-1", status.Namespaces!["app"]);
        var started = Conditions.Find(status.Conditions, "ClusterPropertyProviderStarted")!;
        Assert.Equal(("True", "Started", "The property provider has started successfully", 2L), (started.Status, started.Reason, started.Message, started.ObservedGeneration!.Value));
        Assert.Equal(("True", 2L), (Conditions.Find(status.Conditions, "AKSClusterCostPropertiesCollectionSucceeded")!.Status, Conditions.Find(status.Conditions, "AKSClusterCostPropertiesCollectionSucceeded")!.ObservedGeneration!.Value));
        var joined = Conditions.Find(status.Conditions, "Joined")!;
        Assert.Equal(("Member cluster has successfully joined the fleet", 2L), (joined.Message, joined.ObservedGeneration!.Value));
        await Eventually.WaitAsync("the Joined Event", async () => (await hub.EventReasonsAsync("member-1")).Contains("MemberClusterJoined"));
    }

    [Fact]
    public async Task Joined_NetworkingAgentsEnabled_WaitsForAllThreeAgents()
    {
        await using var hub = await HubHarness.StartAsync(options: new MemberClusterControllerOptions { NetworkingAgentsEnabled = true });
        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster("member-1"));
        await Eventually.WaitAsync("the InternalMemberCluster", () => hub.GetImcAsync("member-1"));

        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus = [HubHarness.Agent("MemberAgent", "True")]);
        var mc = await hub.WaitForConditionAsync("member-1", "Joined", "Unknown", "MemberClusterJoinStateUnknown");
        await Eventually.WaitAsync("the message about missing agents", async () =>
            Conditions.Find((await hub.GetClusterAsync("member-1"))?.Status?.Conditions, "Joined")?.Message ==
            "Member cluster member-1 has not reported all the expected agents, expected 3, got 1");

        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus =
            [HubHarness.Agent("MemberAgent", "True"), HubHarness.Agent("MultiClusterServiceAgent", "True"), HubHarness.Agent("ServiceExportImportAgent", "True")]);
        await hub.WaitForConditionAsync("member-1", "Joined", "True", "MemberClusterJoined");

        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus =
            [HubHarness.Agent("MemberAgent", "True"), HubHarness.Agent("MultiClusterServiceAgent", "False"), HubHarness.Agent("ServiceExportImportAgent", "True")]);
        mc = await hub.WaitForConditionAsync("member-1", "Joined", "Unknown", "MemberClusterJoinStateUnknown");
        Assert.Equal("Member agents are not in a consistent state", Conditions.Find(mc.Status!.Conditions, "Joined")!.Message);
        Assert.Equal("True", Conditions.Find(mc.Status.Conditions, "ReadyToJoin")!.Status);

        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus =
            [HubHarness.Agent("MemberAgent", "False"), HubHarness.Agent("MultiClusterServiceAgent", "False"), HubHarness.Agent("ServiceExportImportAgent", "False")]);
        mc = await hub.WaitForConditionAsync("member-1", "Joined", "False", "MemberClusterLeft");
        Assert.Equal("Member cluster has left the fleet", Conditions.Find(mc.Status!.Conditions, "Joined")!.Message);
        var ready = Conditions.Find(mc.Status.Conditions, "ReadyToJoin")!;
        Assert.Equal(("False", "MemberClusterNotReadyToJoin", "Member cluster is not ready to join the fleet"), (ready.Status, ready.Reason, ready.Message));
    }
}
