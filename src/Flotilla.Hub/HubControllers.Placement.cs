using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Flotilla.Runtime.WorkQueue;
using Flotilla.Scheduler;
using Microsoft.Extensions.Hosting;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub;

/// <summary>The placement controllers and scheduler runners of both placement scopes, and what triggers them.</summary>
public sealed partial class HubControllers
{
    /// <summary>
    /// For each scope: the placement controller (snapshots, status) and the scheduler runner (bindings), fed by the
    /// triggers of placement spec §3.1 and §7.2.
    /// </summary>
    private IEnumerable<IHostedService> PlacementControllers(IEventRecorder placementEvents, IEventRecorder schedulerEvents)
    {
        var clusters = Informers.For(CustomResourceMappings.Of<MemberCluster>(), ClusterJsonContext.Default.MemberCluster);
        var scheduler = new PlacementScheduler();
        var cluster = new PlacementControllers<ClusterResourcePlacement, ClusterSchedulingPolicySnapshot, ClusterResourceBinding>(
            PlacementScopes.Cluster, Informers, clusters, scheduler, placementEvents, schedulerEvents, _options);
        var namespaced = new PlacementControllers<ResourcePlacement, SchedulingPolicySnapshot, ResourceBinding>(
            PlacementScopes.Namespaced, Informers, clusters, scheduler, placementEvents, schedulerEvents, _options);

        // A cluster that leaves for good may free PickN/PickFixed placements of every scope; one that changes may let
        // placements gain clusters (placement spec §3.1).
        clusters.AddEventHandler(
            onUpdate: (old, current) =>
            {
                if (SchedulerTriggers.MayGainClusters(old, current, _options.Time.GetUtcNow()))
                {
                    cluster.EnqueueUnfulfilled();
                    namespaced.EnqueueUnfulfilled();
                }
            },
            onDelete: _ =>
            {
                cluster.EnqueueAll();
                namespaced.EnqueueAll();
            });
        return [.. cluster.Runners, .. namespaced.Runners];
    }
}

/// <summary>The placement controller and scheduler runner of one scope, with their informers and triggers.</summary>
internal sealed class PlacementControllers<TPlacement, TSnapshot, TBinding>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    private readonly SharedInformer<TPlacement> _placements;
    private readonly WorkQueue<NamespacedName> _schedulerQueue;

    public PlacementControllers(
        PlacementScope<TPlacement, TSnapshot, TBinding> scope, SharedInformerFactory informers, SharedInformer<MemberCluster> clusters,
        PlacementScheduler scheduler, IEventRecorder placementEvents, IEventRecorder schedulerEvents, HubControllerOptions options)
    {
        _placements = informers.For(scope.PlacementMapping, scope.PlacementJson);
        var snapshots = informers.For(scope.SnapshotMapping, scope.SnapshotJson);
        var bindings = informers.For(scope.BindingMapping, scope.BindingJson);
        var loggers = options.LoggerFactory;

        var placementController = new Controller<NamespacedName>($"placement-{scope.ShortName}",
            new PlacementReconciler<TPlacement, TSnapshot, TBinding>(scope, options.Client, _placements.Lister, snapshots.Lister, placementEvents, options.Time,
                loggers.CreateLogger(typeof(PlacementReconciler<,,>).FullName!)),
            new ControllerOptions { Workers = options.PlacementWorkers, Time = options.Time, LoggerFactory = loggers });
        var schedulerController = new Controller<NamespacedName>($"scheduler-{scope.ShortName}",
            new SchedulerReconciler<TPlacement, TSnapshot, TBinding>(scope, options.Client, _placements.Lister, snapshots.Lister, clusters.Lister,
                scheduler, schedulerEvents, options.Time, loggers.CreateLogger(typeof(SchedulerReconciler<,,>).FullName!)),
            new ControllerOptions { Workers = options.SchedulerWorkers, Time = options.Time, LoggerFactory = loggers });

        var placementQueue = placementController.Queue;
        var schedulerQueue = schedulerController.Queue;
        _schedulerQueue = schedulerQueue;
        _placements.AddEventHandler(
            onAdd: p =>
            {
                placementQueue.Add(PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(p));
                if (p.Metadata.IsDeleting && p.Metadata.HasFinalizer(PlacementApi.SchedulerCleanupFinalizer))
                {
                    schedulerQueue.AddRateLimited(PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(p));
                }
            },
            onUpdate: (old, current) =>
            {
                var key = PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(current);
                if (old.Metadata.Generation != current.Metadata.Generation || old.Metadata.IsDeleting != current.Metadata.IsDeleting
                    || !(old.Metadata.Finalizers ?? []).SequenceEqual(current.Metadata.Finalizers ?? []))
                {
                    placementQueue.Add(key);
                }
                if (current.Metadata.IsDeleting && current.Metadata.HasFinalizer(PlacementApi.SchedulerCleanupFinalizer))
                {
                    schedulerQueue.AddRateLimited(key);
                }
            });

        snapshots.AddEventHandler(
            onAdd: s => EnqueueParent(schedulerQueue, s.Metadata),
            onUpdate: (old, current) =>
            {
                // The scheduler wrote the status: the placement's Scheduled condition follows it.
                EnqueueParent(placementQueue, current.Metadata);
                if (SchedulerTriggers.PolicySnapshotChanged(old.Metadata, current.Metadata))
                {
                    EnqueueParent(schedulerQueue, current.Metadata);
                }
            });

        bindings.AddEventHandler(
            onAdd: b => EnqueueDeletingBinding(schedulerQueue, b),
            onUpdate: (_, current) => EnqueueDeletingBinding(schedulerQueue, current));

        Runners =
        [
            new CacheSyncedController<NamespacedName>(placementController, [_placements, snapshots], options.CacheSyncTimeout, options.Time, loggers),
            new CacheSyncedController<NamespacedName>(schedulerController, [_placements, snapshots, bindings, clusters], options.CacheSyncTimeout, options.Time, loggers),
        ];
    }

    public IReadOnlyList<IHostedService> Runners { get; }

    /// <summary>A MemberCluster is gone: every placement may have to replace it.</summary>
    public void EnqueueAll()
    {
        foreach (var placement in _placements.Lister.List())
        {
            _schedulerQueue.Add(PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(placement));
        }
    }

    /// <summary>
    /// A cluster changed so that placements may gain it: PickAll placements always, PickN and PickFixed ones only
    /// while their Scheduled condition is not True for their generation.
    /// </summary>
    public void EnqueueUnfulfilled()
    {
        foreach (var placement in _placements.Lister.List())
        {
            var type = placement.Spec.Policy?.PlacementType ?? PlacementType.PickAll;
            var fulfilled = Conditions.IsTrueAt(placement.Status?.Conditions,
                PlacementConditionType.For(placement.Metadata.Namespace is not { Length: > 0 }, PerClusterConditionType.Scheduled),
                placement.Metadata.Generation ?? 0);
            if (type == PlacementType.PickAll || !fulfilled)
            {
                _schedulerQueue.Add(PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(placement));
            }
        }
    }

    private static void EnqueueParent(WorkQueue<NamespacedName> queue, ObjectMeta meta)
    {
        if (PlacementScope<TPlacement, TSnapshot, TBinding>.ParentKey(meta) is { } key)
        {
            queue.Add(key);
        }
    }

    private static void EnqueueDeletingBinding(WorkQueue<NamespacedName> queue, TBinding binding)
    {
        if (binding.Metadata.IsDeleting && binding.Metadata.HasFinalizer(PlacementApi.SchedulerBindingCleanupFinalizer)
            && PlacementScope<TPlacement, TSnapshot, TBinding>.ParentKey(binding.Metadata) is { } key)
        {
            queue.AddRateLimited(key);
        }
    }
}

