using Flotilla.Api.Cluster;
using Flotilla.Client.Discovery;
using Flotilla.Client.Informers;
using Flotilla.Client;
using Flotilla.Hub.Membership;
using Flotilla.Hub.Placement;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Flotilla.Runtime;
using Microsoft.Extensions.Hosting;

namespace Flotilla.Hub;

/// <summary>
/// The hub agent's controllers in one component: builds the shared informers of the hub and registers every hub
/// controller with one <see cref="ControllerManager"/>, so a composition root starts "the hub controllers" with
/// <see cref="StartAsync"/> and stops them with <see cref="StopAsync"/> or <see cref="DisposeAsync"/>.
/// </summary>
/// <remarks>
/// The MemberCluster controller (placement spec §8.1, §8.5), and for ClusterResourcePlacements and ResourcePlacements
/// the placement controller (snapshots and status; §2, §7), the scheduler runner (bindings; §3), the rollout
/// controller (§4) and the work generator (Works; §5.1–§5.3). The fleet CRDs must be installed on the hub before starting; <see cref="StartAsync"/>
/// checks and says so otherwise.
/// </remarks>
public sealed partial class HubControllers : IHostedService, IAsyncDisposable
{
    private readonly HubControllerOptions _options;
    private readonly ControllerManager _manager;
    private readonly List<EventRecorder> _ownedRecorders = [];
    private int _disposed;

