using System.Globalization;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Tests;

/// <summary>
/// A MemberCluster as the member agent reports it: by default joined, healthy for an hour, and heartbeating a minute
/// before <see cref="Fleet.Now"/>. Each method changes one thing, so a fixture says only what matters to its test.
/// </summary>
public sealed class ClusterBuilder
{
    private readonly Dictionary<string, string> _labels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PropertyValue> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _capacity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _allocatable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _available = new(StringComparer.Ordinal);
    private readonly List<Taint> _taints = [];
    private bool _leaving;
    private string? _agentType = AgentType.MemberAgent;
    private TimeSpan? _heartbeatAgo = TimeSpan.FromMinutes(1);
    private string? _joined = ConditionStatus.True;
    private (string Status, TimeSpan Ago)? _healthy = (ConditionStatus.True, TimeSpan.FromHours(1));
    private bool _collectsNamespaces;
    private string _namespaceCondition = ConditionStatus.True;
    private Dictionary<string, string>? _namespaces;

    public ClusterBuilder(string name) => Name = name;

    public string Name { get; }

    public ClusterBuilder Label(string key, string value)
    {
        _labels[key] = value;
        return this;
    }

    /// <summary>A value in <c>status.properties</c>.</summary>
    public ClusterBuilder Property(string name, string value)
    {
        _properties[name] = new PropertyValue { Value = value, ObservationTime = Fleet.Now };
        return this;
    }

    /// <summary>A value in <c>status.resourceUsage.capacity</c> (property <c>resources.kubernetes-fleet.io/total-&lt;resource&gt;</c>).</summary>
    public ClusterBuilder Capacity(string resource, string value)
    {
        _capacity[resource] = value;
        return this;
    }

    public ClusterBuilder Allocatable(string resource, string value)
    {
        _allocatable[resource] = value;
        return this;
    }

    public ClusterBuilder Available(string resource, string value)
    {
        _available[resource] = value;
        return this;
    }

    public ClusterBuilder Taint(string key, string? value, string effect = TaintEffect.NoSchedule)
    {
        _taints.Add(new Taint { Key = key, Value = value, Effect = effect });
        return this;
    }

    /// <summary>The MemberCluster has a deletionTimestamp.</summary>
    public ClusterBuilder Leaving()
    {
        _leaving = true;
        return this;
    }

    /// <summary>No agent status at all.</summary>
    public ClusterBuilder NoAgent()
    {
        _agentType = null;
        return this;
    }

    /// <summary>The only agent status is of another agent type.</summary>
    public ClusterBuilder AgentOfType(string type)
    {
        _agentType = type;
        return this;
    }

    /// <summary>The last heartbeat was <paramref name="ago"/> before <see cref="Fleet.Now"/>; null: never.</summary>
    public ClusterBuilder HeartbeatAgo(TimeSpan? ago)
    {
        _heartbeatAgo = ago;
        return this;
    }

    /// <summary>The Joined condition's status; null: no Joined condition.</summary>
    public ClusterBuilder Joined(string? status)
    {
        _joined = status;
        return this;
    }

    /// <summary>The Healthy condition's status, last transitioned <paramref name="ago"/> before <see cref="Fleet.Now"/>.</summary>
    public ClusterBuilder Healthy(string status, TimeSpan ago)
    {
        _healthy = (status, ago);
        return this;
    }

    /// <summary>Unhealthy for ten minutes: ineligible.</summary>
    public ClusterBuilder Unhealthy() => Healthy(ConditionStatus.False, TimeSpan.FromMinutes(10));

    public ClusterBuilder NoHealthCondition()
    {
        _healthy = null;
        return this;
    }

    /// <summary>The member collects namespaces (a NamespaceCollectionSucceeded condition) and reports these; null: none reported.</summary>
    public ClusterBuilder Namespaces(string conditionStatus, params string[]? namespaces)
    {
        _collectsNamespaces = true;
        _namespaceCondition = conditionStatus;
        _namespaces = namespaces?.ToDictionary(n => n, n => "work-" + n, StringComparer.Ordinal);
        return this;
    }


