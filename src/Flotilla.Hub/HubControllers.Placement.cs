using Flotilla.Api.Cluster;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Hub.Placement;
using Flotilla.Hub.Placement.Resources;
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
        var resources = new HubResourceCache(_options.Client, Informers, ApiResourceConfig.Default(), _options.CacheSyncTimeout);
        var scheduler = new PlacementScheduler();
        var cluster = new PlacementControllers<ClusterResourcePlacement, ClusterSchedulingPolicySnapshot, ClusterResourceBinding>(
            PlacementScopes.Cluster, Informers, clusters, resources, scheduler, placementEvents, schedulerEvents, _options);
        var namespaced = new PlacementControllers<ResourcePlacement, SchedulingPolicySnapshot, ResourceBinding>(
            PlacementScopes.Namespaced, Informers, clusters, resources, scheduler, placementEvents, schedulerEvents, _options);

        // A selected resource changed: the placements that may select it snapshot their resources again.
        resources.Changed += obj =>
        {
            cluster.EnqueueSelecting(obj);
            namespaced.EnqueueSelecting(obj);
        };

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
        // The resource caches sync before the controllers that read them start.
        return [resources, .. cluster.Runners, .. namespaced.Runners];
    }
}
