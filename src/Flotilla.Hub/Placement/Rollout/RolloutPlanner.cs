using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement.Rollout;

/// <summary>One binding of the placement, as the rollout reads it.</summary>
/// <param name="Name">The binding's name (bindings are considered in name order, as upstream lists them).</param>
/// <param name="State">Scheduled, Bound or Unscheduled.</param>
/// <param name="TargetCluster">The cluster.</param>
/// <param name="Deleting">It has a deletionTimestamp.</param>
/// <param name="Generation">Its metadata.generation (conditions count only when observed at it).</param>
/// <param name="ResourceSnapshotName">The resource snapshot it places (empty until bound).</param>
/// <param name="ClusterResourceOverrides">Its ClusterResourceOverride snapshot names.</param>
/// <param name="ResourceOverrides">Its ResourceOverride snapshots.</param>
/// <param name="Conditions">Its status conditions.</param>
internal sealed record RolloutBinding(
    string Name,
    string State,
    string TargetCluster,
    bool Deleting,
    long Generation,
    string? ResourceSnapshotName,
    IReadOnlyList<string>? ClusterResourceOverrides,
    IReadOnlyList<NamespacedName>? ResourceOverrides,
    IReadOnlyList<Condition> Conditions);

/// <summary>The overrides that apply to a cluster: CRO snapshot names sorted by name, RO snapshots by namespace then name; null when none.</summary>
internal sealed record ClusterOverrides(IReadOnlyList<string>? ClusterResourceOverrides, IReadOnlyList<NamespacedName>? ResourceOverrides)
{
    public static ClusterOverrides None { get; } = new(null, null);
}

/// <summary>A binding to move to the latest resources: state Bound, the latest snapshot, the cluster's overrides.</summary>
internal sealed record BindingUpdate(RolloutBinding Binding, string ResourceSnapshotName, ClusterOverrides Overrides);

/// <summary>What one rollout round does (placement spec §4.2 steps 9–10, §4.4).</summary>
internal sealed record RolloutPlan
{
    /// <summary>No binding needs rolling: only repair RolloutStarted on <see cref="UpToDate"/> bindings and stop.</summary>
    public bool NothingToRoll { get; init; }

    /// <summary>Bindings to bind or move to the latest resources now (then RolloutStarted True at the new generation).</summary>
    public IReadOnlyList<BindingUpdate> Update { get; init; } = [];

    /// <summary>Unscheduled bindings to delete now.</summary>
    public IReadOnlyList<RolloutBinding> Delete { get; init; } = [];

    /// <summary>Bindings held back by the strategy: RolloutStarted False, RolloutNotStartedYet.</summary>
    public IReadOnlyList<RolloutBinding> Stale { get; init; } = [];

    /// <summary>Scheduled and Bound bindings already at the latest resources: RolloutStarted True if not already.</summary>
    public IReadOnlyList<RolloutBinding> UpToDate { get; init; } = [];

    /// <summary>When to look again (time-based readiness); zero when every binding is ready.</summary>
    public TimeSpan WaitTime { get; init; }
}

/// <summary>
/// The rollout's decision (placement spec §4.3–4.4), pure: which Scheduled bindings to bind, which Bound ones to move
/// to the latest resource snapshot and which Unscheduled ones to delete, as maxSurge, maxUnavailable and
/// unavailablePeriodSeconds allow, with upstream's readiness and failure rules.
/// </summary>
internal static class RolloutPlanner
{
    private static readonly HashSet<string> UntrackableReasons = new(StringComparer.Ordinal) { "NotAllWorkAreAvailabilityTrackable", "WorkNotTrackable" };

    private static readonly HashSet<string> NotFailedReasons = new(StringComparer.Ordinal)
    {
        "OverriddenPending", "WorkNotSynchronizedYet", "ApplyPending", "ResourceNotAvailableYet",
    };

