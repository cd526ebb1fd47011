using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;

namespace Flotilla.Hub.Membership;

/// <summary>
/// The hub objects one member cluster owns (placement spec §8.1): its namespace, the Role and RoleBinding that let
/// the member's identity reach it, and its InternalMemberCluster. Built as the controller wants them; each is owned
/// by the MemberCluster (a controller owner reference), so the garbage collector follows the MemberCluster.
/// </summary>
internal static class MemberClusterResources
{
    /// <summary>The API groups the member's identity may use in full inside its namespace.</summary>
    private static readonly string[] FleetGroups = [ClusterApi.Group, "placement.kubernetes-fleet.io", "networking.fleet.azure.com"];

    private static readonly string[] EventVerbs = ["get", "list", "update", "patch", "watch", "create"];

    public static string RoleName(string cluster) => "fleet-role-" + cluster;

    public static string RoleBindingName(string cluster) => "fleet-rolebinding-" + cluster;

    public static JsonObject Namespace(MemberCluster mc) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["name"] = ClusterApi.MemberNamespace(mc.Metadata.Name!),
            ["labels"] = new JsonObject { [ClusterApi.FleetResourceLabel] = "true" },
            ["ownerReferences"] = new JsonArray(OwnerReference(mc)),
        },
    };

    public static JsonObject Role(MemberCluster mc) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "Role",
        ["metadata"] = Metadata(mc, RoleName(mc.Metadata.Name!)),
        ["rules"] = RoleRules(),
    };

    /// <summary>Every verb on every resource of the fleet groups; plus what an agent needs to record events.</summary>
    public static JsonArray RoleRules() => new(
        new JsonObject
        {
            ["verbs"] = new JsonArray("*"),
            ["apiGroups"] = new JsonArray([.. FleetGroups.Select(g => (JsonNode)g)]),
            ["resources"] = new JsonArray("*"),
        },
        new JsonObject
        {
            ["verbs"] = new JsonArray([.. EventVerbs.Select(v => (JsonNode)v)]),
            ["apiGroups"] = new JsonArray(""),
            ["resources"] = new JsonArray("events"),
        });

    public static JsonObject RoleBinding(MemberCluster mc) => new()
    {
        ["apiVersion"] = "rbac.authorization.k8s.io/v1",
        ["kind"] = "RoleBinding",
        ["metadata"] = Metadata(mc, RoleBindingName(mc.Metadata.Name!)),
        ["subjects"] = Subjects(mc),
        ["roleRef"] = new JsonObject
        {
            ["apiGroup"] = "rbac.authorization.k8s.io",
            ["kind"] = "Role",
            ["name"] = RoleName(mc.Metadata.Name!),
        },
    };

    /// <summary>The binding's subjects: exactly the MemberCluster's <c>spec.identity</c>.</summary>
    public static JsonArray Subjects(MemberCluster mc) =>
        new(JsonSerializer.SerializeToNode(mc.Spec.Identity, ClusterJsonContext.Default.Subject));

    public static InternalMemberCluster InternalMemberCluster(MemberCluster mc, string state) => new()
    {
        ApiVersion = ClusterApi.ApiVersion,
        Kind = "InternalMemberCluster",
        Metadata = new ObjectMeta
        {
            Name = mc.Metadata.Name,
            Namespace = ClusterApi.MemberNamespace(mc.Metadata.Name!),
            OwnerReferences = [Owner(mc)],
        },
        Spec = new InternalMemberClusterSpec { State = state, HeartbeatPeriodSeconds = mc.Spec.HeartbeatPeriodSeconds },
    };

    /// <summary>The controller owner reference to the MemberCluster (typed objects from lists may lack apiVersion and kind).</summary>
    public static OwnerReference Owner(MemberCluster mc) => new()
    {
        ApiVersion = ClusterApi.ApiVersion,
        Kind = "MemberCluster",
        Name = mc.Metadata.Name ?? "",
        Uid = mc.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static JsonObject Metadata(MemberCluster mc, string name) => new()
    {
        ["name"] = name,
        ["namespace"] = ClusterApi.MemberNamespace(mc.Metadata.Name!),
        ["ownerReferences"] = new JsonArray(OwnerReference(mc)),
    };

    private static JsonObject OwnerReference(MemberCluster mc)
    {
        var owner = Owner(mc);
        return new JsonObject
        {
            ["apiVersion"] = owner.ApiVersion,
            ["kind"] = owner.Kind,
            ["name"] = owner.Name,
            ["uid"] = owner.Uid,
            ["controller"] = true,
            ["blockOwnerDeletion"] = true,
        };
    }
}
