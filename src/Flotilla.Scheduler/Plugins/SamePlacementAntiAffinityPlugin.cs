using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Plugins;

/// <summary>
/// Keeps a placement from picking a cluster twice, and prefers clusters it picked under an older policy (placement
/// spec §3.5.4): the last-resort tie-breaker that keeps workloads where they are during a policy change.
/// </summary>
public sealed class SamePlacementAntiAffinityPlugin : IFilterPlugin, IScorePlugin
{
    public const string PluginName = "SamePlacementAntiAffinity";

    internal const string AlreadySelectedReason = "resource placement has already been scheduled or bounded on the cluster";

    private static readonly PluginStatus AlreadySelected = PluginStatus.AlreadySelected(PluginName, AlreadySelectedReason);

    public string Name => PluginName;

    public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster) =>
        (state.IndexOf(cluster) is var index and >= 0 ? state.IsScheduledOrBound(index) : state.ScheduledOrBound.Contains(cluster.Name))
            ? AlreadySelected
            : null;

    public PluginStatus? Score(CycleState state, PolicyView policy, SchedulingCluster cluster, out Score score)
    {
        score = new Score(0, 0, state.Obsolete.Contains(cluster.Name) ? 1 : 0);
        return null;
    }
}
