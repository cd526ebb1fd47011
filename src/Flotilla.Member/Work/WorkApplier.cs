using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Member.Membership;
using Flotilla.Runtime.Controllers;
using Microsoft.Extensions.Logging;

using NamespacedName = Flotilla.Runtime.NamespacedName;
using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Member.Work;

/// <summary>
/// The member agent's work applier (placement spec §5.4–§5.9): watches the Works in the member's hub namespace and
/// applies them to the member cluster. Started by the first join; a leave stops applying and releases the Works'
/// finalizers, leaving what was applied in place.
/// </summary>
internal sealed class WorkApplier : IMemberWorkApplier, IAsyncDisposable
{
    private readonly SharedInformer<WorkObject> _works;
    private readonly ResourceClient<WorkObject> _hubWorks;
    private readonly CacheSyncedController<NamespacedName> _controller;
    private readonly Lock _startLock = new();
    private Task? _started;
    private volatile bool _joined;

    public WorkApplier(string workNamespace, SharedInformerFactory hubInformers, SharedInformerFactory memberInformers, KubernetesClient hub, KubernetesClient member,
        int workers, TimeSpan cacheSyncTimeout, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _works = hubInformers.For(CustomResourceMappings.Of<WorkObject>(), PlacementJsonContext.Default.Work, workNamespace);
        _hubWorks = hub.Resource(CustomResourceMappings.Of<WorkObject>(), PlacementJsonContext.Default.Work).InNamespace(workNamespace);
        AppliedObjectWatch? appliedObjects = null;
        var reconciler = new WorkApplierReconciler(_works.Lister, _hubWorks, member, new ReprocessBackoff(), () => _joined,
            mapping => appliedObjects!.Watch(mapping), time, loggerFactory.CreateLogger(typeof(WorkApplierReconciler).FullName!));
        var controller = new Controller<NamespacedName>("work-applier", reconciler, new ControllerOptions
        {
            Workers = workers,
            Time = time,
            LoggerFactory = loggerFactory,
        });
        var queue = controller.Queue;
        appliedObjects = new AppliedObjectWatch(memberInformers, workNamespace, queue);
        // Spec changes and deletions; the applier's own status writes do not bring a Work back early, its cadence does.
        _works.AddEventHandler(
            onAdd: w => queue.Add(KeyOf(w)),
            onUpdate: (old, current) =>
            {
                if (old.Metadata.Generation != current.Metadata.Generation || old.Metadata.IsDeleting != current.Metadata.IsDeleting)
                {
                    queue.Add(KeyOf(current));
                }
            },
            onDelete: deleted => queue.Add(KeyOf(deleted.Object)));
        _controller = new CacheSyncedController<NamespacedName>(controller, [_works], cacheSyncTimeout, time, loggerFactory);
    }

    /// <inheritdoc />
    public async Task JoinAsync(CancellationToken cancellationToken)
    {
        Task start;
        var rejoined = false;
        lock (_startLock)
        {
            rejoined = !_joined && _started is not null;
            _joined = true;
            _started ??= _controller.StartAsync(CancellationToken.None);
            start = _started;
        }
        await start.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (rejoined)
        {
            foreach (var work in _works.Lister.List())
            {
                _controller.Controller.Queue.Add(KeyOf(work));
            }
        }
    }

    /// <inheritdoc />
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        _joined = false;
        // Read from the hub: the cache may not have started (a member that leaves before it ever joined).
        var works = await _hubWorks.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        foreach (var work in works.Items.Where(w => w.Metadata.HasFinalizer(PlacementApi.WorkCleanupFinalizer)))
        {
            var finalizers = (work.Metadata.Finalizers ?? []).Where(f => f != PlacementApi.WorkCleanupFinalizer).Select(f => (JsonNode)f);
            await _hubWorks.PatchAsync(work.Metadata.Name!, Patch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray([.. finalizers]) },
            }), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _controller.DisposeAsync();

    private static NamespacedName KeyOf(WorkObject work) => new(work.Metadata.Namespace ?? "", work.Metadata.Name ?? "");
}