    public MemberCluster Build()
    {
        var agents = new List<AgentStatus>();
        if (_agentType is not null)
        {
            var conditions = new List<Condition>();
            if (_joined is not null)
            {
                conditions.Add(new Condition { Type = MemberClusterConditionType.Joined, Status = _joined, Reason = "Joined", LastTransitionTime = Fleet.Now.AddHours(-2) });
            }
            if (_healthy is { } healthy)
            {
                conditions.Add(new Condition { Type = MemberClusterConditionType.Healthy, Status = healthy.Status, Reason = "Health", LastTransitionTime = Fleet.Now - healthy.Ago });
            }
            agents.Add(new AgentStatus
            {
                Type = _agentType,
                Conditions = conditions,
                LastReceivedHeartbeat = _heartbeatAgo is { } ago ? Fleet.Now - ago : null,
            });
        }
        return new MemberCluster
        {
            Metadata = new ObjectMeta
            {
                Name = Name,
                Labels = new Dictionary<string, string>(_labels, StringComparer.Ordinal),
                DeletionTimestamp = _leaving ? Fleet.Now.AddMinutes(-1) : null,
            },
            Spec = new MemberClusterSpec { Taints = _taints.Count == 0 ? null : [.. _taints] },
            Status = new MemberClusterStatus
            {
                AgentStatus = agents,
                Properties = new Dictionary<string, PropertyValue>(_properties, StringComparer.Ordinal),
                ResourceUsage = new ResourceUsage
                {
                    Capacity = new Dictionary<string, string>(_capacity, StringComparer.Ordinal),
                    Allocatable = new Dictionary<string, string>(_allocatable, StringComparer.Ordinal),
                    Available = new Dictionary<string, string>(_available, StringComparer.Ordinal),
                },
                Conditions = _collectsNamespaces
                    ? [new Condition { Type = "NamespaceCollectionSucceeded", Status = _namespaceCondition, Reason = "Collected" }]
                    : null,
                Namespaces = _namespaces,
            },
        };
    }

    public SchedulingCluster View() => SchedulingCluster.From(Build());

    public override string ToString() => Name;
}

/// <summary>Fixtures and renderings shared by the scheduler tests.</summary>
public static class Fleet
{
    /// <summary>The time every cycle runs at.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The latest policy snapshot's name.</summary>
    public const string Snapshot = "crp-2";

    /// <summary>An older policy snapshot of the same placement.</summary>
    public const string OldSnapshot = "crp-1";

    public static ClusterBuilder Cluster(string name) => new(name);

    public static SchedulingCluster[] Views(IEnumerable<ClusterBuilder> clusters) => [.. clusters.Select(c => c.View())];

    /// <summary>The latest policy snapshot (generation 3, from placement generation 5).</summary>
    public static PolicyView Policy(PlacementPolicy? policy, string? placementNamespace = null, SchedulingPolicySnapshotStatus? status = null) =>
        new(Snapshot, placementNamespace, policy, policy?.PlacementType == PlacementType.PickN ? policy.NumberOfClusters : null, 3, 5, status);

    public static PlacementPolicy PickAll() => new() { PlacementType = PlacementType.PickAll };

    public static PlacementPolicy PickN(int n) => new() { PlacementType = PlacementType.PickN, NumberOfClusters = n };

    public static PlacementPolicy PickFixed(params string[] names) => new() { PlacementType = PlacementType.PickFixed, ClusterNames = [.. names] };

    public static PlacementPolicy WithRequired(this PlacementPolicy policy, params ClusterSelectorTerm[] terms)
    {
        Affinity(policy).RequiredDuringSchedulingIgnoredDuringExecution = new ClusterSelector { ClusterSelectorTerms = [.. terms] };
        return policy;
    }

    public static PlacementPolicy WithPreferred(this PlacementPolicy policy, params PreferredClusterSelector[] terms)
    {
        Affinity(policy).PreferredDuringSchedulingIgnoredDuringExecution = [.. terms];
        return policy;
    }

    public static PlacementPolicy WithSpread(this PlacementPolicy policy, string key, int? maxSkew = 1, string? whenUnsatisfiable = UnsatisfiableConstraintAction.DoNotSchedule)
    {
        (policy.TopologySpreadConstraints ??= []).Add(new TopologySpreadConstraint { TopologyKey = key, MaxSkew = maxSkew, WhenUnsatisfiable = whenUnsatisfiable });
        return policy;
    }

