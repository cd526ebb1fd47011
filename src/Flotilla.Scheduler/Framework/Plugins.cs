namespace Flotilla.Scheduler.Framework;

/// <summary>
/// A scheduler plugin. Plugins are stateless and shared by every cycle of every placement, possibly in parallel;
/// what they compute for a cycle lives in its <see cref="CycleState"/>. Returning null means Success.
/// </summary>
public interface IPlugin
{
    /// <summary>The plugin's name, as upstream names it (shown by <c>flotilla explain</c>).</summary>
    string Name { get; }
}

/// <summary>Limits how many clusters one PickN cycle may pick (placement spec §3.3, PostBatch).</summary>
public interface IPostBatchPlugin : IPlugin
{
    /// <summary>A batch size limit ≥ 0, or a Skip status for no limit.</summary>
    PluginStatus? PostBatch(CycleState state, PolicyView policy, out int limit);
}

/// <summary>Prepares filtering once per cycle; Skip turns this plugin's <see cref="IFilterPlugin.Filter"/> off for the cycle.</summary>
public interface IPreFilterPlugin : IPlugin
{
    PluginStatus? PreFilter(CycleState state, PolicyView policy);
}

/// <summary>Decides whether one cluster may be picked.</summary>
public interface IFilterPlugin : IPlugin
{
    PluginStatus? Filter(CycleState state, PolicyView policy, SchedulingCluster cluster);
}

/// <summary>Prepares scoring once per cycle; Skip turns this plugin's <see cref="IScorePlugin.Score"/> off for the cycle.</summary>
public interface IPreScorePlugin : IPlugin
{
    PluginStatus? PreScore(CycleState state, PolicyView policy);
}

/// <summary>Scores one cluster that passed every filter; the framework sums the plugins' scores.</summary>
public interface IScorePlugin : IPlugin
{
    PluginStatus? Score(CycleState state, PolicyView policy, SchedulingCluster cluster, out Score score);
}
