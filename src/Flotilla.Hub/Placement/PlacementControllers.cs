using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement.Resources;
using Flotilla.Hub.Placement.Rollout;
using Flotilla.Hub.Placement.Snapshots;
using Flotilla.Hub.Placement.Work;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Flotilla.Runtime.WorkQueue;
using Flotilla.Scheduler;
using Microsoft.Extensions.Hosting;

using NamespacedName = Flotilla.Runtime.NamespacedName;
using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Placement;

/// <summary>The placement controller and scheduler runner of one scope, with their informers and triggers.</summary>
internal sealed class PlacementControllers<TPlacement, TSnapshot, TBinding>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    private readonly SharedInformer<TPlacement> _placements;
    private readonly WorkQueue<NamespacedName> _schedulerQueue;
    private readonly WorkQueue<NamespacedName> _placementQueue;

    public PlacementControllers(
        PlacementScope<TPlacement, TSnapshot, TBinding> scope, SharedInformerFactory informers, SharedInformer<MemberCluster> clusters,
        HubResourceCache resources, PlacementScheduler scheduler, IEventRecorder placementEvents, IEventRecorder schedulerEvents, HubControllerOptions options)
    {
        _placements = informers.For(scope.PlacementMapping, scope.PlacementJson);
        var snapshots = informers.For(scope.SnapshotMapping, scope.SnapshotJson);
        var bindings = informers.For(scope.BindingMapping, scope.BindingJson);
        var loggers = options.LoggerFactory;

        var placementController = new Controller<NamespacedName>($"placement-{scope.ShortName}",
            new PlacementReconciler<TPlacement, TSnapshot, TBinding>(scope, options.Client, _placements.Lister, snapshots.Lister, bindings.Lister, resources,
                new SnapshotCreationLimits(options.ResourceSnapshotMinimumInterval, options.ResourceChangesCollectionDuration),
                new HashSet<string>(options.SkippedPropagatingNamespaces, StringComparer.Ordinal), placementEvents, options.Time,
                loggers.CreateLogger(typeof(PlacementReconciler<,,>).FullName!)),
            new ControllerOptions { Workers = options.PlacementWorkers, Time = options.Time, LoggerFactory = loggers });
        var schedulerController = new Controller<NamespacedName>($"scheduler-{scope.ShortName}",
            new SchedulerReconciler<TPlacement, TSnapshot, TBinding>(scope, options.Client, _placements.Lister, snapshots.Lister, clusters.Lister,
                scheduler, schedulerEvents, options.Time, loggers.CreateLogger(typeof(SchedulerReconciler<,,>).FullName!)),
            new ControllerOptions { Workers = options.SchedulerWorkers, Time = options.Time, LoggerFactory = loggers });

        var placementQueue = placementController.Queue;
        var schedulerQueue = schedulerController.Queue;
        _schedulerQueue = schedulerQueue;
        _placementQueue = placementQueue;
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

        var rolloutController = new Controller<NamespacedName>($"rollout-{scope.ShortName}",
            new RolloutReconciler<TPlacement, TSnapshot, TBinding>(scope, options.Client, _placements.Lister, options.Time),
            new ControllerOptions { Workers = options.RolloutWorkers, Time = options.Time, LoggerFactory = loggers });
        var rolloutQueue = rolloutController.Queue;
        var resourceSnapshots = informers.For(scope.ResourceSnapshotMapping);

        var works = informers.For(CustomResourceMappings.Of<WorkObject>(), PlacementJsonContext.Default.Work);
        var workGenerator = new Controller<NamespacedName>($"work-generator-{scope.ShortName}",
            new WorkGeneratorReconciler<TPlacement, TSnapshot, TBinding>(scope, options.Client, bindings.Lister, works.Lister, clusters.Lister, options.Time),
            new ControllerOptions { Workers = options.WorkGeneratorWorkers, Time = options.Time, LoggerFactory = loggers });
        var workQueue = workGenerator.Queue;

        bindings.AddEventHandler(
            onAdd: b =>
            {
                EnqueueDeletingBinding(schedulerQueue, b);
                EnqueueParent(rolloutQueue, b.Metadata);
                workQueue.Add(BindingKey(b.Metadata));
            },
            onUpdate: (old, current) =>
            {
                EnqueueDeletingBinding(schedulerQueue, current);
                if (RolloutTriggers.BindingChanged(old, current))
                {
                    EnqueueParent(rolloutQueue, current.Metadata);
                }
                // §5.1: spec changes (generation) and deletion.
                if (old.Metadata.Generation != current.Metadata.Generation || old.Metadata.IsDeleting != current.Metadata.IsDeleting)
                {
                    workQueue.Add(BindingKey(current.Metadata));
                }
                // §7.2: the placement's per-cluster status follows its bindings' conditions and placement details.
                if (WorkTriggers.BindingStatusChanged(old, current))
                {
                    EnqueueParent(placementQueue, current.Metadata);
                }
            });
        // §5.1: a Work's status or its snapshot/override stamps changed, or it was deleted: its binding looks again.
        works.AddEventHandler(
            onUpdate: (old, current) =>
            {
                if (WorkTriggers.WorkChanged(old, current))
                {
                    EnqueueBindingOf(workQueue, current, scope.ClusterScoped);
                }
            },
            onDelete: deleted => EnqueueBindingOf(workQueue, deleted.Object, scope.ClusterScoped));
        // §4.1: a new latest master resource snapshot, or a change of the placement's strategy.
        resourceSnapshots.AddEventHandler(onAdd: s =>
        {
            if (RolloutTriggers.IsLatestMaster(s) && Api.Unstructured.Obj.Labels(s)?[PlacementApi.ParentPlacementLabel]?.GetValue<string>() is { Length: > 0 } parent)
            {
                rolloutQueue.Add(new NamespacedName(Api.Unstructured.Obj.Namespace(s), parent));
            }
        });
        _placements.AddEventHandler(onUpdate: (old, current) =>
        {
            if (RolloutTriggers.StrategyChanged(old.Spec, current.Spec))
            {
                rolloutQueue.Add(PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(current));
            }
        });

        Runners =
        [
            new CacheSyncedController<NamespacedName>(placementController, [_placements, snapshots, bindings], options.CacheSyncTimeout, options.Time, loggers),
            new CacheSyncedController<NamespacedName>(schedulerController, [_placements, snapshots, bindings, clusters], options.CacheSyncTimeout, options.Time, loggers),
            new CacheSyncedController<NamespacedName>(rolloutController, [_placements, bindings, resourceSnapshots], options.CacheSyncTimeout, options.Time, loggers),
            new CacheSyncedController<NamespacedName>(workGenerator, [bindings, works, clusters], options.CacheSyncTimeout, options.Time, loggers),
        ];
    }

    public IReadOnlyList<IHostedService> Runners { get; }

    /// <summary>
    /// A hub object changed: enqueue (for new resource snapshots) the placements that may select it — CRPs selecting its
    /// kind, or any namespace when it is namespaced; RPs of its namespace selecting its kind.
    /// </summary>
    public void EnqueueSelecting(System.Text.Json.Nodes.JsonObject obj)
    {
        var group = Client.GroupVersionKind.FromApiVersion(Api.Unstructured.Obj.GetString(obj, "apiVersion") ?? "", "").Group;
        var kind = Api.Unstructured.Obj.GetString(obj, "kind") ?? "";
        var ns = Api.Unstructured.Obj.Namespace(obj);
        foreach (var placement in _placements.Lister.List())
        {
            var placementNamespace = placement.Metadata.Namespace ?? "";
            if (placementNamespace.Length > 0 && placementNamespace != ns)
            {
                continue;
            }
            var selects = placement.Spec.ResourceSelectors.Any(s =>
                (s.Group == group && s.Kind == kind) || (placementNamespace.Length == 0 && ns.Length > 0 && s.Group.Length == 0 && s.Kind == "Namespace"));
            if (selects)
            {
                _placementQueue.Add(PlacementScope<TPlacement, TSnapshot, TBinding>.KeyOf(placement));
            }
        }
    }

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

    private static NamespacedName BindingKey(ObjectMeta meta) => new(meta.Namespace ?? "", meta.Name ?? "");

    /// <summary>Enqueues the binding a Work belongs to, when it is of this scope (a ResourceBinding's Works name its namespace).</summary>
    private static void EnqueueBindingOf(WorkQueue<NamespacedName> queue, WorkObject work, bool clusterScoped)
    {
        var binding = work.Metadata.Label(PlacementApi.ParentBindingLabel);
        var ns = work.Metadata.Label(PlacementApi.ParentNamespaceLabel);
        if (string.IsNullOrEmpty(binding) || clusterScoped != string.IsNullOrEmpty(ns))
        {
            return;
        }
        queue.Add(new NamespacedName(ns ?? "", binding));
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