    public static PlacementPolicy WithTolerations(this PlacementPolicy policy, params Toleration[] tolerations)
    {
        policy.Tolerations = [.. tolerations];
        return policy;
    }

    private static ClusterAffinity Affinity(PlacementPolicy policy) =>
        (policy.Affinity ??= new Affinity()).ClusterAffinity ??= new ClusterAffinity();

    public static ClusterSelectorTerm Term(Dictionary<string, string>? labels = null, params PropertySelectorRequirement[] properties) => new()
    {
        LabelSelector = labels is null ? null : new StructuredLabelSelector { MatchLabels = labels },
        PropertySelector = properties.Length == 0 ? null : new PropertySelector { MatchExpressions = [.. properties] },
    };

    public static PropertySelectorRequirement Prop(string name, string op, params string[] values) => new() { Name = name, Operator = op, Values = [.. values] };

    public static PreferredClusterSelector Preferred(int weight, Dictionary<string, string>? labels = null, string? sortBy = null, string order = PropertySortOrder.Descending) => new()
    {
        Weight = weight,
        Preference = new ClusterSelectorTerm
        {
            LabelSelector = labels is null ? null : new StructuredLabelSelector { MatchLabels = labels },
            PropertySorter = sortBy is null ? null : new PropertySorter { Name = sortBy, SortOrder = order },
        },
    };

    public static Dictionary<string, string> Labels(string key, string value) => new(StringComparer.Ordinal) { [key] = value };

    /// <summary>A binding named <c>crp-&lt;cluster&gt;</c>; with a score its decision is a scored pick, without one a bare pick.</summary>
    public static BindingView Binding(
        string cluster, string state = BindingState.Scheduled, string snapshot = Snapshot, (int Affinity, int Topology)? score = null,
        bool deleting = false, bool finalizer = true, string? previous = null) =>
        new($"crp-{cluster}", state, cluster, snapshot, BindingDecision(cluster, score), deleting, finalizer, previous);

    public static ClusterDecision BindingDecision(string cluster, (int Affinity, int Topology)? score) => score is { } s
        ? new ClusterDecision
        {
            ClusterName = cluster,
            Selected = true,
            ClusterScore = new ClusterScore { AffinityScore = s.Affinity, TopologySpreadScore = s.Topology },
            Reason = Picked(cluster, s.Affinity, s.Topology),
        }
        : new ClusterDecision { ClusterName = cluster, Selected = true, Reason = PickedFixed(cluster) };

    public static SchedulingResult Schedule(PolicyView policy, IEnumerable<ClusterBuilder> clusters, params BindingView[] bindings) =>
        new PlacementScheduler().Schedule(new SchedulingInput(policy, Views(clusters), bindings, Now));

    // Upstream's texts, written out here rather than taken from SchedulingMessages, so the tests check them.
    public static string Picked(string cluster, int affinity, int topology) => string.Create(CultureInfo.InvariantCulture,
        $"Successfully scheduled resources for placement in \"{cluster}\" (affinity score: {affinity}, topology spread score: {topology}): picked by scheduling policy");

    public static string PickedFixed(string cluster) => $"Successfully scheduled resources for placement in \"{cluster}\": picked by scheduling policy";

    public static string NotHighEnough(string cluster, int affinity, int topology) => string.Create(CultureInfo.InvariantCulture,
        $"Cluster \"{cluster}\" does not score high enough (affinity score: {affinity}, topology spread score: {topology})");

    public static string Fulfilled(int found) => string.Create(CultureInfo.InvariantCulture,
        $"Scheduled=True SchedulingPolicyFulfilled gen=3: found all cluster needed as specified by the scheduling policy, found {found} cluster(s)");

    public static string Unfulfilled(int found) => string.Create(CultureInfo.InvariantCulture,
        $"Scheduled=False SchedulingPolicyUnfulfilled gen=3: could not find all clusters needed as specified by the scheduling policy, found {found} cluster(s) instead");