    /// <param name="bindings">Every binding of the placement.</param>
    /// <param name="latestSnapshot">The name of the latest master resource snapshot.</param>
    /// <param name="overridesFor">The overrides that apply to a cluster.</param>
    /// <param name="policy">The placement policy (null: PickAll).</param>
    /// <param name="rollingUpdate">The defaulted rolling update settings.</param>
    /// <param name="now">The current time.</param>
    public static RolloutPlan Plan(
        IReadOnlyList<RolloutBinding> bindings, string latestSnapshot, Func<string, ClusterOverrides> overridesFor, PlacementPolicy? policy,
        RollingUpdateConfig rollingUpdate, DateTimeOffset now)
    {
        var unavailablePeriod = TimeSpan.FromSeconds(rollingUpdate.UnavailablePeriodSeconds ?? 60);
        var cutoff = now - unavailablePeriod;
        var waitTime = unavailablePeriod;
        var anyNotReady = false;
        var ready = new List<RolloutBinding>();
        var canBeReady = new List<RolloutBinding>();
        var canBeUnavailable = new List<RolloutBinding>();
        var removeCandidates = new List<RolloutBinding>();
        var updateCandidates = new List<BindingUpdate>();
        var applyFailedUpdateCandidates = new List<BindingUpdate>();
        var boundingCandidates = new List<BindingUpdate>();
        var upToDate = new List<RolloutBinding>();
        var schedulerTargeted = 0;

        void TrackReadiness(RolloutBinding binding, out bool isReady)
        {
            var (bindingReady, wait) = IsReady(binding, cutoff);
            isReady = bindingReady;
            if (bindingReady)
            {
                ready.Add(binding);
                return;
            }
            anyNotReady = true;
            if (wait >= TimeSpan.Zero && wait < waitTime)
            {
                waitTime = wait;
            }
        }

        foreach (var binding in bindings.OrderBy(b => b.Name, StringComparer.Ordinal))
        {
            switch (binding.State)
            {
                case BindingState.Unscheduled:
                {
                    if (!HasFailed(binding) && !IsDiffReported(binding))
                    {
                        canBeReady.Add(binding);
                    }
                    TrackReadiness(binding, out var isReady);
                    if (!binding.Deleting)
                    {
                        removeCandidates.Add(binding);
                    }
                    else if (isReady)
                    {
                        canBeUnavailable.Add(binding);
                    }
                    break;
                }
                case BindingState.Scheduled:
                    schedulerTargeted++;
                    boundingCandidates.Add(new BindingUpdate(binding, latestSnapshot, overridesFor(binding.TargetCluster)));
                    break;
                case BindingState.Bound:
                {
                    schedulerTargeted++;
                    TrackReadiness(binding, out var isReady);
                    var failed = HasFailed(binding);
                    if (!failed && !IsDiffReported(binding))
                    {
                        canBeReady.Add(binding);
                    }
                    if (!binding.Deleting)
                    {
                        var overrides = overridesFor(binding.TargetCluster);
                        if (binding.ResourceSnapshotName != latestSnapshot
                            || !SameList(binding.ClusterResourceOverrides, overrides.ClusterResourceOverrides)
                            || !SameList(binding.ResourceOverrides, overrides.ResourceOverrides))
                        {
                            (failed ? applyFailedUpdateCandidates : updateCandidates).Add(new BindingUpdate(binding, latestSnapshot, overrides));
                        }
                        else
                        {
                            upToDate.Add(binding);
                        }
                    }
                    else if (isReady)
                    {
                        canBeUnavailable.Add(binding);
                    }
                    break;
                }
            }
        }

        if (!anyNotReady)
        {
            waitTime = TimeSpan.Zero;
        }
        if (removeCandidates.Count + updateCandidates.Count + boundingCandidates.Count + applyFailedUpdateCandidates.Count == 0)
        {
            return new RolloutPlan { NothingToRoll = true, UpToDate = upToDate, WaitTime = waitTime };
        }

        var target = (policy?.PlacementType ?? PlacementType.PickAll) switch
        {
            PlacementType.PickFixed => policy!.ClusterNames?.Count ?? 0,
            PlacementType.PickN => policy!.NumberOfClusters ?? 0,
            _ => schedulerTargeted,
        };
        var maxUnavailable = (rollingUpdate.MaxUnavailable ?? IntOrString.FromString("25%")).Scaled(target, roundUp: true);
        var maxSurge = (rollingUpdate.MaxSurge ?? IntOrString.FromString("25%")).Scaled(target, roundUp: true);
        var minAvailable = target - maxUnavailable;
        var maxToRemove = ready.Count - canBeUnavailable.Count - minAvailable;
        var maxToAdd = target + maxSurge - canBeReady.Count;

        var update = new List<BindingUpdate>(applyFailedUpdateCandidates);
        var delete = new List<RolloutBinding>();
        var removed = 0;
        if (maxToRemove > 0)
        {
            foreach (var candidate in removeCandidates)
            {
                if (removed == maxToRemove)
                {
                    break;
                }
                delete.Add(candidate);
                removed++;
            }
        }
        var updatedInPlace = 0;
        if (maxToRemove > 0)
        {
            foreach (var candidate in updateCandidates)
            {
                if (removed == maxToRemove)
                {
                    break;
                }
                update.Add(candidate);
                removed++;
                updatedInPlace++;
            }
        }
        var bound = 0;
        foreach (var candidate in boundingCandidates)
        {
            if (bound >= maxToAdd)
            {
                break;
            }
            update.Add(candidate);
            bound++;
        }
        var stale = updateCandidates.Skip(updatedInPlace).Select(u => u.Binding)
            .Concat(boundingCandidates.Skip(bound).Select(u => u.Binding))
            .ToList();
        return new RolloutPlan { Update = update, Delete = delete, Stale = stale, UpToDate = upToDate, WaitTime = waitTime };
    }

