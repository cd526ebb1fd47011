namespace Flotilla.Scheduler.Framework;

/// <summary>
/// What one scheduling cycle knows (placement spec §3.2 step 6): the clusters, which of them already have a binding
/// for the latest policy snapshot and which have an obsolete one, and whatever each plugin prepared in its
/// PreFilter or PreScore for its Filter and Score.
/// </summary>
public sealed class CycleState
{
    // A handful of entries, read for every cluster: a short list compared by key is faster than hashing the key.
    private readonly List<KeyValuePair<string, object>> _pluginData = new(4);
    private Dictionary<SchedulingCluster, int>? _indexes;
    private int _current = -1;
    private bool[]? _picked;

    // picked: per cluster, whether it is in scheduledOrBound, when the caller already knows (else computed on demand).
    internal CycleState(
        IReadOnlyList<SchedulingCluster> clusters, IReadOnlySet<string> scheduledOrBound, IReadOnlySet<string> obsolete, DateTimeOffset now, bool[]? picked = null)
    {
        Clusters = clusters;
        ScheduledOrBound = scheduledOrBound;
        Obsolete = obsolete;
        Now = now;
        _picked = picked;
    }

    /// <summary>Every cluster of the fleet, including ineligible and leaving ones.</summary>
    public IReadOnlyList<SchedulingCluster> Clusters { get; }

    /// <summary>Clusters with a Scheduled or Bound binding for the latest policy snapshot.</summary>
    public IReadOnlySet<string> ScheduledOrBound { get; }

    /// <summary>Clusters with a binding for an older policy snapshot.</summary>
    public IReadOnlySet<string> Obsolete { get; }

    /// <summary>The time eligibility is judged at.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>
    /// The position of <paramref name="cluster"/> in <see cref="Clusters"/>, or -1 when it is not one of this cycle's
    /// clusters: lets plugins keep per-cluster data in arrays rather than name-keyed maps.
    /// </summary>
    public int IndexOf(SchedulingCluster cluster)
    {
        // The framework says which cluster its plugins are looking at; anything else is looked up.
        if ((uint)_current < (uint)Clusters.Count && ReferenceEquals(Clusters[_current], cluster))
        {
            return _current;
        }
        // Built on first use; a cycle runs on one thread.
        if (_indexes is null)
        {
            var indexes = new Dictionary<SchedulingCluster, int>(Clusters.Count, ReferenceEqualityComparer.Instance);
            for (var i = 0; i < Clusters.Count; i++)
            {
                indexes.TryAdd(Clusters[i], i);
            }
            _indexes = indexes;
        }
        return _indexes.TryGetValue(cluster, out var index) ? index : -1;
    }

    /// <summary>Whether the cluster at <paramref name="index"/> has a Scheduled or Bound binding for the latest policy snapshot.</summary>
    public bool IsScheduledOrBound(int index)
    {
        if (_picked is null)
        {
            var picked = new bool[Clusters.Count];
            for (var i = 0; i < picked.Length; i++)
            {
                picked[i] = ScheduledOrBound.Contains(Clusters[i].Name);
            }
            _picked = picked;
        }
        return _picked[index];
    }

    /// <summary>The cluster at <paramref name="index"/>, which the stages now run their plugins on.</summary>
    internal SchedulingCluster Current(int index)
    {
        _current = index;
        return Clusters[index];
    }

    /// <summary>Stores a plugin's data for the rest of the cycle.</summary>
    public void Write<T>(string key, T data) where T : class
    {
        var index = _pluginData.FindIndex(entry => string.Equals(entry.Key, key, StringComparison.Ordinal));
        if (index >= 0)
        {
            _pluginData[index] = new(key, data);
        }
        else
        {
            _pluginData.Add(new(key, data));
        }
    }

    /// <summary>Reads what a plugin stored; null when it stored nothing.</summary>
    public T? Read<T>(string key) where T : class
    {
        foreach (var (existing, data) in _pluginData)
        {
            if (string.Equals(existing, key, StringComparison.Ordinal))
            {
                return (T)data;
            }
        }
        return null;
    }

    /// <summary>A cycle state for plugin tests and dry runs: <paramref name="scheduledOrBound"/> and <paramref name="obsolete"/> are cluster names.</summary>
    public static CycleState For(
        IReadOnlyList<SchedulingCluster> clusters, DateTimeOffset now, IEnumerable<string>? scheduledOrBound = null, IEnumerable<string>? obsolete = null) =>
        new(clusters, new HashSet<string>(scheduledOrBound ?? [], StringComparer.Ordinal), new HashSet<string>(obsolete ?? [], StringComparer.Ordinal), now);
}
