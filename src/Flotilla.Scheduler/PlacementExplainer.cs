using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;

namespace Flotilla.Scheduler;

/// <summary>What happened, or would happen, to one cluster.</summary>
public enum ClusterOutcome
{
    /// <summary>The placement has a Scheduled or Bound binding on it (for a dry run: the scheduler would pick it).</summary>
    Selected,

    /// <summary>It passes every filter but was not picked: PickN found better-scored clusters.</summary>
    NotPicked,

    /// <summary>A plugin filtered it out, or (PickFixed) it is not named or not eligible.</summary>
    Filtered,

    /// <summary>PickFixed names a cluster that does not exist.</summary>
    NotFound,
}

/// <summary>One cluster's line in an explanation.</summary>
/// <param name="Cluster">The cluster's name.</param>
/// <param name="Outcome">Selected, not picked, filtered or not found.</param>
/// <param name="Plugin">The plugin that filtered it out.</param>
/// <param name="Reason">Why: the selected decision's reason, the filter's status, or why it ranked too low.</param>
/// <param name="Score">The summed score, when scored.</param>
/// <param name="PluginScores">Each scoring plugin's part of <paramref name="Score"/>.</param>
/// <param name="Rank">The position among the clusters that pass every filter, best first (1-based).</param>
/// <param name="FilteredNowBy">For a selected cluster that would not pass the filters today (bindings are kept), the filter's status.</param>
/// <param name="FilteredNowByPlugin">The plugin that would filter it out, with <paramref name="FilteredNowBy"/>.</param>
public sealed record ClusterExplanation(
    string Cluster,
    ClusterOutcome Outcome,
    string? Plugin,
    string Reason,
    Score? Score,
    IReadOnlyList<PluginScore> PluginScores,
    int? Rank,
    string? FilteredNowBy = null,
    string? FilteredNowByPlugin = null);

/// <summary>Why a placement picks the clusters it does.</summary>
/// <param name="PlacementType">PickAll, PickN or PickFixed.</param>
/// <param name="Scheduled">The Scheduled condition: the placement's, or the dry run's.</param>
/// <param name="Clusters">Selected clusters first (in decision order), then the others best first, then filtered by name.</param>
/// <param name="Error">Why scheduling cannot proceed (a malformed selector, a bad property value), if it cannot.</param>
public sealed record PlacementExplanation(
    string PlacementType,
    Api.Meta.Condition? Scheduled,
    IReadOnlyList<ClusterExplanation> Clusters,
    string? Error);

/// <summary>
/// Explains placements (beyond upstream; ARCHITECTURE principle 5): for every cluster of the fleet, whether the
/// placement selected it and why, or which plugin filtered it out and why, or its score per plugin and its rank.
/// <see cref="Explain"/> reads a placement's existing bindings; <see cref="DryRun"/> runs the scheduler on a placement
/// that does not exist yet, in memory, cycle after cycle until it settles, exactly as the hub would.
/// </summary>
public sealed class PlacementExplainer
{
    /// <summary>More cycles than any settled placement needs (one pick per cycle with topology spread, up to the API limit).</summary>
    private const int MaxDryRunCycles = PlacementScheduler.MaxDecisions + 10;

    private readonly PlacementScheduler _scheduler;

    public PlacementExplainer(PlacementScheduler? scheduler = null) => _scheduler = scheduler ?? new PlacementScheduler();

    /// <summary>Explains an existing placement: its latest policy snapshot, its bindings, the fleet now.</summary>
    public PlacementExplanation Explain(SchedulingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var scheduled = Api.Meta.Conditions.Find(input.Policy.Status?.Conditions, PolicySnapshotConditionType.Scheduled);
        return Evaluate(input, scheduled);
    }

