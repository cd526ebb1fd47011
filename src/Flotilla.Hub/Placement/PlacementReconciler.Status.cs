using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Status;
using Flotilla.Runtime.Events;

namespace Flotilla.Hub.Placement;

internal sealed partial class PlacementReconciler<TPlacement, TSnapshot, TBinding>
{
    /// <summary>
    /// §7.5–§7.6: after the Scheduled part, each selected cluster's conditions from its binding of the latest policy
    /// snapshot, then the placement-level conditions aggregated over them. Returns whether the rollout has completed.
    /// </summary>
    private bool ApplyRolloutStatus(PlacementStatus status, TPlacement placement, TSnapshot latestPolicy, string observedIndex, DateTimeOffset now)
    {
        var generation = placement.Metadata.Generation ?? 0;
        var strategy = placement.Spec.Strategy;
        var reportDiff = strategy?.ApplyStrategy?.Type == ApplyStrategyType.ReportDiff;
        var external = strategy?.Type == RolloutStrategyType.External;
        var placementName = placement.Metadata.Name!;
        var bindings = _bindingLister.List(placement.Metadata.Namespace, Api.Meta.LabelSelector.Parse(PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(placementName)))
            .Where(b => !b.Metadata.IsDeleting && b.Spec.SchedulingPolicySnapshotName == latestPolicy.Metadata.Name)
            .GroupBy(b => b.Spec.TargetCluster, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var context = new ClusterStatusContext(
            generation, reportDiff, external,
            observedIndex.Length == 0 ? null : PlacementApi.ResourceSnapshotName(placementName, int.Parse(observedIndex, System.Globalization.CultureInfo.InvariantCulture)),
            observedIndex,
            snapshotName => ResourceSnapshotIndex(placementName, snapshotName));
        foreach (var entry in status.PlacementStatuses ?? [])
        {
            if (!string.IsNullOrEmpty(entry.ClusterName))
            {
                ClusterStatus.Apply(entry, bindings.GetValueOrDefault(entry.ClusterName), context, now);
            }
        }
        if (external)
        {
            PlacementConditions.ApplyExternal(status, _scope.ClusterScoped, generation, reportDiff, now);
        }
        else
        {
            PlacementConditions.Apply(status, _scope.ClusterScoped, generation, reportDiff, now);
        }
        return PlacementConditions.RolloutCompleted(status, _scope.ClusterScoped, generation, reportDiff);
    }

    /// <summary>§7.8: Normal events for the placement conditions that turned True, and for a completed rollout.</summary>
    private void RecordTransitions(TPlacement placement, IReadOnlyList<Condition>? before, PlacementStatus after)
    {
        var generation = placement.Metadata.Generation ?? 0;
        var reportDiff = placement.Spec.Strategy?.ApplyStrategy?.Type == ApplyStrategyType.ReportDiff;
        var completedBefore = placement.Status is { } previous && PlacementConditions.RolloutCompleted(previous, _scope.ClusterScoped, generation, reportDiff);
        var completedAfter = PlacementConditions.RolloutCompleted(after, _scope.ClusterScoped, generation, reportDiff);
        foreach (var (reason, message) in PlacementEvents.Transitions(before, after.Conditions, _scope.ClusterScoped, generation, reportDiff, completedBefore, completedAfter))
        {
            _events.Record(_scope.EventReferenceTo(placement), EventType.Normal, reason, message);
        }
    }

    /// <summary>The resource index of a placement's master snapshot from its name (<c>&lt;placement&gt;-&lt;index&gt;-snapshot</c>).</summary>
    private static string? ResourceSnapshotIndex(string placement, string snapshotName)
    {
        var prefix = placement + "-";
        const string suffix = "-snapshot";
        if (!snapshotName.StartsWith(prefix, StringComparison.Ordinal) || !snapshotName.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }
        var index = snapshotName[prefix.Length..^suffix.Length];
        return index.Length > 0 && index.All(char.IsAsciiDigit) ? index : null;
    }
}
