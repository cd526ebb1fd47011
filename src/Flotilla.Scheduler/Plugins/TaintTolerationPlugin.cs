using Flotilla.Api.Cluster;
using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Plugins;

/// <summary>
/// Filters out clusters with a NoSchedule taint the placement does not tolerate (placement spec §3.5.3). Taints only
/// keep new placements away: an already picked cluster keeps its binding.
/// </summary>
public sealed class TaintTolerationPlugin : IFilterPlugin
{
    public const string PluginName = "TaintToleration";

    public string Name => PluginName;

    public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster)
    {
        var tolerations = policy.Policy?.Tolerations;
        foreach (var taint in cluster.Taints)
        {
            if (!Tolerated(taint, tolerations))
            {
                // Upstream formats the taint as a Go pointer with %+v.
                return PluginStatus.Unschedulable(Name, $"taint &{{Key:{taint.Key} Value:{taint.Value} Effect:{taint.Effect}}} cannot be tolerated");
            }
        }
        return null;
    }

    internal static bool Tolerated(Taint taint, List<Toleration>? tolerations)
    {
        if (tolerations is null)
        {
            return false;
        }
        foreach (var toleration in tolerations)
        {
            if (Tolerates(toleration, taint))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Exists matches any value (and any key when the key is empty); Equal needs key and value; anything else nothing.</summary>
    internal static bool Tolerates(Toleration toleration, Taint taint)
    {
        if (!string.IsNullOrEmpty(toleration.Effect) && toleration.Effect != taint.Effect)
        {
            return false;
        }
        return toleration.Operator switch
        {
            TolerationOperator.Exists => string.IsNullOrEmpty(toleration.Key) || toleration.Key == taint.Key,
            TolerationOperator.Equal => (toleration.Key ?? "") == taint.Key && (toleration.Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }
}