    /// <summary>
    /// Ready: diff reported at the current generation, or Available True at it — for untrackable resources only
    /// once it has been so for the unavailable period. Otherwise not ready, with how long until it may be
    /// (negative: wait for a status change).
    /// </summary>
    internal static (bool Ready, TimeSpan Wait) IsReady(RolloutBinding binding, DateTimeOffset cutoff)
    {
        if (Current(binding, BindingConditionType.DiffReported) is { IsTrue: true })
        {
            return (true, TimeSpan.Zero);
        }
        if (Current(binding, BindingConditionType.Available) is { IsTrue: true } available)
        {
            if (!UntrackableReasons.Contains(available.Reason))
            {
                return (true, TimeSpan.Zero);
            }
            return available.LastTransitionTime < cutoff ? (true, TimeSpan.Zero) : (false, available.LastTransitionTime - cutoff);
        }
        return (false, TimeSpan.FromTicks(-1));
    }

    /// <summary>
    /// Failed: Overridden, WorkSynchronized, Applied or Available False at the current generation with a reason
    /// outside upstream's allow-list — which, as upstream, the work generator's own reasons never are.
    /// </summary>
    internal static bool HasFailed(RolloutBinding binding) =>
        new[] { BindingConditionType.Overridden, BindingConditionType.WorkSynchronized, BindingConditionType.Applied, BindingConditionType.Available }
            .Any(type => Current(binding, type) is { IsFalse: true } condition && !NotFailedReasons.Contains(condition.Reason));

    internal static bool IsDiffReported(RolloutBinding binding) => Current(binding, BindingConditionType.DiffReported) is not null;

    private static Condition? Current(RolloutBinding binding, string type) =>
        binding.Conditions.FirstOrDefault(c => c.Type == type && c.ObservedGeneration == binding.Generation);

    private static bool SameList<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b) =>
        (a is null || a.Count == 0) && (b is null || b.Count == 0) || (a is not null && b is not null && a.SequenceEqual(b));
}
