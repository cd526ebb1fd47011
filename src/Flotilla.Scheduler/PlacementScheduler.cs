using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler;

/// <summary>
/// The scheduling cycle of one placement (placement spec §3.2–§3.11), as a pure function: given the latest policy
/// snapshot, the fleet's clusters and the placement's bindings, it says which bindings to create, move, revive or
/// deselect, and what the policy snapshot's status becomes. The hub's scheduler runner gathers the inputs and writes
/// the result; <c>flotilla explain</c> runs the same code against a live fleet.
/// </summary>
/// <remarks>Thread-safe: one instance serves every placement, cycles may run in parallel.</remarks>
public sealed class PlacementScheduler
{
    /// <summary>The most decisions a policy snapshot's status holds (its API limit).</summary>
    public const int MaxDecisions = 1000;

    /// <summary>The most unselected clusters (not picked, or filtered) a status lists.</summary>
    public const int MaxUnselectedDecisions = 20;

    private readonly Stages _stages;

    public PlacementScheduler(Profile? profile = null) => _stages = new Stages(profile ?? Profile.Default);

    internal Stages Stages => _stages;

    /// <summary>Runs one scheduling cycle.</summary>
    public SchedulingResult Schedule(SchedulingInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var result = new SchedulingResult();
        var bindings = BindingSet.Classify(input, result);
        var preambleUnschedules = result.Unschedule.Count;
        try
        {
            switch (input.Policy.PlacementType)
            {
                case PlacementType.PickFixed:
                    PickFixed(input, bindings, result);
                    break;
                case PlacementType.PickN:
                    PickN(input, bindings, result);
                    break;
                default:
                    PickAll(input, bindings, result);
                    break;
            }
        }
        catch (SchedulingException e)
        {
            // Nothing but the preamble (finalizers of deleting bindings, dangling bindings) is applied.
            result.Create.Clear();
            result.Patch.Clear();
            result.Unschedule.RemoveRange(preambleUnschedules, result.Unschedule.Count - preambleUnschedules);
            result.Status = null;
            result.Requeue = false;
            result.Error = e.Message;
        }
        return result;
    }

    /// <summary>§3.7: every cluster that passes the filters.</summary>
    private void PickAll(SchedulingInput input, BindingSet bindings, SchedulingResult result)
    {
        var state = bindings.CycleState(input);
        var (passed, filtered) = Filter(state, input.Policy);
        var picked = new List<ScoredCluster>(passed.Count);
        foreach (var index in passed)
        {
            picked.Add(new ScoredCluster(state.Clusters[index], default));
        }
        picked.Sort(static (a, b) => string.CompareOrdinal(a.Cluster.Name, b.Cluster.Name));
        var (created, patched) = CrossReference(picked, bindings, result);
        var found = created + patched + bindings.Scheduled.Count + bindings.Bound.Count;
        var decisions = SelectedDecisions(result, bindings.Scheduled, bindings.Bound);
        AppendUnselected(decisions, [], filtered);
        SetStatus(input.Policy, result, decisions, fulfilled: true, found);
    }

