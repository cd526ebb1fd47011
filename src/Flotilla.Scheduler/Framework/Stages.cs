namespace Flotilla.Scheduler.Framework;

/// <summary>
/// Runs a profile's stages over the clusters of a cycle (placement spec §3.3). Filter and Score run cluster by
/// cluster on the calling thread: a thousand clusters take well under a millisecond, and parallel cycles of
/// different placements already use every core.
/// </summary>
internal sealed class Stages
{
    private readonly Profile _profile;

    public Stages(Profile profile) => _profile = profile;

    /// <summary>The effective batch size: the smallest of <paramref name="desired"/> and every plugin's limit.</summary>
    public int PostBatch(CycleState state, PolicyView policy, int desired)
    {
        var limit = desired;
        foreach (var plugin in _profile.PostBatch)
        {
            var status = plugin.PostBatch(state, policy, out var pluginLimit);
            switch (status?.Code ?? StatusCode.Success)
            {
                case StatusCode.Success:
                    if (pluginLimit >= 0)
                    {
                        limit = Math.Min(limit, pluginLimit);
                    }
                    break;
                case StatusCode.Skip:
                    break;
                default:
                    throw Failure("post-batch", status!);
            }
        }
        return Math.Max(limit, 0);
    }

    /// <summary>Runs every PreFilter; returns which Filter plugins run in this cycle.</summary>
    public bool[] PreFilter(CycleState state, PolicyView policy) =>
        Prepare("pre-filter", _profile.PreFilter, plugin => plugin.PreFilter(state, policy), _profile.Filter);

    /// <summary>
    /// The first plugin that does not pass the cluster decides: null when every plugin passes it; otherwise its
    /// status (ClusterUnschedulable: filtered, with the reason; ClusterAlreadySelected: silently dropped). The cluster
    /// is the one at <c>index</c> in <see cref="CycleState.Clusters"/>.
    /// </summary>
    public PluginStatus? Filter(CycleState state, PolicyView policy, bool[] runs, int index)
    {
        var plugins = _profile.Filter;
        var cluster = state.Current(index);
        for (var i = 0; i < plugins.Count; i++)
        {
            if (!runs[i])
            {
                continue;
            }
            var status = plugins[i].Filter(state, policy, cluster);
            if (status is null || status.IsSuccess)
            {
                continue;
            }
            return status.Code is StatusCode.ClusterUnschedulable or StatusCode.ClusterAlreadySelected ? status : throw Failure("filter", status);
        }
        return null;
    }

    /// <summary>Runs every PreScore; returns which Score plugins run in this cycle.</summary>
    public bool[] PreScore(CycleState state, PolicyView policy) =>
        Prepare("pre-score", _profile.PreScore, plugin => plugin.PreScore(state, policy), _profile.Score);

    /// <summary>
    /// The sum of the running Score plugins' scores for the cluster at <c>index</c> in <see cref="CycleState.Clusters"/>;
    /// <paramref name="perPlugin"/>, when given, gets each plugin's.
    /// </summary>
    public Score Score(CycleState state, PolicyView policy, bool[] runs, int index, List<PluginScore>? perPlugin = null)
    {
        var plugins = _profile.Score;
        var cluster = state.Current(index);
        var total = default(Score);
        for (var i = 0; i < plugins.Count; i++)
        {
            if (!runs[i])
            {
                continue;
            }
            var status = plugins[i].Score(state, policy, cluster, out var score);
            if (status is not null && !status.IsSuccess)
            {
                throw Failure("score", status);
            }
            total += score;
            perPlugin?.Add(new PluginScore(plugins[i].Name, score));
        }
        return total;
    }

    /// <summary>
    /// Runs a preparing stage: a plugin's Skip turns off its part of the next stage for this cycle; anything but
    /// Success or Skip stops the cycle. Returns, per plugin of <paramref name="next"/>, whether it runs.
    /// </summary>
    private static bool[] Prepare<TPlugin>(string stage, IReadOnlyList<TPlugin> plugins, Func<TPlugin, PluginStatus?> run, IReadOnlyList<IPlugin> next)
        where TPlugin : IPlugin
    {
        var skipped = new HashSet<IPlugin>(ReferenceEqualityComparer.Instance);
        foreach (var plugin in plugins)
        {
            var status = run(plugin);
            switch (status?.Code ?? StatusCode.Success)
            {
                case StatusCode.Success:
                    break;
                case StatusCode.Skip:
                    skipped.Add(plugin);
                    break;
                default:
                    throw Failure(stage, status!);
            }
        }
        var runs = new bool[next.Count];
        for (var i = 0; i < runs.Length; i++)
        {
            runs[i] = !skipped.Contains(next[i]);
        }
        return runs;
    }

    private static SchedulingException Failure(string stage, PluginStatus status) =>
        new($"failed to run {stage} plugin {status.Plugin}: {status}");
}

/// <summary>One plugin's contribution to a cluster's score.</summary>
public readonly record struct PluginScore(string Plugin, Score Score);
