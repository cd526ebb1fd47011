using System.Globalization;
using System.Net;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Flotilla.LocalFleet;

/// <summary>
/// A local fleet's description (<c>flotilla up -f FILE</c>): the hub and each member with its labels, taints, nodes,
/// costs and address ranges. Documented in <c>docs/fleet-file.md</c>.
/// </summary>
public sealed record FleetFile(HubSpec Hub, IReadOnlyList<MemberSpec> Members)
{
    /// <summary>
    /// The fleet when no file is given: <c>member-1</c> and <c>member-2</c> in eastus and <c>member-3</c> in westus,
    /// three 4-CPU/16Gi nodes each.
    /// </summary>
    public static FleetFile Default { get; } = new(new HubSpec(null),
    [
        MemberSpec.Create("member-1", 1, new Dictionary<string, string> { [ClusterApi.LocationLabel] = "eastus" }),
        MemberSpec.Create("member-2", 2, new Dictionary<string, string> { [ClusterApi.LocationLabel] = "eastus" }),
        MemberSpec.Create("member-3", 3, new Dictionary<string, string> { [ClusterApi.LocationLabel] = "westus" }),
    ]);

    /// <summary>Reads a fleet file.</summary>
    /// <exception cref="FleetFileException">Every problem, each with its path (<c>members[1].nodes.memory</c>).</exception>
    public static FleetFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FleetFileException(path, [$"the fleet file {path} does not exist"]);
        }
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses fleet-file YAML; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FleetFileException">Every problem, each with its path.</exception>
    public static FleetFile Parse(string yaml, string source = "fleet file")
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FleetFileException(source, [$"line {e.Start.Line}, column {e.Start.Column}: {e.Message}"]);
        }
        var reader = new FleetFileReader();
        var fleet = stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            ? reader.Fail<FleetFile>("", "the fleet file must be a mapping with a `members` list")
            : reader.Fleet(root);
        return reader.Errors.Count > 0 || fleet is null ? throw new FleetFileException(source, reader.Errors) : fleet;
    }
}

/// <summary>The hub: an optional fixed port (otherwise one is picked on first start and kept).</summary>
public sealed record HubSpec(int? Port);

/// <summary>A member of the local fleet.</summary>
/// <param name="Name">The MemberCluster name (a DNS label of at most 63 characters).</param>
/// <param name="Index">Its position (1-based), which picks its default address ranges.</param>
/// <param name="Labels">MemberCluster labels (e.g. <c>fleet.azure.com/location</c>).</param>
/// <param name="Taints">MemberCluster taints.</param>
/// <param name="Nodes">Its nodes.</param>
/// <param name="PodCidr">Pod IPs (default <c>127.(100+k).0.0/16</c>).</param>
/// <param name="ServiceCidr">Service ClusterIPs (default <c>127.(200+k).0.0/16</c>).</param>
/// <param name="Port">A fixed API server port, or null to pick one on first start and keep it.</param>
public sealed record MemberSpec(
    string Name, int Index, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<Taint> Taints, NodeSpec Nodes, string PodCidr, string ServiceCidr, int? Port)
{
    public static MemberSpec Create(string name, int index, IReadOnlyDictionary<string, string>? labels = null) =>
        new(name, index, labels ?? new Dictionary<string, string>(), [], NodeSpec.Default, DefaultPodCidr(index), DefaultServiceCidr(index), null);

    public static string DefaultPodCidr(int index) => $"127.{100 + index}.0.0/16";

    public static string DefaultServiceCidr(int index) => $"127.{200 + index}.0.0/16";
}

/// <summary>A member's nodes: how many, and what each has.</summary>
/// <param name="Count">Number of nodes.</param>
/// <param name="Cpu">CPU per node.</param>
/// <param name="Memory">Memory per node.</param>
/// <param name="InstanceType">The <c>node.kubernetes.io/instance-type</c> label (an Azure VM size by default).</param>
/// <param name="HourlyCost">Price of one node per hour, for the cost properties; null uses the instance type's list price.</param>
public sealed record NodeSpec(int Count, Quantity Cpu, Quantity Memory, string InstanceType, decimal? HourlyCost)
{
    public static NodeSpec Default { get; } = new(3, Quantity.Parse("4"), Quantity.Parse("16Gi"), "Standard_D4s_v3", null);
}

