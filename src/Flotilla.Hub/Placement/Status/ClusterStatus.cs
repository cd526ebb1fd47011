using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement.Status;

/// <summary>What the per-cluster status needs to know about the placement, gathered once per reconcile.</summary>
/// <param name="PlacementGeneration">The placement's generation: every condition written is observed at it.</param>
/// <param name="ReportDiff">The placement's apply strategy is ReportDiff (DiffReported replaces Applied and Available).</param>
/// <param name="External">The placement's rollout strategy is External (staged update runs drive the bindings).</param>
/// <param name="LatestResourceSnapshotName">The latest master resource snapshot's name; null when there is none (External only).</param>
/// <param name="LatestResourceIndex">The latest master resource snapshot's index label; "" when there is none.</param>
/// <param name="ResourceIndexOfSnapshot">
/// The index label of a master resource snapshot by name; null when it no longer exists (the revision history limit
/// deleted it). Only called with the External strategy.
/// </param>
internal sealed record ClusterStatusContext(
    long PlacementGeneration,
    bool ReportDiff,
    bool External,
    string? LatestResourceSnapshotName,
    string LatestResourceIndex,
    Func<string, string?> ResourceIndexOfSnapshot);

/// <summary>
/// The per-cluster part of a placement's status after scheduling (placement spec §7.5): one selected cluster's
/// observed resource index, its conditions after <c>Scheduled</c> derived from its binding, and the override,
/// failed, drifted and diffed lists copied from that binding.
/// </summary>
internal static class ClusterStatus
{
    /// <summary>
    /// Rewrites <paramref name="entry"/> (whose Scheduled condition is already set) from <paramref name="binding"/>: the
    /// non-deleting binding of the latest policy snapshot for the entry's cluster, or null when there is none yet.
    /// Conditions are set on the entry's existing list, so one whose status did not change keeps its transition time.
    /// </summary>
    public static void Apply(PerClusterPlacementStatus entry, IBinding? binding, ClusterStatusContext context, DateTimeOffset now)
    {
        entry.Conditions ??= [];
        // Upstream builds each entry afresh and carries over only the conditions: anything else describes a binding
        // state that may be gone, and is set again below when it still holds.
        entry.ObservedResourceIndex = null;
        entry.ApplicableResourceOverrides = null;
        entry.ApplicableClusterResourceOverrides = null;
        entry.FailedPlacements = null;
        entry.DriftedPlacements = null;
        entry.DiffedPlacements = null;

        var set = new HashSet<string>(StringComparer.Ordinal);
        var generation = context.PlacementGeneration;
        if (binding is null)
        {
            // The scheduler picked the cluster but its binding is not there yet (or is still from an older policy).
            SetUnknown(entry, PerClusterConditionType.RolloutStarted, generation, set, now);
        }
        else if (context.External)
        {
            // An update run decides what each cluster gets, so the cluster reports whatever its binding has.
            var snapshot = binding.Spec.ResourceSnapshotName;
            entry.ObservedResourceIndex = NullIfEmpty(string.IsNullOrEmpty(snapshot) ? null : context.ResourceIndexOfSnapshot(snapshot));
            CopyFromBinding(entry, binding, context, set, now);
        }
        else
        {
            // The rolling update converges every cluster on the latest snapshot, so that is what the entry describes.
            entry.ObservedResourceIndex = NullIfEmpty(context.LatestResourceIndex);
            var onLatest = (binding.Spec.ResourceSnapshotName ?? "") == (context.LatestResourceSnapshotName ?? "");
            if (!onLatest && IsStatusAt(binding.Status?.Conditions, BindingConditionType.RolloutStarted, ConditionStatus.False, BindingGeneration(binding)))
            {
                Set(entry, PerClusterConditionType.RolloutStarted, ConditionStatus.False,
                    new StatusText(StatusTexts.RolloutBlockedReason, StatusTexts.RolloutBlockedMessage), generation, set, now);
            }
            else if (!onLatest)
            {
                // Either the rollout controller has not looked at the new snapshot yet, or its verdict is stale: the
                // binding's later conditions describe the older snapshot, so none of them is copied.
                SetUnknown(entry, PerClusterConditionType.RolloutStarted, generation, set, now);
            }
            else
            {
                CopyFromBinding(entry, binding, context, set, now);
            }
        }

        // Types not reached in this pass would describe an earlier state; Scheduled is not among them.
        foreach (var type in StatusTexts.AllTypes)
        {
            if (!set.Contains(type))
            {
                Conditions.Remove(entry.Conditions, type);
            }
        }
    }

