using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;

namespace Flotilla.LocalCluster.Kubelet;

/// <summary>Cpu (millicores), memory (bytes) and pod count: what the scheduler adds up per node.</summary>
internal readonly record struct Resources(long CpuMillis, long MemoryBytes, int Pods)
{
    public static Resources operator +(Resources a, Resources b) => new(a.CpuMillis + b.CpuMillis, a.MemoryBytes + b.MemoryBytes, a.Pods + b.Pods);
}

/// <summary>
/// The default scheduler's filters and score, for one pod against one node, after kube-scheduler's plugins:
/// NodeUnschedulable, TaintToleration, NodeAffinity (nodeSelector and required affinity), NodePorts, NodeResourcesFit
/// (pods, cpu, memory), and the LeastAllocated score with its defaults for pods that request nothing.
/// </summary>
internal static class SchedulingFit
{
    /// <summary>What the scoring assumes of a container that requests no cpu (100m) or memory (200Mi), as upstream does.</summary>
    private const long DefaultCpuMillis = 100;
    private const long DefaultMemoryBytes = 200L * 1024 * 1024;

    /// <summary>
    /// What a pod requests: the larger of its containers' sum and its largest init container, plus overhead.
    /// With <paramref name="nonZero"/>, containers requesting nothing count the scoring defaults.
    /// </summary>
    public static Resources Requests(JsonObject pod, bool nonZero = false)
    {
        long cpu = 0, memory = 0;
        foreach (var container in Json.Items(pod.At("spec", "containers")))
        {
            var (c, m) = ContainerRequests(container, nonZero);
            cpu += c;
            memory += m;
        }
        foreach (var container in Json.Items(pod.At("spec", "initContainers")))
        {
            var (c, m) = ContainerRequests(container, nonZero);
            cpu = Math.Max(cpu, c);
            memory = Math.Max(memory, m);
        }
        cpu += Quantities.Milli(Quantities.Read(pod.At("spec", "overhead", "cpu")));
        memory += Quantities.Units(Quantities.Read(pod.At("spec", "overhead", "memory")));
        return new Resources(cpu, memory, 1);
    }

    private static (long Cpu, long Memory) ContainerRequests(JsonObject container, bool nonZero)
    {
        var requests = container.At("resources", "requests") as JsonObject;
        var cpu = requests?["cpu"] is { } c ? Quantities.Milli(Quantities.Read(c)) : 0;
        var memory = requests?["memory"] is { } m ? Quantities.Units(Quantities.Read(m)) : 0;
        if (nonZero)
        {
            cpu = requests?["cpu"] is null ? DefaultCpuMillis : cpu;
            memory = requests?["memory"] is null ? DefaultMemoryBytes : memory;
        }
        return (cpu, memory);
    }

    public static Resources Allocatable(JsonObject node)
    {
        var allocatable = node.At("status", "allocatable") as JsonObject;
        return new Resources(
            Quantities.Milli(Quantities.Read(allocatable?["cpu"])),
            Quantities.Units(Quantities.Read(allocatable?["memory"])),
            (int)Quantities.Units(Quantities.Read(allocatable?["pods"])));
    }

    /// <summary>Why the pod cannot go on the node, one reason per failed check (kube-scheduler's wording); empty when it fits.</summary>
    public static List<string> Reasons(JsonObject pod, JsonObject node, Resources used, IEnumerable<int> usedHostPorts)
    {
        var reasons = new List<string>();
        if (Json.Bool(node.At("spec", "unschedulable")) && !Tolerates(pod, "node.kubernetes.io/unschedulable", "", "NoSchedule"))
        {
            reasons.Add("node(s) were unschedulable");
            return reasons;
        }
        foreach (var taint in Json.Items(node.At("spec", "taints")))
        {
            var effect = Json.Str(taint["effect"]) ?? "";
            if (effect is "NoSchedule" or "NoExecute" && !Tolerates(pod, Json.Str(taint["key"]) ?? "", Json.Str(taint["value"]) ?? "", effect))
            {
                reasons.Add($"node(s) had untolerated taint {{{Json.Str(taint["key"])}: {Json.Str(taint["value"])}}}");
                return reasons;
            }
        }
        if (!MatchesNodeSelectorAndAffinity(pod, node))
        {
            reasons.Add("node(s) didn't match Pod's node affinity/selector");
            return reasons;
        }
        var wanted = Json.Items(pod.At("spec", "containers")).SelectMany(c => Json.Items(c["ports"])).Select(p => Json.Int(p["hostPort"])).Where(p => p > 0).ToList();
        if (wanted.Count > 0 && wanted.Intersect(usedHostPorts).Any())
        {
            reasons.Add("node(s) didn't have free ports for the requested pod ports");
            return reasons;
        }
        var allocatable = Allocatable(node);
        var request = Requests(pod);
        if (used.Pods + 1 > allocatable.Pods)
        {
            reasons.Add("Too many pods");
        }
        if (request.CpuMillis > 0 && used.CpuMillis + request.CpuMillis > allocatable.CpuMillis)
        {
            reasons.Add("Insufficient cpu");
        }
        if (request.MemoryBytes > 0 && used.MemoryBytes + request.MemoryBytes > allocatable.MemoryBytes)
        {
            reasons.Add("Insufficient memory");
        }
        return reasons;
    }

