using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Flotilla.Scheduler;
using Microsoft.Extensions.Logging;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub.Placement;

/// <summary>
/// The scheduler runner (placement spec §3.1) for one scope: for each placement key it gathers the latest policy
/// snapshot, the fleet's clusters and the placement's bindings, runs one <see cref="PlacementScheduler"/> cycle and
/// writes what it decided — bindings created, moved, revived or deselected, and the snapshot's status. A deleted
/// placement's bindings are deleted here, without rollout gating.
/// </summary>
/// <remarks>
/// Bindings are listed from the server, not a cache: a cycle that saw a stale list would pick clusters twice.
/// </remarks>
internal sealed class SchedulerReconciler<TPlacement, TSnapshot, TBinding> : IReconciler<NamespacedName>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    /// <summary>The Warning event reason when a cycle cannot proceed (Azure fleet's, placement spec §3.12).</summary>
    public const string SchedulingErrorReason = "SchedulingError";

    private readonly PlacementScope<TPlacement, TSnapshot, TBinding> _scope;
    private readonly ResourceClient<TPlacement> _placements;
    private readonly ResourceClient<TSnapshot> _snapshots;
    private readonly ResourceClient<TBinding> _bindings;
    private readonly Lister<TPlacement> _placementLister;
    private readonly Lister<TSnapshot> _snapshotLister;
    private readonly Lister<MemberCluster> _clusterLister;
    private readonly PlacementScheduler _scheduler;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public SchedulerReconciler(
        PlacementScope<TPlacement, TSnapshot, TBinding> scope, KubernetesClient client, Lister<TPlacement> placements, Lister<TSnapshot> snapshots,
        Lister<MemberCluster> clusters, PlacementScheduler scheduler, IEventRecorder events, TimeProvider time, ILogger logger)
    {
        _scope = scope;
        _placements = client.Resource(scope.PlacementMapping, scope.PlacementJson);
        _snapshots = client.Resource(scope.SnapshotMapping, scope.SnapshotJson);
        _bindings = client.Resource(scope.BindingMapping, scope.BindingJson);
        _placementLister = placements;
        _snapshotLister = snapshots;
        _clusterLister = clusters;
        _scheduler = scheduler;
        _events = events;
        _time = time;
        _logger = logger;
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        // A binding or the placement may change after it was read: the next cycle starts from what is there then.
        return await Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var ns = string.IsNullOrEmpty(key.Namespace) ? null : key.Namespace;
        var placement = _placementLister.Get(ns, key.Name);
        if (placement is null)
        {
            return ReconcileResult.Done;
        }
        if (placement.Metadata.IsDeleting)
        {
            if (placement.Metadata.HasFinalizer(PlacementApi.SchedulerCleanupFinalizer))
            {
                await ReleaseAsync(placement, cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        var latest = _snapshotLister.List(ns, LatestSelector(key.Name));
        if (latest.Count != 1)
        {
            // None yet: the placement controller is creating it, and its creation triggers this placement again.
            return ReconcileResult.Done;
        }
        var snapshot = latest[0];
        if (!placement.Metadata.HasFinalizer(PlacementApi.SchedulerCleanupFinalizer))
        {
            placement = await _placements.InNamespace(ns)
                .PatchAsync(key.Name, Writes.FinalizersPatch(placement.Metadata, add: PlacementApi.SchedulerCleanupFinalizer),
                    cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }

        var bindings = (await _bindings.InNamespace(ns)
                .ListAsync(new ListOptions { LabelSelector = PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(key.Name) }, cancellationToken)
                .ConfigureAwait(false))
            .Items;
        var clusters = _clusterLister.List().Select(SchedulingViews.Of).ToList();
        var now = _time.GetUtcNow();
        var result = _scheduler.Schedule(new SchedulingInput(
            PolicyView.From(snapshot), clusters, [.. bindings.Select(b => BindingView.From(b))], now));

        var byName = bindings.ToDictionary(b => b.Metadata.Name!, StringComparer.Ordinal);
        await ApplyAsync(placement, snapshot, result, byName, now, cancellationToken).ConfigureAwait(false);
        var placementKey = key.ToString();
        PlacementLog.Scheduled(_logger, placementKey, result.Create.Count, result.Patch.Count, result.Unschedule.Count, result.Requeue);

        if (result.Error is { } error)
        {
            PlacementLog.SchedulingFailed(_logger, placementKey, error);
            var message = "Failed to run scheduling plugins: " + error;
            _events.Record(PlacementScope<TPlacement, TSnapshot, TBinding>.EventReference(_scope.SnapshotMapping, snapshot.Metadata), EventType.Warning, SchedulingErrorReason, message);
            _events.Record(_scope.EventReferenceTo(placement), EventType.Warning, SchedulingErrorReason, message);
            // Nothing changes until the fleet or the placement does (both trigger a cycle); retry with backoff meanwhile.
            return ReconcileResult.Requeue;
        }
        return result.Requeue ? ReconcileResult.RequeueAfter(TimeSpan.Zero) : ReconcileResult.Done;
    }

    /// <summary>Writes a cycle's outcome in upstream's order: finalizers, creations, patches, deselections, then the status.</summary>
    private async Task ApplyAsync(
        TPlacement placement, TSnapshot snapshot, SchedulingResult result, Dictionary<string, TBinding> bindings, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var client = _bindings.InNamespace(placement.Metadata.Namespace);
        foreach (var deleting in result.ReleaseFinalizer)
        {
            await IgnoreNotFound(client.PatchAsync(deleting.Name,
                Writes.FinalizersPatch(bindings[deleting.Name].Metadata, remove: PlacementApi.SchedulerBindingCleanupFinalizer),
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        await Task.WhenAll(result.Create.Select(c => CreateAsync(client, placement, snapshot, c, cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(result.Patch.Select(p => client.PatchAsync(p.Binding.Name, MovePatch(bindings[p.Binding.Name], snapshot, p), cancellationToken: cancellationToken)))
            .ConfigureAwait(false);
        await Task.WhenAll(result.Unschedule.Select(b => client.PatchAsync(b.Name, UnschedulePatch(bindings[b.Name]), cancellationToken: cancellationToken)))
            .ConfigureAwait(false);
        if (result.Status is { } status)
        {
            var patch = new JsonObject
            {
                ["metadata"] = new JsonObject { ["resourceVersion"] = snapshot.Metadata.ResourceVersion },
                ["status"] = JsonSerializer.SerializeToNode(status.ToApi(snapshot.Status, now), PlacementJsonContext.Default.SchedulingPolicySnapshotStatus),
            };
            await _snapshots.InNamespace(snapshot.Metadata.Namespace)
                .PatchStatusAsync(snapshot.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task CreateAsync(ResourceClient<TBinding> client, TPlacement placement, TSnapshot snapshot, NewBinding created, CancellationToken cancellationToken)
    {
        var binding = _scope.NewBinding();
        binding.Metadata = new ObjectMeta
        {
            Name = BindingName(placement.Metadata.Name!, created.Cluster),
            Namespace = placement.Metadata.Namespace,
            Labels = new() { [PlacementApi.ParentPlacementLabel] = placement.Metadata.Name! },
            Finalizers = [PlacementApi.SchedulerBindingCleanupFinalizer],
        };
        binding.Spec.State = BindingState.Scheduled;
        binding.Spec.TargetCluster = created.Cluster;
        binding.Spec.SchedulingPolicySnapshotName = snapshot.Metadata.Name!;
        binding.Spec.ClusterDecision = created.Decision;
        try
        {
            await client.CreateAsync(binding, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsAlreadyExists())
        {
        }
    }

    /// <summary>
    /// <c>&lt;placement[:26]&gt;-&lt;cluster[:27]&gt;-&lt;8 random characters&gt;</c> (placement spec §2.3): unique, and a DNS-1123 label.
    /// </summary>
    internal static string BindingName(string placement, string cluster)
    {
        const int half = (63 - 10) / 2;
        var name = $"{Truncate(placement, half)}-{Truncate(cluster, half + 1)}-{Guid.NewGuid().ToString("N")[..8]}";
        return name.Replace("--", "-", StringComparison.Ordinal);

        static string Truncate(string value, int length) => (value.Length > length ? value[..length] : value).Trim('-', '.').Replace('.', '-');
    }

    /// <summary>Moves a binding to the latest snapshot with a new decision (a revived one back to its previous state), pinned to its version.</summary>
    private static Patch MovePatch(TBinding binding, TSnapshot snapshot, BindingPatch change)
    {
        var metadata = new JsonObject { ["resourceVersion"] = binding.Metadata.ResourceVersion };
        if (change.Revives)
        {
            metadata["annotations"] = new JsonObject { [PlacementApi.PreviousBindingStateAnnotation] = null };
        }
        return Patch.Merge(new JsonObject
        {
            ["metadata"] = metadata,
            ["spec"] = new JsonObject
            {
                ["state"] = change.State,
                ["schedulingPolicySnapshotName"] = snapshot.Metadata.Name,
                ["clusterDecision"] = JsonSerializer.SerializeToNode(change.Decision, PlacementJsonContext.Default.ClusterDecision),
            },
        });
    }

    /// <summary>Deselects a binding, remembering its state; like upstream, the annotations are replaced, not merged.</summary>
    private static Patch UnschedulePatch(TBinding binding)
    {
        var annotations = new JsonObject();
        foreach (var existing in binding.Metadata.Annotations ?? [])
        {
            annotations[existing.Key] = null;
        }
        annotations[PlacementApi.PreviousBindingStateAnnotation] = binding.Spec.State;
        return Patch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = binding.Metadata.ResourceVersion, ["annotations"] = annotations },
            ["spec"] = new JsonObject { ["state"] = BindingState.Unscheduled },
        });
    }

    /// <summary>A deleted placement: delete every binding (uncached list) and release them and the placement.</summary>
    private async Task ReleaseAsync(TPlacement placement, CancellationToken cancellationToken)
    {
        var ns = placement.Metadata.Namespace;
        var client = _bindings.InNamespace(ns);
        var bindings = await client
            .ListAsync(new ListOptions { LabelSelector = PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(placement.Metadata.Name!) }, cancellationToken)
            .ConfigureAwait(false);
        foreach (var binding in bindings.Items)
        {
            if (binding.Metadata.HasFinalizer(PlacementApi.SchedulerBindingCleanupFinalizer))
            {
                await IgnoreNotFound(client.PatchAsync(binding.Metadata.Name!,
                    Writes.FinalizersPatch(binding.Metadata, remove: PlacementApi.SchedulerBindingCleanupFinalizer),
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            if (!binding.Metadata.IsDeleting)
            {
                await IgnoreNotFound(client.DeleteAsync(binding.Metadata.Name!, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }
        await IgnoreNotFound(_placements.InNamespace(ns).PatchAsync(placement.Metadata.Name!,
            Writes.FinalizersPatch(placement.Metadata, remove: PlacementApi.SchedulerCleanupFinalizer),
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    internal static LabelSelector LatestSelector(string placement) =>
        LabelSelector.Parse($"{PlacementApi.ParentPlacementLabel}={placement},{PlacementApi.IsLatestSnapshotLabel}=true");

    private static async Task IgnoreNotFound(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
    }
}
