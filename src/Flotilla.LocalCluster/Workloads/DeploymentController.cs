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

namespace Flotilla.LocalCluster.Workloads;

/// <summary>
/// kube-controller-manager's Deployment controller: a ReplicaSet per pod template (named
/// <c>&lt;deployment&gt;-&lt;pod-template-hash&gt;</c>, with the revision, desired-replicas and max-replicas
/// annotations), rolled out with RollingUpdate (within maxSurge and maxUnavailable) or Recreate, scaled
/// proportionally, old revisions pruned to <c>revisionHistoryLimit</c>, and the status (counts, the
/// <c>Available</c> and <c>Progressing</c> conditions with upstream's reasons and messages) written back.
/// </summary>
/// <remarks>
/// Follows upstream's <c>sync</c>, <c>rolloutRolling</c> and <c>rolloutRecreate</c> step by step. One
/// strengthening: no ReplicaSet is scaled while any of the Deployment's ReplicaSets has a status older than its
/// spec (observedGeneration behind generation). Upstream decides on such stale counts, so its budgets hold for
/// specs but can be briefly exceeded by actual pods; waiting for the ReplicaSet controller's next status (an event
/// that requeues the Deployment anyway) keeps them true of the pods that exist.
/// </remarks>
internal sealed class DeploymentController : IReconciler<NamespacedName>
{
    private readonly Lister<JsonObject> _deployments;
    private readonly Lister<JsonObject> _replicaSets;
    private readonly Lister<JsonObject> _pods;
    private readonly ResourceClient<JsonObject> _deploymentClient;
    private readonly ResourceClient<JsonObject> _replicaSetClient;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;

    public DeploymentController(
        Lister<JsonObject> deployments, Lister<JsonObject> replicaSets, Lister<JsonObject> pods,
        ResourceClient<JsonObject> deploymentClient, ResourceClient<JsonObject> replicaSetClient, IEventRecorder events, TimeProvider time)
    {
        _deployments = deployments;
        _replicaSets = replicaSets;
        _pods = pods;
        _deploymentClient = deploymentClient;
        _replicaSetClient = replicaSetClient;
        _events = events;
        _time = time;
    }

