using Flotilla.Api.Cluster;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Hub.Placement;
using Flotilla.Runtime.Events;
using Flotilla.Scheduler;
using Microsoft.Extensions.Hosting;

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

        // A cluster gone for good: every placement may have to replace it. A cluster that changed may let placements
        // gain it (placement spec §3.1).
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
