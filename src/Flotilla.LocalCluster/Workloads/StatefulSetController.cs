using System.Globalization;
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

namespace Flotilla.LocalCluster.Workloads;

/// <summary>
/// kube-controller-manager's StatefulSet controller: pods <c>&lt;set&gt;-0</c> … <c>&lt;set&gt;-(n-1)</c> with stable
/// names, <c>hostname</c> and <c>subdomain</c>; with OrderedReady (the default) created one at a time in order, each
/// once the previous is Running and Ready, and removed from the highest ordinal down; with Parallel all at once.
/// RollingUpdate replaces pods whose revision is not the update revision, highest ordinal first, one at a time, down
/// to the partition. Status: <c>replicas</c>, <c>readyReplicas</c>, <c>availableReplicas</c>,
/// <c>currentReplicas</c>, <c>updatedReplicas</c>, <c>currentRevision</c>, <c>updateRevision</c>,
/// <c>observedGeneration</c>, <c>collisionCount</c>.
/// </summary>
/// <remarks>
/// Revisions are named <c>&lt;set&gt;-&lt;hash of the template&gt;</c> but no ControllerRevision objects are kept
/// (our API server does not serve them), so pods below a partition that are re-created get the update revision, and
/// volumeClaimTemplates make no PersistentVolumeClaims.
/// </remarks>
internal sealed class StatefulSetController(
    Lister<JsonObject> sets, Lister<JsonObject> pods, ResourceClient<JsonObject> setClient, ResourceClient<JsonObject> podClient,
    IEventRecorder events, TimeProvider time, ILogger logger) : IReconciler<NamespacedName>
{
    public const string RevisionLabel = "controller-revision-hash";
    public const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    public const string PodIndexLabel = "apps.kubernetes.io/pod-index";

    public Expectations<NamespacedName> Expectations { get; } = new(time, TimeSpan.FromMinutes(1));

    public EventHandlerRegistration WatchPods(SharedInformer<JsonObject> podInformer, WorkQueue<NamespacedName> queue) =>
        OwnedPods.Watch(podInformer, Kinds.StatefulSets, Expectations, queue);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var set = sets.Get(key.Namespace, key.Name);
        if (set is null)
        {
            Expectations.Forget(key);
            return ReconcileResult.Done;
        }
        var updateRevision = $"{set.Name()}-{TemplateHash.Compute(set.At("spec", "template"), Json.Long(set.At("status", "collisionCount")))}";
        var currentRevision = Json.Str(set.At("status", "currentRevision")) is { Length: > 0 } current ? current : updateRevision;
        var byOrdinal = Owned(key, set);
        var acted = false;
        if (!Expectations.Satisfied(key))
        {
            LocalClusterLog.ExpectationsPending(logger, "StatefulSet", key);
        }
        else if (!set.IsDeleting())
        {
            await ManageAsync(key, set, byOrdinal, updateRevision, cancellationToken).ConfigureAwait(false);
            byOrdinal = Owned(key, set);
            acted = true;
        }

        var now = time.GetUtcNow();
        var minReady = Json.Int(set.At("spec", "minReadySeconds"));
        var live = byOrdinal.Values.ToList();
        var status = set["status"] is JsonObject existing ? Json.Clone(existing) : [];
        if (acted)
        {
            Json.SetCount(status, "observedGeneration", Json.Long(set.At("metadata", "generation")) ?? 0);
        }
        var replicas = live.Count;
        var ready = live.Count(RunningAndReady);
        var updated = live.Count(p => Revision(p) == updateRevision);
        Json.SetCount(status, "replicas", replicas, omitZero: false);
        Json.SetCount(status, "readyReplicas", ready);
        Json.SetCount(status, "currentReplicas", live.Count(p => Revision(p) == currentRevision));
        Json.SetCount(status, "updatedReplicas", updated);
        status["currentRevision"] = currentRevision;
        status["updateRevision"] = updateRevision;
        status["collisionCount"] = Json.Long(status["collisionCount"]) ?? 0;
        Json.SetCount(status, "availableReplicas", live.Count(p => RunningAndReady(p) && Pods.IsAvailable(p, minReady, now)), omitZero: false);
        if (IsRollingUpdate(set) && updated == replicas && ready == replicas)
        {
            Json.SetCount(status, "currentReplicas", updated);
            status["currentRevision"] = updateRevision;
        }
        if (!JsonNode.DeepEquals(status, set["status"]))
        {
            var update = Json.Clone(set);
            update["status"] = status;
            await setClient.InNamespace(key.Namespace).UpdateStatusAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var soonest = live.Select(p => Pods.UntilAvailable(p, minReady, now)).Where(d => d is not null).Min();
        return soonest is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    /// <summary>The set's pods by ordinal, leaving out those whose deletion is in flight.</summary>
    private SortedDictionary<int, JsonObject> Owned(NamespacedName key, JsonObject set)
    {
        var result = new SortedDictionary<int, JsonObject>();
        var prefix = set.Name() + "-";
        foreach (var pod in Indexes.Owned(pods, key.Namespace, set.Uid()))
        {
            var name = pod.Name();
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal)
                && !Expectations.IsDeleting(key, name))
            {
                result[ordinal] = pod;
            }
        }
        return result;
    }

    private async Task ManageAsync(NamespacedName key, JsonObject set, SortedDictionary<int, JsonObject> byOrdinal, string updateRevision, CancellationToken cancellationToken)
    {
        var replicas = Json.Int(set.At("spec", "replicas"), 1);
        var monotonic = Json.Str(set.At("spec", "podManagementPolicy")) != "Parallel";
        var client = podClient.InNamespace(key.Namespace);

        // Failed pods (and finished ones, which a StatefulSet never wants) are deleted to be made again.
        foreach (var (_, pod) in byOrdinal.Where(p => Pods.IsTerminal(p.Value) && !p.Value.IsDeleting()).ToList())
        {
            await DeleteAsync(key, set, client, pod, cancellationToken).ConfigureAwait(false);
            if (monotonic)
            {
                return;
            }
        }

        var missing = Enumerable.Range(0, replicas).Where(ordinal => !byOrdinal.ContainsKey(ordinal)).ToList();
        for (var ordinal = 0; ordinal < replicas; ordinal++)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod))
            {
                if (monotonic)
                {
                    await CreateAsync(key, set, client, ordinal, updateRevision, cancellationToken).ConfigureAwait(false);
                    return;
                }
                continue;
            }
            if (monotonic && (pod.IsDeleting() || !RunningAndReady(pod)))
            {
                return;
            }
        }
        if (!monotonic && missing.Count > 0)
        {
            await Task.WhenAll(missing.Select(ordinal => CreateAsync(key, set, client, ordinal, updateRevision, cancellationToken))).ConfigureAwait(false);
            return;
        }

        // Scale down: highest ordinal first; ordered sets one at a time, once the rest is healthy.
        var condemned = byOrdinal.Where(p => p.Key >= replicas).OrderByDescending(p => p.Key).Select(p => p.Value).ToList();
        foreach (var pod in condemned)
        {
            if (pod.IsDeleting())
            {
                if (monotonic)
                {
                    return;
                }
                continue;
            }
            if (monotonic && byOrdinal.Values.Any(p => p != pod && !RunningAndReady(p)))
            {
                return;
            }
            await DeleteAsync(key, set, client, pod, cancellationToken).ConfigureAwait(false);
            if (monotonic)
            {
                return;
            }
        }

        // Rolling update: replace outdated pods from the top down to the partition, one at a time.
        if (!IsRollingUpdate(set))
        {
            return;
        }
        var partition = Json.Int(set.At("spec", "updateStrategy", "rollingUpdate", "partition"));
        for (var ordinal = replicas - 1; ordinal >= partition; ordinal--)
        {
            if (!byOrdinal.TryGetValue(ordinal, out var pod))
            {
                return;
            }
            if (Revision(pod) != updateRevision && !pod.IsDeleting())
            {
                await DeleteAsync(key, set, client, pod, cancellationToken).ConfigureAwait(false);
                return;
            }
            if (!RunningAndReady(pod))
            {
                return;
            }
        }
    }

    private async Task CreateAsync(NamespacedName key, JsonObject set, ResourceClient<JsonObject> client, int ordinal, string revision, CancellationToken cancellationToken)
    {
        var name = $"{set.Name()}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var pod = PodTemplates.NewPod(set, Kinds.StatefulSets, set.At("spec", "template") as JsonObject ?? [], name, null,
        [
            new(RevisionLabel, revision),
            new(PodNameLabel, name),
            new(PodIndexLabel, ordinal.ToString(CultureInfo.InvariantCulture)),
        ]);
        var spec = Json.Child(pod, "spec");
        spec["hostname"] = name;
        if (Json.Str(set.At("spec", "serviceName")) is { Length: > 0 } service)
        {
            spec["subdomain"] = service;
        }
        Expectations.ExpectCreations(key, 1);
        try
        {
            await client.CreateAsync(pod, cancellationToken: cancellationToken).ConfigureAwait(false);
            events.Record(set, EventType.Normal, "SuccessfulCreate", $"create Pod {name} in StatefulSet {set.Name()} successful");
        }
        catch (ApiException e)
        {
            Expectations.CreationObserved(key);
            if (!e.IsAlreadyExists())
            {
                events.Record(set, EventType.Warning, "FailedCreate", $"create Pod {name} in StatefulSet {set.Name()} failed error: {e.Message}");
                throw;
            }
        }
    }

    private async Task DeleteAsync(NamespacedName key, JsonObject set, ResourceClient<JsonObject> client, JsonObject pod, CancellationToken cancellationToken)
    {
        Expectations.ExpectDeletions(key, [pod.Name()]);
        try
        {
            await client.DeleteAsync(pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken).ConfigureAwait(false);
            events.Record(set, EventType.Normal, "SuccessfulDelete", $"delete Pod {pod.Name()} in StatefulSet {set.Name()} successful");
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
    }

    private static bool IsRollingUpdate(JsonObject set) => (Json.Str(set.At("spec", "updateStrategy", "type")) ?? "RollingUpdate") == "RollingUpdate";

    private static string? Revision(JsonObject pod) => Json.Str(pod.At("metadata", "labels", RevisionLabel));

    private static bool RunningAndReady(JsonObject pod) => Pods.Phase(pod) == "Running" && Pods.IsReady(pod) && !pod.IsDeleting();
}