    /// <summary>
    /// Copies the expected types in order while the binding's condition is current; stops at the first one that is
    /// neither True nor False at the binding's generation (reported Unknown) and after the first False, since each step
    /// depends on the previous one having succeeded.
    /// </summary>
    private static void CopyFromBinding(PerClusterPlacementStatus entry, IBinding binding, ClusterStatusContext context, HashSet<string> set, DateTimeOffset now)
    {
        var bindingGeneration = BindingGeneration(binding);
        var bindingStatus = binding.Status;
        foreach (var type in StatusTexts.ExpectedTypes(context.ReportDiff))
        {
            // Binding condition types have the same names as the per-cluster ones.
            var condition = Conditions.Find(bindingStatus?.Conditions, type);
            var current = condition is not null
                && (condition.IsTrue || condition.IsFalse)
                && (condition.ObservedGeneration ?? 0) == bindingGeneration;
            if (!current)
            {
                SetUnknown(entry, type, context.PlacementGeneration, set, now);
                return;
            }

            switch (type)
            {
                case PerClusterConditionType.RolloutStarted when condition!.IsTrue:
                    // The overrides are those of the snapshot the rollout started with.
                    entry.ApplicableResourceOverrides = CopyOrNull(binding.Spec.ResourceOverrideSnapshots);
                    entry.ApplicableClusterResourceOverrides = CopyOrNull(binding.Spec.ClusterResourceOverrideSnapshots);
                    break;
                case PerClusterConditionType.Applied or PerClusterConditionType.Available:
                    if (condition!.IsFalse)
                    {
                        entry.FailedPlacements = CopyOrNull(bindingStatus?.FailedPlacements);
                        entry.DiffedPlacements = CopyOrNull(bindingStatus?.DiffedPlacements);
                    }
                    // Drift is found whether or not the apply succeeded.
                    entry.DriftedPlacements = CopyOrNull(bindingStatus?.DriftedPlacements);
                    break;
                case PerClusterConditionType.DiffReported when condition!.IsTrue:
                    entry.DiffedPlacements = CopyOrNull(bindingStatus?.DiffedPlacements);
                    break;
            }

            Set(entry, type, condition!.Status, new StatusText(condition.Reason, condition.Message), context.PlacementGeneration, set, now);
            if (condition.IsFalse)
            {
                return;
            }
        }
    }

    private static void SetUnknown(PerClusterPlacementStatus entry, string type, long generation, HashSet<string> set, DateTimeOffset now) =>
        Set(entry, type, ConditionStatus.Unknown, StatusTexts.ByType[type].PerClusterUnknown, generation, set, now);

    private static void Set(PerClusterPlacementStatus entry, string type, string status, StatusText text, long generation, HashSet<string> set, DateTimeOffset now)
    {
        Conditions.Set(entry.Conditions, new Condition
        {
            Type = type, Status = status, Reason = text.Reason, Message = text.Message, ObservedGeneration = generation,
        }, now);
        set.Add(type);
    }

    /// <summary>Upstream's <c>IsConditionStatusTrue/False</c>: the status, observed at exactly that generation.</summary>
    private static bool IsStatusAt(List<Condition>? conditions, string type, string status, long generation) =>
        Conditions.Find(conditions, type) is { } c && c.Status == status && (c.ObservedGeneration ?? 0) == generation;

    // An unset generation is Go's zero value, which upstream compares like any other.
    private static long BindingGeneration(IBinding binding) => binding.Metadata.Generation ?? 0;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    // Upstream's lists are omitempty, so an empty list is written as an absent one. The copy keeps the placement's
    // status from sharing a list with the binding, which comes from a shared cache.
    private static List<T>? CopyOrNull<T>(List<T>? list) => list is { Count: > 0 } ? [.. list] : null;
}
