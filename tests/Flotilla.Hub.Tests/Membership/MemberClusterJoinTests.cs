using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Hub.Membership;
using Flotilla.Testing;

namespace Flotilla.Hub.Tests.Membership;

/// <summary>The join half of the MemberCluster controller (placement spec §8.1) against a real API server.</summary>
public sealed class MemberClusterJoinTests
{
    [Fact]
    public async Task Join_NewMemberCluster_CreatesNamespaceRoleBindingAndImc()
    {
        await using var hub = await HubHarness.StartAsync();
        var created = await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster("member-1", heartbeatPeriodSeconds: 30));
        var uid = created.Metadata.Uid;

        var imc = await Eventually.WaitAsync("the InternalMemberCluster", () => hub.GetImcAsync("member-1"));
        Assert.Equal(ClusterState.Join, imc.Spec.State);
        Assert.Equal(30, imc.Spec.HeartbeatPeriodSeconds);
        AssertOwnedBy(uid, imc.Metadata.OwnerReferences?.Select(o => new JsonObject
        {
            ["apiVersion"] = o.ApiVersion,
            ["kind"] = o.Kind,
            ["name"] = o.Name,
            ["uid"] = o.Uid,
            ["controller"] = o.Controller,
            ["blockOwnerDeletion"] = o.BlockOwnerDeletion,
        }));

        var ns = await hub.GetNamespaceAsync("fleet-member-member-1");
        Assert.NotNull(ns);
        Assert.Equal("true", ns.Labels()?.GetString("kubernetes-fleet.io/is-fleet-resource"));
        AssertOwnedBy(uid, (ns.Metadata()["ownerReferences"] as JsonArray)?.OfType<JsonObject>());

        var role = await hub.Client.Resource(HubHarness.Roles).InNamespace("fleet-member-member-1").GetAsync("fleet-role-member-1");
        var expectedRules = JsonNode.Parse("""
            [
              {"verbs":["*"],"apiGroups":["cluster.kubernetes-fleet.io","placement.kubernetes-fleet.io","networking.fleet.azure.com"],"resources":["*"]},
              {"verbs":["get","list","update","patch","watch","create"],"apiGroups":[""],"resources":["events"]}
            ]
            """);
        Assert.True(JsonNode.DeepEquals(expectedRules, role["rules"]), role["rules"]?.ToJsonString());

