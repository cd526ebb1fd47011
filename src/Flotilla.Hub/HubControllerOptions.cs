using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Membership;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Hub;

/// <summary>What <see cref="HubControllers"/> runs against and how.</summary>
public sealed class HubControllerOptions
{
    /// <summary>The client of the hub API server (ours, or any Kubernetes cluster with the fleet CRDs installed).</summary>
    public required KubernetesClient Client { get; init; }

    /// <summary>The MemberCluster controller's settings (networking agents, force-delete wait time).</summary>
    public MemberClusterControllerOptions MemberClusters { get; init; } = new();

    /// <summary>
    /// Where Events about fleet objects go; default: one <see cref="EventRecorder"/> per controller, named as upstream's
    /// (membercluster-controller, placement-controller, scheduler), writing to the hub through <see cref="Client"/>
    /// (owned and disposed by the controllers).
    /// </summary>
    public IEventRecorder? EventRecorder { get; init; }

    /// <summary>Placement controller workers per placement scope (snapshots and status). Default 4.</summary>
    public int PlacementWorkers { get; init; } = 4;

    /// <summary>Scheduler workers per placement scope: how many placements are scheduled at once. Default 4.</summary>
    public int SchedulerWorkers { get; init; } = 4;

    /// <summary>Rollout controller workers per placement scope. Default 4.</summary>
    public int RolloutWorkers { get; init; } = 4;

    /// <summary>Work generator workers per placement scope: how many bindings have their Works synced at once. Default 8.</summary>
    public int WorkGeneratorWorkers { get; init; } = 8;

    /// <summary>
    /// The least time between two resource snapshots of a placement (upstream's
    /// <c>--resource-snapshot-creation-minimum-interval</c>, default 30 s; zero disables).
    /// </summary>
    public TimeSpan ResourceSnapshotMinimumInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long changes to selected resources are collected before a new snapshot is made (upstream's
    /// <c>--resource-changes-collection-duration</c>, default 15 s; zero disables).
    /// </summary>
    public TimeSpan ResourceChangesCollectionDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Namespaces never propagated, besides kube-*, fleet-* and default (upstream's <c>--skipped-propagating-namespaces</c>).</summary>
    public IReadOnlyCollection<string> SkippedPropagatingNamespaces { get; init; } = [];

    /// <summary>Informer tuning; default: the informer defaults with <see cref="Time"/> and <see cref="LoggerFactory"/>.</summary>
    public InformerOptions? Informers { get; init; }

    /// <summary>How long starting waits for the informers' caches before failing. Default 2 minutes.</summary>
    public TimeSpan CacheSyncTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The clock of every controller: requeues, conditions' transition times, the force-delete wait.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the controllers log.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Client, nameof(Client));
        ArgumentNullException.ThrowIfNull(MemberClusters, nameof(MemberClusters));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CacheSyncTimeout, TimeSpan.Zero, nameof(CacheSyncTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(PlacementWorkers, 1, nameof(PlacementWorkers));
        ArgumentOutOfRangeException.ThrowIfLessThan(SchedulerWorkers, 1, nameof(SchedulerWorkers));
        ArgumentOutOfRangeException.ThrowIfLessThan(RolloutWorkers, 1, nameof(RolloutWorkers));
        ArgumentOutOfRangeException.ThrowIfLessThan(WorkGeneratorWorkers, 1, nameof(WorkGeneratorWorkers));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ResourceSnapshotMinimumInterval, TimeSpan.FromMinutes(5), nameof(ResourceSnapshotMinimumInterval));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ResourceChangesCollectionDuration, TimeSpan.FromMinutes(1), nameof(ResourceChangesCollectionDuration));
        ArgumentNullException.ThrowIfNull(SkippedPropagatingNamespaces, nameof(SkippedPropagatingNamespaces));
        MemberClusters.Validate();
    }
}
