using Flotilla.Api.Placement;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Scheduler;

/// <summary>
/// A placement's bindings sorted the way a cycle needs them (placement spec §3.2 step 3, first matching rule wins):
/// deleting, Unscheduled, dangling (cluster gone or leaving), obsolete (older policy snapshot), Scheduled, Bound.
/// </summary>
internal sealed class BindingSet
{
    private BindingSet(Dictionary<string, SchedulingCluster> clusters, Dictionary<string, int> positions)
    {
        Clusters = clusters;
        _positions = positions;
    }

    // Where each named cluster is in the input's list.
    private readonly Dictionary<string, int> _positions;

    /// <summary>The clusters the bindings and a PickFixed policy name, by name (those that exist).</summary>
    public Dictionary<string, SchedulingCluster> Clusters { get; }

    public List<BindingView> Scheduled { get; } = [];

    public List<BindingView> Bound { get; } = [];

    public List<BindingView> Obsolete { get; } = [];

    public List<BindingView> Unscheduled { get; } = [];

    /// <summary>Clusters with a Scheduled or Bound binding for the latest snapshot.</summary>
    public HashSet<string> ScheduledOrBound { get; } = new(StringComparer.Ordinal);

    /// <summary>The first obsolete binding of each cluster.</summary>
    public Dictionary<string, BindingView> ObsoleteByCluster { get; } = new(StringComparer.Ordinal);

    /// <summary>The first Unscheduled binding of each cluster (revived when the cluster is picked again).</summary>
    public Dictionary<string, BindingView> UnscheduledByCluster { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Sorts the bindings; the preamble's own changes go into <paramref name="result"/>: deleting bindings lose the
    /// scheduler's finalizer, dangling ones are deselected.
    /// </summary>
    public static BindingSet Classify(SchedulingInput input, SchedulingResult? result)
    {
        // Only the clusters the bindings (or a PickFixed policy) name are looked up: indexing a whole large fleet
        // every cycle would cost more than the cycle's filtering.
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var binding in input.Bindings)
        {
            named.Add(binding.TargetCluster);
        }
        if (input.Policy.PlacementType == PlacementType.PickFixed)
        {
            named.UnionWith(input.Policy.Policy?.ClusterNames ?? []);
        }
        var clusters = new Dictionary<string, SchedulingCluster>(named.Count, StringComparer.Ordinal);
        var positions = new Dictionary<string, int>(named.Count, StringComparer.Ordinal);
        for (var i = 0; i < input.Clusters.Count; i++)
        {
            var cluster = input.Clusters[i];
            if (named.Contains(cluster.Name))
            {
                clusters[cluster.Name] = cluster;
                positions[cluster.Name] = i;
            }
        }
        var set = new BindingSet(clusters, positions);
        foreach (var binding in input.Bindings)
        {
            if (binding.Deleting)
            {
                if (binding.HasSchedulerFinalizer)
                {
                    result?.ReleaseFinalizer.Add(binding);
                }
            }
            else if (binding.State == BindingState.Unscheduled)
            {
                set.Unscheduled.Add(binding);
                set.UnscheduledByCluster.TryAdd(binding.TargetCluster, binding);
            }
            else if (!clusters.TryGetValue(binding.TargetCluster, out var cluster) || cluster.Leaving)
            {
                result?.Unschedule.Add(binding);
            }
            else if (binding.PolicySnapshotName != input.Policy.SnapshotName)
            {
                set.Obsolete.Add(binding);
                set.ObsoleteByCluster.TryAdd(binding.TargetCluster, binding);
            }
            else if (binding.State == BindingState.Scheduled)
            {
                set.Scheduled.Add(binding);
                set.ScheduledOrBound.Add(binding.TargetCluster);
            }
            else if (binding.State == BindingState.Bound)
            {
                set.Bound.Add(binding);
                set.ScheduledOrBound.Add(binding.TargetCluster);
            }
        }
        return set;
    }

    /// <summary>The cycle state plugins see.</summary>
    public CycleState CycleState(SchedulingInput input)
    {
        // The picked flags from the few bindings, rather than hashing every cluster's name again.
        var picked = new bool[input.Clusters.Count];
        foreach (var name in ScheduledOrBound)
        {
            if (_positions.TryGetValue(name, out var position))
            {
                picked[position] = true;
            }
        }
        return new(input.Clusters, ScheduledOrBound, new HashSet<string>(ObsoleteByCluster.Keys, StringComparer.Ordinal), input.Now, picked);
    }
}
