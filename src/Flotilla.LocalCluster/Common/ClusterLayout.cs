using System.Globalization;

namespace Flotilla.LocalCluster.Common;

/// <summary>One node of the layout: its name, address, pod block and zone.</summary>
internal sealed record NodeLayout(int Index, string Name, string Address, Ipv4Cidr PodCidr, string? Zone);

/// <summary>
/// The cluster's shape, derived once from <see cref="LocalClusterOptions"/>: node names, node addresses, each
/// node's block of the pod range, and the sizes every node reports.
/// </summary>
internal sealed class ClusterLayout
{
    private readonly Dictionary<string, NodeLayout> _byName;

    private ClusterLayout(LocalClusterOptions options, List<NodeLayout> nodes)
    {
        Options = options;
        Nodes = nodes;
        _byName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        CpuMillis = Quantities.Milli(Quantities.Parse(options.NodeCpu, nameof(options.NodeCpu)));
        MemoryBytes = Quantities.Units(Quantities.Parse(options.NodeMemory, nameof(options.NodeMemory)));
        StorageBytes = Quantities.Units(Quantities.Parse(options.NodeEphemeralStorage, nameof(options.NodeEphemeralStorage)));
    }

    public LocalClusterOptions Options { get; }

    public IReadOnlyList<NodeLayout> Nodes { get; }

    public long CpuMillis { get; }

    public long MemoryBytes { get; }

    public long StorageBytes { get; }

    public NodeLayout? Find(string nodeName) => _byName.GetValueOrDefault(nodeName);

    public static ClusterLayout From(LocalClusterOptions options)
    {
        var pods = Ipv4Cidr.Parse(options.EffectivePodCidr, nameof(options.PodCidr));
        var addresses = Ipv4Cidr.Parse(options.EffectiveNodeAddressCidr, nameof(options.NodeAddressCidr));
        // Each node gets an equal power-of-two block of the pod range: a /24 when the range is large enough,
        // smaller otherwise, as long as a block still leaves room for pods.
        var nodeBits = 0;
        while (1 << nodeBits < options.NodeCount)
        {
            nodeBits++;
        }
        var nodePrefix = Math.Max(24, pods.Prefix + nodeBits);
        if (nodePrefix > 29 || pods.Prefix + nodeBits > 32)
        {
            throw new ArgumentException($"{nameof(options.PodCidr)}: {pods} is too small for {options.NodeCount} nodes; give each node at least a /29 (e.g. a /16 for up to 256 nodes).");
        }
        if (addresses.Size - 2 < options.NodeCount)
        {
            throw new ArgumentException($"{nameof(options.NodeAddressCidr)}: {addresses} has room for {Math.Max(0, addresses.Size - 2)} node addresses, not {options.NodeCount}.");
        }
        var zones = options.Zones is { Count: > 0 } z ? z : null;
        var nodes = new List<NodeLayout>(options.NodeCount);
        for (var i = 0; i < options.NodeCount; i++)
        {
            nodes.Add(new NodeLayout(
                i,
                string.Create(CultureInfo.InvariantCulture, $"{options.ClusterName}-node-{i}"),
                Ipv4Cidr.Format((uint)(addresses.First + i + 1)),
                pods.Subnet(nodePrefix, i),
                zones?[i % zones.Count]));
        }
        return new ClusterLayout(options, nodes);
    }
}
