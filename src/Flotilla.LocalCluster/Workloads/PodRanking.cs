using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;

namespace Flotilla.LocalCluster.Workloads;

/// <summary>
/// Which pods a scale-down removes first: upstream's <c>ActivePodsWithRanks</c>. Unassigned before assigned;
/// Pending before Unknown before Running; not ready before ready; lower <c>pod-deletion-cost</c> first; pods
/// doubled up on a node before lone ones; ready for less time first; more restarts first; newer first.
/// </summary>
internal static class PodRanking
{
    private const string DeletionCostAnnotation = "controller.kubernetes.io/pod-deletion-cost";

    /// <summary>The <paramref name="count"/> pods to delete first, out of <paramref name="pods"/>.</summary>
    public static List<JsonObject> ToDelete(IReadOnlyList<JsonObject> pods, int count)
    {
        var perNode = pods.Where(p => Pods.NodeName(p).Length > 0).GroupBy(Pods.NodeName).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var ranked = pods.ToList();
        ranked.Sort((a, b) => Compare(a, b, perNode));
        return ranked.Take(count).ToList();
    }

    /// <summary>Negative when <paramref name="a"/> goes before <paramref name="b"/>.</summary>
    private static int Compare(JsonObject a, JsonObject b, Dictionary<string, int> perNode)
    {
        var assignedA = Pods.NodeName(a).Length > 0;
        var assignedB = Pods.NodeName(b).Length > 0;
        if (assignedA != assignedB)
        {
            return assignedA ? 1 : -1;
        }
        var phase = PhaseRank(a).CompareTo(PhaseRank(b));
        if (phase != 0)
        {
            return phase;
        }
        var readyA = Pods.IsReady(a);
        var readyB = Pods.IsReady(b);
        if (readyA != readyB)
        {
            return readyA ? 1 : -1;
        }
        var cost = DeletionCost(a).CompareTo(DeletionCost(b));
        if (cost != 0)
        {
            return cost;
        }
        var doubledA = perNode.GetValueOrDefault(Pods.NodeName(a));
        var doubledB = perNode.GetValueOrDefault(Pods.NodeName(b));
        if (doubledA != doubledB)
        {
            return doubledB.CompareTo(doubledA);
        }
        if (readyA && readyB && Pods.ReadySince(a) is { } sinceA && Pods.ReadySince(b) is { } sinceB && sinceA != sinceB)
        {
            return sinceB.CompareTo(sinceA);
        }
        var restarts = Restarts(b).CompareTo(Restarts(a));
        if (restarts != 0)
        {
            return restarts;
        }
        var createdA = Json.Time(a.At("metadata", "creationTimestamp")) ?? DateTimeOffset.MaxValue;
        var createdB = Json.Time(b.At("metadata", "creationTimestamp")) ?? DateTimeOffset.MaxValue;
        if (createdA != createdB)
        {
            return createdB.CompareTo(createdA);
        }
        return string.CompareOrdinal(b.Name(), a.Name());
    }

    private static int PhaseRank(JsonObject pod) => Pods.Phase(pod) switch
    {
        "Pending" or "" => 0,
        "Unknown" => 1,
        _ => 2,
    };

    private static int DeletionCost(JsonObject pod) =>
        int.TryParse(Json.Str(pod.At("metadata", "annotations", DeletionCostAnnotation)), System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static int Restarts(JsonObject pod) => Json.Items(pod.At("status", "containerStatuses")).Sum(c => Json.Int(c["restartCount"]));
}
