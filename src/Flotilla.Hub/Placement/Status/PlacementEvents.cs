using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement.Status;

/// <summary>The Normal events a placement status update announces (placement spec §7.8).</summary>
internal static class PlacementEvents
{
    /// <summary>
    /// The types whose turning True is announced. Upstream loops over its condition enum up to, but not including, the
    /// last index; that index is DiffReported, so Available is announced (PlacementAvailable) while DiffReported never is
    /// (its code comment still calls Available the last one, from before DiffReported existed). Completion covers both.
    /// </summary>
    private static readonly IReadOnlyList<string> AnnouncedTypes = StatusTexts.AllTypes.Take(StatusTexts.AllTypes.Count - 1).ToList();

    /// <summary>
    /// The events for a status update from <paramref name="before"/> to <paramref name="after"/> (the placement's
    /// conditions): one per announced type expected under the apply strategy that is True at the current generation
    /// after and was not before, in type order, then <c>PlacementRolloutCompleted</c> when the rollout just completed.
    /// </summary>
    public static IReadOnlyList<(string Reason, string Message)> Transitions(
        IReadOnlyList<Condition>? before, IReadOnlyList<Condition>? after, bool clusterScoped, long placementGeneration, bool reportDiff,
        bool completedBefore, bool completedAfter)
    {
        var events = new List<(string Reason, string Message)>();
        var expected = StatusTexts.ExpectedTypes(reportDiff);
        foreach (var type in AnnouncedTypes)
        {
            // A type the strategy does not expect has been removed from the placement, so it cannot have turned True.
            if (!expected.Contains(type))
            {
                continue;
            }
            var conditionType = PlacementConditionType.For(clusterScoped, type);
            // Generation-sensitive on both sides, as upstream: a spec change makes the old True stale, so reaching
            // True again for the new generation is announced again.
            if (!PlacementConditions.IsTrueAt(before, conditionType, placementGeneration)
                && PlacementConditions.IsTrueAt(after, conditionType, placementGeneration))
            {
                var text = StatusTexts.ByType[type].BecameTrueEvent;
                events.Add((text.Reason, text.Message));
            }
        }
        if (completedAfter && !completedBefore)
        {
            events.Add((StatusTexts.RolloutCompletedReason, StatusTexts.RolloutCompletedMessage));
        }
        return events;
    }
}
