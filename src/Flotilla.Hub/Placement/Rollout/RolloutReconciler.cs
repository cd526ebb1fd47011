using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub.Placement.Rollout;

/// <summary>
/// The rollout controller (placement spec §4) for one scope: moves bindings Scheduled → Bound, Bound → Bound on the
/// latest resource snapshot, and deletes Unscheduled ones, as the placement's RollingUpdate strategy allows
/// (<see cref="RolloutPlanner"/>), and keeps their RolloutStarted condition. External strategies are left to
/// staged update runs.
/// </summary>
/// <remarks>Bindings are read from the server (not a cache), as upstream does, so a round never acts on a stale list.</remarks>
internal sealed class RolloutReconciler<TPlacement, TSnapshot, TBinding> : IReconciler<NamespacedName>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    /// <summary>How long to wait for a deleting binding's resources before binding its cluster again (§4.2 step 6).</summary>
    internal static readonly TimeSpan CleanupWait = TimeSpan.FromSeconds(5);

    /// <summary>The soonest a round that changed something looks again.</summary>
    internal static readonly TimeSpan MinimumRecheck = TimeSpan.FromSeconds(1);

    private readonly PlacementScope<TPlacement, TSnapshot, TBinding> _scope;
    private readonly ResourceClient<TBinding> _bindings;
    private readonly ResourceClient<JsonObject> _resourceSnapshots;
    private readonly Lister<TPlacement> _placements;
    private readonly TimeProvider _time;

    public RolloutReconciler(PlacementScope<TPlacement, TSnapshot, TBinding> scope, KubernetesClient client, Lister<TPlacement> placements, TimeProvider time)
    {
        _scope = scope;
        _bindings = client.Resource(scope.BindingMapping, scope.BindingJson);
        _resourceSnapshots = client.Resource(scope.ResourceSnapshotMapping);
        _placements = placements;
        _time = time;
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        await Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken)).ConfigureAwait(false);

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var ns = string.IsNullOrEmpty(key.Namespace) ? null : key.Namespace;
        var cached = _placements.Get(ns, key.Name);
        if (cached is null || cached.Metadata.IsDeleting)
        {
            return ReconcileResult.Done;
        }
        // Defaults in memory, on a copy (the cache's object is shared).
        var spec = JsonSerializer.Deserialize(JsonSerializer.Serialize(cached.Spec, PlacementJsonContext.Default.PlacementSpec), PlacementJsonContext.Default.PlacementSpec)!;
        PlacementDefaulter.Default(spec);
        if (spec.Strategy?.Type != RolloutStrategyType.RollingUpdate)
        {
            return ReconcileResult.Done;
        }
        var client = _bindings.InNamespace(ns);
        var bindings = (await client.ListAsync(
                new ListOptions { LabelSelector = PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(key.Name) }, cancellationToken)
            .ConfigureAwait(false)).Items;

        // §4.2 step 5: every binding carries the placement's apply strategy; a change makes their conditions stale.
        var applyStrategy = JsonSerializer.SerializeToNode(spec.Strategy.ApplyStrategy, PlacementJsonContext.Default.ApplyStrategy);
        var patched = false;
        foreach (var binding in bindings.Where(b => !b.Metadata.IsDeleting))
        {
            if (!JsonNode.DeepEquals(JsonSerializer.SerializeToNode(binding.Spec.ApplyStrategy, PlacementJsonContext.Default.ApplyStrategy), applyStrategy))
            {
                await client.PatchAsync(binding.Metadata.Name!, Patch.Merge(new JsonObject { ["spec"] = new JsonObject { ["applyStrategy"] = applyStrategy?.DeepClone() } }),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                patched = true;
            }
        }
        if (patched)
        {
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }

        if (WaitForCleanup(bindings) is { } blocked)
        {
            return blocked;
        }

        var latest = await LatestMasterAsync(key.Name, ns, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            return ReconcileResult.Done;
        }
        var now = _time.GetUtcNow();
        var views = bindings.Select(View).ToList();
        // Overrides are not applied yet: no cluster has any (§4.2 step 8 comes with overrides).
        var plan = RolloutPlanner.Plan(views, latest, _ => ClusterOverrides.None, spec.Policy, spec.Strategy.RollingUpdate ?? new RollingUpdateConfig(), now);
        var byName = bindings.ToDictionary(b => b.Metadata.Name!, StringComparer.Ordinal);

        foreach (var upToDate in plan.UpToDate)
        {
            await SetRolloutStartedAsync(client, byName[upToDate.Name], started: true, now, cancellationToken).ConfigureAwait(false);
        }
        if (plan.NothingToRoll)
        {
            return ReconcileResult.Done;
        }
        foreach (var stale in plan.Stale)
        {
            await SetRolloutStartedAsync(client, byName[stale.Name], started: false, now, cancellationToken).ConfigureAwait(false);
        }
        foreach (var update in plan.Update)
        {
            var binding = byName[update.Binding.Name];
            binding.Spec.State = BindingState.Bound;
            binding.Spec.ResourceSnapshotName = update.ResourceSnapshotName;
            binding.Spec.ClusterResourceOverrideSnapshots = update.Overrides.ClusterResourceOverrides?.ToList();
            binding.Spec.ResourceOverrideSnapshots = update.Overrides.ResourceOverrides?.ToList();
            var updated = await client.UpdateAsync(binding, cancellationToken: cancellationToken).ConfigureAwait(false);
            await SetRolloutStartedAsync(client, updated, started: true, now, cancellationToken).ConfigureAwait(false);
        }
        foreach (var deleted in plan.Delete)
        {
            try
            {
                await client.DeleteAsync(deleted.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound())
            {
            }
        }
        // Always look again: readiness can change with time alone (untrackable resources, the unavailable period).
        return ReconcileResult.RequeueAfter(plan.WaitTime > MinimumRecheck ? plan.WaitTime : MinimumRecheck);
    }

    /// <summary>§4.2 step 6: a cluster whose old binding is still being deleted is not bound again until it is gone.</summary>
    private static ReconcileResult? WaitForCleanup(IReadOnlyList<TBinding> bindings)
    {
        foreach (var cluster in bindings.GroupBy(b => b.Spec.TargetCluster, StringComparer.Ordinal))
        {
            var live = cluster.Where(b => !b.Metadata.IsDeleting).ToList();
            if (live.Count > 1)
            {
                throw new InvalidOperationException(
                    $"the same cluster `{cluster.Key}` has bindings `{live[0].Metadata.Name}` and `{live[1].Metadata.Name}` pointing to it");
            }
            if (live.Count == 1 && cluster.Any(b => b.Metadata.IsDeleting))
            {
                var state = live[0].Spec.State;
                var previous = live[0].Metadata.Annotation(PlacementApi.PreviousBindingStateAnnotation);
                if (state == BindingState.Bound || (state == BindingState.Unscheduled && previous == BindingState.Bound))
                {
                    throw new InvalidOperationException(
                        $"find a cluster `{cluster.Key}` that has a bound binding `{live[0].Metadata.Name}` and a deleting binding point to it");
                }
                return ReconcileResult.RequeueAfter(CleanupWait);
            }
        }
        return null;
    }

    /// <summary>The latest master resource snapshot's name (labelled latest, with a resource hash), or null.</summary>
    private async Task<string?> LatestMasterAsync(string placement, string? ns, CancellationToken cancellationToken)
    {
        var snapshots = await _resourceSnapshots.InNamespace(ns).ListAsync(new ListOptions
        {
            LabelSelector = $"{PlacementApi.ParentPlacementLabel}={placement},{PlacementApi.IsLatestSnapshotLabel}=true",
        }, cancellationToken).ConfigureAwait(false);
        return snapshots.Items.FirstOrDefault(s => (s.At("metadata", "annotations") as JsonObject)?.GetString(PlacementApi.ResourceHashAnnotation) is not null)?.Name();
    }

    /// <summary>Sets RolloutStarted (§7.4) at the binding's generation, writing only when it changes.</summary>
    private async Task SetRolloutStartedAsync(ResourceClient<TBinding> client, TBinding binding, bool started, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var conditions = binding.Status?.Conditions?.Select(c => c.Clone()).ToList() ?? [];
        var changed = Conditions.Set(conditions, new Condition
        {
            Type = BindingConditionType.RolloutStarted,
            Status = ConditionStatus.Of(started),
            Reason = started ? "RolloutStarted" : "RolloutNotStartedYet",
            Message = started
                ? "Detected the new changes on the resources and started the rollout process"
                : "The resources cannot be updated to the latest because of the rollout strategy",
            ObservedGeneration = binding.Metadata.Generation,
        }, now);
        if (!changed)
        {
            return;
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = binding.Metadata.ResourceVersion },
            ["status"] = JsonSerializer.SerializeToNode(new ResourceBindingStatus { Conditions = conditions }, PlacementJsonContext.Default.ResourceBindingStatus),
        };
        await client.PatchStatusAsync(binding.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static RolloutBinding View(TBinding binding) => new(
        binding.Metadata.Name ?? "",
        binding.Spec.State,
        binding.Spec.TargetCluster,
        binding.Metadata.IsDeleting,
        binding.Metadata.Generation ?? 0,
        binding.Spec.ResourceSnapshotName,
        binding.Spec.ClusterResourceOverrideSnapshots,
        binding.Spec.ResourceOverrideSnapshots,
        binding.Status?.Conditions ?? []);
}
