using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Plugins;

/// <summary>Filters out clusters that left, never joined, lost their heartbeat or stayed unhealthy (placement spec §3.5.1).</summary>
public sealed class ClusterEligibilityPlugin : IFilterPlugin
{
    public const string PluginName = "ClusterEligibility";

    public string Name => PluginName;

    public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster) =>
        cluster.IneligibleReason(state.Now) is { } reason ? PluginStatus.Unschedulable(Name, reason) : null;
}