/// <summary>Which changes re-run the scheduler (placement spec §2.1, §3.1).</summary>
internal static class SchedulerTriggers
{
    /// <summary>A policy snapshot's <c>number-of-clusters</c> or <c>CRP-generation</c> changed, or it became the latest again.</summary>
    public static bool PolicySnapshotChanged(ObjectMeta old, ObjectMeta current) =>
        old.Annotation(PlacementApi.NumberOfClustersAnnotation) != current.Annotation(PlacementApi.NumberOfClustersAnnotation)
        || old.Annotation(PlacementApi.PlacementGenerationAnnotation) != current.Annotation(PlacementApi.PlacementGenerationAnnotation)
        || (!PolicySnapshots.IsLatest(old) && PolicySnapshots.IsLatest(current));

    /// <summary>
    /// A MemberCluster update after which placements may gain the cluster: labels changed; an existing taint removed
    /// or modified (added taints cannot let anything in); a property value, the namespaces or the resource usage
    /// changed (observation times alone do not count); or the cluster became eligible.
    /// </summary>
    public static bool MayGainClusters(MemberCluster old, MemberCluster current, DateTimeOffset now)
    {
        if (current.Metadata.IsDeleting)
        {
            return false;
        }
        if (!SameMap(old.Metadata.Labels, current.Metadata.Labels))
        {
            return true;
        }
        var newTaints = current.Spec.Taints ?? [];
        if ((old.Spec.Taints ?? []).Any(t => !newTaints.Any(n => n.Key == t.Key && n.Value == t.Value && n.Effect == t.Effect)))
        {
            return true;
        }
        var oldStatus = old.Status;
        var newStatus = current.Status;
        if (!SameMap(oldStatus?.Properties?.ToDictionary(p => p.Key, p => p.Value.Value), newStatus?.Properties?.ToDictionary(p => p.Key, p => p.Value.Value))
            || !SameMap(oldStatus?.Namespaces, newStatus?.Namespaces)
            || !SameMap(oldStatus?.ResourceUsage?.Capacity, newStatus?.ResourceUsage?.Capacity)
            || !SameMap(oldStatus?.ResourceUsage?.Allocatable, newStatus?.ResourceUsage?.Allocatable)
            || !SameMap(oldStatus?.ResourceUsage?.Available, newStatus?.ResourceUsage?.Available))
        {
            return true;
        }
        return SchedulingViews.Of(old).IneligibleReason(now) is not null && SchedulingViews.Of(current).IneligibleReason(now) is null;
    }

    private static bool SameMap(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(pair => b!.TryGetValue(pair.Key, out var value) && value == pair.Value));
}
