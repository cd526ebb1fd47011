using System.Text.Json;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Placement.Work;

/// <summary>Which Work and binding changes matter to the work generator (§5.1) and the placement controller (§7.2).</summary>
internal static class WorkTriggers
{
    /// <summary>The condition types the placement's per-cluster status copies from a binding.</summary>
    private static readonly string[] StatusTypes =
    [
        BindingConditionType.RolloutStarted, BindingConditionType.Overridden, BindingConditionType.WorkSynchronized,
        BindingConditionType.Applied, BindingConditionType.Available, BindingConditionType.DiffReported,
    ];

    /// <summary>
    /// A Work's status changed, or the snapshot index or either override hash it was generated from did (someone else
    /// rewrote it): the generator looks at its binding again.
    /// </summary>
    public static bool WorkChanged(WorkObject old, WorkObject current) =>
        old.Metadata.Label(PlacementApi.ParentResourceSnapshotIndexLabel) != current.Metadata.Label(PlacementApi.ParentResourceSnapshotIndexLabel)
        || old.Metadata.Annotation(PlacementApi.ParentResourceOverrideSnapshotHashAnnotation) != current.Metadata.Annotation(PlacementApi.ParentResourceOverrideSnapshotHashAnnotation)
        || old.Metadata.Annotation(PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation) != current.Metadata.Annotation(PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation)
        || JsonSerializer.Serialize(old.Status, PlacementJsonContext.Default.WorkStatus) != JsonSerializer.Serialize(current.Status, PlacementJsonContext.Default.WorkStatus);

    /// <summary>
    /// Any of the binding's status conditions changed (status, reason, message or observed generation), or its failed, drifted
    /// or diffed placements changed (§7.2).
    /// </summary>
    public static bool BindingStatusChanged(IBinding old, IBinding current)
    {
        foreach (var type in StatusTypes)
        {
            var a = Conditions.Find(old.Status?.Conditions, type);
            var b = Conditions.Find(current.Status?.Conditions, type);
            if ((a is null) != (b is null)
                || (a is not null && (a.Status != b!.Status || a.Reason != b.Reason || a.Message != b.Message || a.ObservedGeneration != b.ObservedGeneration)))
            {
                return true;
            }
        }
        return JsonSerializer.Serialize(old.Status?.FailedPlacements, PlacementJsonContext.Default.ListFailedResourcePlacement)
                != JsonSerializer.Serialize(current.Status?.FailedPlacements, PlacementJsonContext.Default.ListFailedResourcePlacement)
            || JsonSerializer.Serialize(old.Status?.DriftedPlacements, PlacementJsonContext.Default.ListDriftedResourcePlacement)
                != JsonSerializer.Serialize(current.Status?.DriftedPlacements, PlacementJsonContext.Default.ListDriftedResourcePlacement)
            || JsonSerializer.Serialize(old.Status?.DiffedPlacements, PlacementJsonContext.Default.ListDiffedResourcePlacement)
                != JsonSerializer.Serialize(current.Status?.DiffedPlacements, PlacementJsonContext.Default.ListDiffedResourcePlacement);
    }
}