    /// <summary>
    /// What a new placement with <paramref name="policy"/> would pick: the scheduler's cycles run against in-memory
    /// bindings until it stops asking for another; nothing is written anywhere.
    /// </summary>
    public PlacementExplanation DryRun(PolicyView policy, IReadOnlyList<SchedulingCluster> clusters, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var bindings = new List<BindingView>();
        var status = policy.Status;
        string? error = null;
        for (var cycle = 0; cycle < MaxDryRunCycles; cycle++)
        {
            var result = _scheduler.Schedule(new SchedulingInput(policy with { Status = status }, clusters, bindings, now));
            foreach (var created in result.Create)
            {
                bindings.Add(new BindingView($"dry-run-{bindings.Count}", BindingState.Scheduled, created.Cluster, policy.SnapshotName, created.Decision));
            }
            foreach (var patch in result.Patch)
            {
                bindings[bindings.IndexOf(patch.Binding)] = patch.Binding with
                {
                    State = patch.State, PolicySnapshotName = policy.SnapshotName, Decision = patch.Decision, PreviousState = null,
                };
            }
            foreach (var deselected in result.Unschedule)
            {
                bindings[bindings.IndexOf(deselected)] = deselected with { State = BindingState.Unscheduled, PreviousState = deselected.State };
            }
            if (result.Status is not null)
            {
                status = result.Status.ToApi(status, now);
            }
            error = result.Error;
            if (!result.Requeue)
            {
                break;
            }
        }
        var explanation = Evaluate(
            new SchedulingInput(policy with { Status = status }, clusters, bindings, now),
            Api.Meta.Conditions.Find(status?.Conditions, PolicySnapshotConditionType.Scheduled));
        return error is null ? explanation : explanation with { Error = error };
    }

    /// <summary>Every cluster against the placement's current bindings, with every filter and score recorded.</summary>
    private PlacementExplanation Evaluate(SchedulingInput input, Api.Meta.Condition? scheduled)
    {
        var policy = input.Policy;
        var bindings = BindingSet.Classify(input, result: null);
        var selected = SelectedInDecisionOrder(input, bindings);
        try
        {
            var rows = policy.PlacementType == PlacementType.PickFixed
                ? EvaluateFixed(input, bindings, selected)
                : EvaluatePlugins(input, bindings, selected);
            return new PlacementExplanation(policy.PlacementType, scheduled, rows, null);
        }
        catch (SchedulingException e)
        {
            var rows = selected.Select(b => new ClusterExplanation(b.TargetCluster, ClusterOutcome.Selected, null, b.Decision?.Reason ?? "", null, [], null)).ToList();
            return new PlacementExplanation(policy.PlacementType, scheduled, rows, e.Message);
        }
    }

    /// <summary>The current selections, in the order of the status's decision list (then any the status does not list yet).</summary>
    private static List<BindingView> SelectedInDecisionOrder(SchedulingInput input, BindingSet bindings)
    {
        var selected = bindings.Scheduled.Concat(bindings.Bound).ToList();
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        var decisions = input.Policy.Status?.TargetClusters ?? [];
        for (var i = 0; i < decisions.Count; i++)
        {
            order.TryAdd(decisions[i].ClusterName, i);
        }
        return [.. selected.OrderBy(b => order.GetValueOrDefault(b.TargetCluster, int.MaxValue)).ThenBy(b => b.TargetCluster, StringComparer.Ordinal)];
    }

