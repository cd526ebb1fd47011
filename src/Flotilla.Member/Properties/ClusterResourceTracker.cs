using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;

namespace Flotilla.Member.Properties;

/// <summary>One node as the providers see it.</summary>
internal sealed record NodeResources(string Name, string? InstanceType, Quantity CapacityCpu, Quantity CapacityMemory);

/// <summary>The member cluster's nodes and their resources at one moment.</summary>
internal sealed record ClusterResources(
    IReadOnlyList<NodeResources> Nodes,
    Quantity CapacityCpu, Quantity CapacityMemory,
    Quantity AllocatableCpu, Quantity AllocatableMemory,
    Quantity AvailableCpu, Quantity AvailableMemory)
{
    public Dictionary<string, string> Capacity => new() { ["cpu"] = CapacityCpu.ToString(), ["memory"] = CapacityMemory.ToString() };

    public Dictionary<string, string> Allocatable => new() { ["cpu"] = AllocatableCpu.ToString(), ["memory"] = AllocatableMemory.ToString() };

    public Dictionary<string, string> Available => new() { ["cpu"] = AvailableCpu.ToString(), ["memory"] = AvailableMemory.ToString() };
}

/// <summary>
/// Sums the member cluster's nodes and pods from informers: capacity and allocatable are the sums over nodes;
/// available is allocatable minus the requests of every pod scheduled to a node and not yet terminal (Succeeded or
/// Failed), floored at zero.
/// </summary>
internal sealed class ClusterResourceTracker
{
    public const string InstanceTypeLabel = "node.kubernetes.io/instance-type";

    /// <summary>The label's older name, still set by some clusters.</summary>
    public const string BetaInstanceTypeLabel = "beta.kubernetes.io/instance-type";

    private static readonly ResourceMapping Nodes = new("", "v1", "nodes", "Node", namespaced: false);
    private static readonly ResourceMapping Pods = new("", "v1", "pods", "Pod", namespaced: true);

    private readonly SharedInformer<JsonObject> _nodes;
    private readonly SharedInformer<JsonObject> _pods;

    public ClusterResourceTracker(SharedInformerFactory informers)
    {
        _nodes = informers.For(Nodes);
        _pods = informers.For(Pods);
    }

    public void Start()
    {
        _nodes.Start();
        _pods.Start();
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(_nodes.WaitForCacheSyncAsync(cancellationToken), _pods.WaitForCacheSyncAsync(cancellationToken));

    public ClusterResources Snapshot()
    {
        var nodes = new List<NodeResources>();
        Quantity capacityCpu = Quantity.Zero, capacityMemory = Quantity.Zero, allocatableCpu = Quantity.Zero, allocatableMemory = Quantity.Zero;
        foreach (var node in _nodes.Lister.List().OrderBy(n => n.Name(), StringComparer.Ordinal))
        {
            var capacity = node.At("status", "capacity") as JsonObject;
            var allocatable = node.At("status", "allocatable") as JsonObject;
            var cpu = Parse(capacity, "cpu");
            var memory = Parse(capacity, "memory");
            capacityCpu += cpu;
            capacityMemory += memory;
            allocatableCpu += Parse(allocatable, "cpu");
            allocatableMemory += Parse(allocatable, "memory");
            var labels = node.Labels();
            var instanceType = labels?.GetString(InstanceTypeLabel) ?? labels?.GetString(BetaInstanceTypeLabel);
            nodes.Add(new NodeResources(node.Name(), instanceType, cpu, memory));
        }
        Quantity requestedCpu = Quantity.Zero, requestedMemory = Quantity.Zero;
        foreach (var pod in _pods.Lister.List())
        {
            if (string.IsNullOrEmpty((pod["spec"] as JsonObject)?.GetString("nodeName")) || (pod["status"] as JsonObject)?.GetString("phase") is "Succeeded" or "Failed")
            {
                continue;
            }
            foreach (var container in (pod.At("spec", "containers") as JsonArray ?? []).OfType<JsonObject>())
            {
                var requests = container.At("resources", "requests") as JsonObject;
                requestedCpu += Parse(requests, "cpu");
                requestedMemory += Parse(requests, "memory");
            }
        }
        // Differences keep the allocatable's format (upstream's Sub), however the requests were written.
        return new ClusterResources(
            nodes, capacityCpu, capacityMemory, allocatableCpu, allocatableMemory,
            new Quantity(allocatableCpu.Value - requestedCpu.Value, allocatableCpu.Format).AtLeastZero(),
            new Quantity(allocatableMemory.Value - requestedMemory.Value, allocatableMemory.Format).AtLeastZero());
    }

    /// <summary>A resource of a ResourceList; zero when absent or not a quantity (as a malformed value contributes nothing).</summary>
    private static Quantity Parse(JsonObject? resources, string name) =>
        Quantity.TryParse(resources?.GetString(name), out var quantity) ? quantity : Quantity.Zero;
}
