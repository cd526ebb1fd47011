using System.Globalization;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Scheduler;

/// <summary>
/// What a scheduling cycle decided, for the runner to write: binding changes in the order upstream applies them
/// (finalizers of deleting bindings, creations, patches, then deselections, so a cluster is never deselected and
/// reselected in one cycle) and the policy snapshot's new status.
/// </summary>
public sealed class SchedulingResult
{
    /// <summary>Deleting bindings whose <c>scheduler-crb-cleanup</c> finalizer is to be removed.</summary>
    public List<BindingView> ReleaseFinalizer { get; } = [];

    /// <summary>New bindings, in state Scheduled.</summary>
    public List<NewBinding> Create { get; } = [];

    /// <summary>Existing bindings moved to the latest policy snapshot with a new decision (and revived ones back to their previous state).</summary>
    public List<BindingPatch> Patch { get; } = [];

    /// <summary>Bindings to mark Unscheduled, remembering their current state in <c>previous-binding-state</c>.</summary>
    public List<BindingView> Unschedule { get; } = [];

    /// <summary>The policy snapshot's new status; null when it would not change (or the cycle asks for an immediate requeue).</summary>
    public PolicyStatus? Status { get; set; }

    /// <summary>A plugin limited the batch and it was filled: run another cycle at once.</summary>
    public bool Requeue { get; set; }

    /// <summary>Why the cycle stopped without deciding (upstream's internal error); the preamble's changes still apply.</summary>
    public string? Error { get; set; }

    /// <summary>No binding changes and no status to write.</summary>
    public bool IsEmpty => ReleaseFinalizer.Count == 0 && Create.Count == 0 && Patch.Count == 0 && Unschedule.Count == 0 && Status is null;
}

/// <summary>A binding to create for <paramref name="Cluster"/>.</summary>
public sealed record NewBinding(string Cluster, ClusterDecision Decision);

/// <summary>
/// An existing binding moved to the latest policy snapshot with <paramref name="Decision"/>, in <paramref name="State"/>
/// (its own, or the previous state of a revived Unscheduled binding, whose annotation is then removed).
/// </summary>
public sealed record BindingPatch(BindingView Binding, string State, ClusterDecision Decision)
{
    public bool Revives => Binding.State == BindingState.Unscheduled;
}

/// <summary>A policy snapshot status: the decisions and the <c>Scheduled</c> condition.</summary>
public sealed record PolicyStatus(long ObservedPlacementGeneration, IReadOnlyList<ClusterDecision> Decisions, Condition Scheduled)
{
    /// <summary>The API object, with the condition's transition time kept from <paramref name="current"/> when its status did not change.</summary>
    public SchedulingPolicySnapshotStatus ToApi(SchedulingPolicySnapshotStatus? current, DateTimeOffset now)
    {
        var conditions = current?.Conditions is { } existing ? existing.Select(c => c.Clone()).ToList() : [];
        Conditions.Set(conditions, Scheduled, now);
        return new SchedulingPolicySnapshotStatus
        {
            ObservedCRPGeneration = ObservedPlacementGeneration,
            Conditions = conditions,
            TargetClusters = [.. Decisions],
        };
    }

    /// <summary>
    /// Whether writing this status changes anything (placement spec §3.6): the observed generation, the decision set
    /// (in any order), or the condition's type, status, reason, or a newer observed generation.
    /// </summary>
    public bool Differs(SchedulingPolicySnapshotStatus? current)
    {
        if (current is null || current.ObservedCRPGeneration != ObservedPlacementGeneration)
        {
            return true;
        }
        var existing = Conditions.Find(current.Conditions, Scheduled.Type);
        if (existing is null || existing.Status != Scheduled.Status || existing.Reason != Scheduled.Reason
            || (existing.ObservedGeneration ?? 0) < (Scheduled.ObservedGeneration ?? 0))
        {
            return true;
        }
        var decisions = current.TargetClusters ?? [];
        if (decisions.Count != Decisions.Count)
        {
            return true;
        }
        var byCluster = new Dictionary<string, ClusterDecision>(StringComparer.Ordinal);
        foreach (var decision in decisions)
        {
            byCluster[decision.ClusterName] = decision;
        }
        foreach (var decision in Decisions)
        {
            if (!byCluster.TryGetValue(decision.ClusterName, out var other) || !SameDecision(decision, other))
            {
                return true;
            }
        }
        return false;
    }

    private static bool SameDecision(ClusterDecision a, ClusterDecision b) =>
        a.Selected == b.Selected && a.Reason == b.Reason
        && a.ClusterScore?.AffinityScore == b.ClusterScore?.AffinityScore
        && a.ClusterScore?.TopologySpreadScore == b.ClusterScore?.TopologySpreadScore
        && (a.ClusterScore is null) == (b.ClusterScore is null);
}

/// <summary>Upstream's decision reasons and Scheduled condition texts (placement spec §3.6), verbatim.</summary>
public static class SchedulingMessages
{
    public const string FulfilledReason = "SchedulingPolicyFulfilled";
    public const string UnfulfilledReason = "SchedulingPolicyUnfulfilled";

    public static string Picked(string cluster, Framework.Score score) =>
        $"Successfully scheduled resources for placement in \"{cluster}\" {score.Describe()}: picked by scheduling policy";

    public static string PickedFixed(string cluster) =>
        $"Successfully scheduled resources for placement in \"{cluster}\": picked by scheduling policy";

    public static string NotEligible(string cluster, string reason) =>
        $"Cluster \"{cluster}\" is not eligible for resource placement yet: {reason}";

    public static string NotFound(string cluster) => $"Specified cluster \"{cluster}\" is not found";

    public static string NotScoredHighEnough(string cluster, Framework.Score score) =>
        $"Cluster \"{cluster}\" does not score high enough {score.Describe()}";

    // "all cluster" (singular) is upstream's text.
    public static string Fulfilled(int found) =>
        string.Create(CultureInfo.InvariantCulture, $"found all cluster needed as specified by the scheduling policy, found {found} cluster(s)");

    public static string Unfulfilled(int found) =>
        string.Create(CultureInfo.InvariantCulture, $"could not find all clusters needed as specified by the scheduling policy, found {found} cluster(s) instead");
}
