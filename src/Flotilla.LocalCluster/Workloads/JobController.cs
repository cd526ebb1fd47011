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
/// kube-controller-manager's Job controller for NonIndexed Jobs: runs up to <c>parallelism</c> pods at a time until
/// <c>completions</c> have succeeded (or, without completions, until one has and the rest are done), then marks the
/// Job <c>SuccessCriteriaMet</c> and <c>Complete</c> (reason CompletionsReached) with a <c>completionTime</c>; more
/// failed pods than <c>backoffLimit</c> fail it (BackoffLimitExceeded); <c>suspend</c> stops its pods. Status:
/// <c>startTime</c>, <c>active</c>, <c>ready</c>, <c>succeeded</c>, <c>failed</c>, <c>terminating</c>,
/// <c>uncountedTerminatedPods</c>, <c>conditions</c>, <c>completionTime</c>. Pods succeed after the kubelet's
/// <see cref="LocalClusterOptions.JobPodRunDuration"/>.
/// </summary>
/// <remarks>
/// Finished pods are counted from the cache (upstream tracks them with a finalizer and
/// <c>uncountedTerminatedPods</c>); the counts never go down, so deleting a finished pod does not undo its success.
/// Indexed Jobs run like NonIndexed ones, without completion indexes.
/// </remarks>
internal sealed class JobController(
    Lister<JsonObject> jobs, Lister<JsonObject> pods, ResourceClient<JsonObject> jobClient, ResourceClient<JsonObject> podClient,
    IEventRecorder events, TimeProvider time, ILogger logger) : IReconciler<NamespacedName>
{
    public Expectations<NamespacedName> Expectations { get; } = new(time, TimeSpan.FromMinutes(1));

    public EventHandlerRegistration WatchPods(SharedInformer<JsonObject> podInformer, WorkQueue<NamespacedName> queue) =>
        OwnedPods.Watch(podInformer, Kinds.Jobs, Expectations, queue);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var job = jobs.Get(key.Namespace, key.Name);
        if (job is null)
        {
            Expectations.Forget(key);
            return ReconcileResult.Done;
        }
        var previous = job["status"] as JsonObject;
        if (StatusConditions.IsTrue(previous, "Complete") || StatusConditions.IsTrue(previous, "Failed"))
        {
            return ReconcileResult.Done;
        }
        var now = time.GetUtcNow();
        var owned = Indexes.Owned(pods, key.Namespace, job.Uid());
        var active = owned.Where(p => Pods.IsActive(p) && !Expectations.IsDeleting(key, p.Name())).ToList();
        var succeeded = Math.Max(Json.Int(previous?["succeeded"]), owned.Count(p => Pods.Phase(p) == "Succeeded"));
        var failed = Math.Max(Json.Int(previous?["failed"]), owned.Count(p => Pods.Phase(p) == "Failed"));
        var suspended = Json.Bool(job.At("spec", "suspend"));
        var completions = Json.IntOrNull(job.At("spec", "completions"));
        var parallelism = Json.Int(job.At("spec", "parallelism"), 1);
        var backoffLimit = Json.Int(job.At("spec", "backoffLimit"), 6);
        var complete = completions is { } c ? succeeded >= c : succeeded > 0 && active.Count == 0;
        var backoffExceeded = failed > backoffLimit;

        if (!Expectations.Satisfied(key))
        {
            LocalClusterLog.ExpectationsPending(logger, "Job", key);
        }
        else if (!job.IsDeleting())
        {
            var want = complete || backoffExceeded || suspended
                ? 0
                : completions is { } total ? Math.Min(parallelism, total - succeeded) : (succeeded > 0 ? 0 : parallelism);
            active = await ManageAsync(key, job, active, want, cancellationToken).ConfigureAwait(false);
        }

        var status = previous is null ? [] : Json.Clone(previous);
        if (status["startTime"] is null && !suspended)
        {
            status["startTime"] = Obj.FormatTime(now);
        }
        Json.SetCount(status, "active", active.Count);
        Json.SetCount(status, "succeeded", succeeded);
        Json.SetCount(status, "failed", failed);
        status["terminating"] = 0;
        status["ready"] = active.Count(Pods.IsReady);
        status["uncountedTerminatedPods"] = new JsonObject();
        if (suspended)
        {
            SetCondition(status, "Suspended", "True", "JobSuspended", "Job suspended", now);
        }
        else if (StatusConditions.IsTrue(status, "Suspended"))
        {
            SetCondition(status, "Suspended", "False", "JobResumed", "Job resumed", now);
        }
        if (complete && active.Count == 0)
        {
            SetCondition(status, "SuccessCriteriaMet", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
            SetCondition(status, "Complete", "True", "CompletionsReached", "Reached expected number of succeeded pods", now);
            status["completionTime"] = Obj.FormatTime(now);
            events.Record(job, EventType.Normal, "Completed", "Job completed");
        }
        else if (backoffExceeded && active.Count == 0)
        {
            SetCondition(status, "FailureTarget", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
            SetCondition(status, "Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit", now);
            events.Record(job, EventType.Warning, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        }
        if (!JsonNode.DeepEquals(status, previous))
        {
            var update = Json.Clone(job);
            update["status"] = status;
            await jobClient.InNamespace(key.Namespace).UpdateStatusAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return ReconcileResult.Done;
    }

    private async Task<List<JsonObject>> ManageAsync(NamespacedName key, JsonObject job, List<JsonObject> active, int want, CancellationToken cancellationToken)
    {
        var client = podClient.InNamespace(key.Namespace);
        var diff = want - active.Count;
        if (diff > 0)
        {
            Expectations.ExpectCreations(key, diff);
            var template = job.At("spec", "template") as JsonObject ?? [];
            var created = new System.Collections.Concurrent.ConcurrentBag<JsonObject>();
            var (succeeded, error) = await Batches.SlowStartAsync(diff, async () =>
            {
                var pod = await client.CreateAsync(PodTemplates.NewPod(job, Kinds.Jobs, template, null, job.Name() + "-"), cancellationToken: cancellationToken).ConfigureAwait(false);
                created.Add(pod);
                events.Record(job, EventType.Normal, "SuccessfulCreate", $"Created pod: {pod.Name()}");
            }).ConfigureAwait(false);
            for (var i = succeeded; i < diff; i++)
            {
                Expectations.CreationObserved(key);
            }
            if (error is not null)
            {
                events.Record(job, EventType.Warning, "FailedCreate", $"Error creating: {error.Message}");
                throw error;
            }
            return [.. active, .. created];
        }
        if (diff < 0)
        {
            var doomed = PodRanking.ToDelete(active, -diff);
            Expectations.ExpectDeletions(key, doomed.Select(p => p.Name()));
            foreach (var pod in doomed)
            {
                try
                {
                    await client.DeleteAsync(pod.Name(), new DeleteOptions { PreconditionUid = pod.Uid() }, cancellationToken).ConfigureAwait(false);
                    events.Record(job, EventType.Normal, "SuccessfulDelete", $"Deleted pod: {pod.Name()}");
                }
                catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
                {
                    Expectations.DeletionObserved(key, pod.Name());
                }
            }
            var gone = doomed.Select(p => p.Uid()).ToHashSet(StringComparer.Ordinal);
            return active.Where(p => !gone.Contains(p.Uid())).ToList();
        }
        return active;
    }

    private static void SetCondition(JsonObject status, string type, string value, string reason, string message, DateTimeOffset now) =>
        StatusConditions.Set(status, new JsonObject
        {
            ["type"] = type,
            ["status"] = value,
            ["lastProbeTime"] = Obj.FormatTime(now),
            ["lastTransitionTime"] = Obj.FormatTime(now),
            ["reason"] = reason,
            ["message"] = message,
        });
}