    /// <summary>Whether more room could help: resource shortfalls can be fixed by preemption; mismatches cannot.</summary>
    public static bool IsResourceReason(string reason) => reason is "Too many pods" or "Insufficient cpu" or "Insufficient memory";

    /// <summary>LeastAllocated: the mean share of cpu and memory left free once the pod is placed, 0–100.</summary>
    public static double Score(JsonObject pod, JsonObject node, Resources usedNonZero)
    {
        var allocatable = Allocatable(node);
        var request = Requests(pod, nonZero: true);
        static double Free(long capacity, long requested) =>
            capacity <= 0 ? 0 : Math.Max(0, capacity - requested) * 100.0 / capacity;
        return (Free(allocatable.CpuMillis, usedNonZero.CpuMillis + request.CpuMillis) + Free(allocatable.MemoryBytes, usedNonZero.MemoryBytes + request.MemoryBytes)) / 2;
    }

    /// <summary>kube-scheduler's FailedScheduling message: <c>0/3 nodes are available: 3 Insufficient cpu. preemption: …</c>.</summary>
    public static string Message(int nodeCount, Dictionary<string, int> reasonCounts)
    {
        if (nodeCount == 0)
        {
            return "no nodes available to schedule pods";
        }
        var reasons = string.Join(", ", reasonCounts.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Value} {r.Key}"));
        var helpful = reasonCounts.Where(r => IsResourceReason(r.Key)).Sum(r => r.Value);
        var preemption = new List<string>();
        var nodesHelped = Math.Min(nodeCount, helpful);
        if (nodesHelped > 0)
        {
            preemption.Add($"{nodesHelped} No preemption victims found for incoming pod");
        }
        if (nodeCount - nodesHelped > 0)
        {
            preemption.Add($"{nodeCount - nodesHelped} Preemption is not helpful for scheduling");
        }
        return $"0/{nodeCount} nodes are available: {reasons}. preemption: 0/{nodeCount} nodes are available: {string.Join(", ", preemption)}.";
    }

    /// <summary>Whether the pod tolerates every NoSchedule and NoExecute taint of the node (and its unschedulable mark).</summary>
    public static bool ToleratesNode(JsonObject pod, JsonObject node) =>
        (!Json.Bool(node.At("spec", "unschedulable")) || Tolerates(pod, "node.kubernetes.io/unschedulable", "", "NoSchedule"))
        && Json.Items(node.At("spec", "taints")).All(taint =>
            Json.Str(taint["effect"]) is not ("NoSchedule" or "NoExecute")
            || Tolerates(pod, Json.Str(taint["key"]) ?? "", Json.Str(taint["value"]) ?? "", Json.Str(taint["effect"])!));

    private static bool Tolerates(JsonObject pod, string key, string value, string effect) =>
        Json.Items(pod.At("spec", "tolerations")).Any(t =>
        {
            var tolerationKey = Json.Str(t["key"]) ?? "";
            var op = Json.Str(t["operator"]) ?? "Equal";
            var tolerationEffect = Json.Str(t["effect"]) ?? "";
            if (tolerationEffect.Length > 0 && tolerationEffect != effect)
            {
                return false;
            }
            if (tolerationKey.Length == 0)
            {
                return op == "Exists";
            }
            return tolerationKey == key && (op == "Exists" || (Json.Str(t["value"]) ?? "") == value);
        });

    public static bool MatchesNodeSelectorAndAffinity(JsonObject pod, JsonObject node)
    {
        var labels = node.Labels();
        foreach (var (key, value) in Json.StringMap(pod.At("spec", "nodeSelector")))
        {
            if (Json.Str(labels?[key]) != value)
            {
                return false;
            }
        }
        var terms = Json.Items(pod.At("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")).ToList();
        return terms.Count == 0 || terms.Any(term => TermMatches(term, node));
    }

    private static bool TermMatches(JsonObject term, JsonObject node)
    {
        var expressions = Json.Items(term["matchExpressions"]).ToList();
        var fields = Json.Items(term["matchFields"]).ToList();
        if (expressions.Count == 0 && fields.Count == 0)
        {
            return false;
        }
        var labels = Json.StringMap(node.Labels());
        return expressions.All(e => RequirementMatches(e, labels.GetValueOrDefault(Json.Str(e["key"]) ?? "")))
            && fields.All(f => Json.Str(f["key"]) == "metadata.name" && RequirementMatches(f, node.Name()));
    }

    private static bool RequirementMatches(JsonObject requirement, string? actual)
    {
        List<string> values = requirement["values"] is JsonArray array ? [.. array.Select(v => Json.Str(v) ?? "")] : [];
        return (Json.Str(requirement["operator"]) ?? "") switch
        {
            "In" => actual is not null && values.Contains(actual),
            "NotIn" => actual is null || !values.Contains(actual),
            "Exists" => actual is not null,
            "DoesNotExist" => actual is null,
            "Gt" => long.TryParse(actual, out var a) && values.Count == 1 && long.TryParse(values[0], out var b) && a > b,
            "Lt" => long.TryParse(actual, out var c) && values.Count == 1 && long.TryParse(values[0], out var d) && c < d,
            _ => false,
        };
    }
}
