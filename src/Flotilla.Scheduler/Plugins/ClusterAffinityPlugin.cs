using System.Runtime.CompilerServices;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Plugins;

/// <summary>
/// Required cluster affinity filters clusters; preferred cluster affinity scores them, by label match and by where a
/// cluster's property value lies between the fleet's minimum and maximum (placement spec §3.5.2).
/// </summary>
public sealed class ClusterAffinityPlugin : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    public const string PluginName = "ClusterAffinity";

    internal const string NoMatchReason = "cluster does not match with any of the required cluster affinity terms";

    private const string SorterRangesKey = PluginName + "/sorter-ranges";
    private const string CompiledKey = PluginName + "/compiled";

    // Immutable, so every cluster the required terms filter out shares it.
    private static readonly PluginStatus NoMatch = PluginStatus.Unschedulable(PluginName, NoMatchReason);

    // Compiled once per policy object: a policy snapshot's policy is immutable and scheduled many times.
    private static readonly ConditionalWeakTable<ClusterAffinity, CompiledAffinity> Compiled = [];

    public string Name => PluginName;

    public PluginStatus? PreFilter(CycleState state, PolicyView policy)
    {
        var affinity = AffinityOf(policy);
        if (affinity?.Required.Length > 0)
        {
            state.Write(CompiledKey, affinity);
            return null;
        }
        return PluginStatus.Skip(Name, "no required cluster affinity terms to enforce");
    }

    public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster)
    {
        foreach (var term in (state.Read<CompiledAffinity>(CompiledKey) ?? AffinityOf(policy)!).Required)
        {
            if (term.Matches(cluster))
            {
                return null;
            }
        }
        return NoMatch;
    }

    public PluginStatus? PreScore(CycleState state, PolicyView policy)
    {
        var affinity = AffinityOf(policy);
        if (affinity is null || affinity.Preferred.Length == 0)
        {
            return PluginStatus.Skip(Name, "no preferred cluster affinity terms specified");
        }
        // Min and max of each sorted property over every cluster of the cycle, eligible or not.
        var ranges = new (double Min, double Max, bool Seen)[affinity.Preferred.Length];
        for (var t = 0; t < affinity.Preferred.Length; t++)
        {
            if (affinity.Preferred[t].SorterName is not { } sorter)
            {
                continue;
            }
            var range = (Min: double.MaxValue, Max: double.MinValue, Seen: false);
            foreach (var cluster in state.Clusters)
            {
                var reading = cluster.Property(sorter);
                if (!reading.Found)
                {
                    continue;
                }
                range = (Math.Min(range.Min, reading.Approximate), Math.Max(range.Max, reading.Approximate), true);
            }
            ranges[t] = range;
        }
        state.Write(SorterRangesKey, ranges);
        state.Write(CompiledKey, affinity);
        return null;
    }

    public PluginStatus? Score(CycleState state, PolicyView policy, SchedulingCluster cluster, out Score score)
    {
        var affinity = state.Read<CompiledAffinity>(CompiledKey) ?? AffinityOf(policy)!;
        var ranges = state.Read<(double Min, double Max, bool Seen)[]>(SorterRangesKey)
            ?? throw new SchedulingException("the cluster affinity plugin scored without its pre-score state");
        var total = 0;
        for (var t = 0; t < affinity.Preferred.Length; t++)
        {
            total += affinity.Preferred[t].Score(cluster, ranges[t].Min, ranges[t].Max);
        }
        score = new Score(0, total, 0);
        return null;
    }

    private static CompiledAffinity? AffinityOf(PolicyView policy) =>
        policy.Policy?.Affinity?.ClusterAffinity is { } affinity ? Compiled.GetValue(affinity, CompiledAffinity.Compile) : null;

    /// <summary>The affinity terms with selectors parsed; malformed parts keep their error for when they are reached.</summary>
    internal sealed class CompiledAffinity
    {
        public required RequiredTerm[] Required { get; init; }

        public required PreferredTerm[] Preferred { get; init; }

        public static CompiledAffinity Compile(ClusterAffinity affinity) => new()
        {
            Required = [.. (affinity.RequiredDuringSchedulingIgnoredDuringExecution?.ClusterSelectorTerms ?? []).Select(RequiredTerm.Compile)],
            // Terms of weight 0 are kept: they score nothing, but their sorted properties are still read in PreScore.
            Preferred = [.. (affinity.PreferredDuringSchedulingIgnoredDuringExecution ?? [])
                .Select(p => new PreferredTerm(p.Weight, Selector.Compile(p.Preference.LabelSelector), p.Preference.PropertySorter))],
        };
    }

    /// <summary>A label selector, or the error parsing it gave (raised when a cluster is matched against it).</summary>
    internal readonly record struct Selector(LabelSelector? Parsed, string? Error)
    {
        public static Selector Compile(StructuredLabelSelector? selector)
        {
            if (selector is null)
            {
                return default;
            }
            return selector.TryToSelector(out var parsed, out var error) ? new Selector(parsed, null) : new Selector(null, error);
        }

        /// <summary>True when there is no selector or it matches.</summary>
        public bool Matches(SchedulingCluster cluster) =>
            Error is not null ? throw new SchedulingException($"failed to parse label selector: {Error}") : Parsed?.Matches(cluster.Labels) ?? true;
    }

    internal sealed record RequiredTerm(Selector Labels, PropertyRequirement[] Properties)
    {
        public static RequiredTerm Compile(ClusterSelectorTerm term) => new(
            Selector.Compile(term.LabelSelector),
            [.. (term.PropertySelector?.MatchExpressions ?? []).Select(PropertyRequirement.Compile)]);

        /// <summary>Labels (when given) match and every property expression holds; a missing property fails the term.</summary>
        public bool Matches(SchedulingCluster cluster)
        {
            if (!Labels.Matches(cluster))
            {
                return false;
            }
            foreach (var requirement in Properties)
            {
                if (!requirement.Holds(cluster))
                {
                    return false;
                }
            }
            return true;
        }
    }

    internal sealed record PropertyRequirement(PropertyName Name, string Operator, Quantity Value, string? Error)
    {
        private readonly double _approximate = Value.ToDouble();

        public static PropertyRequirement Compile(PropertySelectorRequirement requirement)
        {
            var name = PropertyName.Parse(requirement.Name);
            if (requirement.Values.Count != 1)
            {
                return new(name, requirement.Operator, default,
                    $"more than one value is specified for property {requirement.Name} (or none); expected exactly one");
            }
            if (requirement.Operator is not (PropertySelectorOperator.EqualTo or PropertySelectorOperator.NotEqualTo
                or PropertySelectorOperator.GreaterThan or PropertySelectorOperator.GreaterThanOrEqualTo
                or PropertySelectorOperator.LessThan or PropertySelectorOperator.LessThanOrEqualTo))
            {
                return new(name, requirement.Operator, default, $"invalid property selector operator: {requirement.Operator}");
            }
            return Quantity.TryParse(requirement.Values[0], out var value, out var error)
                ? new(name, requirement.Operator, value, null)
                : new(name, requirement.Operator, default, $"failed to parse the value {requirement.Values[0]} of property {requirement.Name}: {error}");
        }

        public bool Holds(SchedulingCluster cluster)
        {
            var observed = cluster.Property(Name);
            if (!observed.Found)
            {
                return false;
            }
            if (Error is not null)
            {
                throw new SchedulingException(Error);
            }
            var c = Compare(observed);
            return Operator switch
            {
                PropertySelectorOperator.EqualTo => c == 0,
                PropertySelectorOperator.NotEqualTo => c != 0,
                PropertySelectorOperator.GreaterThan => c > 0,
                PropertySelectorOperator.GreaterThanOrEqualTo => c >= 0,
                PropertySelectorOperator.LessThan => c < 0,
                _ => c <= 0,
            };
        }

        /// <summary>
        /// Exact quantity comparison, decided by the doubles when they are clearly apart (each is within 2^-53 of its
        /// quantity, so a relative gap of 1e-9 cannot be rounding): the exact comparison is far slower.
        /// </summary>
        private int Compare(PropertyReading observed)
        {
            var gap = Math.Abs(observed.Approximate - _approximate);
            return gap > 1e-9 * Math.Max(Math.Abs(observed.Approximate), Math.Abs(_approximate))
                ? observed.Approximate.CompareTo(_approximate)
                : observed.Quantity.CompareTo(Value);
        }
    }

    internal sealed record PreferredTerm(int Weight, Selector Labels, PropertySorter? Sorter)
    {
        /// <summary>The sorter's property, parsed once.</summary>
        public PropertyName? SorterName { get; } = Sorter is null ? null : PropertyName.Parse(Sorter.Name);

        /// <summary>
        /// The term's contribution: 0 when its weight is 0 (its selector is not even parsed) or its labels do not match; the full weight without a sorter; with one, the
        /// weight scaled linearly by where the cluster's value lies in [min, max] (descending: the largest value gets
        /// the weight; ascending: the smallest), rounded half away from zero as Go's <c>math.Round</c>.
        /// </summary>
        public int Score(SchedulingCluster cluster, double min, double max)
        {
            if (Weight == 0 || !Labels.Matches(cluster))
            {
                return 0;
            }
            if (Sorter is null)
            {
                return Weight;
            }
            var reading = cluster.Property(SorterName!.Value);
            if (!reading.Found || min == max)
            {
                return 0;
            }
            var position = (reading.Approximate - min) / (max - min);
            var scaled = Sorter.SortOrder == PropertySortOrder.Ascending ? (1 - position) * Weight : position * Weight;
            return (int)Math.Round(scaled, MidpointRounding.AwayFromZero);
        }
    }
}