    private List<ClusterExplanation> EvaluatePlugins(SchedulingInput input, BindingSet bindings, List<BindingView> selected)
    {
        var policy = input.Policy;
        var stages = _scheduler.Stages;
        var state = bindings.CycleState(input);
        var runs = stages.PreFilter(state, policy);
        var selectedByCluster = selected.ToDictionary(b => b.TargetCluster, StringComparer.Ordinal);
        var passed = new List<int>();
        var filtered = new List<ClusterExplanation>();
        var filteredNow = new Dictionary<string, PluginStatus>(StringComparer.Ordinal);
        for (var index = 0; index < state.Clusters.Count; index++)
        {
            var cluster = state.Clusters[index];
            var status = stages.Filter(state, policy, runs, index);
            if (status is null)
            {
                passed.Add(index);
            }
            else if (selectedByCluster.ContainsKey(cluster.Name))
            {
                if (status.Code == StatusCode.ClusterUnschedulable)
                {
                    filteredNow[cluster.Name] = status;
                }
            }
            else if (status.Code == StatusCode.ClusterUnschedulable)
            {
                filtered.Add(new ClusterExplanation(cluster.Name, ClusterOutcome.Filtered, status.Plugin, status.ToString(), null, [], null));
            }
        }

        // PickAll does not score: every cluster that passes is picked, in name order.
        var scoring = policy.PlacementType == PlacementType.PickN;
        var scored = new List<(ScoredCluster Cluster, List<PluginScore> Parts)>(passed.Count);
        var scoreRuns = scoring ? stages.PreScore(state, policy) : null;
        foreach (var index in passed)
        {
            var parts = new List<PluginScore>();
            var score = scoreRuns is null ? default : stages.Score(state, policy, scoreRuns, index, parts);
            scored.Add((new ScoredCluster(state.Clusters[index], score), parts));
        }
        scored.Sort((a, b) => scoring ? ScoredCluster.BestFirst(a.Cluster, b.Cluster) : string.CompareOrdinal(a.Cluster.Cluster.Name, b.Cluster.Cluster.Name));

        var rows = new List<ClusterExplanation>(input.Clusters.Count);
        foreach (var binding in selected)
        {
            var recorded = binding.Decision?.ClusterScore;
            rows.Add(new ClusterExplanation(
                binding.TargetCluster, ClusterOutcome.Selected, null, binding.Decision?.Reason ?? "",
                recorded is null ? null : new Score(recorded.TopologySpreadScore ?? 0, recorded.AffinityScore ?? 0, 0), [], null,
                filteredNow.TryGetValue(binding.TargetCluster, out var now) ? now.ToString() : null,
                now?.Plugin));
        }
        // A PickN still short of N (mid-way through one-pick-per-cycle topology spread, say) picks from the best of
        // these next; which exactly can change with each pick.
        var stillWanted = scoring ? Math.Max(0, (policy.NumberOfClusters ?? 0) - selected.Count) : scored.Count;
        for (var i = 0; i < scored.Count; i++)
        {
            var (cluster, parts) = scored[i];
            var reason = i >= stillWanted
                ? SchedulingMessages.NotScoredHighEnough(cluster.Cluster.Name, cluster.Score)
                : scoring
                    ? $"passes every filter; the placement still wants {stillWanted} more cluster(s), picked best first"
                    : "passes every filter; the next scheduling cycle picks it";
            rows.Add(new ClusterExplanation(cluster.Cluster.Name, ClusterOutcome.NotPicked, null, reason, scoring ? cluster.Score : null, parts, i + 1));
        }
        filtered.Sort((a, b) => string.CompareOrdinal(a.Cluster, b.Cluster));
        rows.AddRange(filtered);
        return rows;
    }

    private static List<ClusterExplanation> EvaluateFixed(SchedulingInput input, BindingSet bindings, List<BindingView> selected)
    {
        var names = new HashSet<string>(input.Policy.Policy?.ClusterNames ?? [], StringComparer.Ordinal);
        var rows = selected
            .Select(b => new ClusterExplanation(b.TargetCluster, ClusterOutcome.Selected, null, b.Decision?.Reason ?? "", null, [], null))
            .ToList();
        var listed = new HashSet<string>(rows.Select(r => r.Cluster), StringComparer.Ordinal);
        foreach (var cluster in input.Clusters.OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            if (listed.Contains(cluster.Name))
            {
                continue;
            }
            if (!names.Contains(cluster.Name))
            {
                rows.Add(new ClusterExplanation(cluster.Name, ClusterOutcome.Filtered, PickFixedPlugin, "not in the placement's clusterNames", null, [], null));
            }
            else if (cluster.IneligibleReason(input.Now) is { } reason)
            {
                rows.Add(new ClusterExplanation(cluster.Name, ClusterOutcome.Filtered, ClusterEligibilityPlugin.PluginName,
                    SchedulingMessages.NotEligible(cluster.Name, reason), null, [], null));
            }
            else
            {
                rows.Add(new ClusterExplanation(cluster.Name, ClusterOutcome.NotPicked, null, "named and eligible; the next scheduling cycle picks it", null, [], null));
            }
        }
        foreach (var name in (input.Policy.Policy?.ClusterNames ?? []).Distinct(StringComparer.Ordinal))
        {
            if (!bindings.Clusters.ContainsKey(name))
            {
                rows.Add(new ClusterExplanation(name, ClusterOutcome.NotFound, null, SchedulingMessages.NotFound(name), null, [], null));
            }
        }
        return rows;
    }

    /// <summary>The name shown for PickFixed's own filter: a cluster not named in the policy.</summary>
    public const string PickFixedPlugin = "PickFixed";
}
