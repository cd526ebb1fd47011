using System.Collections.Concurrent;
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
/// kube-controller-manager's ReplicaSet controller: keeps <c>spec.replicas</c> active pods (named
/// <c>&lt;replicaset&gt;-&lt;5 random&gt;</c>) for each ReplicaSet, creating in slow-start batches and deleting
/// the lowest-ranked pods first, and writes <c>status</c>: <c>replicas</c>, <c>fullyLabeledReplicas</c>,
/// <c>readyReplicas</c>, <c>availableReplicas</c> (ready for <c>minReadySeconds</c>), <c>observedGeneration</c>,
/// and the <c>ReplicaFailure</c> condition when creates or deletes fail.
/// </summary>
/// <remarks>
/// One deliberate strengthening: <c>observedGeneration</c> is advanced only by a sync that acted on the spec (its
/// expectations were met), and pods whose deletion is in flight are never counted. So a status whose
/// observedGeneration matches the generation describes pods that really exist, which the Deployment controller
/// relies on to keep maxSurge and maxUnavailable true of actual pods rather than only of specs.
/// </remarks>
internal sealed class ReplicaSetController(
    Lister<JsonObject> replicaSets, Lister<JsonObject> pods, ResourceClient<JsonObject> replicaSetClient, ResourceClient<JsonObject> podClient,
    IEventRecorder events, TimeProvider time, ILogger logger) : IReconciler<NamespacedName>
{
    private const int BurstReplicas = 500;

    public Expectations<NamespacedName> Expectations { get; } = new(time, TimeSpan.FromMinutes(1));

    /// <summary>Feeds <paramref name="queue"/> from pod events (the owning ReplicaSet) and records what the expectations wait for.</summary>
    public EventHandlerRegistration WatchPods(SharedInformer<JsonObject> podInformer, WorkQueue<NamespacedName> queue) =>
        OwnedPods.Watch(podInformer, Kinds.ReplicaSets, Expectations, queue);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var rs = replicaSets.Get(key.Namespace, key.Name);
        if (rs is null)
        {
            Expectations.Forget(key);
            return ReconcileResult.Done;
        }
        var owned = Indexes.Owned(pods, key.Namespace, rs.Uid());
        var active = owned.Where(p => Pods.IsActive(p) && !Expectations.IsDeleting(key, p.Name())).ToList();
        var acted = false;
        string? failure = null;
        if (!Expectations.Satisfied(key))
        {
            LocalClusterLog.ExpectationsPending(logger, "ReplicaSet", key);
        }
        else if (!rs.IsDeleting())
        {
            (active, failure) = await ManageReplicasAsync(key, rs, active, cancellationToken).ConfigureAwait(false);
            acted = true;
        }

        var now = time.GetUtcNow();
        var status = CalculateStatus(rs, active, failure, acted, now);
        if (!JsonNode.DeepEquals(status, rs["status"]))
        {
            var updated = Json.Clone(rs);
            updated["status"] = status;
            await replicaSetClient.InNamespace(key.Namespace).UpdateStatusAsync(updated, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (failure is not null)
        {
            return ReconcileResult.Requeue;
        }
        var minReady = Json.Int(rs.At("spec", "minReadySeconds"));
        var soonest = active.Select(p => Pods.UntilAvailable(p, minReady, now)).Where(d => d is not null).Min();
        return soonest is { } delay ? ReconcileResult.RequeueAfter(delay) : ReconcileResult.Done;
    }

    private async Task<(List<JsonObject> Active, string? Failure)> ManageReplicasAsync(NamespacedName key, JsonObject rs, List<JsonObject> active, CancellationToken cancellationToken)
    {
        var replicas = Json.Int(rs.At("spec", "replicas"), 1);
        var diff = active.Count - replicas;
        var client = podClient.InNamespace(key.Namespace);
        if (diff < 0)
        {
            var toCreate = Math.Min(-diff, BurstReplicas);
            Expectations.ExpectCreations(key, toCreate);
            var template = rs.At("spec", "template") as JsonObject ?? [];
            var created = new ConcurrentBag<JsonObject>();
            var (succeeded, error) = await Batches.SlowStartAsync(toCreate, async () =>
            {
                var pod = PodTemplates.NewPod(rs, Kinds.ReplicaSets, template, null, rs.Name() + "-");
                try
                {
                    var result = await client.CreateAsync(pod, cancellationToken: cancellationToken).ConfigureAwait(false);
                    created.Add(result);
                    events.Record(rs, EventType.Normal, "SuccessfulCreate", $"Created pod: {result.Name()}");
                }
                catch (ApiException e)
                {
                    events.Record(rs, EventType.Warning, "FailedCreate", $"Error creating: {e.Message}");
                    throw;
                }
            }).ConfigureAwait(false);
            for (var i = succeeded; i < toCreate; i++)
            {
                Expectations.CreationObserved(key);
            }
            active.AddRange(created);
            if (error is not null)
            {
                LocalClusterLog.WriteFailed(logger, "ReplicaSet", key, error.Message);
                return (active, error.Message);
            }
        }
        else if (diff > 0)
        {
            var doomed = PodRanking.ToDelete(active, Math.Min(diff, BurstReplicas));
            Expectations.ExpectDeletions(key, doomed.Select(p => p.Name()));
            string? failure = null;
            var gone = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
            await Task.WhenAll(doomed.Select(async pod =>
            {
                try
                {
                    await client.DeleteAsync(pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken).ConfigureAwait(false);
                    gone[pod.Uid()] = true;
                    events.Record(rs, EventType.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Name()}");
                }
                catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
                {
                    // Already gone (or replaced by a pod of the same name): nothing more will be observed for it.
                    gone[pod.Uid()] = true;
                    Expectations.DeletionObserved(key, pod.Name());
                }
                catch (ApiException e)
                {
                    Expectations.DeletionObserved(key, pod.Name());
                    events.Record(rs, EventType.Warning, "FailedDelete", $"Error deleting: {e.Message}");
                    failure = e.Message;
                }
            })).ConfigureAwait(false);
            active = active.Where(p => !gone.ContainsKey(p.Uid())).ToList();
            if (failure is not null)
            {
                return (active, failure);
            }
        }
        return (active, null);
    }

    private static JsonObject CalculateStatus(JsonObject rs, List<JsonObject> active, string? failure, bool acted, DateTimeOffset now)
    {
        var previous = rs["status"] as JsonObject ?? [];
        var status = Json.Clone(previous);
        var templateLabels = rs.At("spec", "template", "metadata", "labels") as JsonObject;
        var minReady = Json.Int(rs.At("spec", "minReadySeconds"));
        Json.SetCount(status, "replicas", active.Count, omitZero: false);
        Json.SetCount(status, "fullyLabeledReplicas", active.Count(p => Pods.HasLabels(p, templateLabels)));
        Json.SetCount(status, "readyReplicas", active.Count(Pods.IsReady));
        Json.SetCount(status, "availableReplicas", active.Count(p => Pods.IsAvailable(p, minReady, now)));
        if (acted)
        {
            Json.SetCount(status, "observedGeneration", Json.Long(rs.At("metadata", "generation")) ?? 0);
        }
        var failureCondition = StatusConditions.Find(status, "ReplicaFailure");
        if (failure is not null && failureCondition is null)
        {
            var replicas = Json.Int(rs.At("spec", "replicas"), 1);
            StatusConditions.Set(status, new JsonObject
            {
                ["type"] = "ReplicaFailure",
                ["status"] = "True",
                ["lastTransitionTime"] = Obj.FormatTime(now),
                ["reason"] = active.Count < replicas ? "FailedCreate" : "FailedDelete",
                ["message"] = failure,
            });
        }
        else if (failure is null && acted && failureCondition is not null)
        {
            StatusConditions.Remove(status, "ReplicaFailure");
        }
        return status;
    }
}
