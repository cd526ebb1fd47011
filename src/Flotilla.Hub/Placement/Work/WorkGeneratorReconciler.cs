using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;

using NamespacedName = Flotilla.Runtime.NamespacedName;
using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Placement.Work;

/// <summary>
/// The work generator (placement spec §5.1) for one scope: keeps the Works of every Bound or Unscheduled binding in its
/// cluster's <c>fleet-member-&lt;cluster&gt;</c> namespace equal to the binding's resource snapshot group
/// (<see cref="WorkPlanner"/>), deletes them when the binding goes, and reports their status on the binding
/// (<see cref="BindingWorkStatus"/>).
/// </summary>
internal sealed class WorkGeneratorReconciler<TPlacement, TSnapshot, TBinding> : IReconciler<NamespacedName>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    /// <summary>How often a deleting binding looks again for its Works (upstream's 30 s; Work deletions also trigger it).</summary>
    internal static readonly TimeSpan DeletionRecheck = TimeSpan.FromSeconds(30);

    /// <summary>How soon a Bound binding whose RolloutStarted condition is not current looks again (the rollout controller is mid-update).</summary>
    internal static readonly TimeSpan RolloutRecheck = TimeSpan.FromMilliseconds(500);

    private readonly PlacementScope<TPlacement, TSnapshot, TBinding> _scope;
    private readonly ResourceClient<TBinding> _bindings;
    private readonly ResourceClient<WorkObject> _works;
    private readonly ResourceClient<JsonObject> _resourceSnapshots;
    private readonly Lister<TBinding> _bindingLister;
    private readonly Lister<WorkObject> _workLister;
    private readonly Lister<MemberCluster> _clusters;
    private readonly TimeProvider _time;

    public WorkGeneratorReconciler(
        PlacementScope<TPlacement, TSnapshot, TBinding> scope, KubernetesClient client, Lister<TBinding> bindings, Lister<WorkObject> works,
        Lister<MemberCluster> clusters, TimeProvider time)
    {
        _scope = scope;
        _bindings = client.Resource(scope.BindingMapping, scope.BindingJson);
        _works = client.Resource(CustomResourceMappings.Of<WorkObject>(), PlacementJsonContext.Default.Work);
        _resourceSnapshots = client.Resource(scope.ResourceSnapshotMapping);
        _bindingLister = bindings;
        _workLister = works;
        _clusters = clusters;
        _time = time;
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        await Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken)).ConfigureAwait(false);

    /// <summary>The label selector of a binding's Works (the placement namespace too for a ResourceBinding: names repeat across namespaces).</summary>
    public static string WorksSelector(string bindingName, string? placementNamespace) =>
        string.IsNullOrEmpty(placementNamespace)
            ? $"{PlacementApi.ParentBindingLabel}={bindingName}"
            : $"{PlacementApi.ParentBindingLabel}={bindingName},{PlacementApi.ParentNamespaceLabel}={placementNamespace}";

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var ns = string.IsNullOrEmpty(key.Namespace) ? null : key.Namespace;
        var binding = _bindingLister.Get(ns, key.Name);
        if (binding is null)
        {
            return ReconcileResult.Done;
        }
        var workNamespace = ClusterApi.MemberNamespace(binding.Spec.TargetCluster);
        var existing = _workLister.List(workNamespace, LabelSelector.Parse(WorksSelector(key.Name, ns)));
        if (binding.Metadata.IsDeleting)
        {
            return await DeleteWorksAsync(binding, cancellationToken).ConfigureAwait(false);
        }
        // §5.1 step 2: a Scheduled binding has nothing to place yet; an Unscheduled one keeps its Works until the rollout
        // controller deletes it.
        if (binding.Spec.State is not (BindingState.Bound or BindingState.Unscheduled))
        {
            return ReconcileResult.Done;
        }
        if (_clusters.Get(null, binding.Spec.TargetCluster) is null)
        {
            return ReconcileResult.Done;
        }
        var bindings = _bindings.InNamespace(ns);
        if (!binding.Metadata.HasFinalizer(PlacementApi.WorkCleanupFinalizer))
        {
            binding = await bindings.PatchAsync(key.Name, Writes.FinalizersPatch(binding.Metadata, add: PlacementApi.WorkCleanupFinalizer),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var generation = binding.Metadata.Generation ?? 0;
        if (binding.Spec.State == BindingState.Bound)
        {
            var rollout = Conditions.Find(binding.Status?.Conditions, BindingConditionType.RolloutStarted);
            if (rollout is null || rollout.ObservedGeneration != generation || rollout.Status == ConditionStatus.Unknown)
            {
                return ReconcileResult.RequeueAfter(RolloutRecheck);
            }
        }

        var (outcome, works, requeue) = await SyncWorksAsync(binding, ns, workNamespace, existing, cancellationToken).ConfigureAwait(false);
        var reportDiff = binding.Spec.ApplyStrategy?.Type == ApplyStrategyType.ReportDiff;
        await WriteStatusAsync(bindings, binding, status => BindingWorkStatus.Apply(status, generation, outcome, works, reportDiff, _time.GetUtcNow()),
            cancellationToken).ConfigureAwait(false);
        return requeue;
    }

    /// <summary>§5.1 step 6: brings the binding's Works to the planned set; returns what happened and the Works as they now are.</summary>
    private async Task<(WorkSyncOutcome Outcome, IReadOnlyList<WorkObject> Works, ReconcileResult Requeue)> SyncWorksAsync(
        TBinding binding, string? ns, string workNamespace, IReadOnlyList<WorkObject> existing, CancellationToken cancellationToken)
    {
        var noOverrides = (binding.Spec.ResourceOverrideSnapshots?.Count ?? 0) == 0 && (binding.Spec.ClusterResourceOverrideSnapshots?.Count ?? 0) == 0;
        var works = _works.InNamespace(workNamespace);
        var changed = false;
        var current = existing.ToDictionary(w => w.Metadata.Name!, StringComparer.Ordinal);

        // a. The apply strategy is carried on every Work, including ones the plan would leave untouched.
        foreach (var work in existing.Where(w => !w.Metadata.IsDeleting && !WorkPlanner.SameApplyStrategy(w.Spec.ApplyStrategy, binding.Spec.ApplyStrategy)))
        {
            work.Spec.ApplyStrategy = binding.Spec.ApplyStrategy;
            current[work.Metadata.Name!] = await works.UpdateAsync(work, cancellationToken: cancellationToken).ConfigureAwait(false);
            changed = true;
        }

        var group = await SnapshotGroupAsync(binding, ns, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            // c. The snapshot was deleted (history trimmed): fine if the Works already carry it, else the binding points
            // at nothing the generator can place.
            var name = binding.Spec.ResourceSnapshotName ?? "";
            var synced = existing.Count > 0 && existing.All(w => w.Metadata.Annotation(PlacementApi.ParentResourceSnapshotNameAnnotation) == name);
            if (synced)
            {
                return (new WorkSyncOutcome(noOverrides, null, null, changed), [.. current.Values], ReconcileResult.Done);
            }
            return (new WorkSyncOutcome(noOverrides, $"resource snapshot {name} is not found", null, changed), [.. current.Values],
                ReconcileResult.RequeueAfter(DeletionRecheck));
        }

        var plan = WorkPlanner.Plan(new WorkPlanInput(
            PlacementName: binding.Metadata.Label(PlacementApi.ParentPlacementLabel) ?? "",
            PlacementNamespace: ns,
            BindingName: binding.Metadata.Name!,
            ResourceSnapshots: group,
            ApplyStrategy: binding.Spec.ApplyStrategy,
            ReportBackStrategy: null,
            ResourceOverrideSnapshotHash: WorkPlanner.ResourceOverrideSnapshotsHash(binding.Spec.ResourceOverrideSnapshots),
            ClusterResourceOverrideSnapshotHash: WorkPlanner.ClusterResourceOverrideSnapshotsHash(binding.Spec.ClusterResourceOverrideSnapshots),
            WorkNamespace: workNamespace));
        if (plan.UserError is { } userError)
        {
            // A user error: nothing to retry until the placement or its resources change.
            return (new WorkSyncOutcome(noOverrides, null, userError, changed), [.. current.Values], ReconcileResult.Done);
        }

        try
        {
            var planned = new HashSet<string>(StringComparer.Ordinal);
            foreach (var desired in plan.Works)
            {
                var name = desired.Metadata.Name!;
                planned.Add(name);
                if (!current.TryGetValue(name, out var work))
                {
                    current[name] = await works.CreateAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
                    changed = true;
                    continue;
                }
                if (WorkPlanner.IsUpToDate(work, desired) && WorkPlanner.SameApplyStrategy(work.Spec.ApplyStrategy, desired.Spec.ApplyStrategy))
                {
                    continue;
                }
                work.Metadata.Labels = desired.Metadata.Labels;
                work.Metadata.Annotations = desired.Metadata.Annotations;
                work.Spec = desired.Spec;
                current[name] = await works.UpdateAsync(work, cancellationToken: cancellationToken).ConfigureAwait(false);
                changed = true;
            }
            // g. Works the plan no longer has (a shrunken snapshot group, a removed envelope).
            foreach (var stale in existing.Where(w => !planned.Contains(w.Metadata.Name!) && !w.Metadata.IsDeleting))
            {
                await DeleteAsync(works, stale.Metadata.Name!, cancellationToken).ConfigureAwait(false);
                current.Remove(stale.Metadata.Name!);
                changed = true;
            }
        }
        catch (ApiException e) when (!e.IsConflict() && !e.IsAlreadyExists())
        {
            return (new WorkSyncOutcome(noOverrides, null, e.Message, changed), [.. current.Values], ReconcileResult.Requeue);
        }
        return (new WorkSyncOutcome(noOverrides, null, null, changed), [.. current.Values], ReconcileResult.Done);
    }

    /// <summary>The master snapshot named on the binding and its sub-index snapshots; null when the master is gone.</summary>
    private async Task<IReadOnlyList<JsonObject>?> SnapshotGroupAsync(TBinding binding, string? ns, CancellationToken cancellationToken)
    {
        var client = _resourceSnapshots.InNamespace(ns);
        JsonObject master;
        try
        {
            master = await client.GetAsync(binding.Spec.ResourceSnapshotName ?? "", cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
        var index = master.Labels()?.GetString(PlacementApi.ResourceIndexLabel) ?? "";
        var count = int.TryParse((master.At("metadata", "annotations") as JsonObject)?.GetString(PlacementApi.NumberOfResourceSnapshotsAnnotation), out var n) ? n : 1;
        if (count <= 1)
        {
            return [master];
        }
        var placement = binding.Metadata.Label(PlacementApi.ParentPlacementLabel) ?? "";
        var group = await client.ListAsync(new ListOptions
        {
            LabelSelector = $"{PlacementApi.ParentPlacementLabel}={placement},{PlacementApi.ResourceIndexLabel}={index}",
        }, cancellationToken).ConfigureAwait(false);
        return group.Items;
    }

    /// <summary>§5.1 step 1: deletes the binding's Works; the finalizer goes once the member has removed what they placed.</summary>
    private async Task<ReconcileResult> DeleteWorksAsync(TBinding binding, CancellationToken cancellationToken)
    {
        if (!binding.Metadata.HasFinalizer(PlacementApi.WorkCleanupFinalizer))
        {
            return ReconcileResult.Done;
        }
        var workNamespace = ClusterApi.MemberNamespace(binding.Spec.TargetCluster);
        var works = _works.InNamespace(workNamespace);
        // The server, not the cache, decides when the last Work is gone: removing the finalizer early would orphan resources.
        var live = (await works.ListAsync(new ListOptions { LabelSelector = WorksSelector(binding.Metadata.Name!, binding.Metadata.Namespace) }, cancellationToken)
            .ConfigureAwait(false)).Items;
        if (live.Count == 0)
        {
            await _bindings.InNamespace(binding.Metadata.Namespace)
                .PatchAsync(binding.Metadata.Name!, Writes.FinalizersPatch(binding.Metadata, remove: PlacementApi.WorkCleanupFinalizer), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        foreach (var work in live.Where(w => !w.Metadata.IsDeleting))
        {
            await DeleteAsync(works, work.Metadata.Name!, cancellationToken).ConfigureAwait(false);
        }
        return ReconcileResult.RequeueAfter(DeletionRecheck);
    }

    private static async Task DeleteAsync(ResourceClient<WorkObject> works, string name, CancellationToken cancellationToken)
    {
        try
        {
            await works.DeleteAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
    }

    /// <summary>Writes the binding's status when it changed, pinned to the binding's resourceVersion (the rollout controller writes RolloutStarted concurrently).</summary>
    private static async Task WriteStatusAsync(ResourceClient<TBinding> bindings, TBinding binding, Action<ResourceBindingStatus> update, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Serialize(binding.Status ?? new ResourceBindingStatus(), PlacementJsonContext.Default.ResourceBindingStatus);
        var status = JsonSerializer.Deserialize(before, PlacementJsonContext.Default.ResourceBindingStatus)!;
        update(status);
        var after = JsonSerializer.SerializeToNode(status, PlacementJsonContext.Default.ResourceBindingStatus)!;
        if (after.ToJsonString() == before)
        {
            return;
        }
        // Merge patch semantics: lists are replaced whole; fields the new status dropped must be nulled explicitly.
        var statusPatch = after.AsObject();
        foreach (var field in new[] { "failedPlacements", "driftedPlacements", "diffedPlacements" })
        {
            statusPatch.TryAdd(field, null);
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = binding.Metadata.ResourceVersion },
            ["status"] = statusPatch,
        };
        await bindings.PatchStatusAsync(binding.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
