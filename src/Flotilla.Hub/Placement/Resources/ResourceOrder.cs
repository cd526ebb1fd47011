using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.Hub.Placement.Resources;

/// <summary>
/// The deterministic order of resources inside a snapshot (placement spec §1.3.2 "Resource sort order"): identical
/// selections must hash identically, and dependencies (namespaces, CRDs, RBAC, config) come before the workloads that
/// need them, so a member applying in order rarely meets a missing dependency.
/// </summary>
internal static class ResourceOrder
{
    /// <summary>
    /// Known kinds, in apply order. Keyed on kind alone, as upstream is: two groups' <c>Service</c> kinds share a rank.
    /// </summary>
    internal static readonly IReadOnlyList<string> KnownKinds =
    [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget",
        "ServiceAccount", "Secret", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
        "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service", "DaemonSet",
        "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job",
        "CronJob", "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    ];

    private static readonly Dictionary<string, int> Rank =
        KnownKinds.Select((kind, i) => (kind, i)).ToDictionary(p => p.kind, p => p.i, StringComparer.Ordinal);

    /// <summary>A copy of <paramref name="objects"/> in snapshot order (the input list is not reordered).</summary>
    public static List<JsonObject> Sort(IEnumerable<JsonObject> objects) => [.. objects.Order(Comparer)];

    /// <summary>Compares two objects by snapshot order.</summary>
    public static readonly IComparer<JsonObject> Comparer = Comparer<JsonObject>.Create(Compare);

    private static int Compare(JsonObject a, JsonObject b)
    {
        var (kindA, kindB) = (a.GetString("kind") ?? "", b.GetString("kind") ?? "");
        var knownA = Rank.TryGetValue(kindA, out var rankA);
        var knownB = Rank.TryGetValue(kindB, out var rankB);
        int c;
        if (knownA && knownB)
        {
            c = rankA.CompareTo(rankB);
            if (c == 0)
            {
                c = string.CompareOrdinal(GroupVersion(a), GroupVersion(b));
            }
        }
        else if (knownA != knownB)
        {
            return knownA ? -1 : 1;
        }
        else
        {
            c = string.CompareOrdinal(GvkString(a), GvkString(b));
        }
        return c != 0 ? c : string.CompareOrdinal(NamespacedName(a), NamespacedName(b));
    }

    // "group/version", or just "version" for the core group: exactly apiVersion, normalized through the split.
    private static string GroupVersion(JsonObject obj)
    {
        var (group, version, _) = GroupVersionKind.FromApiVersion(obj.GetString("apiVersion") ?? "", "");
        return group.Length == 0 ? version : group + "/" + version;
    }

    // The GVK's conventional text form, "group/version, Kind=kind" ("/v1, Kind=Foo" for the core group).
    internal static string GvkString(JsonObject obj)
    {
        var (group, version, _) = GroupVersionKind.FromApiVersion(obj.GetString("apiVersion") ?? "", "");
        return group + "/" + version + ", Kind=" + (obj.GetString("kind") ?? "");
    }

    // "namespace/name"; "/name" for a cluster-scoped object, so cluster-scoped objects sort before namespaced ones.
    private static string NamespacedName(JsonObject obj) => obj.Namespace() + "/" + obj.Name();
}