/// <summary>A fleet file that cannot be used, with every problem found.</summary>
public sealed class FleetFileException(string source, IReadOnlyList<string> errors)
    : Exception($"{source} is invalid:\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>Walks the YAML tree, collecting every error with its path instead of stopping at the first.</summary>
internal sealed class FleetFileReader
{
    private static readonly string[] FleetKeys = ["hub", "members"];
    private static readonly string[] HubKeys = ["port"];
    private static readonly string[] MemberKeys = ["name", "labels", "taints", "nodes", "podCIDR", "serviceCIDR", "port"];
    private static readonly string[] TaintKeys = ["key", "value", "effect"];
    private static readonly string[] NodeKeys = ["count", "cpu", "memory", "instanceType", "hourlyCost"];

    public List<string> Errors { get; } = [];

    public T? Fail<T>(string path, string message)
    {
        Errors.Add(path.Length == 0 ? message : $"{path}: {message}");
        return default;
    }

    public FleetFile? Fleet(YamlMappingNode root)
    {
        CheckKeys(root, "", FleetKeys);
        var hub = Child(root, "hub") is { } hubNode ? Hub(hubNode, "hub") : new HubSpec(null);
        var members = new List<MemberSpec>();
        if (Child(root, "members") is not YamlSequenceNode list)
        {
            return Fail<FleetFile>("members", Child(root, "members") is null ? "required: list at least one member" : "must be a list");
        }
        if (list.Children.Count == 0)
        {
            Fail<object>("members", "list at least one member");
        }
        for (var i = 0; i < list.Children.Count; i++)
        {
            if (Member(list.Children[i], $"members[{i}]", i + 1) is { } member)
            {
                members.Add(member);
            }
        }
        foreach (var duplicate in members.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            Fail<object>("members", $"the name \"{duplicate.Key}\" is used by more than one member; names must be unique");
        }
        var ports = members.Select(m => m.Port).Append(hub.Port).OfType<int>().Where(p => p != 0).ToList();
        foreach (var port in ports.GroupBy(p => p).Where(g => g.Count() > 1))
        {
            Fail<object>("", $"port {port.Key} is given to more than one cluster; each API server needs its own port");
        }
        return Errors.Count == 0 ? new FleetFile(hub, members) : null;
    }

    private HubSpec Hub(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            return Fail<HubSpec>(path, "must be a mapping") ?? new HubSpec(null);
        }
        CheckKeys(map, path, HubKeys);
        return new HubSpec(Port(map, path));
    }

    private MemberSpec? Member(YamlNode node, string path, int index)
    {
        if (node is not YamlMappingNode map)
        {
            return Fail<MemberSpec>(path, "must be a mapping with at least `name`");
        }
        CheckKeys(map, path, MemberKeys);
        var name = Scalar(map, "name", path);
        if (string.IsNullOrEmpty(name))
        {
            Fail<object>($"{path}.name", "required: the member cluster's name");
        }
        else if (name.Length > 63 || !IsDnsLabel(name))
        {
            Fail<object>($"{path}.name", $"\"{name}\" is not a valid member name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit");
        }
        var labels = Labels(map, path);
        var taints = Taints(map, path);
        var nodes = Child(map, "nodes") is { } nodesNode ? Nodes(nodesNode, $"{path}.nodes") : NodeSpec.Default;
        var podCidr = Cidr(map, path, "podCIDR") ?? MemberSpec.DefaultPodCidr(index);
        var serviceCidr = Cidr(map, path, "serviceCIDR") ?? MemberSpec.DefaultServiceCidr(index);
        var port = Port(map, path);
        return name is null ? null : new MemberSpec(name, index, labels, taints, nodes, podCidr, serviceCidr, port);
    }

    private Dictionary<string, string> Labels(YamlMappingNode map, string path)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(map, "labels") is not { } node)
        {
            return labels;
        }
        if (node is not YamlMappingNode entries)
        {
            return Fail<Dictionary<string, string>>($"{path}.labels", "must be a mapping of label keys to values") ?? labels;
        }
        foreach (var (keyNode, valueNode) in entries.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var value = (valueNode as YamlScalarNode)?.Value ?? "";
            if (LabelSelector.ValidateLabelKey(key) is { } keyError)
            {
                Fail<object>($"{path}.labels", $"invalid label key \"{key}\": {keyError}");
            }
            else if (LabelSelector.ValidateLabelValue(value) is { } valueError)
            {
                Fail<object>($"{path}.labels.{key}", $"invalid label value \"{value}\": {valueError}");
            }
            labels[key] = value;
        }
        return labels;
    }

    private List<Taint> Taints(YamlMappingNode map, string path)
    {
        var taints = new List<Taint>();
        if (Child(map, "taints") is not { } node)
        {
            return taints;
        }
        if (node is not YamlSequenceNode list)
        {
            return Fail<List<Taint>>($"{path}.taints", "must be a list of {key, value, effect}") ?? taints;
        }
        for (var i = 0; i < list.Children.Count; i++)
        {
            var at = $"{path}.taints[{i}]";
            if (list.Children[i] is not YamlMappingNode entry)
            {
                Fail<object>(at, "must be a mapping with key, value and effect");
                continue;
            }
            CheckKeys(entry, at, TaintKeys);
            var key = Scalar(entry, "key", at) ?? "";
            var value = Scalar(entry, "value", at);
            var effect = Scalar(entry, "effect", at) ?? "";
            if (key.Length == 0)
            {
                Fail<object>($"{at}.key", "required");
            }
            else if (LabelSelector.ValidateLabelKey(key) is { } keyError)
            {
                Fail<object>($"{at}.key", $"\"{key}\" is not a qualified name: {keyError}");
            }
            if (value is not null && LabelSelector.ValidateLabelValue(value) is { } valueError)
            {
                Fail<object>($"{at}.value", $"\"{value}\" is not a valid label value: {valueError}");
            }
            if (effect != "NoSchedule")
            {
                Fail<object>($"{at}.effect", $"\"{effect}\" is not supported: the only taint effect is NoSchedule");
            }
            taints.Add(new Taint { Key = key, Value = value, Effect = effect });
        }
        return taints;
    }

    private NodeSpec Nodes(YamlNode node, string path)
    {
        if (node is not YamlMappingNode map)
        {
            return Fail<NodeSpec>(path, "must be a mapping with count, cpu and memory") ?? NodeSpec.Default;
        }
        CheckKeys(map, path, NodeKeys);
        var defaults = NodeSpec.Default;
        var count = defaults.Count;
        if (Scalar(map, "count", path) is { } countText && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > 1000))
        {
            Fail<object>($"{path}.count", $"\"{countText}\" is not a node count: use a whole number from 1 to 1000");
        }
        var cpu = Positive(map, path, "cpu", defaults.Cpu, "\"4\" or \"3500m\"");
        var memory = Positive(map, path, "memory", defaults.Memory, "\"16Gi\"");
        var instanceType = Scalar(map, "instanceType", path) ?? defaults.InstanceType;
        decimal? hourlyCost = null;
        if (Scalar(map, "hourlyCost", path) is { } costText)
        {
            if (decimal.TryParse(costText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var cost))
            {
                hourlyCost = cost;
            }
            else
            {
                Fail<object>($"{path}.hourlyCost", $"\"{costText}\" is not a price: use a non-negative number such as 0.192");
            }
        }
        return new NodeSpec(count, cpu, memory, instanceType, hourlyCost);
    }

    private Quantity Positive(YamlMappingNode map, string path, string key, Quantity fallback, string example)
    {
        if (Scalar(map, key, path) is not { } text)
        {
            return fallback;
        }
        if (!Quantity.TryParse(text, out var quantity) || quantity.Value <= 0)
        {
            return Fail<Quantity?>($"{path}.{key}", $"\"{text}\" is not a positive quantity such as {example}") ?? fallback;
        }
        return quantity;
    }

    private string? Cidr(YamlMappingNode map, string path, string key)
    {
        if (Scalar(map, key, path) is not { } text)
        {
            return null;
        }
        if (!IPNetwork.TryParse(text, out var network) || network.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || network.PrefixLength > 30 || !IPAddress.IsLoopback(network.BaseAddress))
        {
            return Fail<string>($"{path}.{key}", $"\"{text}\" is not a usable range: give an IPv4 CIDR inside 127.0.0.0/8 with a prefix of at most /30 (local clusters use loopback addresses)");
        }
        return text;
    }

    private int? Port(YamlMappingNode map, string path)
    {
        if (Scalar(map, "port", path) is not { } text)
        {
            return null;
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return Fail<int?>($"{path}.port", $"\"{text}\" is not a port: use a number from 1 to 65535");
        }
        return port;
    }

    private void CheckKeys(YamlMappingNode map, string path, string[] known)
    {
        foreach (var key in map.Children.Keys.OfType<YamlScalarNode>().Select(k => k.Value ?? ""))
        {
            if (!known.Contains(key))
            {
                Fail<object>(path.Length == 0 ? key : $"{path}.{key}", $"unknown field; known fields here are {string.Join(", ", known)}");
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) && !IsNull(node) ? node : null;

    private static bool IsNull(YamlNode node) => node is YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" };

    private string? Scalar(YamlMappingNode map, string key, string path)
    {
        if (Child(map, key) is not { } node)
        {
            return null;
        }
        return node is YamlScalarNode scalar ? scalar.Value : Fail<string>(path.Length == 0 ? key : $"{path}.{key}", "must be a single value, not a list or mapping");
    }

    private static bool IsDnsLabel(string name) =>
        name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]);
}
