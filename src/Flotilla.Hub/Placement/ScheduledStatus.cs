using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement;

/// <summary>
/// The scheduling part of a placement's status (placement spec §7.3): the <c>…Scheduled</c> condition copied from the
/// latest policy snapshot, and one <c>placementStatuses</c> entry per selected cluster plus an entry without a cluster
/// name for each cluster the policy wanted but could not get.
/// </summary>
internal static class ScheduledStatus
{
    public const string PendingReason = "SchedulePending";
    public const string PendingMessage = "Scheduling has not completed";
    public const string ScheduledReason = "Scheduled";
    public const string ScheduleFailedReason = "ScheduleFailed";

    /// <summary>
    /// Sets the Scheduled condition and the per-cluster list on <paramref name="status"/>; returns whether scheduling
    /// has completed (the condition is not Unknown).
    /// </summary>
    public static bool Apply(PlacementStatus status, IPlacement placement, bool clusterScoped, IPolicySnapshot? latest, DateTimeOffset now)
    {
        var generation = placement.Metadata.Generation ?? 0;
        var conditionType = PlacementConditionType.For(clusterScoped, PerClusterConditionType.Scheduled);
        status.Conditions ??= [];
        var fromSnapshot = latest is null ? null : Conditions.Find(latest.Status?.Conditions, PolicySnapshotConditionType.Scheduled);
        var current = fromSnapshot is not null
            && fromSnapshot.Status != ConditionStatus.Unknown
            && fromSnapshot.ObservedGeneration == latest!.Metadata.Generation
            && latest.Status!.ObservedCRPGeneration >= generation;
        if (!current)
        {
            Conditions.Set(status.Conditions, new Condition
            {
                Type = conditionType, Status = ConditionStatus.Unknown, Reason = PendingReason, Message = PendingMessage, ObservedGeneration = generation,
            }, now);
            status.PlacementStatuses = [];
            return false;
        }
        Conditions.Set(status.Conditions, new Condition
        {
            Type = conditionType, Status = fromSnapshot!.Status, Reason = fromSnapshot.Reason, Message = fromSnapshot.Message, ObservedGeneration = generation,
        }, now);

        var decisions = latest!.Status!.TargetClusters ?? [];
        var selected = decisions.Where(d => d.Selected).ToList();
        var unselected = decisions.Where(d => !d.Selected).ToList();
        var policy = placement.Spec.Policy;
        var wanted = policy?.PlacementType switch
        {
            PlacementType.PickN => (policy.NumberOfClusters ?? 0) - selected.Count,
            PlacementType.PickFixed => (policy.ClusterNames?.Count ?? 0) - selected.Count,
            _ => 0,
        };
        var failedToSchedule = Math.Clamp(wanted, 0, unselected.Count);

        var previous = (status.PlacementStatuses ?? [])
            .Where(p => !string.IsNullOrEmpty(p.ClusterName))
            .GroupBy(p => p.ClusterName!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var entries = new List<PerClusterPlacementStatus>(selected.Count + failedToSchedule);
        foreach (var decision in selected)
        {
            var entry = previous.GetValueOrDefault(decision.ClusterName) ?? new PerClusterPlacementStatus { ClusterName = decision.ClusterName };
            entry.Conditions ??= [];
            Conditions.Set(entry.Conditions, new Condition
            {
                Type = PerClusterConditionType.Scheduled, Status = ConditionStatus.True, Reason = ScheduledReason, Message = decision.Reason,
                ObservedGeneration = generation,
            }, now);
            entries.Add(entry);
        }
        // Entries without a cluster name are matched by position, so an unchanged one keeps its transition time.
        var previousUnnamed = (status.PlacementStatuses ?? []).Where(p => string.IsNullOrEmpty(p.ClusterName)).ToList();
        for (var i = 0; i < failedToSchedule; i++)
        {
            var entry = i < previousUnnamed.Count ? previousUnnamed[i] : new PerClusterPlacementStatus();
            entry.Conditions ??= [];
            entry.Conditions.RemoveAll(c => c.Type != PerClusterConditionType.Scheduled);
            Conditions.Set(entry.Conditions, new Condition
            {
                Type = PerClusterConditionType.Scheduled, Status = ConditionStatus.False, Reason = ScheduleFailedReason,
                Message = unselected[i].Reason, ObservedGeneration = generation,
            }, now);
            entries.Add(entry);
        }
        status.PlacementStatuses = entries;
        if (selected.Count == 0)
        {
            // Nothing is placed anywhere: the later conditions would describe nothing.
            status.Conditions.RemoveAll(c => c.Type != conditionType);
        }
        return true;
    }
}
