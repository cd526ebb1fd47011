using System.Diagnostics;
using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;

namespace Flotilla.LoadTest;

/// <summary>
/// Watches ClusterResourcePlacements through an informer of the load test's own and stamps, per placement, when each
/// cluster first showed <c>Available</c> True in <c>status.placementStatuses</c> and when the placement's
/// <c>ClusterResourcePlacementAvailable</c> first became True (at the placement's generation).
/// </summary>
/// <remarks>
/// Stamps are taken on the event's arrival, before anything else is done with it, so they include the watch's own
/// delivery (milliseconds: see informer-lag) and nothing of the bookkeeping.
/// </remarks>
internal sealed class PlacementObserver : IAsyncDisposable
{
    private static readonly string PlacementAvailable = PlacementConditionType.For(clusterScoped: true, PerClusterConditionType.Available);

    private readonly SharedInformerFactory _factory;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, PlacementTimes> _placements = new(StringComparer.Ordinal);

    private PlacementObserver(SharedInformerFactory factory) => _factory = factory;

    /// <summary>Starts watching the placements matching <paramref name="labelSelector"/>; returns once the informer has listed them.</summary>
    public static async Task<PlacementObserver> StartAsync(KubernetesClient client, string labelSelector, CancellationToken cancellationToken)
    {
        var factory = new SharedInformerFactory(client);
        var observer = new PlacementObserver(factory);
        var informer = factory.For(PlacementMappings.Placements, labelSelector: labelSelector);
        informer.AddEventHandler(onAdd: observer.Observe, onUpdate: (_, current) => observer.Observe(current));
        factory.Start();
        await factory.WaitForCacheSyncAsync(cancellationToken).ConfigureAwait(false);
        return observer;
    }

    /// <summary>Records the moment just before the create call of <paramref name="name"/>: every latency is measured from it.</summary>
    public void Creating(string name, long timestamp)
    {
        lock (_lock)
        {
            Times(name).Created = timestamp;
        }
    }

    /// <summary>How many placements whose name starts with <paramref name="prefix"/> are Available.</summary>
    public int AvailableWithPrefix(string prefix)
    {
        lock (_lock)
        {
            return _placements.Count(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Value.Available != 0);
        }
    }

    /// <summary>A copy of what has been seen of <paramref name="name"/> so far.</summary>
    public PlacementTimes Snapshot(string name)
    {
        lock (_lock)
        {
            return Times(name).Copy();
        }
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private void Observe(JsonObject placement)
    {
        var now = Stopwatch.GetTimestamp();
        var name = placement.Name();
        var generation = placement.At("metadata", "generation")?.GetValue<long>() ?? 0;
        lock (_lock)
        {
            var times = Times(name);
            if (placement.At("status", "placementStatuses") is JsonArray perCluster)
            {
                foreach (var entry in perCluster.OfType<JsonObject>())
                {
                    if (entry.GetString("clusterName") is { Length: > 0 } cluster && !times.ClusterAvailable.ContainsKey(cluster)
                        && IsTrue(entry["conditions"] as JsonArray, PerClusterConditionType.Available, generation: null))
                    {
                        times.ClusterAvailable[cluster] = now;
                    }
                }
            }
            if (times.Available == 0 && IsTrue(placement.At("status", "conditions") as JsonArray, PlacementAvailable, generation))
            {
                times.Available = now;
            }
        }
    }

    private static bool IsTrue(JsonArray? conditions, string type, long? generation) =>
        conditions is not null && conditions.OfType<JsonObject>().Any(c =>
            c.GetString("type") == type && c.GetString("status") == "True"
            && (generation is null || c["observedGeneration"]?.GetValue<long>() == generation));

    private PlacementTimes Times(string name)
    {
        if (!_placements.TryGetValue(name, out var times))
        {
            times = new PlacementTimes();
            _placements[name] = times;
        }
        return times;
    }
}

/// <summary>Stopwatch timestamps of one placement (0: not yet).</summary>
internal sealed class PlacementTimes
{
    public long Created { get; set; }

    /// <summary>When ClusterResourcePlacementAvailable first became True.</summary>
    public long Available { get; set; }

    /// <summary>Per cluster: when its Available condition first showed True.</summary>
    public Dictionary<string, long> ClusterAvailable { get; } = new(StringComparer.Ordinal);

    public PlacementTimes Copy()
    {
        var copy = new PlacementTimes { Created = Created, Available = Available };
        foreach (var (cluster, at) in ClusterAvailable)
        {
            copy.ClusterAvailable[cluster] = at;
        }
        return copy;
    }
}

/// <summary>The hub resources the scenario creates and watches.</summary>
internal static class PlacementMappings
{
    public static readonly ResourceMapping Placements = CustomResourceMappings.Of<ClusterResourcePlacement>();
    public static readonly ResourceMapping PolicySnapshots = CustomResourceMappings.Of<ClusterSchedulingPolicySnapshot>();
    public static readonly ResourceMapping ResourceSnapshots = CustomResourceMappings.Of<ClusterResourceSnapshot>();
    public static readonly ResourceMapping Bindings = CustomResourceMappings.Of<ClusterResourceBinding>();
    public static readonly ResourceMapping Works = CustomResourceMappings.Of<Work>();
    public static readonly ResourceMapping MemberClusters = CustomResourceMappings.Of<MemberCluster>();
    public static readonly ResourceMapping AppliedWorks = CustomResourceMappings.Of<AppliedWork>();
    public static readonly ResourceMapping Events = new("", "v1", "events", "Event", namespaced: true);
    public static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    public static readonly ResourceMapping ConfigMaps = new("", "v1", "configmaps", "ConfigMap", namespaced: true);
    public static readonly ResourceMapping Secrets = new("", "v1", "secrets", "Secret", namespaced: true);
    public static readonly ResourceMapping ServiceAccounts = new("", "v1", "serviceaccounts", "ServiceAccount", namespaced: true);
    public static readonly ResourceMapping Roles = new("rbac.authorization.k8s.io", "v1", "roles", "Role", namespaced: true);
    public static readonly ResourceMapping RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", namespaced: true);
}
