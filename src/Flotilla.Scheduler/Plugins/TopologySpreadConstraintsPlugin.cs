using System.Globalization;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Plugins;

/// <summary>
/// Spreads a PickN placement evenly over topology domains — the values of a cluster label (placement spec §3.5.5).
/// Picks one cluster per cycle, so every pick sees the counts the previous picks made; clusters that would skew a
/// DoNotSchedule constraint beyond its maxSkew are filtered, ScheduleAnyway ones are penalised by 1000.
/// </summary>
public sealed class TopologySpreadConstraintsPlugin : IPostBatchPlugin, IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    public const string PluginName = "TopologySpreadConstraints";

    /// <summary>The score a ScheduleAnyway violation costs.</summary>
    internal const int ScheduleAnywayPenalty = 1000;

    private const string StateKey = PluginName + "/state";

    public string Name => PluginName;

    public PluginStatus? PostBatch(CycleState state, PolicyView policy, out int limit)
    {
        limit = 0;
        if (policy.Policy is null)
        {
            return PluginStatus.Internal(Name, "no policy is specified");
        }
        if (policy.Policy.TopologySpreadConstraints is not { Count: > 0 })
        {
            return PluginStatus.Skip(Name, "no topology spread constraint is present");
        }
        // One pick per cycle: each pick changes the domain counts the next one is judged by.
        limit = 1;
        return null;
    }

    public PluginStatus? PreFilter(CycleState state, PolicyView policy)
    {
        var constraints = policy.Policy?.TopologySpreadConstraints;
        if (constraints is not { Count: > 0 })
        {
            return PluginStatus.Skip(Name, "no topology spread constraint is present");
        }
        var spread = Evaluate(state, constraints);
        state.Write(StateKey, spread);
        return spread.HasDoNotSchedule ? null : PluginStatus.Skip(Name, "no DoNotSchedule topology spread constraint is present");
    }

    public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster)
    {
        var spread = state.Read<SpreadState>(StateKey);
        var index = state.IndexOf(cluster);
        return spread is not null && index >= 0 ? spread.Violations[index] : null;
    }

    public PluginStatus? PreScore(CycleState state, PolicyView policy)
    {
        if (policy.Policy?.TopologySpreadConstraints is not { Count: > 0 })
        {
            return PluginStatus.Skip(Name, "no topology spread constraint is present");
        }
        var spread = state.Read<SpreadState>(StateKey);
        return spread is { ScoreCount: > 0 } ? null : PluginStatus.Skip(Name, "no available scores");
    }

    public PluginStatus? Score(CycleState state, PolicyView policy, SchedulingCluster cluster, out Score score)
    {
        score = default;
        var spread = state.Read<SpreadState>(StateKey);
        var index = state.IndexOf(cluster);
        if (spread is null || index < 0 || spread.Scores[index] is not { } value)
        {
            return PluginStatus.Internal(Name, $"no topology spread score is found for cluster {cluster.Name}");
        }
        score = new Score(value, 0, 0);
        return null;
    }

    /// <summary>Every constraint against every cluster: DoNotSchedule constraints first, then ScheduleAnyway ones.</summary>
    internal static SpreadState Evaluate(CycleState state, IReadOnlyList<TopologySpreadConstraint> constraints)
    {
        var clusters = state.Clusters;
        var spread = new SpreadState(clusters.Count);
        var domainOf = new int[clusters.Count];
        foreach (var constraint in constraints.Where(c => !IsScheduleAnyway(c)).Concat(constraints.Where(IsScheduleAnyway)))
        {
            spread.HasDoNotSchedule |= !IsScheduleAnyway(constraint);
            Apply(state, domainOf, constraint, spread);
        }
        return spread;
    }

    private static bool IsScheduleAnyway(TopologySpreadConstraint constraint) =>
        constraint.WhenUnsatisfiable == UnsatisfiableConstraintAction.ScheduleAnyway;

    private static void Apply(CycleState state, int[] domainOf, TopologySpreadConstraint constraint, SpreadState spread)
    {
        var clusters = state.Clusters;
        var key = constraint.TopologyKey;
        var maxSkew = constraint.MaxSkew ?? 1;
        var doNotSchedule = !IsScheduleAnyway(constraint);

        // Domain counts: every value of the key among all clusters is a domain, counted by its current picks.
        var domains = new Domains();
        var counts = new List<int>();
        for (var i = 0; i < clusters.Count; i++)
        {
            if (!clusters[i].Labels.TryGetValue(key, out var value))
            {
                domainOf[i] = -1;
                continue;
            }
            var domain = domains.IndexOf(value);
            if (domain == counts.Count)
            {
                counts.Add(0);
            }
            domainOf[i] = domain;
            if (state.IsScheduledOrBound(i))
            {
                counts[domain]++;
            }
        }
        var (smallest, secondSmallest, largest) = Extremes(counts);
        // One status for every cluster this constraint filters.
        var violation = doNotSchedule
            ? PluginStatus.Unschedulable(PluginName, string.Create(CultureInfo.InvariantCulture,
                $"violated doNotSchedule topology spread constraint \"{key}\" (max skew {maxSkew})"))
            : null;

        for (var i = 0; i < clusters.Count; i++)
        {
            if (spread.Violations[i] is not null)
            {
                continue;
            }
            var score = spread.Scores[i] ?? 0;
            if (domainOf[i] < 0)
            {
                spread.SetScore(i, score);
                continue;
            }
            var (violated, skewChange) = WouldViolate(counts[domainOf[i]], smallest, secondSmallest, largest, maxSkew);
            if (violated && violation is not null)
            {
                spread.Violate(i, violation);
                continue;
            }
            spread.SetScore(i, violated ? score - ScheduleAnywayPenalty : score - skewChange);
        }
    }

    /// <summary>Smallest, second smallest and largest domain count (all equal with one domain).</summary>
    internal static (int Smallest, int SecondSmallest, int Largest) Extremes(IEnumerable<int> counts)
    {
        var sorted = counts.ToArray();
        Array.Sort(sorted);
        return sorted.Length switch
        {
            0 => (0, 0, 0),
            1 => (sorted[0], sorted[0], sorted[0]),
            2 => sorted[0] < sorted[1] ? (sorted[0], sorted[1], sorted[1]) : (sorted[0], sorted[0], sorted[0]),
            _ => (sorted[0], sorted[1], sorted[^1]),
        };
    }

    /// <summary>Would one more pick in a domain counted <paramref name="count"/> push the skew past maxSkew, and by how much it moves the skew.</summary>
    internal static (bool Violated, int SkewChange) WouldViolate(int count, int smallest, int secondSmallest, int largest, int maxSkew)
    {
        var currentSkew = largest - smallest;
        int skewChange;
        if (largest == smallest)
        {
            skewChange = 1;
        }
        else if (count == smallest && smallest != secondSmallest)
        {
            skewChange = -1;
        }
        else if (count == largest)
        {
            skewChange = 1;
        }
        else
        {
            skewChange = 0;
        }
        return (currentSkew + skewChange > maxSkew, skewChange);
    }

    /// <summary>
    /// The domains (label values) seen so far, numbered in order of appearance. Topology keys have few values
    /// (regions, zones, days), which a scan compares faster than a hash table hashes; many values use one.
    /// </summary>
    private sealed class Domains
    {
        private const int ScanLimit = 16;
        private readonly List<string> _values = [];
        private Dictionary<string, int>? _index;

        /// <summary>The value's number; a new value gets the next one.</summary>
        public int IndexOf(string value)
        {
            if (_index is not null)
            {
                if (!_index.TryGetValue(value, out var found))
                {
                    found = _values.Count;
                    _values.Add(value);
                    _index.Add(value, found);
                }
                return found;
            }
            for (var i = 0; i < _values.Count; i++)
            {
                if (string.Equals(_values[i], value, StringComparison.Ordinal))
                {
                    return i;
                }
            }
            _values.Add(value);
            if (_values.Count > ScanLimit)
            {
                _index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < _values.Count; i++)
                {
                    _index.Add(_values[i], i);
                }
            }
            return _values.Count - 1;
        }
    }

    /// <summary>Per cluster (by its index in the cycle): the DoNotSchedule violation, or the accumulated score.</summary>
    internal sealed class SpreadState(int clusters)
    {
        public PluginStatus?[] Violations { get; } = new PluginStatus?[clusters];

        public int?[] Scores { get; } = new int?[clusters];

        /// <summary>How many clusters have a score.</summary>
        public int ScoreCount { get; private set; }

        public bool HasDoNotSchedule { get; set; }

        public void SetScore(int index, int score)
        {
            ScoreCount += Scores[index] is null ? 1 : 0;
            Scores[index] = score;
        }

        public void Violate(int index, PluginStatus violation)
        {
            ScoreCount -= Scores[index] is null ? 0 : 1;
            Scores[index] = null;
            Violations[index] = violation;
        }
    }
}