        var binding = await hub.Client.Resource(HubHarness.RoleBindings).InNamespace("fleet-member-member-1").GetAsync("fleet-rolebinding-member-1");
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"kind":"ServiceAccount","name":"fleet-member-agent-member-1","namespace":"fleet-system"}]"""), binding["subjects"]), binding["subjects"]?.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"fleet-role-member-1"}"""), binding["roleRef"]), binding["roleRef"]?.ToJsonString());

        var mc = await hub.WaitForConditionAsync("member-1", "ReadyToJoin", "True", "MemberClusterReadyToJoin");
        Assert.Contains("kubernetes-fleet.io/membercluster-finalizer", mc.Metadata.Finalizers ?? []);
        Assert.Equal("member-1", mc.Metadata.Label("kubernetes-fleet.io/member-name"));
        var ready = Conditions.Find(mc.Status!.Conditions, "ReadyToJoin")!;
        Assert.Equal("Member cluster is ready to join the fleet", ready.Message);
        Assert.Equal(mc.Metadata.Generation, ready.ObservedGeneration);
        var joined = Conditions.Find(mc.Status.Conditions, "Joined")!;
        Assert.Equal(("Unknown", "MemberClusterJoinStateUnknown", "Member cluster member-1 has not reported all the expected agents, expected 1, got 0"),
            (joined.Status, joined.Reason, joined.Message));
        Assert.Equal(mc.Metadata.Generation, joined.ObservedGeneration);

        await Eventually.WaitAsync("the join Events", async () =>
        {
            var reasons = await hub.EventReasonsAsync("member-1");
            return new[] { "NamespaceCreated", "RoleCreated", "RoleBindingCreated", "InternalMemberClusterCreated", "MemberClusterReadyToJoin" }.All(reasons.Contains);
        });
    }

    [Fact]
    public async Task Join_LabelIdentityAndHeartbeatChanged_AreBroughtBackInLine()
    {
        await using var hub = await HubHarness.StartAsync();
        await hub.Clusters.CreateAsync(HubHarness.NewMemberCluster("member-1"));
        await hub.WaitForConditionAsync("member-1", "ReadyToJoin", "True", "MemberClusterReadyToJoin");

        // A user removes the member-name label and changes the identity and the heartbeat period.
        var patch = JsonNode.Parse("""
            {"metadata":{"labels":{"kubernetes-fleet.io/member-name":null,"team":"a"}},
             "spec":{"heartbeatPeriodSeconds":15,"identity":{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"member-1-agent","namespace":null}}}
            """)!.AsObject();
        await hub.Clusters.PatchAsync("member-1", Patch.Merge(patch));

        await Eventually.WaitAsync("the member-name label to be restored", async () =>
            (await hub.GetClusterAsync("member-1"))?.Metadata.Label("kubernetes-fleet.io/member-name") == "member-1");
        await Eventually.WaitAsync("the IMC to take the new heartbeat period", async () =>
            (await hub.GetImcAsync("member-1"))?.Spec.HeartbeatPeriodSeconds == 15);
        await Eventually.WaitAsync("the RoleBinding to bind the new identity", async () =>
        {
            var binding = await hub.Client.Resource(HubHarness.RoleBindings).InNamespace("fleet-member-member-1").GetAsync("fleet-rolebinding-member-1");
            return JsonNode.DeepEquals(JsonNode.Parse("""[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"member-1-agent"}]"""), binding["subjects"]);
        });
        var mc = await hub.GetClusterAsync("member-1");
        Assert.Equal("a", mc!.Metadata.Label("team"));
        await hub.WaitForConditionAsync("member-1", "ReadyToJoin", "True", "MemberClusterReadyToJoin");
        await Eventually.WaitAsync("ReadyToJoin observed at the new generation", async () =>
        {
            var current = await hub.GetClusterAsync("member-1");
            return Conditions.Find(current?.Status?.Conditions, "ReadyToJoin")?.ObservedGeneration == current?.Metadata.Generation;
        });
        Assert.Contains("RoleBindingUpdated", await hub.EventReasonsAsync("member-1"));
    }

    [Fact]
    public async Task Start_CrdsMissing_SaysToInstallThem()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var controllers = new HubControllers(new HubControllerOptions { Client = HubHarness.NewClient(server) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => controllers.StartAsync(CancellationToken.None));

        Assert.Contains("memberclusters.cluster.kubernetes-fleet.io", error.Message);
        Assert.Contains("install the fleet CRDs", error.Message);
    }

    [Theory]
    [InlineData(29)]
    [InlineData(3601)]
    public void Options_ForceDeleteWaitTimeOutOfRange_Throws(int seconds)
    {
        var client = new KubernetesClient(new Flotilla.Client.Config.ClusterConnection { Server = new Uri("https://127.0.0.1:1") });
        var options = new HubControllerOptions
        {
            Client = client,
            MemberClusters = new MemberClusterControllerOptions { ForceDeleteWaitTime = TimeSpan.FromSeconds(seconds) },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new HubControllers(options));

        Assert.Equal("ForceDeleteWaitTime", error.ParamName);
    }

    private static void AssertOwnedBy(string? uid, IEnumerable<JsonObject>? references)
    {
        var owner = Assert.Single(references ?? []);
        Assert.True(JsonNode.DeepEquals(new JsonObject
        {
            ["apiVersion"] = "cluster.kubernetes-fleet.io/v1beta1",
            ["kind"] = "MemberCluster",
            ["name"] = "member-1",
            ["uid"] = uid,
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        }, owner), owner.ToJsonString());
    }
}