    /// <summary>§3.8: the N best clusters; scale-in trims the least wanted first.</summary>
    private void PickN(SchedulingInput input, BindingSet bindings, SchedulingResult result)
    {
        var policy = input.Policy;
        var n = policy.NumberOfClusters
            ?? throw new SchedulingException($"policy snapshot {policy.SnapshotName} of a PickN placement has no valid number-of-clusters annotation");
        var present = bindings.Scheduled.Count + bindings.Bound.Count;

        if (n <= present && present - n + bindings.Obsolete.Count > 0)
        {
            result.Unschedule.AddRange(bindings.Obsolete);
            var (scheduled, bound) = Downscale(bindings, present - n, result);
            SetStatus(policy, result, Decisions(scheduled, bound), fulfilled: scheduled.Count + bound.Count >= n, scheduled.Count + bound.Count);
            return;
        }
        if (n <= present)
        {
            SetStatus(policy, result, Decisions(bindings.Bound, bindings.Scheduled), fulfilled: true, present);
            return;
        }

        var desired = n - present;
        var state = bindings.CycleState(input);
        var batchLimit = _stages.PostBatch(state, policy, desired);
        var (passed, filtered) = Filter(state, policy);
        // PreScore runs even when no cluster passed, as upstream's does: its errors (a sorted property's bad value on
        // any cluster) stop the cycle all the same.
        var runs = _stages.PreScore(state, policy);
        var numToPick = Math.Min(Math.Min(desired, batchLimit), passed.Count);
        // Only the picks and the not-picked clusters the status can list need an order.
        var selection = new BestClusters(numToPick + MaxUnselectedDecisions);
        foreach (var index in passed)
        {
            selection.Add(new ScoredCluster(state.Clusters[index], _stages.Score(state, policy, runs, index)));
        }
        var best = selection.InPickingOrder();
        var picked = new ArraySegment<ScoredCluster>(best, 0, numToPick);
        var notPicked = new ArraySegment<ScoredCluster>(best, numToPick, best.Length - numToPick);

        var (created, patched) = CrossReference(picked, bindings, result);
        if (desired > batchLimit && created + patched == batchLimit)
        {
            // A plugin limited the batch and it was filled: the next cycle picks more, and writes the status.
            result.Requeue = true;
            return;
        }
        var found = created + patched + present;
        var decisions = SelectedDecisions(result, bindings.Scheduled, bindings.Bound);
        AppendUnselected(decisions, notPicked, filtered);
        SetStatus(policy, result, decisions, fulfilled: found >= n, found);
    }