    /// <summary>Builds the informers and controllers; nothing talks to the hub until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public HubControllers(HubControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Informers = new SharedInformerFactory(options.Client, options.Informers ?? new InformerOptions { Time = options.Time, LoggerFactory = options.LoggerFactory });
        _manager = new ControllerManager(
        [
            MemberClusterController(RecorderFor("membercluster-controller")),
            .. PlacementControllers(RecorderFor("placement-controller"), RecorderFor("scheduler")),
            .. NetworkingControllers(RecorderFor("hub-net-controller-manager")),
        ]);
    }

    /// <summary>The hub's shared informers, for controllers added alongside these.</summary>
    public SharedInformerFactory Informers { get; }

    /// <summary>
    /// Checks that the hub serves the fleet's cluster and placement APIs, then starts the informers and, once their
    /// caches have synced, every controller. Returns once they run.
    /// </summary>
    /// <exception cref="InvalidOperationException">A CRD the controllers watch (member clusters, placements, snapshots, bindings, Works) is not installed on the hub.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ResourceMapping[] required =
        [
            CustomResourceMappings.Of<MemberCluster>(), CustomResourceMappings.Of<InternalMemberCluster>(),
            PlacementScopes.Cluster.PlacementMapping, PlacementScopes.Cluster.SnapshotMapping, PlacementScopes.Cluster.BindingMapping,
            PlacementScopes.Namespaced.PlacementMapping, PlacementScopes.Namespaced.SnapshotMapping, PlacementScopes.Namespaced.BindingMapping,
            PlacementScopes.Cluster.ResourceSnapshotMapping, PlacementScopes.Namespaced.ResourceSnapshotMapping, CustomResourceMappings.Of<Api.Placement.Work>(),
        ];
        foreach (var mapping in required)
        {
            try
            {
                await _options.Client.Mapper.MappingForAsync(mapping.Resource, cancellationToken).ConfigureAwait(false);
            }
            catch (NoResourceMatchException e)
            {
                throw new InvalidOperationException(
                    $"The hub does not serve {mapping.QualifiedResource} ({e.Message}); install the fleet CRDs on the hub before starting the hub controllers.", e);
            }
        }
        await _manager.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops every controller, letting in-flight reconciles finish until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _manager.StopAsync(cancellationToken);

    /// <summary>Stops the controllers at once, then the informers and the event recorder it made.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _manager.DisposeAsync().ConfigureAwait(false);
        await Informers.DisposeAsync().ConfigureAwait(false);
        foreach (var recorder in _ownedRecorders)
        {
            await recorder.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The recorder of one component (the Event's source, as upstream's hub agent names its controllers): the injected
    /// <see cref="HubControllerOptions.EventRecorder"/>, or one of its own writing to the hub.
    /// </summary>
    private IEventRecorder RecorderFor(string component)
    {
        if (_options.EventRecorder is { } injected)
        {
            return injected;
        }
        var recorder = new EventRecorder(_options.Client, new EventRecorderOptions
        {
            Component = component,
            Time = _options.Time,
            LoggerFactory = _options.LoggerFactory,
        });
        _ownedRecorders.Add(recorder);
        return recorder;
    }

    /// <summary>
    /// MemberClusters, their IMCs (by owner reference) and their namespaces (fleet-labelled, by owner reference) feed
    /// one queue of MemberCluster names.
    /// </summary>
    private CacheSyncedController<NamespacedName> MemberClusterController(IEventRecorder events)
    {
        var options = _options;
        var clusters = Informers.For(CustomResourceMappings.Of<MemberCluster>(), ClusterJsonContext.Default.MemberCluster);
        var imcs = Informers.For(CustomResourceMappings.Of<InternalMemberCluster>(), ClusterJsonContext.Default.InternalMemberCluster);
        var namespaces = Informers.For(HubMappings.Namespaces, labelSelector: $"{ClusterApi.FleetResourceLabel}=true");
        var reconciler = new MemberClusterReconciler(
            options.Client, clusters.Lister, imcs.Lister, namespaces.Lister, events, options.MemberClusters, options.Time,
            options.LoggerFactory.CreateLogger(typeof(MemberClusterReconciler).FullName!));
        var controller = new Controller<NamespacedName>("membercluster", reconciler, new ControllerOptions
        {
            Workers = options.MemberClusters.Workers,
            Time = options.Time,
            LoggerFactory = options.LoggerFactory,
        });
        clusters.AddEventHandler(
            onAdd: mc => controller.Queue.Add(NamespacedName.ClusterScoped(mc.Metadata.Name!)),
            onUpdate: (old, current) =>
            {
                if (WorthReconciling(old, current))
                {
                    controller.Queue.Add(NamespacedName.ClusterScoped(current.Metadata.Name!));
                }
            },
            onDelete: deleted => controller.Queue.Add(NamespacedName.ClusterScoped(deleted.Object.Metadata.Name!)));
        controller.Queue.EnqueueMapped(imcs, OwningMemberClusters);
        controller.Queue.EnqueueOwners(namespaces, CustomResourceMappings.Of<MemberCluster>());
        return new CacheSyncedController<NamespacedName>(controller, [clusters, imcs, namespaces], options.CacheSyncTimeout, options.Time, options.LoggerFactory);
    }

    /// <summary>
    /// Everything but the controller's own status writes (which would only make it compare what it just wrote): spec
    /// changes, label, finalizer and deletion changes, and resyncs.
    /// </summary>
    private static bool WorthReconciling(MemberCluster old, MemberCluster current) =>
        ReferenceEquals(old, current)
        || old.Metadata.Generation != current.Metadata.Generation
        || old.Metadata.DeletionTimestamp != current.Metadata.DeletionTimestamp
        || old.Metadata.Uid != current.Metadata.Uid
        || !Maps.SameEntries(old.Metadata.Labels, current.Metadata.Labels)
        || !(old.Metadata.Finalizers ?? []).SequenceEqual(current.Metadata.Finalizers ?? []);

    private static IEnumerable<NamespacedName> OwningMemberClusters(InternalMemberCluster imc) =>
        (imc.Metadata.OwnerReferences ?? [])
            .Where(o => o.Kind == "MemberCluster" && o.ApiVersion.StartsWith(ClusterApi.Group + "/", StringComparison.Ordinal))
            .Select(o => NamespacedName.ClusterScoped(o.Name));
}
