using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement.Resources;
using Flotilla.Hub.Placement.Snapshots;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Logging;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub.Placement;

/// <summary>
/// The placement controller (placement spec §7.2) for one scope: keeps the placement's finalizer, its latest policy
/// snapshot (§2.1) and the scheduling part of its status (§7.3); on deletion removes its snapshots and releases it.
/// </summary>
/// <remarks>
/// Reads placements and snapshots from informers; a snapshot created from a stale cache is refused by the server
/// (AlreadyExists), and the retry sees it. Writes only what changed.
/// </remarks>
internal sealed partial class PlacementReconciler<TPlacement, TSnapshot, TBinding> : IReconciler<NamespacedName>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    /// <summary>Upstream's <c>controllerResyncPeriod</c>: how often a placement that has not completed is reconciled regardless.</summary>
    internal static readonly TimeSpan ResyncPeriod = TimeSpan.FromMinutes(30);

    /// <summary>The event reason upstream records when a deleted placement is released.</summary>
    public const string CleanupFinalizerRemovedReason = "PlacementCleanupFinalizerRemoved";

    private readonly PlacementScope<TPlacement, TSnapshot, TBinding> _scope;
    private readonly ResourceClient<TPlacement> _placements;
    private readonly ResourceClient<TSnapshot> _snapshots;
    private readonly Lister<TPlacement> _placementLister;
    private readonly Lister<TSnapshot> _snapshotLister;
    private readonly Lister<TBinding> _bindingLister;
    private readonly ResourceClient<JsonObject> _resourceSnapshots;
    private readonly HubResourceCache _resources;
    private readonly SnapshotCreationLimits _snapshotLimits;
    private readonly IReadOnlySet<string> _skippedNamespaces;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public PlacementReconciler(
        PlacementScope<TPlacement, TSnapshot, TBinding> scope, KubernetesClient client, Lister<TPlacement> placements, Lister<TSnapshot> snapshots,
        Lister<TBinding> bindings, HubResourceCache resources, SnapshotCreationLimits snapshotLimits, IReadOnlySet<string> skippedNamespaces,
        IEventRecorder events, TimeProvider time, ILogger logger)
    {
        _scope = scope;
        _placements = client.Resource(scope.PlacementMapping, scope.PlacementJson);
        _snapshots = client.Resource(scope.SnapshotMapping, scope.SnapshotJson);
        _resourceSnapshots = client.Resource(scope.ResourceSnapshotMapping);
        _resources = resources;
        _snapshotLimits = snapshotLimits;
        _skippedNamespaces = skippedNamespaces;
        _placementLister = placements;
        _snapshotLister = snapshots;
        _bindingLister = bindings;
        _events = events;
        _time = time;
        _logger = logger;
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        // Another writer (the scheduler's finalizer, the user) may get there first; the cache catches up, then retry.
        return await Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var placement = _placementLister.Get(NullIfEmpty(key.Namespace), key.Name);
        if (placement is null)
        {
            return ReconcileResult.Done;
        }
        if (placement.Metadata.IsDeleting)
        {
            await CleanUpAsync(placement, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (!_resources.Ready)
        {
            // The hub's resource caches are still syncing: nothing can be selected yet.
            return ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(1));
        }
        placement = await EnsureFinalizerAsync(placement, cancellationToken).ConfigureAwait(false);
        var selection = SelectResources(placement);
        if (selection.UserError is { } error)
        {
            await WriteStatusAsync(placement, status => InvalidSelectors(status, placement, error), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(InvalidSelectorsRecheck);
        }
        var latest = await EnsureLatestSnapshotAsync(placement, cancellationToken).ConfigureAwait(false);
        var resources = await SyncResourceSnapshotsAsync(placement, selection.Objects, cancellationToken).ConfigureAwait(false);
        var completed = false;
        var before = placement.Status?.Conditions?.Select(c => c.Clone()).ToList();
        var written = await WriteStatusAsync(placement, status =>
        {
            var now = _time.GetUtcNow();
            status.SelectedResources = resources.Selected;
            status.ObservedResourceIndex = resources.ObservedIndex;
            if (ScheduledStatus.Apply(status, placement, _scope.ClusterScoped, latest, now) && status.PlacementStatuses!.Any(p => !string.IsNullOrEmpty(p.ClusterName)))
            {
                completed = ApplyRolloutStatus(status, placement, latest, resources.ObservedIndex, now);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (written is not null)
        {
            RecordTransitions(placement, before, written);
        }
        // §7.2 step 8: a placement that has not completed is looked at again after the resync period regardless.
        return resources.RequeueAfter is { } snapshotWait
            ? ReconcileResult.RequeueAfter(snapshotWait)
            : completed ? ReconcileResult.Done : ReconcileResult.RequeueAfter(ResyncPeriod);
    }

    /// <summary>§7.2 step 3: the Scheduled condition says why the selectors cannot be resolved; nothing else changes.</summary>
    private void InvalidSelectors(PlacementStatus status, TPlacement placement, string error)
    {
        status.Conditions ??= [];
        Conditions.Set(status.Conditions, new Condition
        {
            Type = _scope.ScheduledCondition,
            Status = ConditionStatus.False,
            Reason = InvalidResourceSelectorsReason,
            Message = "The resource selectors are invalid: " + error,
            ObservedGeneration = placement.Metadata.Generation,
        }, _time.GetUtcNow());
    }

    private async Task<TPlacement> EnsureFinalizerAsync(TPlacement placement, CancellationToken cancellationToken)
    {
        if (placement.Metadata.HasFinalizer(_scope.CleanupFinalizer))
        {
            return placement;
        }
        return await _placements.InNamespace(placement.Metadata.Namespace)
            .PatchAsync(placement.Metadata.Name!, Writes.FinalizersPatch(placement.Metadata, add: _scope.CleanupFinalizer), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>§2.1 lifecycle: reuse the latest snapshot when the policy hash matches, otherwise start a new one.</summary>
    private async Task<TSnapshot> EnsureLatestSnapshotAsync(TPlacement placement, CancellationToken cancellationToken)
    {
        var name = placement.Metadata.Name!;
        var ns = placement.Metadata.Namespace;
        var client = _snapshots.InNamespace(ns);
        var hash = PolicySnapshots.Hash(placement.Spec.Policy);
        var snapshots = _snapshotLister.List(ns, LabelSelector.Parse(PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(name)))
            .OrderBy(s => PolicySnapshots.Index(s.Metadata))
            .ToList();
        var latestOnes = snapshots.Where(s => PolicySnapshots.IsLatest(s.Metadata)).ToList();
        if (latestOnes.Count > 1)
        {
            throw new InvalidOperationException(
                $"{_scope.ShortName} {key(placement)} has {latestOnes.Count} policy snapshots labelled {PlacementApi.IsLatestSnapshotLabel}=true ({string.Join(", ", latestOnes.Select(s => s.Metadata.Name))}); expected one");
        }
        var latest = latestOnes.FirstOrDefault() ?? snapshots.LastOrDefault();

        if (latest is not null && latest.Spec.PolicyHash == hash)
        {
            var meta = CloneMeta(latest.Metadata);
            var changed = meta.SetLabel(PlacementApi.IsLatestSnapshotLabel, "true");
            changed |= PolicySnapshots.SetAnnotations(meta, placement);
            if (!changed)
            {
                return latest;
            }
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = latest.Metadata.ResourceVersion,
                    ["labels"] = JsonSerializer.SerializeToNode(meta.Labels),
                    ["annotations"] = JsonSerializer.SerializeToNode(meta.Annotations),
                },
            };
            return await client.PatchAsync(latest.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (latest is not null && PolicySnapshots.IsLatest(latest.Metadata))
        {
            var unlabel = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = latest.Metadata.ResourceVersion,
                    ["labels"] = new JsonObject { [PlacementApi.IsLatestSnapshotLabel] = "false" },
                },
            };
            await client.PatchAsync(latest.Metadata.Name!, Patch.Merge(unlabel), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var keep = PolicySnapshots.RevisionHistoryLimit(placement.Spec) - 1;
        foreach (var old in snapshots.Take(Math.Max(0, snapshots.Count - keep)))
        {
            try
            {
                await client.DeleteAsync(old.Metadata.Name!, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound())
            {
            }
        }

        var index = latest is null ? 0 : PolicySnapshots.Index(latest.Metadata) + 1;
        var snapshot = _scope.NewSnapshot();
        snapshot.Metadata = new ObjectMeta
        {
            Name = PlacementApi.PolicySnapshotName(name, index),
            Namespace = ns,
            Labels = new()
            {
                [PlacementApi.ParentPlacementLabel] = name,
                [PlacementApi.IsLatestSnapshotLabel] = "true",
                [PlacementApi.PolicyIndexLabel] = index.ToString(CultureInfo.InvariantCulture),
            },
            OwnerReferences = [_scope.OwnerReferenceTo(placement)],
        };
        PolicySnapshots.SetAnnotations(snapshot.Metadata, placement);
        snapshot.Spec.Policy = placement.Spec.Policy;
        snapshot.Spec.PolicyHash = hash;
        var created = await client.CreateAsync(snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
        var createdName = created.Metadata.Name!;
        var placementKey = key(placement);
        PlacementLog.SnapshotCreated(_logger, createdName, placementKey);
        return created;

        static string key(TPlacement p) => p.Metadata.Namespace is { Length: > 0 } n ? $"{n}/{p.Metadata.Name}" : p.Metadata.Name!;
    }

    /// <summary>Applies <paramref name="update"/> to a copy of the status and writes it when it changed; returns the status written, or null.</summary>
    private async Task<PlacementStatus?> WriteStatusAsync(TPlacement placement, Action<PlacementStatus> update, CancellationToken cancellationToken)
    {
        var before = placement.Status is null ? "" : JsonSerializer.Serialize(placement.Status, PlacementJsonContext.Default.PlacementStatus);
        var status = placement.Status is null
            ? new PlacementStatus()
            : JsonSerializer.Deserialize(before, PlacementJsonContext.Default.PlacementStatus)!;
        update(status);
        if (JsonSerializer.Serialize(status, PlacementJsonContext.Default.PlacementStatus) == before)
        {
            return null;
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = placement.Metadata.ResourceVersion },
            ["status"] = JsonSerializer.SerializeToNode(status, PlacementJsonContext.Default.PlacementStatus),
        };
        await _placements.InNamespace(placement.Metadata.Namespace)
            .PatchStatusAsync(placement.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        return status;
    }

    /// <summary>§7.2 deletion: delete the placement's policy and resource snapshots, then release it.</summary>
    private async Task CleanUpAsync(TPlacement placement, CancellationToken cancellationToken)
    {
        if (!placement.Metadata.HasFinalizer(_scope.CleanupFinalizer))
        {
            return;
        }
        var ns = placement.Metadata.Namespace;
        var selector = PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(placement.Metadata.Name!);
        await _snapshots.InNamespace(ns).DeleteCollectionAsync(new ListOptions { LabelSelector = selector }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        await _resourceSnapshots.InNamespace(ns).DeleteCollectionAsync(new ListOptions { LabelSelector = selector }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        try
        {
            await _placements.InNamespace(ns)
                .PatchAsync(placement.Metadata.Name!, Writes.FinalizersPatch(placement.Metadata, remove: _scope.CleanupFinalizer), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return;
        }
        _events.Record(_scope.EventReferenceTo(placement), EventType.Normal, CleanupFinalizerRemovedReason, "Deleted the snapshots and removed the placement cleanup finalizer");
    }

    private static ObjectMeta CloneMeta(ObjectMeta meta) => new()
    {
        Labels = meta.Labels is null ? [] : new Dictionary<string, string>(meta.Labels),
        Annotations = meta.Annotations is null ? [] : new Dictionary<string, string>(meta.Annotations),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

internal static partial class PlacementLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created policy snapshot {Snapshot} for placement {Placement}")]
    public static partial void SnapshotCreated(ILogger logger, string snapshot, string placement);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Scheduling placement {Placement} failed: {Error}")]
    public static partial void SchedulingFailed(ILogger logger, string placement, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Scheduled placement {Placement}: {Created} created, {Patched} patched, {Unscheduled} unscheduled, requeue {Requeue}")]
    public static partial void Scheduled(ILogger logger, string placement, int created, int patched, int unscheduled, bool requeue);
}