    /// <summary>§3.9: exactly the named clusters that exist and are eligible; no plugins run.</summary>
    private static void PickFixed(SchedulingInput input, BindingSet bindings, SchedulingResult result)
    {
        var policy = input.Policy;
        var names = policy.Policy?.ClusterNames;
        if (names is not { Count: > 0 })
        {
            // Nothing to schedule and nothing to report: the placement stays SchedulePending.
            return;
        }
        var valid = new List<string>();
        var invalid = new List<(string Name, string Reason)>();
        var notFound = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                continue;
            }
            if (!bindings.Clusters.TryGetValue(name, out var cluster))
            {
                notFound.Add(name);
            }
            else if (cluster.IneligibleReason(input.Now) is { } reason)
            {
                invalid.Add((name, reason));
            }
            else
            {
                valid.Add(name);
            }
        }

        var decisions = new List<ClusterDecision>(valid.Count + invalid.Count + notFound.Count);
        foreach (var name in valid)
        {
            var decision = new ClusterDecision { ClusterName = name, Selected = true, Reason = SchedulingMessages.PickedFixed(name) };
            decisions.Add(decision);
            if (bindings.ScheduledOrBound.Contains(name))
            {
                continue;
            }
            if (bindings.ObsoleteByCluster.TryGetValue(name, out var obsolete))
            {
                result.Patch.Add(new BindingPatch(obsolete, obsolete.State, decision));
            }
            else if (bindings.UnscheduledByCluster.TryGetValue(name, out var unscheduled))
            {
                result.Patch.Add(new BindingPatch(unscheduled, PreviousState(unscheduled), decision));
            }
            else
            {
                result.Create.Add(new NewBinding(name, decision));
            }
        }
        var kept = new HashSet<BindingView>(result.Patch.Select(p => p.Binding), ReferenceEqualityComparer.Instance);
        foreach (var obsolete in bindings.Obsolete)
        {
            if (!kept.Contains(obsolete))
            {
                result.Unschedule.Add(obsolete);
            }
        }
        foreach (var (name, reason) in invalid)
        {
            decisions.Add(new ClusterDecision { ClusterName = name, Selected = false, Reason = SchedulingMessages.NotEligible(name, reason) });
        }
        foreach (var name in notFound)
        {
            decisions.Add(new ClusterDecision { ClusterName = name, Selected = false, Reason = SchedulingMessages.NotFound(name) });
        }
        SetStatus(policy, result, decisions, fulfilled: invalid.Count == 0 && notFound.Count == 0, valid.Count);
    }

    /// <summary>
    /// PreFilter and Filter over every cluster: the positions of those that passed, and — all a status can list — the
    /// <see cref="MaxUnselectedDecisions"/> filtered clusters first by name, with the status saying why.
    /// </summary>
    private (List<int> Passed, List<(SchedulingCluster Cluster, PluginStatus Status)> Filtered) Filter(CycleState state, PolicyView policy)
    {
        var runs = _stages.PreFilter(state, policy);
        var passed = new List<int>(state.Clusters.Count);
        // The kept filtered clusters, the last by name at the root, so a smaller name replaces it.
        var filtered = new PriorityQueue<(SchedulingCluster Cluster, PluginStatus Status), string>(
            MaxUnselectedDecisions + 1, Comparer<string>.Create(static (a, b) => string.CompareOrdinal(b, a)));
        for (var i = 0; i < state.Clusters.Count; i++)
        {
            var status = _stages.Filter(state, policy, runs, i);
            if (status is null)
            {
                passed.Add(i);
            }
            else if (status.Code == StatusCode.ClusterUnschedulable)
            {
                var name = state.Clusters[i].Name;
                if (filtered.Count < MaxUnselectedDecisions)
                {
                    filtered.Enqueue((state.Clusters[i], status), name);
                }
                else if (filtered.TryPeek(out _, out var last) && string.CompareOrdinal(name, last) < 0)
                {
                    filtered.DequeueEnqueue((state.Clusters[i], status), name);
                }
            }
        }
        var byName = new List<(SchedulingCluster Cluster, PluginStatus Status)>(filtered.Count);
        while (filtered.Count > 0)
        {
            byName.Add(filtered.Dequeue());
        }
        byName.Reverse();
        return (passed, byName);
    }

    /// <summary>
    /// Turns picked clusters into binding changes (§3.7 step 3): an obsolete binding on a picked cluster moves to the
    /// latest snapshot keeping its state; an Unscheduled one is revived to its previous state; otherwise a binding is
    /// created. Obsolete bindings on clusters not picked are deselected.
    /// </summary>
    private static (int Created, int Patched) CrossReference(IReadOnlyList<ScoredCluster> picked, BindingSet bindings, SchedulingResult result)
    {
        var created = 0;
        var patched = 0;
        HashSet<BindingView>? kept = null;
        foreach (var (cluster, score) in picked)
        {
            var decision = new ClusterDecision
            {
                ClusterName = cluster.Name,
                Selected = true,
                ClusterScore = new ClusterScore { AffinityScore = score.Affinity, TopologySpreadScore = score.TopologySpread },
                Reason = SchedulingMessages.Picked(cluster.Name, score),
            };
            if (bindings.ObsoleteByCluster.TryGetValue(cluster.Name, out var obsolete))
            {
                (kept ??= new HashSet<BindingView>(ReferenceEqualityComparer.Instance)).Add(obsolete);
                result.Patch.Add(new BindingPatch(obsolete, obsolete.State, decision));
                patched++;
            }
            else if (bindings.UnscheduledByCluster.TryGetValue(cluster.Name, out var unscheduled))
            {
                result.Patch.Add(new BindingPatch(unscheduled, PreviousState(unscheduled), decision));
                patched++;
            }
            else
            {
                result.Create.Add(new NewBinding(cluster.Name, decision));
                created++;
            }
        }
        foreach (var obsolete in bindings.Obsolete)
        {
            if (kept is null || !kept.Contains(obsolete))
            {
                result.Unschedule.Add(obsolete);
            }
        }
        return (created, patched);
    }

    /// <summary>§3.8 step 1: unschedule <paramref name="count"/> bindings, Scheduled ones first, the lowest ranked first. Returns what remains.</summary>
    private static (List<BindingView> Scheduled, List<BindingView> Bound) Downscale(BindingSet bindings, int count, SchedulingResult result)
    {
        var scheduled = bindings.Scheduled.ToList();
        var bound = bindings.Bound.ToList();
        scheduled.Sort(TrimFirst);
        bound.Sort(TrimFirst);
        var fromScheduled = Math.Min(count, scheduled.Count);
        var fromBound = Math.Min(count - fromScheduled, bound.Count);
        result.Unschedule.AddRange(scheduled.Take(fromScheduled));
        result.Unschedule.AddRange(bound.Take(fromBound));
        return (scheduled.Skip(fromScheduled).ToList(), bound.Skip(fromBound).ToList());
    }

    /// <summary>
    /// Trimming order: unscored bindings before scored ones, then lower scores first, then smaller names first — so the
    /// best-scored clusters, and among equals the larger names, stay.
    /// </summary>
    internal static int TrimFirst(BindingView a, BindingView b)
    {
        var sa = RecordedScore(a);
        var sb = RecordedScore(b);
        if (sa is null != sb is null)
        {
            return sa is null ? -1 : 1;
        }
        var c = sa is null ? 0 : sa.Value.CompareTo(sb!.Value);
        return c != 0 ? c : string.CompareOrdinal(a.TargetCluster, b.TargetCluster);
    }

    private static Score? RecordedScore(BindingView binding) =>
        binding.Decision?.ClusterScore is { } s ? new Score(s.TopologySpreadScore ?? 0, s.AffinityScore ?? 0, 0) : null;

    private static string PreviousState(BindingView unscheduled) =>
        unscheduled.PreviousState is BindingState.Scheduled or BindingState.Bound
            ? unscheduled.PreviousState
            : throw new SchedulingException(
                $"binding {unscheduled.Name} is Unscheduled without a valid {PlacementApi.PreviousBindingStateAnnotation} annotation (found \"{unscheduled.PreviousState}\")");

    /// <summary>The decisions of the bindings this cycle created and patched, then of the existing ones, up to the API limit.</summary>
    private static List<ClusterDecision> SelectedDecisions(SchedulingResult result, IReadOnlyList<BindingView> first, IReadOnlyList<BindingView> second)
    {
        var decisions = new List<ClusterDecision>(result.Create.Count + result.Patch.Count + first.Count + second.Count + MaxUnselectedDecisions);
        foreach (var created in result.Create)
        {
            Add(decisions, created.Decision);
        }
        foreach (var patch in result.Patch)
        {
            Add(decisions, patch.Decision);
        }
        foreach (var binding in first)
        {
            Add(decisions, DecisionOf(binding));
        }
        foreach (var binding in second)
        {
            Add(decisions, DecisionOf(binding));
        }
        return decisions;

        static void Add(List<ClusterDecision> decisions, ClusterDecision decision)
        {
            if (decisions.Count < MaxDecisions)
            {
                decisions.Add(decision);
            }
        }
    }

    private static List<ClusterDecision> Decisions(IReadOnlyList<BindingView> first, IReadOnlyList<BindingView> second)
    {
        var decisions = new List<ClusterDecision>(Math.Min(first.Count + second.Count, MaxDecisions));
        foreach (var binding in first.Concat(second))
        {
            if (decisions.Count == MaxDecisions)
            {
                break;
            }
            decisions.Add(DecisionOf(binding));
        }
        return decisions;
    }

    /// <summary>The decision a binding recorded; a bare selected decision for a binding that has none.</summary>
    private static ClusterDecision DecisionOf(BindingView binding) =>
        binding.Decision ?? new ClusterDecision { ClusterName = binding.TargetCluster, Selected = true };

    /// <summary>
    /// §3.6: clusters not picked (best first), then filtered ones (by name), together at most
    /// <see cref="MaxUnselectedDecisions"/>, skipping clusters already listed.
    /// </summary>
    private static void AppendUnselected(
        List<ClusterDecision> decisions, IReadOnlyList<ScoredCluster> notPicked, List<(SchedulingCluster Cluster, PluginStatus Status)> filtered)
    {
        var seen = new HashSet<string>(decisions.Count, StringComparer.Ordinal);
        foreach (var decision in decisions)
        {
            seen.Add(decision.ClusterName);
        }
        var budget = MaxUnselectedDecisions;
        foreach (var (cluster, score) in notPicked)
        {
            if (budget == 0 || decisions.Count == MaxDecisions)
            {
                break;
            }
            if (seen.Contains(cluster.Name))
            {
                continue;
            }
            decisions.Add(new ClusterDecision
            {
                ClusterName = cluster.Name,
                Selected = false,
                ClusterScore = new ClusterScore { AffinityScore = score.Affinity, TopologySpreadScore = score.TopologySpread },
                Reason = SchedulingMessages.NotScoredHighEnough(cluster.Name, score),
            });
            budget--;
        }
        // Upstream walks the filtered list (by name) by index up to the remaining budget, so skipped names still use it.
        for (var i = 0; i < filtered.Count && i < budget && decisions.Count < MaxDecisions; i++)
        {
            var (cluster, status) = filtered[i];
            if (!seen.Contains(cluster.Name))
            {
                decisions.Add(new ClusterDecision { ClusterName = cluster.Name, Selected = false, Reason = status.ToString() });
            }
        }
    }

    private static void SetStatus(PolicyView policy, SchedulingResult result, List<ClusterDecision> decisions, bool fulfilled, int found)
    {
        var status = new PolicyStatus(policy.PlacementGeneration, decisions, new Condition
        {
            Type = PolicySnapshotConditionType.Scheduled,
            Status = ConditionStatus.Of(fulfilled),
            Reason = fulfilled ? SchedulingMessages.FulfilledReason : SchedulingMessages.UnfulfilledReason,
            Message = fulfilled ? SchedulingMessages.Fulfilled(found) : SchedulingMessages.Unfulfilled(found),
            ObservedGeneration = policy.Generation,
        });
        result.Status = status.Differs(policy.Status) ? status : null;
    }
}

