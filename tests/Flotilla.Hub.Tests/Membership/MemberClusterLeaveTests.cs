using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Testing;

namespace Flotilla.Hub.Tests.Membership;

/// <summary>The leave half of the MemberCluster controller (placement spec §8.5).</summary>
public sealed class MemberClusterLeaveTests
{
    [Fact]
    public async Task Leave_AgentsReportLeft_DeletesTheNamespaceThenReleasesTheMemberCluster()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster("member-1"));
        await Eventually.WaitAsync("the InternalMemberCluster", () => hub.GetImcAsync("member-1"));
        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus = [HubHarness.Agent("MemberAgent", "True")]);
        await hub.WaitForConditionAsync("member-1", "Joined", "True", "MemberClusterJoined");

        await hub.Clusters.DeleteAsync("member-1");

        var imc = await Eventually.WaitAsync("the IMC to say Leave", async () => await hub.GetImcAsync("member-1") is { Spec.State: ClusterState.Leave } leaving ? leaving : null);
        var mc = await hub.GetClusterAsync("member-1");
        Assert.NotNull(mc?.Metadata.DeletionTimestamp);
        Assert.NotNull(await hub.GetNamespaceAsync("fleet-member-member-1"));

        // The agent answers: it has left.
        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus = [HubHarness.Agent("MemberAgent", "False", imc.Metadata.Generation ?? 0)]);

        await Eventually.WaitAsync("the cluster namespace to be deleted", async () => await hub.GetNamespaceAsync("fleet-member-member-1") is null);
        await Eventually.WaitAsync("the MemberCluster to be released", async () => await hub.GetClusterAsync("member-1") is null);
        await Eventually.WaitAsync("the Left Event", async () => (await hub.EventReasonsAsync("member-1")).Contains("MemberClusterLeft"));
    }

    [Fact]
    public async Task Leave_NoAgentAnswers_ForceDeletesAfterTheWaitTime()
    {
        // Starts at the real time: the server stamps deletionTimestamp with its own (real) clock.
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        await using var hub = await HubHarness.StartAsync(time);
        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster("member-1"));
        await Eventually.WaitAsync("the InternalMemberCluster", () => hub.GetImcAsync("member-1"));
        await hub.UpdateImcStatusAsync("member-1", s => s.AgentStatus = [HubHarness.Agent("MemberAgent", "True")]);
        await hub.WaitForConditionAsync("member-1", "Joined", "True", "MemberClusterJoined");
        var works = hub.Client.Resource(HubHarness.Works).InNamespace("fleet-member-member-1");
        await works.CreateAsync(new JsonObject
        {
            ["apiVersion"] = "placement.kubernetes-fleet.io/v1beta1",
            ["kind"] = "Work",
            ["metadata"] = new JsonObject
            {
                ["name"] = "crp-1-work",
                ["namespace"] = "fleet-member-member-1",
                ["finalizers"] = new JsonArray("kubernetes-fleet.io/work-cleanup"),
            },
            ["spec"] = new JsonObject { ["workload"] = new JsonObject { ["manifests"] = new JsonArray() } },
        });

        await hub.Clusters.DeleteAsync("member-1");

        await Eventually.WaitAsync("the IMC to say Leave", async () => await hub.GetImcAsync("member-1") is { Spec.State: ClusterState.Leave });
        await Eventually.WaitAsync("the controller to wait for the force-delete time", () =>
            time.PendingDelays().Any(d => d > TimeSpan.FromMinutes(14) && d <= TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(30)));
        Assert.NotNull(await hub.GetNamespaceAsync("fleet-member-member-1"));
        Assert.NotNull(await hub.GetClusterAsync("member-1"));

        time.Advance(TimeSpan.FromMinutes(16));

        await Eventually.WaitAsync("the Work's finalizers to be removed", async () =>
        {
            try
            {
                return (await works.GetAsync("crp-1-work")).Finalizers().Count == 0;
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                return true;
            }
        });
        await Eventually.WaitAsync("the cluster namespace to be deleted", async () => await hub.GetNamespaceAsync("fleet-member-member-1") is null);
        await Eventually.WaitAsync("the MemberCluster to be released", async () => await hub.GetClusterAsync("member-1") is null);
        Assert.Contains("MemberClusterForceDeleted", await hub.EventReasonsAsync("member-1"));
    }
}