    /// <summary>Pod deletions requeue the Deployment owning the pod's ReplicaSet: a Recreate rollout waits for old pods to be gone.</summary>
    public EventHandlerRegistration WatchPodDeletions(SharedInformer<JsonObject> podInformer, WorkQueue<NamespacedName> queue) =>
        podInformer.AddEventHandler(onDelete: deleted =>
        {
            var pod = deleted.Object;
            if (ObjectRefs.IsControlledBy(pod, Kinds.ReplicaSets, out var rsName, out _)
                && _replicaSets.Get(pod.Namespace(), rsName) is { } rs
                && ObjectRefs.IsControlledBy(rs, Kinds.Deployments, out var deploymentName, out _))
            {
                queue.Add(new NamespacedName(pod.Namespace(), deploymentName));
            }
        });

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (_deployments.Get(key.Namespace, key.Name) is not { } cached)
        {
            return ReconcileResult.Done;
        }
        var sync = new Sync(this, cached, cancellationToken);
        return await sync.RunAsync().ConfigureAwait(false);
    }

    /// <summary>One reconcile of one Deployment: the working copy, its ReplicaSets as last written, and the steps.</summary>
    private sealed class Sync
    {
        private readonly DeploymentController _owner;
        private readonly JsonObject _d;
        private readonly List<JsonObject> _rss;
        private readonly ResourceClient<JsonObject> _rsClient;
        private readonly ResourceClient<JsonObject> _dClient;
        private readonly CancellationToken _cancellationToken;
        private readonly DateTimeOffset _now;
        private JsonObject _written;

        public Sync(DeploymentController owner, JsonObject cached, CancellationToken cancellationToken)
        {
            _owner = owner;
            _written = cached;
            _d = Json.Clone(cached);
            _rsClient = owner._replicaSetClient.InNamespace(cached.Namespace());
            _dClient = owner._deploymentClient.InNamespace(cached.Namespace());
            _rss = Indexes.Owned(owner._replicaSets, cached.Namespace(), cached.Uid());
            _cancellationToken = cancellationToken;
            _now = owner._time.GetUtcNow();
        }

        private string Name => _d.Name();

        private JsonObject Status
        {
            get => _d["status"] as JsonObject ?? [];
            set => _d["status"] = value;
        }

        public async Task<ReconcileResult> RunAsync()
        {
            if (_d.IsDeleting())
            {
                await SyncStatusOnlyAsync().ConfigureAwait(false);
            }
            else
            {
                CheckPausedConditions();
                if (Json.Bool(_d.At("spec", "paused")) || await IsScalingEventAsync().ConfigureAwait(false))
                {
                    await ScaleSyncAsync().ConfigureAwait(false);
                }
                else if (DeploymentLogic.IsRollingUpdate(_d))
                {
                    await RolloutRollingAsync().ConfigureAwait(false);
                }
                else
                {
                    await RolloutRecreateAsync().ConfigureAwait(false);
                }
            }
            await FlushAsync().ConfigureAwait(false);
            return RequeueIfStuck();
        }

        // ---- ReplicaSets -------------------------------------------------------------------------------------

        /// <summary>The latest known state of a ReplicaSet (by uid) after this sync's own writes.</summary>
        private JsonObject Fresh(JsonObject rs) => _rss.FirstOrDefault(r => r.Uid() == rs.Uid()) ?? rs;

        private List<JsonObject> Fresh(IEnumerable<JsonObject> list) => list.Select(Fresh).ToList();

        private void Replace(JsonObject updated)
        {
            var index = _rss.FindIndex(r => r.Uid() == updated.Uid());
            if (index >= 0)
            {
                _rss[index] = updated;
            }
            else
            {
                _rss.Add(updated);
            }
        }

        /// <summary>Whether every ReplicaSet that has or should have pods reports on its current spec.</summary>
        private static bool StatusCurrent(IEnumerable<JsonObject?> list) => list.All(rs =>
            rs is null
            || rs.IsDeleting()
            || (DeploymentLogic.Replicas(rs) == 0 && DeploymentLogic.StatusReplicas(rs) == 0)
            || (Json.Long(rs.At("status", "observedGeneration")) ?? 0) >= (Json.Long(rs.At("metadata", "generation")) ?? 0));

        /// <summary>Upstream's <c>getAllReplicaSetsAndSyncRevision</c>: the new ReplicaSet (made when asked and missing) and all the others.</summary>
        private async Task<(JsonObject? NewRS, List<JsonObject> OldRSs)> AllReplicaSetsAsync(bool createIfMissing)
        {
            var template = _d.At("spec", "template");
            var sorted = _rss.ToList();
            sorted.Sort(DeploymentLogic.ByCreation);
            var existing = sorted.FirstOrDefault(rs => DeploymentLogic.EqualIgnoreHash(rs.At("spec", "template"), template));
            var oldRSs = sorted.Where(rs => existing is null || rs.Uid() != existing.Uid()).ToList();
            var newRS = await NewReplicaSetAsync(existing, oldRSs, createIfMissing).ConfigureAwait(false);
            return (newRS, oldRSs);
        }

        private async Task<JsonObject?> NewReplicaSetAsync(JsonObject? existing, List<JsonObject> oldRSs, bool createIfMissing)
        {
            var newRevision = (oldRSs.Count == 0 ? 0 : oldRSs.Max(DeploymentLogic.Revision)) + 1;
            if (existing is not null)
            {
                var copy = Json.Clone(existing);
                var annotationsUpdated = SetNewReplicaSetAnnotations(copy, newRevision, exists: true);
                var minReady = Json.Int(_d.At("spec", "minReadySeconds"));
                if (annotationsUpdated || Json.Int(copy.At("spec", "minReadySeconds")) != minReady)
                {
                    Json.SetCount(Json.Child(copy, "spec"), "minReadySeconds", minReady);
                    var updated = await _rsClient.UpdateAsync(copy, cancellationToken: _cancellationToken).ConfigureAwait(false);
                    Replace(updated);
                    return updated;
                }
                SetDeploymentRevision(Json.Str(copy.At("metadata", "annotations", DeploymentLogic.RevisionAnnotation)) ?? "");
                if (DeploymentLogic.HasProgressDeadline(_d) && StatusConditions.Find(Status, "Progressing") is null)
                {
                    var status = Status;
                    StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "True", "FoundNewReplicaSet", $"Found new replica set \"{existing.Name()}\"", _now));
                    Status = status;
                }
                return existing;
            }
            if (!createIfMissing)
            {
                return null;
            }

            var collisionCount = Json.Long(Status["collisionCount"]);
            var hash = TemplateHash.Compute(_d.At("spec", "template"), collisionCount);
            var template = Json.Clone(_d.At("spec", "template") as JsonObject ?? []);
            Json.Child(Json.Child(template, "metadata"), "labels")[DeploymentLogic.PodTemplateHashLabel] = hash;
            var selector = Json.Clone(_d.At("spec", "selector") as JsonObject ?? []);
            Json.Child(selector, "matchLabels")[DeploymentLogic.PodTemplateHashLabel] = hash;
            var rs = new JsonObject
            {
                ["apiVersion"] = "apps/v1",
                ["kind"] = "ReplicaSet",
                ["metadata"] = new JsonObject
                {
                    ["name"] = $"{Name}-{hash}",
                    ["namespace"] = _d.Namespace(),
                    ["labels"] = template.At("metadata", "labels")!.DeepClone(),
                    ["ownerReferences"] = new JsonArray(ObjectRefs.ControllerRef(_d, Kinds.Deployments)),
                },
                ["spec"] = new JsonObject
                {
                    ["replicas"] = 0,
                    ["minReadySeconds"] = Json.Int(_d.At("spec", "minReadySeconds")),
                    ["selector"] = selector,
                    ["template"] = template,
                },
            };
            // Sized at once, unless an old ReplicaSet's status is stale: then it starts empty and grows next sync.
            var replicas = StatusCurrent(oldRSs) ? DeploymentLogic.NewRSNewReplicas(_d, [.. oldRSs, rs], rs) : 0;
            rs["spec"]!["replicas"] = replicas;
            SetNewReplicaSetAnnotations(rs, newRevision, exists: false);

            JsonObject created;
            try
            {
                created = await _rsClient.CreateAsync(rs, cancellationToken: _cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsAlreadyExists())
            {
                var found = _owner._replicaSets.Get(_d.Namespace(), rs.Name()) ?? await _rsClient.GetAsync(rs.Name(), _cancellationToken).ConfigureAwait(false);
                if (ObjectRefs.ControllerUid(found) == _d.Uid() && DeploymentLogic.EqualIgnoreHash(_d.At("spec", "template"), found.At("spec", "template")))
                {
                    Replace(found);
                    SetDeploymentRevision(newRevision.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    return found;
                }
                // A different template hashed to the same name: count the collision (which changes the next hash).
                var status = Status;
                status["collisionCount"] = (collisionCount ?? 0) + 1;
                Status = status;
                await FlushAsync().ConfigureAwait(false);
                throw;
            }
            catch (ApiException e) when (!e.IsForbidden())
            {
                var message = $"Failed to create new replica set \"{rs.Name()}\": {e.Message}";
                if (DeploymentLogic.HasProgressDeadline(_d))
                {
                    var status = Status;
                    StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "False", "ReplicaSetCreateError", message, _now));
                    Status = status;
                    await FlushAsync().ConfigureAwait(false);
                }
                _owner._events.Record(_d, EventType.Warning, "ReplicaSetCreateError", message);
                throw;
            }
            Replace(created);
            if (replicas > 0)
            {
                _owner._events.Record(_d, EventType.Normal, "ScalingReplicaSet", $"Scaled up replica set {created.Name()} from 0 to {replicas}");
            }
            SetDeploymentRevision(newRevision.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (DeploymentLogic.HasProgressDeadline(_d))
            {
                var status = Status;
                StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{created.Name()}\"", _now));
                Status = status;
            }
            await FlushAsync().ConfigureAwait(false);
            return created;
        }

        /// <summary>Upstream's <c>SetNewReplicaSetAnnotations</c>: the Deployment's annotations, the revision (and its history on a rollback), the replica annotations on create.</summary>
        private bool SetNewReplicaSetAnnotations(JsonObject rs, long newRevision, bool exists)
        {
            var annotations = Json.Child(Json.Child(rs, "metadata"), "annotations");
            var changed = false;
            foreach (var (key, value) in Json.StringMap(_d.At("metadata", "annotations")))
            {
                if (DeploymentLogic.AnnotationsToSkip.Contains(key) || Json.Str(annotations[key]) == value)
                {
                    continue;
                }
                annotations[key] = value;
                changed = true;
            }
            var oldText = Json.Str(annotations[DeploymentLogic.RevisionAnnotation]);
            long oldRevision = 0;
            if (oldText is not null && !long.TryParse(oldText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out oldRevision))
            {
                return changed;
            }
            if (oldRevision < newRevision)
            {
                annotations[DeploymentLogic.RevisionAnnotation] = newRevision.ToString(System.Globalization.CultureInfo.InvariantCulture);
                changed = true;
                if (oldText is not null)
                {
                    var history = Json.Str(annotations[DeploymentLogic.RevisionHistoryAnnotation]);
                    annotations[DeploymentLogic.RevisionHistoryAnnotation] = string.IsNullOrEmpty(history) ? oldText : history + "," + oldText;
                }
            }
            if (!exists)
            {
                changed |= SetReplicasAnnotations(rs);
            }
            return changed;
        }

        private bool SetReplicasAnnotations(JsonObject rs)
        {
            var desired = DeploymentLogic.Replicas(_d);
            var max = desired + DeploymentLogic.MaxSurge(_d);
            if (DeploymentLogic.DesiredReplicasAnnotationOf(rs) == desired && DeploymentLogic.MaxReplicasAnnotationOf(rs) == max)
            {
                return false;
            }
            var annotations = Json.Child(Json.Child(rs, "metadata"), "annotations");
            annotations[DeploymentLogic.DesiredReplicasAnnotation] = desired.ToString(System.Globalization.CultureInfo.InvariantCulture);
            annotations[DeploymentLogic.MaxReplicasAnnotation] = max.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return true;
        }

        private void SetDeploymentRevision(string revision)
        {
            if (revision.Length > 0)
            {
                Json.Child(Json.Child(_d, "metadata"), "annotations")[DeploymentLogic.RevisionAnnotation] = revision;
            }
        }

        /// <summary>Upstream's <c>scaleReplicaSet</c>: the size and the replica annotations in one update; an Event when the size changed.</summary>
        private async Task<(bool Scaled, JsonObject RS)> ScaleAsync(JsonObject rs, int newScale, string operation)
        {
            rs = Fresh(rs);
            var oldScale = DeploymentLogic.Replicas(rs);
            var sizeChanged = oldScale != newScale;
            var desired = DeploymentLogic.Replicas(_d);
            var max = desired + DeploymentLogic.MaxSurge(_d);
            var annotationsChanged = DeploymentLogic.DesiredReplicasAnnotationOf(rs) != desired || DeploymentLogic.MaxReplicasAnnotationOf(rs) != max;
            if (!sizeChanged && !annotationsChanged)
            {
                return (false, rs);
            }
            var copy = Json.Clone(rs);
            Json.Child(copy, "spec")["replicas"] = newScale;
            SetReplicasAnnotations(copy);
            var updated = await _rsClient.UpdateAsync(copy, cancellationToken: _cancellationToken).ConfigureAwait(false);
            Replace(updated);
            if (sizeChanged)
            {
                _owner._events.Record(_d, EventType.Normal, "ScalingReplicaSet", $"Scaled {operation} replica set {updated.Name()} from {oldScale} to {newScale}");
            }
            return (sizeChanged, updated);
        }

        private Task<(bool Scaled, JsonObject RS)> ScaleAndRecordAsync(JsonObject rs, int newScale)
        {
            rs = Fresh(rs);
            var current = DeploymentLogic.Replicas(rs);
            return current == newScale
                ? Task.FromResult((false, rs))
                : ScaleAsync(rs, newScale, newScale > current ? "up" : "down");
        }

        // ---- Scaling events ----------------------------------------------------------------------------------

        private async Task<bool> IsScalingEventAsync()
        {
            var (newRS, oldRSs) = await AllReplicaSetsAsync(createIfMissing: false).ConfigureAwait(false);
            var replicas = DeploymentLogic.Replicas(_d);
            return Fresh(oldRSs.Append(newRS).OfType<JsonObject>())
                .Where(DeploymentLogic.IsActive)
                .Any(rs => DeploymentLogic.DesiredReplicasAnnotationOf(rs) is { } desired && desired != replicas);
        }

        /// <summary>Upstream's <c>sync</c>: scale (proportionally mid-rollout), prune history when paused, recompute status.</summary>
        private async Task ScaleSyncAsync()
        {
            var (newRS, oldRSs) = await AllReplicaSetsAsync(createIfMissing: false).ConfigureAwait(false);
            if (StatusCurrent(Fresh(oldRSs.Append(newRS).OfType<JsonObject>())))
            {
                await ScaleAsync(newRS, oldRSs).ConfigureAwait(false);
            }
            if (Json.Bool(_d.At("spec", "paused")))
            {
                await CleanupAsync(oldRSs).ConfigureAwait(false);
            }
            newRS = newRS is null ? null : Fresh(newRS);
            Status = DeploymentLogic.CalculateStatus(Fresh(oldRSs.Append(newRS).OfType<JsonObject>()), newRS, _d, _now);
        }

        private async Task ScaleAsync(JsonObject? newRS, List<JsonObject> oldRSs)
        {
            var replicas = DeploymentLogic.Replicas(_d);
            var olderFirst = Fresh(oldRSs);
            olderFirst.Sort((a, b) => DeploymentLogic.ByCreation(b, a));
            var active = olderFirst.Prepend(newRS).OfType<JsonObject>().Select(Fresh).Where(DeploymentLogic.IsActive).ToList();
            JsonObject? activeOrLatest = active.Count switch
            {
                0 => newRS ?? olderFirst.FirstOrDefault(),
                1 => active[0],
                _ => null,
            };
            if (activeOrLatest is not null)
            {
                if (DeploymentLogic.Replicas(activeOrLatest) != replicas)
                {
                    await ScaleAndRecordAsync(activeOrLatest, replicas).ConfigureAwait(false);
                }
                return;
            }
            if (newRS is not null && IsSaturated(Fresh(newRS)))
            {
                foreach (var old in Fresh(oldRSs).Where(DeploymentLogic.IsActive))
                {
                    await ScaleAndRecordAsync(old, 0).ConfigureAwait(false);
                }
                return;
            }
            if (!DeploymentLogic.IsRollingUpdate(_d))
            {
                return;
            }
            var all = Fresh(oldRSs.Append(newRS).OfType<JsonObject>()).Where(DeploymentLogic.IsActive).ToList();
            var allowed = replicas > 0 ? replicas + DeploymentLogic.MaxSurge(_d) : 0;
            var toAdd = allowed - all.Sum(DeploymentLogic.Replicas);
            string operation = "";
            if (toAdd > 0)
            {
                // Larger first; among equals, newer first.
                all.Sort((a, b) => DeploymentLogic.Replicas(a) != DeploymentLogic.Replicas(b)
                    ? DeploymentLogic.Replicas(b).CompareTo(DeploymentLogic.Replicas(a))
                    : DeploymentLogic.ByCreation(b, a));
                operation = "up";
            }
            else if (toAdd < 0)
            {
                // Larger first; among equals, older first.
                all.Sort((a, b) => DeploymentLogic.Replicas(a) != DeploymentLogic.Replicas(b)
                    ? DeploymentLogic.Replicas(b).CompareTo(DeploymentLogic.Replicas(a))
                    : DeploymentLogic.ByCreation(a, b));
                operation = "down";
            }
            var added = 0;
            var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var rs in all)
            {
                var proportion = toAdd != 0 ? DeploymentLogic.Proportion(rs, _d, toAdd, added) : 0;
                sizes[rs.Uid()] = DeploymentLogic.Replicas(rs) + proportion;
                added += proportion;
            }
            for (var i = 0; i < all.Count; i++)
            {
                var rs = all[i];
                if (i == 0 && toAdd != 0)
                {
                    // Leftovers go to the largest ReplicaSet.
                    sizes[rs.Uid()] = Math.Max(0, sizes[rs.Uid()] + toAdd - added);
                }
                await ScaleAsync(rs, sizes[rs.Uid()], operation).ConfigureAwait(false);
            }
        }

        private bool IsSaturated(JsonObject rs)
        {
            var replicas = DeploymentLogic.Replicas(_d);
            return DeploymentLogic.DesiredReplicasAnnotationOf(rs) == replicas
                && DeploymentLogic.Available(rs) == replicas
                && DeploymentLogic.Replicas(rs) == replicas;
        }

        // ---- RollingUpdate -----------------------------------------------------------------------------------

        private async Task RolloutRollingAsync()
        {
            var (newRS, oldRSs) = await AllReplicaSetsAsync(createIfMissing: true).ConfigureAwait(false);
            if (newRS is null || !StatusCurrent(Fresh(oldRSs.Append(newRS))))
            {
                SyncRolloutStatus(newRS, oldRSs);
                return;
            }
            if (await ReconcileNewReplicaSetAsync(newRS, oldRSs).ConfigureAwait(false))
            {
                SyncRolloutStatus(newRS, oldRSs);
                return;
            }
            if (await ReconcileOldReplicaSetsAsync(newRS, oldRSs).ConfigureAwait(false))
            {
                SyncRolloutStatus(newRS, oldRSs);
                return;
            }
            if (DeploymentLogic.Complete(_d, Status))
            {
                await CleanupAsync(oldRSs).ConfigureAwait(false);
            }
            SyncRolloutStatus(newRS, oldRSs);
        }

        private async Task<bool> ReconcileNewReplicaSetAsync(JsonObject newRS, List<JsonObject> oldRSs)
        {
            newRS = Fresh(newRS);
            var replicas = DeploymentLogic.Replicas(_d);
            if (DeploymentLogic.Replicas(newRS) == replicas)
            {
                return false;
            }
            if (DeploymentLogic.Replicas(newRS) > replicas)
            {
                return (await ScaleAndRecordAsync(newRS, replicas).ConfigureAwait(false)).Scaled;
            }
            var count = DeploymentLogic.NewRSNewReplicas(_d, Fresh(oldRSs.Append(newRS)), newRS);
            return (await ScaleAndRecordAsync(newRS, count).ConfigureAwait(false)).Scaled;
        }

        private async Task<bool> ReconcileOldReplicaSetsAsync(JsonObject newRS, List<JsonObject> oldRSs)
        {
            var old = Fresh(oldRSs).Where(DeploymentLogic.IsActive).ToList();
            var oldPods = old.Sum(DeploymentLogic.Replicas);
            if (oldPods == 0)
            {
                return false;
            }
            newRS = Fresh(newRS);
            var allPods = Fresh(oldRSs).Sum(DeploymentLogic.Replicas) + DeploymentLogic.Replicas(newRS);
            var minAvailable = DeploymentLogic.Replicas(_d) - DeploymentLogic.MaxUnavailable(_d);
            var newUnavailable = DeploymentLogic.Replicas(newRS) - DeploymentLogic.Available(newRS);
            var maxScaledDown = allPods - minAvailable - newUnavailable;
            if (maxScaledDown <= 0)
            {
                return false;
            }
            var cleaned = await CleanupUnhealthyReplicasAsync(old, maxScaledDown).ConfigureAwait(false);
            var scaledDown = await ScaleDownOldForRollingUpdateAsync(newRS, oldRSs).ConfigureAwait(false);
            return cleaned + scaledDown > 0;
        }

        /// <summary>Old ReplicaSets' unavailable pods go first: they would otherwise block the rollout.</summary>
        private async Task<int> CleanupUnhealthyReplicasAsync(List<JsonObject> oldRSs, int maxCleanup)
        {
            var sorted = Fresh(oldRSs);
            sorted.Sort(DeploymentLogic.ByCreation);
            var total = 0;
            foreach (var rs in sorted)
            {
                if (total >= maxCleanup)
                {
                    break;
                }
                var replicas = DeploymentLogic.Replicas(rs);
                var available = DeploymentLogic.Available(rs);
                if (replicas == 0 || replicas == available)
                {
                    continue;
                }
                var count = Math.Min(maxCleanup - total, replicas - available);
                await ScaleAndRecordAsync(rs, replicas - count).ConfigureAwait(false);
                total += count;
            }
            return total;
        }

        private async Task<int> ScaleDownOldForRollingUpdateAsync(JsonObject newRS, List<JsonObject> oldRSs)
        {
            var minAvailable = DeploymentLogic.Replicas(_d) - DeploymentLogic.MaxUnavailable(_d);
            var available = Fresh(oldRSs.Append(newRS)).Sum(DeploymentLogic.Available);
            if (available <= minAvailable)
            {
                return 0;
            }
            var sorted = Fresh(oldRSs);
            sorted.Sort(DeploymentLogic.ByCreation);
            var budget = available - minAvailable;
            var total = 0;
            foreach (var rs in sorted)
            {
                if (total >= budget)
                {
                    break;
                }
                var replicas = DeploymentLogic.Replicas(rs);
                if (replicas == 0)
                {
                    continue;
                }
                var count = Math.Min(replicas, budget - total);
                await ScaleAndRecordAsync(rs, replicas - count).ConfigureAwait(false);
                total += count;
            }
            return total;
        }

        // ---- Recreate ----------------------------------------------------------------------------------------

        private async Task RolloutRecreateAsync()
        {
            var (newRS, oldRSs) = await AllReplicaSetsAsync(createIfMissing: false).ConfigureAwait(false);
            var scaledDown = false;
            foreach (var rs in Fresh(oldRSs).Where(DeploymentLogic.IsActive))
            {
                scaledDown |= (await ScaleAndRecordAsync(rs, 0).ConfigureAwait(false)).Scaled;
            }
            if (scaledDown || OldPodsRunning(oldRSs))
            {
                SyncRolloutStatus(newRS, oldRSs);
                return;
            }
            if (newRS is null)
            {
                (newRS, oldRSs) = await AllReplicaSetsAsync(createIfMissing: true).ConfigureAwait(false);
            }
            if (newRS is not null)
            {
                await ScaleAndRecordAsync(newRS, DeploymentLogic.Replicas(_d)).ConfigureAwait(false);
            }
            if (DeploymentLogic.Complete(_d, Status))
            {
                await CleanupAsync(oldRSs).ConfigureAwait(false);
            }
            SyncRolloutStatus(newRS, oldRSs);
        }

        /// <summary>Whether any old ReplicaSet still has pods that have not finished (its status or the pod cache says so).</summary>
        private bool OldPodsRunning(List<JsonObject> oldRSs)
        {
            var fresh = Fresh(oldRSs);
            if (fresh.Sum(DeploymentLogic.StatusReplicas) > 0 || !StatusCurrent(fresh))
            {
                return true;
            }
            return fresh.Any(rs => Indexes.Owned(_owner._pods, _d.Namespace(), rs.Uid()).Any(p => !Pods.IsTerminal(p)));
        }

        // ---- History, status ---------------------------------------------------------------------------------

        /// <summary>Deletes the oldest empty ReplicaSets beyond <c>revisionHistoryLimit</c>.</summary>
        private async Task CleanupAsync(List<JsonObject> oldRSs)
        {
            if (Json.Long(_d.At("spec", "revisionHistoryLimit")) is not { } limit || limit == int.MaxValue)
            {
                return;
            }
            var cleanable = Fresh(oldRSs).Where(rs => !rs.IsDeleting()).ToList();
            var diff = cleanable.Count - limit;
            if (diff <= 0)
            {
                return;
            }
            cleanable.Sort((a, b) =>
            {
                var byRevision = DeploymentLogic.Revision(a).CompareTo(DeploymentLogic.Revision(b));
                return byRevision != 0 ? byRevision : DeploymentLogic.ByCreation(a, b);
            });
            for (var i = 0; i < diff; i++)
            {
                var rs = cleanable[i];
                if (DeploymentLogic.StatusReplicas(rs) != 0 || DeploymentLogic.Replicas(rs) != 0
                    || (Json.Long(rs.At("metadata", "generation")) ?? 0) > (Json.Long(rs.At("status", "observedGeneration")) ?? 0))
                {
                    continue;
                }
                try
                {
                    await _rsClient.DeleteAsync(rs.Name(), new DeleteOptions { PreconditionUid = rs.Uid() }, _cancellationToken).ConfigureAwait(false);
                }
                catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
                {
                    // Already gone.
                }
            }
        }

        private async Task SyncStatusOnlyAsync()
        {
            var (newRS, oldRSs) = await AllReplicaSetsAsync(createIfMissing: false).ConfigureAwait(false);
            Status = DeploymentLogic.CalculateStatus(Fresh(oldRSs.Append(newRS).OfType<JsonObject>()), newRS is null ? null : Fresh(newRS), _d, _now);
        }

        /// <summary>Upstream's <c>syncRolloutStatus</c>: counts, Available, and Progressing from the progress made.</summary>
        private void SyncRolloutStatus(JsonObject? newRS, List<JsonObject> oldRSs)
        {
            newRS = newRS is null ? null : Fresh(newRS);
            var all = Fresh(oldRSs.Append(newRS).OfType<JsonObject>());
            var status = DeploymentLogic.CalculateStatus(all, newRS, _d, _now);
            var hasDeadline = DeploymentLogic.HasProgressDeadline(_d);
            if (!hasDeadline)
            {
                StatusConditions.Remove(status, "Progressing");
            }
            var current = StatusConditions.Find(Status, "Progressing");
            var complete = Json.Int(status["replicas"]) == Json.Int(status["updatedReplicas"]) && Json.Str(current?["reason"]) == "NewReplicaSetAvailable";
            var subject = newRS is null ? $"Deployment \"{Name}\"" : $"ReplicaSet \"{newRS.Name()}\"";
            if (hasDeadline && !complete)
            {
                if (DeploymentLogic.Complete(_d, status))
                {
                    StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "True", "NewReplicaSetAvailable", $"{subject} has successfully progressed.", _now));
                }
                else if (DeploymentLogic.Progressing(_d, status))
                {
                    // Progress refreshes lastUpdateTime even when the reason stays the same; the transition time stays.
                    var condition = DeploymentLogic.Condition("Progressing", "True", "ReplicaSetUpdated", $"{subject} is progressing.", _now);
                    if (current is not null)
                    {
                        if (Json.Str(current["status"]) == "True")
                        {
                            condition["lastTransitionTime"] = current["lastTransitionTime"]?.DeepClone();
                        }
                        StatusConditions.Remove(status, "Progressing");
                    }
                    StatusConditions.Set(status, condition);
                }
                else if (DeploymentLogic.TimedOut(_d, status, _now))
                {
                    StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "False", "ProgressDeadlineExceeded", $"{subject} has timed out progressing.", _now));
                }
            }
            var failure = all.OrderBy(rs => newRS is not null && rs.Uid() == newRS.Uid() ? 0 : 1)
                .Select(rs => StatusConditions.Find(rs["status"] as JsonObject, "ReplicaFailure"))
                .FirstOrDefault(c => c is not null);
            if (failure is not null)
            {
                StatusConditions.Set(status, DeploymentLogic.Condition("ReplicaFailure", Json.Str(failure["status"]) ?? "True",
                    Json.Str(failure["reason"]) ?? "", Json.Str(failure["message"]) ?? "", _now));
            }
            else
            {
                StatusConditions.Remove(status, "ReplicaFailure");
            }
            Status = status;
        }

        private void CheckPausedConditions()
        {
            if (!DeploymentLogic.HasProgressDeadline(_d))
            {
                return;
            }
            var condition = StatusConditions.Find(Status, "Progressing");
            if (Json.Str(condition?["reason"]) == "ProgressDeadlineExceeded")
            {
                return;
            }
            var paused = Json.Bool(_d.At("spec", "paused"));
            var pausedNoted = Json.Str(condition?["reason"]) == "DeploymentPaused";
            var status = Status;
            if (paused && !pausedNoted)
            {
                StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "Unknown", "DeploymentPaused", "Deployment is paused", _now));
            }
            else if (!paused && pausedNoted)
            {
                StatusConditions.Set(status, DeploymentLogic.Condition("Progressing", "Unknown", "DeploymentResumed", "Deployment is resumed", _now));
            }
            Status = status;
        }

        /// <summary>Writes the status (guarded by the resourceVersion read) and the revision annotation when they changed.</summary>
        private async Task FlushAsync()
        {
            var status = _d["status"] as JsonObject;
            if (status is not null && !JsonNode.DeepEquals(status, _written["status"]))
            {
                var update = Json.Clone(_written);
                update["status"] = status.DeepClone();
                _written = await _dClient.UpdateStatusAsync(update, cancellationToken: _cancellationToken).ConfigureAwait(false);
            }
            var revision = Json.Str(_d.At("metadata", "annotations", DeploymentLogic.RevisionAnnotation));
            if (revision is not null && revision != Json.Str(_written.At("metadata", "annotations", DeploymentLogic.RevisionAnnotation)))
            {
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [DeploymentLogic.RevisionAnnotation] = revision } } };
                _written = await _dClient.PatchAsync(Name, Patch.Merge(patch), cancellationToken: _cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Upstream's <c>requeueStuckDeployment</c>: check again when the progress deadline passes.</summary>
        private ReconcileResult RequeueIfStuck()
        {
            var condition = StatusConditions.Find(Status, "Progressing");
            if (!DeploymentLogic.HasProgressDeadline(_d) || condition is null || Json.Str(condition["reason"]) is "NewReplicaSetAvailable" or "ProgressDeadlineExceeded"
                || DeploymentLogic.Complete(_d, Status))
            {
                return ReconcileResult.Done;
            }
            var from = Json.Time(condition["lastUpdateTime"]) ?? _now;
            var after = from.AddSeconds(Json.Long(_d.At("spec", "progressDeadlineSeconds")) ?? 600) - _now;
            return ReconcileResult.RequeueAfter(after < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : after + TimeSpan.FromSeconds(1));
        }
    }
}