/// <summary>A cluster that passed every filter, with its summed score.</summary>
public readonly record struct ScoredCluster(SchedulingCluster Cluster, Score Score)
{
    /// <summary>Picking order: higher scores first; among equal scores the lexicographically larger name first.</summary>
    public static readonly Comparison<ScoredCluster> BestFirst = static (a, b) =>
    {
        var c = b.Score.CompareTo(a.Score);
        return c != 0 ? c : string.CompareOrdinal(b.Cluster.Name, a.Cluster.Name);
    };
}

/// <summary>The best clusters seen, up to a count, without sorting them all: picking needs only the top.</summary>
internal sealed class BestClusters(int count)
{
    // A heap whose root is the worst of the kept clusters: each cluster that beats it replaces it.
    private readonly PriorityQueue<ScoredCluster, ScoredCluster> _heap =
        new(Math.Max(count, 0) + 1, Comparer<ScoredCluster>.Create(static (a, b) => ScoredCluster.BestFirst(b, a)));

    public void Add(ScoredCluster cluster)
    {
        if (_heap.Count < count)
        {
            _heap.Enqueue(cluster, cluster);
        }
        else if (count > 0 && _heap.TryPeek(out var worst, out _) && ScoredCluster.BestFirst(cluster, worst) < 0)
        {
            _heap.DequeueEnqueue(cluster, cluster);
        }
    }

    /// <summary>The kept clusters, best first.</summary>
    public ScoredCluster[] InPickingOrder()
    {
        var best = new ScoredCluster[_heap.Count];
        for (var i = best.Length - 1; i >= 0; i--)
        {
            best[i] = _heap.Dequeue();
        }
        return best;
    }
}
