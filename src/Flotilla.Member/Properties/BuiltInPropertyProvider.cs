using System.Globalization;
using Flotilla.Api.Cluster;

namespace Flotilla.Member.Properties;

/// <summary>
/// The member agent's own collection, used when no provider is configured or the configured one fails to start
/// (placement spec §8.4): <c>kubernetes-fleet.io/node-count</c>, and the resource usage summed over nodes, with
/// available = allocatable − requests of scheduled, non-terminal pods (floored at zero). Reads the member
/// cluster's nodes and pods through informers.
/// </summary>
public sealed class BuiltInPropertyProvider : IPropertyProvider
{
    private ClusterResourceTracker? _tracker;
    private TimeProvider _time = TimeProvider.System;

    /// <inheritdoc />
    public Task StartAsync(PropertyProviderContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _time = context.Time;
        _tracker = new ClusterResourceTracker(context.MemberInformers);
        // The caches fill in the background; a collection waits for them (within its deadline).
        _tracker.Start();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<PropertyCollectionResponse> CollectAsync(CancellationToken cancellationToken)
    {
        var tracker = _tracker ?? throw new InvalidOperationException("The property provider was not started.");
        await tracker.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var resources = tracker.Snapshot();
        return new PropertyCollectionResponse
        {
            Properties = new()
            {
                [PropertyNames.NodeCount] = new PropertyValue { Value = resources.Nodes.Count.ToString(CultureInfo.InvariantCulture), ObservationTime = now },
            },
            Resources = new ResourceUsage
            {
                Capacity = resources.Capacity,
                Allocatable = resources.Allocatable,
                Available = resources.Available,
                ObservationTime = now,
            },
        };
    }
}
