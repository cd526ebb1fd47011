using System.Collections.Frozen;
using System.Globalization;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;

namespace Flotilla.Scheduler;

/// <summary>
/// What the scheduler knows about one member cluster: an immutable view of a <see cref="MemberCluster"/> with its
/// property values parsed once, so a scheduling cycle over a thousand clusters does no parsing. Build one per
/// MemberCluster version with <see cref="From"/> and reuse it across cycles.
/// </summary>
public sealed class SchedulingCluster
{
    /// <summary>Property names in this domain address <c>status.resourceUsage</c> (placement spec §3.5.2).</summary>
    public const string ResourcePropertyPrefix = "resources.kubernetes-fleet.io/";

    /// <summary>How long a heartbeat counts as recent, and how long a cluster may be unhealthy (spec §3.5.1; fixed upstream).</summary>
    public static readonly TimeSpan EligibilityTimeout = TimeSpan.FromMinutes(5);

    // Frozen maps: built once per MemberCluster version, read by every cycle of every placement (lookups in small
    // frozen maps compare lengths and characters instead of hashing).
    private static readonly FrozenDictionary<string, PropertyReading> NoReadings = FrozenDictionary<string, PropertyReading>.Empty;

    private readonly FrozenDictionary<string, PropertyReading> _properties;
    private readonly FrozenDictionary<string, PropertyReading> _capacity;
    private readonly FrozenDictionary<string, PropertyReading> _allocatable;
    private readonly FrozenDictionary<string, PropertyReading> _available;

