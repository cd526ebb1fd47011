using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler.Plugins;

/// <summary>
/// For a ResourcePlacement, filters out clusters known not to have its namespace (placement spec §3.5.6). Clusters
/// that do not collect namespaces pass, so fleets without namespace collection schedule as before.
/// </summary>
public sealed class NamespaceAffinityPlugin : IPreFilterPlugin, IFilterPlugin
{
    public const string PluginName = "NamespaceAffinity";

    public string Name => PluginName;

    public PluginStatus? PreFilter(CycleState state, PolicyView policy) =>
        policy.PlacementNamespace is null ? PluginStatus.Skip(Name, "cluster-scoped placement") : null;

    public PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster)
    {
        if (!cluster.CollectsNamespaces)
        {
            return null;
        }
        if (cluster.Namespaces is null)
        {
            return PluginStatus.Unschedulable(Name, "cluster has no namespace information available");
        }
        return cluster.Namespaces.ContainsKey(policy.PlacementNamespace!)
            ? null
            : PluginStatus.Unschedulable(Name, "target namespace does not exist on cluster");
    }
}
