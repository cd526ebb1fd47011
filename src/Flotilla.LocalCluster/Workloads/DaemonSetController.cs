using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Kubelet;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Flotilla.Runtime.WorkQueue;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Workloads;

/// <summary>
/// kube-controller-manager's DaemonSet controller: one pod on every node the template's node selector, required
/// node affinity and tolerations allow, pinned to it by node affinity on <c>metadata.name</c> (the scheduler then
/// binds it, as upstream); extra, misplaced and failed pods deleted; RollingUpdate replacing outdated pods within
/// <c>maxUnavailable</c>. Status: <c>desiredNumberScheduled</c>, <c>currentNumberScheduled</c>,
/// <c>numberMisscheduled</c>, <c>numberReady</c>, <c>updatedNumberScheduled</c>, <c>numberAvailable</c>,
/// <c>numberUnavailable</c>, <c>observedGeneration</c>.
/// </summary>
internal sealed class DaemonSetController(
    Lister<JsonObject> daemonSets, Lister<JsonObject> pods, Lister<JsonObject> nodes, ResourceClient<JsonObject> daemonSetClient, ResourceClient<JsonObject> podClient,
    IEventRecorder events, TimeProvider time, ILogger logger) : IReconciler<NamespacedName>
{
    public const string RevisionLabel = "controller-revision-hash";
    public const string GenerationLabel = "pod-template-generation";

    /// <summary>What upstream adds to every daemon pod, so node conditions never evict or block it.</summary>
    private static readonly (string Key, string Effect)[] DaemonTolerations =
    [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];

    public Expectations<NamespacedName> Expectations { get; } = new(time, TimeSpan.FromMinutes(1));

    public void Watch(SharedInformer<JsonObject> podInformer, SharedInformer<JsonObject> nodeInformer, WorkQueue<NamespacedName> queue)
    {
        OwnedPods.Watch(podInformer, Kinds.DaemonSets, Expectations, queue);
        void All()
        {
            foreach (var ds in daemonSets.List())
            {
                queue.Add(new NamespacedName(ds.Namespace(), ds.Name()));
            }
        }
        nodeInformer.AddEventHandler(onAdd: _ => All(), onUpdate: (old, node) =>
        {
            if (!ReferenceEquals(old, node))
            {
                All();
            }
        }, onDelete: _ => All());
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var ds = daemonSets.Get(key.Namespace, key.Name);
        if (ds is null)
        {
            Expectations.Forget(key);
            return ReconcileResult.Done;
        }
        var hash = TemplateHash.Compute(ds.At("spec", "template"), Json.Long(ds.At("status", "collisionCount")));
        var allNodes = nodes.List();
        var probe = DaemonPod(ds, hash, null);
        var shouldRun = allNodes.ToDictionary(n => n.Name(), n => SchedulingFit.MatchesNodeSelectorAndAffinity(probe, n) && SchedulingFit.ToleratesNode(probe, n), StringComparer.Ordinal);
        var acted = false;
        if (!Expectations.Satisfied(key))
        {
            LocalClusterLog.ExpectationsPending(logger, "DaemonSet", key);
        }
        else if (!ds.IsDeleting())
        {
            await ManageAsync(key, ds, hash, shouldRun, cancellationToken).ConfigureAwait(false);
            acted = true;
        }

        var now = time.GetUtcNow();
        var minReady = Json.Int(ds.At("spec", "minReadySeconds"));
        var byNode = ByNode(key, ds);
        var status = ds["status"] is JsonObject existing ? Json.Clone(existing) : [];
        var desired = shouldRun.Count(p => p.Value);
        var scheduled = byNode.Where(p => shouldRun.GetValueOrDefault(p.Key)).Select(p => p.Value.OrderBy(DeploymentLogic.Created).First()).ToList();
        var available = scheduled.Count(p => Pods.IsAvailable(p, minReady, now));
        Json.SetCount(status, "currentNumberScheduled", scheduled.Count, omitZero: false);
        Json.SetCount(status, "numberMisscheduled", byNode.Count(p => !shouldRun.GetValueOrDefault(p.Key)), omitZero: false);
        Json.SetCount(status, "desiredNumberScheduled", desired, omitZero: false);
        Json.SetCount(status, "numberReady", scheduled.Count(Pods.IsReady), omitZero: false);
        if (acted)
        {
            Json.SetCount(status, "observedGeneration", Json.Long(ds.At("metadata", "generation")) ?? 0);
        }
        Json.SetCount(status, "updatedNumberScheduled", scheduled.Count(p => Json.Str(p.At("metadata", "labels", RevisionLabel)) == hash));
        Json.SetCount(status, "numberAvailable", available);
        Json.SetCount(status, "numberUnavailable", Math.Max(0, desired - available));
        if (!JsonNode.DeepEquals(status, ds["status"]))
        {
            var update = Json.Clone(ds);
            update["status"] = status;
            await daemonSetClient.InNamespace(key.Namespace).UpdateStatusAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var soonest = scheduled.Select(p => Pods.UntilAvailable(p, minReady, now)).Where(d => d is not null).Min();
        return soonest is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    /// <summary>The daemon's active pods by the node each is for (its binding, else its node affinity).</summary>
    private Dictionary<string, List<JsonObject>> ByNode(NamespacedName key, JsonObject ds) =>
        Indexes.Owned(pods, key.Namespace, ds.Uid())
            .Where(p => Pods.IsActive(p) && !Expectations.IsDeleting(key, p.Name()))
            .GroupBy(TargetNode)
            .Where(g => g.Key.Length > 0)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

    private async Task ManageAsync(NamespacedName key, JsonObject ds, string hash, Dictionary<string, bool> shouldRun, CancellationToken cancellationToken)
    {
        var owned = Indexes.Owned(pods, key.Namespace, ds.Uid()).Where(p => !Expectations.IsDeleting(key, p.Name())).ToList();
        var byNode = ByNode(key, ds);
        var toCreate = new List<string>();
        var toDelete = new List<JsonObject>();
        toDelete.AddRange(owned.Where(p => Pods.Phase(p) == "Failed" && !p.IsDeleting()));
        foreach (var (node, run) in shouldRun)
        {
            var here = byNode.GetValueOrDefault(node) ?? [];
            if (run && here.Count == 0)
            {
                toCreate.Add(node);
            }
            else if (run && here.Count > 1)
            {
                toDelete.AddRange(here.OrderBy(DeploymentLogic.Created).Skip(1));
            }
        }
        foreach (var (node, here) in byNode)
        {
            if (!shouldRun.GetValueOrDefault(node))
            {
                toDelete.AddRange(here);
            }
        }

        if (toCreate.Count == 0 && toDelete.Count == 0 && (Json.Str(ds.At("spec", "updateStrategy", "type")) ?? "RollingUpdate") == "RollingUpdate")
        {
            toDelete.AddRange(RollingUpdateVictims(ds, hash, byNode, shouldRun, time.GetUtcNow()));
        }

        var client = podClient.InNamespace(key.Namespace);
        if (toDelete.Count > 0)
        {
            Expectations.ExpectDeletions(key, toDelete.Select(p => p.Name()));
            await Task.WhenAll(toDelete.Select(async pod =>
            {
                try
                {
                    await client.DeleteAsync(pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken).ConfigureAwait(false);
                    events.Record(ds, EventType.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Name()}");
                }
                catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
                {
                    Expectations.DeletionObserved(key, pod.Name());
                }
                catch (ApiException)
                {
                    Expectations.DeletionObserved(key, pod.Name());
                    throw;
                }
            })).ConfigureAwait(false);
        }
        if (toCreate.Count > 0)
        {
            Expectations.ExpectCreations(key, toCreate.Count);
            var queue = new Queue<string>(toCreate);
            var (succeeded, error) = await Batches.SlowStartAsync(toCreate.Count, async () =>
            {
                string node;
                lock (queue)
                {
                    node = queue.Dequeue();
                }
                var created = await client.CreateAsync(DaemonPod(ds, hash, node), cancellationToken: cancellationToken).ConfigureAwait(false);
                events.Record(ds, EventType.Normal, "SuccessfulCreate", $"Created pod: {created.Name()}");
            }).ConfigureAwait(false);
            for (var i = succeeded; i < toCreate.Count; i++)
            {
                Expectations.CreationObserved(key);
            }
            if (error is not null)
            {
                events.Record(ds, EventType.Warning, "FailedCreate", $"Error creating: {error.Message}");
                throw error;
            }
        }
    }

    /// <summary>Outdated pods to replace now: the unavailable ones at once, then available ones within maxUnavailable.</summary>
    private static List<JsonObject> RollingUpdateVictims(JsonObject ds, string hash, Dictionary<string, List<JsonObject>> byNode, Dictionary<string, bool> shouldRun, DateTimeOffset now)
    {
        var desired = shouldRun.Count(p => p.Value);
        var maxUnavailable = Math.Max(1, IntOrPercent.Scaled(ds.At("spec", "updateStrategy", "rollingUpdate", "maxUnavailable") ?? 1, desired, roundUp: true));
        var minReady = Json.Int(ds.At("spec", "minReadySeconds"));
        var unavailable = 0;
        var oldAvailable = new List<JsonObject>();
        var victims = new List<JsonObject>();
        foreach (var node in shouldRun.Where(p => p.Value).Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            var pod = byNode.GetValueOrDefault(node)?.FirstOrDefault();
            var isAvailable = pod is not null && !pod.IsDeleting() && Pods.IsAvailable(pod, minReady, now);
            if (!isAvailable)
            {
                unavailable++;
            }
            if (pod is null || pod.IsDeleting() || Json.Str(pod.At("metadata", "labels", RevisionLabel)) == hash)
            {
                continue;
            }
            if (isAvailable)
            {
                oldAvailable.Add(pod);
            }
            else
            {
                victims.Add(pod);
            }
        }
        victims.AddRange(oldAvailable.Take(Math.Max(0, maxUnavailable - unavailable)));
        return victims;
    }

    /// <summary>A daemon pod for <paramref name="node"/> (null: a probe for deciding where the daemon should run).</summary>
    private static JsonObject DaemonPod(JsonObject ds, string hash, string? node)
    {
        var generation = (Json.Long(ds.At("metadata", "generation")) ?? 1).ToString(CultureInfo.InvariantCulture);
        var pod = PodTemplates.NewPod(ds, Kinds.DaemonSets, ds.At("spec", "template") as JsonObject ?? [], null, ds.Name() + "-",
            [new(RevisionLabel, hash), new(GenerationLabel, generation)]);
        var spec = Json.Child(pod, "spec");
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var (key, effect) in DaemonTolerations)
        {
            if (!tolerations.OfType<JsonObject>().Any(t => Json.Str(t["key"]) == key && Json.Str(t["effect"]) == effect))
            {
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = effect });
            }
        }
        spec["tolerations"] = tolerations;
        if (node is not null)
        {
            var nodeAffinity = Json.Child(Json.Child(spec, "affinity"), "nodeAffinity");
            nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
            {
                ["nodeSelectorTerms"] = new JsonArray(new JsonObject
                {
                    ["matchFields"] = new JsonArray(new JsonObject
                    {
                        ["key"] = "metadata.name",
                        ["operator"] = "In",
                        ["values"] = new JsonArray(node),
                    }),
                }),
            };
        }
        return pod;
    }

    /// <summary>The node a daemon pod runs on or is pinned to; empty when neither.</summary>
    private static string TargetNode(JsonObject pod)
    {
        if (Pods.NodeName(pod) is { Length: > 0 } bound)
        {
            return bound;
        }
        var term = Json.Items(pod.At("spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")).FirstOrDefault();
        var field = Json.Items(term?["matchFields"]).FirstOrDefault(f => Json.Str(f["key"]) == "metadata.name" && Json.Str(f["operator"]) == "In");
        return field?["values"] is JsonArray { Count: 1 } values ? Json.Str(values[0]) ?? "" : "";
    }
}
