using System.Runtime.CompilerServices;
using Flotilla.Api.Cluster;
using Flotilla.Scheduler;

namespace Flotilla.Hub.Placement;

/// <summary>
/// The scheduling view of each MemberCluster object, parsed once per version: informers replace an object when it
/// changes, so the object itself is the key, and a view lives as long as its object.
/// </summary>
internal static class SchedulingViews
{
    private static readonly ConditionalWeakTable<MemberCluster, SchedulingCluster> Views = [];

    public static SchedulingCluster Of(MemberCluster cluster) => Views.GetValue(cluster, SchedulingCluster.From);
}
