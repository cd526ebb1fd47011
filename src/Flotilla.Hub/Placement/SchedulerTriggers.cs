using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement;

/// <summary>Which changes re-run the scheduler (placement spec §2.1, §3.1).</summary>
internal static class SchedulerTriggers
{
    /// <summary>A policy snapshot's <c>number-of-clusters</c> or <c>CRP-generation</c> changed, or it became the latest again.</summary>
    public static bool PolicySnapshotChanged(ObjectMeta old, ObjectMeta current) =>
        old.Annotation(PlacementApi.NumberOfClustersAnnotation) != current.Annotation(PlacementApi.NumberOfClustersAnnotation)
        || old.Annotation(PlacementApi.PlacementGenerationAnnotation) != current.Annotation(PlacementApi.PlacementGenerationAnnotation)
        || (!PolicySnapshots.IsLatest(old) && PolicySnapshots.IsLatest(current));

    /// <summary>
    /// A MemberCluster update after which placements may gain the cluster: labels changed; an existing taint removed
    /// or modified (added taints cannot let anything in); a property value, the namespaces or the resource usage
    /// changed (observation times alone do not count); or the cluster became eligible.
    /// </summary>
    public static bool MayGainClusters(MemberCluster old, MemberCluster current, DateTimeOffset now)
    {
        if (current.Metadata.IsDeleting)
        {
            return false;
        }
        if (!Maps.SameEntries(old.Metadata.Labels, current.Metadata.Labels))
        {
            return true;
        }
        var newTaints = current.Spec.Taints ?? [];
        if ((old.Spec.Taints ?? []).Any(t => !newTaints.Any(n => n.Key == t.Key && n.Value == t.Value && n.Effect == t.Effect)))
        {
            return true;
        }
        var oldStatus = old.Status;
        var newStatus = current.Status;
        if (!Maps.SameEntries(oldStatus?.Properties?.ToDictionary(p => p.Key, p => p.Value.Value), newStatus?.Properties?.ToDictionary(p => p.Key, p => p.Value.Value))
            || !Maps.SameEntries(oldStatus?.Namespaces, newStatus?.Namespaces)
            || !Maps.SameEntries(oldStatus?.ResourceUsage?.Capacity, newStatus?.ResourceUsage?.Capacity)
            || !Maps.SameEntries(oldStatus?.ResourceUsage?.Allocatable, newStatus?.ResourceUsage?.Allocatable)
            || !Maps.SameEntries(oldStatus?.ResourceUsage?.Available, newStatus?.ResourceUsage?.Available))
        {
            return true;
        }
        return SchedulingViews.Of(old).IneligibleReason(now) is not null && SchedulingViews.Of(current).IneligibleReason(now) is null;
    }
}