    // Rendered expectations: one line per binding change, status condition and decision.
    public static string Create(string cluster, int affinity = 0, int topology = 0) =>
        $"create {cluster}: " + Selected(cluster, affinity, topology);

    public static string Selected(string cluster, int affinity = 0, int topology = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"{cluster} selected a={affinity},t={topology} | {Picked(cluster, affinity, topology)}");

    public static string SelectedFixed(string cluster) => $"{cluster} selected - | {PickedFixed(cluster)}";

    public static string NotPicked(string cluster, int affinity = 0, int topology = 0) =>
        string.Create(CultureInfo.InvariantCulture, $"{cluster} unselected a={affinity},t={topology} | {NotHighEnough(cluster, affinity, topology)}");

    public static string Filtered(string cluster, string reason) => $"{cluster} unselected - | ClusterUnschedulable, {reason}";

    public static string Status(string condition) => "status observed=5: " + condition;

    public static string Render(ClusterDecision decision) =>
        $"{decision.ClusterName} {(decision.Selected ? "selected" : "unselected")} {Render(decision.ClusterScore)} | {decision.Reason}";

    private static string Render(ClusterScore? score) => score is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"a={score.AffinityScore?.ToString(CultureInfo.InvariantCulture) ?? "nil"},t={score.TopologySpreadScore?.ToString(CultureInfo.InvariantCulture) ?? "nil"}");

    public static string Render(Condition condition) =>
        string.Create(CultureInfo.InvariantCulture, $"{condition.Type}={condition.Status} {condition.Reason} gen={condition.ObservedGeneration}: {condition.Message}");

    /// <summary>The whole result, one line per item, in the order the runner applies them.</summary>
    public static List<string> Render(SchedulingResult result)
    {
        var lines = new List<string>();
        lines.AddRange(result.ReleaseFinalizer.Select(b => $"release {b.Name}"));
        lines.AddRange(result.Create.Select(c => $"create {c.Cluster}: {Render(c.Decision)}"));
        lines.AddRange(result.Patch.Select(p => $"patch {p.Binding.Name} {p.Binding.State}->{p.State}: {Render(p.Decision)}"));
        lines.AddRange(result.Unschedule.Select(b => $"unschedule {b.Name} ({b.State})"));
        if (result.Requeue)
        {
            lines.Add("requeue");
        }
        if (result.Error is not null)
        {
            lines.Add("error: " + result.Error);
        }
        if (result.Status is { } status)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"status observed={status.ObservedPlacementGeneration}: {Render(status.Scheduled)}"));
            lines.AddRange(status.Decisions.Select(Render));
        }
        return lines;
    }

    /// <summary>The decisions only.</summary>
    public static List<string> Decisions(SchedulingResult result) => [.. (result.Status?.Decisions ?? []).Select(Render)];

    /// <summary>A plugin status as users see it, or "Success".</summary>
    public static string Render(PluginStatus? status) => status?.ToString() ?? "Success";

    /// <summary>The policy view with the status a result would write, as the next cycle reads it.</summary>
    public static PolicyView After(PolicyView policy, SchedulingResult result) =>
        result.Status is null ? policy : policy with { Status = result.Status.ToApi(policy.Status, Now) };

    /// <summary>The bindings after the runner applies <paramref name="result"/> (created ones named <c>crp-&lt;cluster&gt;</c>).</summary>
    public static List<BindingView> Apply(IReadOnlyList<BindingView> bindings, SchedulingResult result, string snapshot = Snapshot)
    {
        var next = bindings.Where(b => !(b.Deleting && result.ReleaseFinalizer.Contains(b))).ToList();
        foreach (var patch in result.Patch)
        {
            next[next.IndexOf(patch.Binding)] = patch.Binding with { State = patch.State, PolicySnapshotName = snapshot, Decision = patch.Decision, PreviousState = null };
        }
        foreach (var deselected in result.Unschedule)
        {
            next[next.IndexOf(deselected)] = deselected with { State = BindingState.Unscheduled, PreviousState = deselected.State };
        }
        next.AddRange(result.Create.Select(c => new BindingView($"crp-{c.Cluster}", BindingState.Scheduled, c.Cluster, snapshot, c.Decision)));
        return next;
    }
}
