using Flotilla.Scheduler.Plugins;

namespace Flotilla.Scheduler.Framework;

/// <summary>The plugins of each stage, in the order they run (placement spec §3.3).</summary>
public sealed class Profile
{
    public required IReadOnlyList<IPostBatchPlugin> PostBatch { get; init; }

    public required IReadOnlyList<IPreFilterPlugin> PreFilter { get; init; }

    public required IReadOnlyList<IFilterPlugin> Filter { get; init; }

    public required IReadOnlyList<IPreScorePlugin> PreScore { get; init; }

    public required IReadOnlyList<IScorePlugin> Score { get; init; }

    /// <summary>Upstream's default profile.</summary>
    public static Profile Default { get; } = CreateDefault();

    private static Profile CreateDefault()
    {
        var affinity = new ClusterAffinityPlugin();
        var eligibility = new ClusterEligibilityPlugin();
        var namespaces = new NamespaceAffinityPlugin();
        var taints = new TaintTolerationPlugin();
        var samePlacement = new SamePlacementAntiAffinityPlugin();
        var spread = new TopologySpreadConstraintsPlugin();
        return new Profile
        {
            PostBatch = [spread],
            PreFilter = [affinity, namespaces, spread],
            Filter = [affinity, eligibility, namespaces, taints, samePlacement, spread],
            PreScore = [affinity, spread],
            Score = [affinity, samePlacement, spread],
        };
    }
}