    private SchedulingCluster(
        string name, IReadOnlyDictionary<string, string> labels, IReadOnlyList<Taint> taints, bool leaving, AgentView? memberAgent,
        FrozenDictionary<string, PropertyReading> properties, FrozenDictionary<string, PropertyReading> capacity,
        FrozenDictionary<string, PropertyReading> allocatable, FrozenDictionary<string, PropertyReading> available,
        bool collectsNamespaces, IReadOnlyDictionary<string, string>? namespaces)
    {
        Name = name;
        Labels = labels;
        Taints = taints;
        Leaving = leaving;
        MemberAgent = memberAgent;
        _properties = properties;
        _capacity = capacity;
        _allocatable = allocatable;
        _available = available;
        CollectsNamespaces = collectsNamespaces;
        Namespaces = namespaces;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    /// <summary>The cluster's taints in spec order (the first one not tolerated is the one reported).</summary>
    public IReadOnlyList<Taint> Taints { get; }

    /// <summary>The MemberCluster is being deleted.</summary>
    public bool Leaving { get; }

    /// <summary>The member agent's status, when it has reported one.</summary>
    internal AgentView? MemberAgent { get; }

    /// <summary>The member reports <c>status.namespaces</c> (it has a NamespaceCollectionSucceeded condition).</summary>
    public bool CollectsNamespaces { get; }

    /// <summary>The namespaces on the member, when reported.</summary>
    public IReadOnlyDictionary<string, string>? Namespaces { get; }

    /// <summary>The scheduling view of a MemberCluster; its property values are parsed here, once.</summary>
    public static SchedulingCluster From(MemberCluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var status = cluster.Status;
        var agent = status?.AgentStatus?.FirstOrDefault(a => a.Type == AgentType.MemberAgent);
        AgentView? agentView = agent is null ? null : new AgentView(
            agent.LastReceivedHeartbeat,
            Conditions.Find(agent.Conditions, MemberClusterConditionType.Joined)?.IsTrue == true,
            Conditions.Find(agent.Conditions, MemberClusterConditionType.Healthy) is { } healthy
                ? (healthy.IsTrue, healthy.LastTransitionTime)
                : null);
        var usage = status?.ResourceUsage;
        return new SchedulingCluster(
            cluster.Metadata.Name ?? "",
            (cluster.Metadata.Labels ?? []).ToFrozenDictionary(StringComparer.Ordinal),
            cluster.Spec.Taints is { } taints ? taints : [],
            cluster.Metadata.DeletionTimestamp is not null,
            agentView,
            Read(status?.Properties?.Select(p => KeyValuePair.Create(p.Key, p.Value.Value))),
            Read(usage?.Capacity),
            Read(usage?.Allocatable),
            Read(usage?.Available),
            Conditions.Find(status?.Conditions, NamespaceCollectionCondition) is not null,
            status?.Namespaces);
    }

    /// <summary>The condition type a member reports when it collects namespaces (placement spec §3.5.6, §8.4).</summary>
    internal const string NamespaceCollectionCondition = "NamespaceCollectionSucceeded";

    /// <summary>
    /// Why the cluster cannot take new placements at <paramref name="now"/>, in upstream's words; null when it is
    /// eligible (placement spec §3.5.1: the first failing check wins).
    /// </summary>
    public string? IneligibleReason(DateTimeOffset now)
    {
        if (Leaving)
        {
            return "cluster has left the fleet";
        }
        if (MemberAgent is not { } agent)
        {
            return "cluster is not connected to the fleet: member agent not online yet";
        }
        var sinceHeartbeat = now - (agent.LastHeartbeat ?? DateTimeOffset.MinValue);
        if (sinceHeartbeat > EligibilityTimeout)
        {
            return "cluster is not connected to the fleet: no recent heartbeat signals (last received "
                + Minutes(agent.LastHeartbeat is null ? GoMaxDurationMinutes : sinceHeartbeat.TotalMinutes) + " minutes ago)";
        }
        if (!agent.Joined)
        {
            return "cluster is not connected to the fleet: member agent not joined yet";
        }
        if (agent.Health is not { } health)
        {
            return "cluster is not connected to the fleet: health condition from member agent is not available";
        }
        var sinceTransition = now - health.Since;
        if (!health.Healthy && sinceTransition > EligibilityTimeout)
        {
            return "cluster is not connected to the fleet: unhealthy for a prolonged period of time (last transitioned "
                + Minutes(sinceTransition.TotalMinutes) + " minutes ago)";
        }
        return null;
    }

    /// <summary>
    /// The cluster's observed value of a property (placement spec §3.5.2): <c>resources.kubernetes-fleet.io/&lt;total|allocatable|available&gt;-&lt;resource&gt;</c>
    /// reads <c>status.resourceUsage</c>, any other name <c>status.properties</c>.
    /// </summary>
    /// <returns>The reading; <see cref="PropertyReading.Missing"/> when the cluster does not report it.</returns>
    /// <exception cref="SchedulingException">The name is a malformed resource property name, or the reported value is not a quantity.</exception>
    public PropertyReading Property(string name) => Property(PropertyName.Parse(name));

    /// <summary>As <see cref="Property(string)"/>, with the name parsed once (the scheduler reads the same names from every cluster).</summary>
    public PropertyReading Property(PropertyName name)
    {
        if (name.Error is { } invalid)
        {
            throw new SchedulingException(invalid);
        }
        var source = name.Source switch
        {
            PropertySource.Capacity => _capacity,
            PropertySource.Allocatable => _allocatable,
            PropertySource.Available => _available,
            _ => _properties,
        };
        if (!source.TryGetValue(name.Key, out var reading))
        {
            return PropertyReading.Missing;
        }
        return reading.Error is { } error
            ? throw new SchedulingException($"failed to parse the value of property {name.Text} on cluster {Name}: {error}")
            : reading;
    }

    /// <summary>Go's <c>time.Since</c> of a zero time saturates at the largest duration (2^63-1 ns).</summary>
    private const double GoMaxDurationMinutes = long.MaxValue / 60e9;

    private static string Minutes(double minutes) => minutes.ToString("F2", CultureInfo.InvariantCulture);

    private static FrozenDictionary<string, PropertyReading> Read(IEnumerable<KeyValuePair<string, string>>? values)
    {
        if (values is null)
        {
            return NoReadings;
        }
        var readings = new Dictionary<string, PropertyReading>(StringComparer.Ordinal);
        foreach (var (key, text) in values)
        {
            readings[key] = Quantity.TryParse(text, out var quantity, out var error)
                ? new PropertyReading(true, quantity, quantity.ToDouble(), null)
                : new PropertyReading(true, default, double.NaN, error);
        }
        return readings.ToFrozenDictionary(StringComparer.Ordinal);
    }

    internal readonly record struct AgentView(DateTimeOffset? LastHeartbeat, bool Joined, (bool Healthy, DateTimeOffset Since)? Health);
}

/// <summary>Where a property's value is read from.</summary>
public enum PropertySource
{
    Properties,
    Capacity,
    Allocatable,
    Available,
}

/// <summary>A property name, parsed: where its value lives and under which key (placement spec §3.5.2).</summary>
/// <param name="Text">The name as written.</param>
/// <param name="Source"><c>status.properties</c>, or one of the <c>status.resourceUsage</c> lists.</param>
/// <param name="Key">The key in that list.</param>
/// <param name="Error">Why a <c>resources.kubernetes-fleet.io/</c> name is malformed; reading it throws this.</param>
public readonly record struct PropertyName(string Text, PropertySource Source, string Key, string? Error)
{
    /// <summary>
    /// <c>resources.kubernetes-fleet.io/&lt;capacity type&gt;-&lt;resource&gt;</c> splits on "-" into exactly two
    /// non-empty parts (so a resource name with a "-" is malformed here); any other name is a property's.
    /// </summary>
    public static PropertyName Parse(string name)
    {
        if (!name.StartsWith(SchedulingCluster.ResourcePropertyPrefix, StringComparison.Ordinal))
        {
            return new PropertyName(name, PropertySource.Properties, name, null);
        }
        var rest = name[SchedulingCluster.ResourcePropertyPrefix.Length..];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0 || dash == rest.Length - 1 || rest.IndexOf('-', dash + 1) >= 0)
        {
            return new PropertyName(name, PropertySource.Properties, name,
                $"invalid resource property name {name}: the name should be of the format {SchedulingCluster.ResourcePropertyPrefix}[CAPACITY-TYPE]-[RESOURCE-NAME]");
        }
        var source = rest[..dash] switch
        {
            "total" => PropertySource.Capacity,
            "allocatable" => PropertySource.Allocatable,
            "available" => PropertySource.Available,
            _ => (PropertySource?)null,
        };
        return source is { } known
            ? new PropertyName(name, known, rest[(dash + 1)..], null)
            : new PropertyName(name, PropertySource.Properties, name, $"invalid resource property name {name}: unknown capacity type {rest[..dash]}");
    }
}

/// <summary>One observed property value: <see cref="Quantity"/> for exact comparisons, <see cref="Approximate"/> for interpolation.</summary>
public readonly record struct PropertyReading(bool Found, Quantity Quantity, double Approximate, string? Error)
{
    public static PropertyReading Missing => default;
}
