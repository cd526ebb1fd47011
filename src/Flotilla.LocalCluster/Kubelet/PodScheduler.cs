using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Flotilla.Runtime.WorkQueue;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Kubelet;

/// <summary>
/// The default scheduler, for pods whose <c>schedulerName</c> is <c>default-scheduler</c> and that have no node:
/// filters nodes (<see cref="SchedulingFit"/>), picks the least allocated (ties at random), and binds by setting
/// <c>spec.nodeName</c>. A pod that fits nowhere stays Pending with <c>PodScheduled=False</c>, reason
/// <c>Unschedulable</c> and kube-scheduler's message, and is retried when nodes change, pods go, or after
/// <see cref="UnschedulableRetry"/>. Run it with one worker: placements are decided one at a time against the
/// nodes' usage, which includes pods just bound whose binding the cache has not shown yet (the scheduler's
/// "assumed" pods).
/// </summary>
/// <remarks>
/// kube-scheduler binds through the <c>pods/binding</c> subresource; our API server does not serve it and the
/// client has no verb for it, so this patches <c>spec.nodeName</c> (guarded by resourceVersion). A real API server
/// forbids that patch; there the cluster has its own scheduler and this runtime is not needed.
/// </remarks>
internal sealed class PodScheduler(Lister<JsonObject> pods, Lister<JsonObject> nodes, ResourceClient<JsonObject> podClient, IEventRecorder events, TimeProvider time, ILogger logger)
    : IReconciler<NamespacedName>
{
    public const string SchedulerName = "default-scheduler";
    public static readonly TimeSpan UnschedulableRetry = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private readonly Dictionary<NamespacedName, (string Node, string Uid, JsonObject Pod)> _assumed = [];
    private readonly HashSet<NamespacedName> _unschedulable = [];
    private WorkQueue<NamespacedName>? _queue;

    /// <summary>Feeds the queue: unscheduled pods, and every waiting pod again when room may have appeared (a node changed, a pod went or finished).</summary>
    public void Watch(SharedInformer<JsonObject> podInformer, SharedInformer<JsonObject> nodeInformer, WorkQueue<NamespacedName> queue)
    {
        _queue = queue;
        podInformer.AddEventHandler(
            onAdd: pod => Consider(pod),
            onUpdate: (old, pod) =>
            {
                Consider(pod);
                if (!Pods.IsTerminal(old) && Pods.IsTerminal(pod))
                {
                    RetryUnschedulable();
                }
            },
            onDelete: deleted =>
            {
                var pod = deleted.Object;
                var key = new NamespacedName(pod.Namespace(), pod.Name());
                lock (_lock)
                {
                    _assumed.Remove(key);
                    _unschedulable.Remove(key);
                }
                if (Pods.NodeName(pod).Length > 0)
                {
                    RetryUnschedulable();
                }
            });
        nodeInformer.AddEventHandler(onAdd: _ => RetryUnschedulable(), onUpdate: (old, node) =>
        {
            if (!ReferenceEquals(old, node))
            {
                RetryUnschedulable();
            }
        });
    }

    private void Consider(JsonObject pod)
    {
        var key = new NamespacedName(pod.Namespace(), pod.Name());
        if (Pods.NodeName(pod).Length > 0)
        {
            lock (_lock)
            {
                _assumed.Remove(key);
                _unschedulable.Remove(key);
            }
            return;
        }
        if (NeedsScheduling(pod))
        {
            _queue?.Add(key);
        }
    }

    private void RetryUnschedulable()
    {
        NamespacedName[] waiting;
        lock (_lock)
        {
            waiting = [.. _unschedulable];
        }
        foreach (var key in waiting)
        {
            _queue?.Add(key);
        }
    }

    private static bool NeedsScheduling(JsonObject pod) =>
        Pods.NodeName(pod).Length == 0 && !pod.IsDeleting() && !Pods.IsTerminal(pod)
        && (Json.Str(pod.At("spec", "schedulerName")) ?? SchedulerName) == SchedulerName;

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var pod = pods.Get(key.Namespace, key.Name);
        if (pod is null || !NeedsScheduling(pod))
        {
            lock (_lock)
            {
                _unschedulable.Remove(key);
                if (pod is null || Pods.NodeName(pod).Length > 0)
                {
                    _assumed.Remove(key);
                }
            }
            return ReconcileResult.Done;
        }
        lock (_lock)
        {
            if (_assumed.TryGetValue(key, out var assumed) && assumed.Uid == pod.Uid())
            {
                // Bound already; the cache has not caught up.
                return ReconcileResult.Done;
            }
        }

        var allNodes = nodes.List();
        var reasonCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        var best = new List<JsonObject>();
        var bestScore = double.MinValue;
        foreach (var node in allNodes)
        {
            var (used, usedNonZero, hostPorts) = Usage(node.Name());
            var reasons = SchedulingFit.Reasons(pod, node, used, hostPorts);
            if (reasons.Count > 0)
            {
                foreach (var reason in reasons)
                {
                    reasonCounts[reason] = reasonCounts.GetValueOrDefault(reason) + 1;
                }
                continue;
            }
            var score = SchedulingFit.Score(pod, node, usedNonZero);
            if (score > bestScore + 1e-9)
            {
                best.Clear();
                bestScore = score;
            }
            if (score >= bestScore - 1e-9)
            {
                best.Add(node);
            }
        }
        if (best.Count == 0)
        {
            return await MarkUnschedulableAsync(key, pod, SchedulingFit.Message(allNodes.Count, reasonCounts), cancellationToken).ConfigureAwait(false);
        }

        var chosen = best[Random.Shared.Next(best.Count)].Name();
        var bind = new JsonArray(
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = pod.ResourceVersion() },
            new JsonObject { ["op"] = "add", ["path"] = "/spec/nodeName", ["value"] = chosen });
        try
        {
            await podClient.InNamespace(key.Namespace).PatchAsync(key.Name, Patch.Json(bind), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return ReconcileResult.Done;
        }
        lock (_lock)
        {
            _assumed[key] = (chosen, pod.Uid(), pod);
            _unschedulable.Remove(key);
        }
        LocalClusterLog.PodBound(logger, key, chosen);
        events.Record(pod, EventType.Normal, "Scheduled", $"Successfully assigned {key.Namespace}/{key.Name} to {chosen}");
        return ReconcileResult.Done;
    }

    /// <summary>What a node's pods use: requests (and with the scoring defaults), host ports; cached pods plus assumed ones.</summary>
    private (Resources Used, Resources UsedNonZero, HashSet<int> HostPorts) Usage(string node)
    {
        var used = new Resources(0, 0, 0);
        var nonZero = new Resources(0, 0, 0);
        var hostPorts = new HashSet<int>();
        var counted = new HashSet<string>(StringComparer.Ordinal);
        void Add(JsonObject pod)
        {
            if (!counted.Add(pod.Uid()))
            {
                return;
            }
            used += SchedulingFit.Requests(pod);
            nonZero += SchedulingFit.Requests(pod, nonZero: true);
            foreach (var port in Json.Items(pod.At("spec", "containers")).SelectMany(c => Json.Items(c["ports"])).Select(p => Json.Int(p["hostPort"])).Where(p => p > 0))
            {
                hostPorts.Add(port);
            }
        }
        foreach (var pod in pods.ByIndex(Indexes.NodeName, node))
        {
            if (!Pods.IsTerminal(pod))
            {
                Add(pod);
            }
        }
        lock (_lock)
        {
            foreach (var (_, assumed) in _assumed)
            {
                if (assumed.Node == node)
                {
                    Add(assumed.Pod);
                }
            }
        }
        return (used, nonZero, hostPorts);
    }

    private async Task<ReconcileResult> MarkUnschedulableAsync(NamespacedName key, JsonObject pod, string message, CancellationToken cancellationToken)
    {
        bool first;
        lock (_lock)
        {
            first = _unschedulable.Add(key);
        }
        var status = pod["status"] as JsonObject;
        var current = StatusConditions.Find(status, "PodScheduled");
        if (Json.Str(current?["status"]) != "False" || Json.Str(current?["reason"]) != "Unschedulable" || Json.Str(current?["message"]) != message)
        {
            var conditions = new JsonArray([.. Json.Items(status?["conditions"]).Where(c => Json.Str(c["type"]) != "PodScheduled").Select(c => (JsonNode)c.DeepClone())]);
            conditions.Add(new JsonObject
            {
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = Json.Str(current?["status"]) == "False" && current?["lastTransitionTime"] is { } since ? since.DeepClone() : Json.Now(time),
                ["message"] = message,
                ["reason"] = "Unschedulable",
                ["status"] = "False",
                ["type"] = "PodScheduled",
            });
            var patch = new JsonArray(
                new JsonObject { ["op"] = "test", ["path"] = "/metadata/uid", ["value"] = pod.Uid() },
                new JsonObject { ["op"] = "add", ["path"] = "/status/conditions", ["value"] = conditions });
            try
            {
                await podClient.InNamespace(key.Namespace).PatchStatusAsync(key.Name, Patch.Json(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                return ReconcileResult.Done;
            }
            LocalClusterLog.PodUnschedulable(logger, key, message);
        }
        if (first || current is null)
        {
            events.Record(pod, EventType.Warning, "FailedScheduling", message);
        }
        return ReconcileResult.RequeueAfter(UnschedulableRetry);
    }
}
