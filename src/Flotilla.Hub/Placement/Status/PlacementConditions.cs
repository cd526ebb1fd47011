using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement.Status;

/// <summary>
/// The placement-level conditions after Scheduled (placement spec §7.6): each expected type aggregated over the
/// selected clusters' per-cluster conditions, and whether the rollout has completed.
/// </summary>
internal static class PlacementConditions
{
    /// <summary>
    /// Aggregates the entries that name a cluster (the unnamed ScheduleFailed entries describe clusters that do not
    /// exist), type by type in order: any Unknown makes the type Unknown, else any False makes it False, else it is True;
    /// it stops at the first type that is not True and removes the types after it. The Scheduled condition is not
    /// looked at, so a PickN placement short of clusters still reports on the clusters it has, and neither it nor
    /// StatusSynced is touched.
    /// </summary>
    public static void Apply(PlacementStatus status, bool clusterScoped, long placementGeneration, bool reportDiff, DateTimeOffset now)
    {
        status.Conditions ??= [];
        var clusters = (status.PlacementStatuses ?? []).Where(e => !string.IsNullOrEmpty(e.ClusterName)).ToList();
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in StatusTexts.ExpectedTypes(reportDiff))
        {
            int unknown = 0, failed = 0, succeeded = 0;
            foreach (var entry in clusters)
            {
                // A cluster without the type stopped earlier, so an earlier type already stopped the aggregation.
                switch (Conditions.Find(entry.Conditions, type)?.Status)
                {
                    case ConditionStatus.Unknown: unknown++; break;
                    case ConditionStatus.False: failed++; break;
                    case ConditionStatus.True: succeeded++; break;
                }
            }

            var texts = StatusTexts.ByType[type];
            var (conditionStatus, text, count) = unknown > 0 ? (ConditionStatus.Unknown, texts.PlacementUnknown, unknown)
                : failed > 0 ? (ConditionStatus.False, texts.PlacementFalse, failed)
                : (ConditionStatus.True, texts.PlacementTrue, succeeded);
            var message = text.Format(count);
            var reason = text.Reason;
            if (type == PerClusterConditionType.Overridden && conditionStatus == ConditionStatus.True && !clusters.Any(HasOverrides))
            {
                reason = StatusTexts.NoOverrideSpecifiedReason;
                message = StatusTexts.NoOverrideSpecifiedMessage;
            }
            Set(status.Conditions, clusterScoped, type, conditionStatus, reason, message, placementGeneration, now);
            set.Add(type);
            if (conditionStatus != ConditionStatus.True)
            {
                break;
            }
        }
        RemoveAllBut(status.Conditions, clusterScoped, set);
    }

    /// <summary>
    /// The External strategy's variant of <see cref="Apply"/> (placement spec §4.6): the clusters must agree on one
    /// resource index for the conditions to mean anything. When they do not, or none has a snapshot yet, RolloutStarted
    /// is Unknown, later types are removed, and <c>observedResourceIndex</c> and <c>selectedResources</c> are cleared;
    /// returns null. Otherwise sets <c>observedResourceIndex</c> to the common index, aggregates as usual and returns
    /// that index: the caller sets <c>selectedResources</c> to that snapshot's resources when it is not the latest.
    /// </summary>
    public static string? ApplyExternal(PlacementStatus status, bool clusterScoped, long placementGeneration, bool reportDiff, DateTimeOffset now)
    {
        status.Conditions ??= [];
        var indices = (status.PlacementStatuses ?? [])
            .Where(e => !string.IsNullOrEmpty(e.ClusterName))
            .Select(e => e.ObservedResourceIndex ?? "")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        string? undetermined = indices.Count > 1 ? StatusTexts.ExternalDifferentIndicesMessage
            : indices.Count == 0 || indices[0] == "" ? StatusTexts.ExternalNoIndexMessage(clusterScoped)
            : null;
        if (undetermined is not null)
        {
            // Which version is rolling out is the update run's to say; the placement claims none.
            status.ObservedResourceIndex = "";
            status.SelectedResources = [];
            Set(status.Conditions, clusterScoped, PerClusterConditionType.RolloutStarted, ConditionStatus.Unknown,
                StatusTexts.ExternalReason, undetermined, placementGeneration, now);
            RemoveAllBut(status.Conditions, clusterScoped, new HashSet<string>(StringComparer.Ordinal) { PerClusterConditionType.RolloutStarted });
            return null;
        }
        status.ObservedResourceIndex = indices[0];
        Apply(status, clusterScoped, placementGeneration, reportDiff, now);
        return indices[0];
    }

    /// <summary>Upstream's "rollout completed": Scheduled and every expected type True at the current generation.</summary>
    public static bool RolloutCompleted(PlacementStatus status, bool clusterScoped, long placementGeneration, bool reportDiff) =>
        IsTrueAt(status.Conditions, PlacementConditionType.For(clusterScoped, PerClusterConditionType.Scheduled), placementGeneration)
        && StatusTexts.ExpectedTypes(reportDiff).All(t => IsTrueAt(status.Conditions, PlacementConditionType.For(clusterScoped, t), placementGeneration));

    internal static bool IsTrueAt(IEnumerable<Condition>? conditions, string type, long generation) =>
        Conditions.Find(conditions, type) is { IsTrue: true } c && (c.ObservedGeneration ?? 0) == generation;

    private static bool HasOverrides(PerClusterPlacementStatus entry) =>
        entry.ApplicableResourceOverrides is { Count: > 0 } || entry.ApplicableClusterResourceOverrides is { Count: > 0 };

    private static void Set(List<Condition> conditions, bool clusterScoped, string type, string status, string reason, string message, long generation, DateTimeOffset now) =>
        Conditions.Set(conditions, new Condition
        {
            Type = PlacementConditionType.For(clusterScoped, type), Status = status, Reason = reason, Message = message, ObservedGeneration = generation,
        }, now);

    // Walks every type after Scheduled, so a type of the other apply strategy goes too; Scheduled and StatusSynced stay.
    private static void RemoveAllBut(List<Condition> conditions, bool clusterScoped, IReadOnlySet<string> kept)
    {
        foreach (var type in StatusTexts.AllTypes)
        {
            if (!kept.Contains(type))
            {
                Conditions.Remove(conditions, PlacementConditionType.For(clusterScoped, type));
            }
        }
    }
}
