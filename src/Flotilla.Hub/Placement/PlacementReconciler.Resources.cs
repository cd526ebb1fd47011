using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Hub.Placement.Resources;
using Flotilla.Hub.Placement.Selection;
using Flotilla.Hub.Placement.Snapshots;

namespace Flotilla.Hub.Placement;

/// <summary>The resources a placement selects, and its resource snapshots (placement spec §1.3.2, §2.2).</summary>
internal sealed partial class PlacementReconciler<TPlacement, TSnapshot, TBinding>
{
    /// <summary>The condition reason for selectors that cannot be resolved (placement spec §7.2 step 3).</summary>
    public const string InvalidResourceSelectorsReason = "InvalidResourceSelectors";

    /// <summary>How soon a placement with invalid selectors is looked at again, besides on its own changes.</summary>
    internal static TimeSpan InvalidSelectorsRecheck => ResyncPeriod;

    /// <summary>What the placement's resource snapshots say after this reconcile.</summary>
    private sealed record ResourceState(List<ResourceIdentifier> Selected, string ObservedIndex, TimeSpan? RequeueAfter);

    private SelectionOutcome SelectResources(TPlacement placement)
    {
        var resolver = new ResourceSelectorResolver(
            _resources,
            kindDisabled: _ => false, // the cache watches enabled kinds only
            _skippedNamespaces,
            shouldPropagate: obj => PropagationFilter.ShouldPropagate(obj, workloadsEnabledOnHub: false, ServiceExists));
        return resolver.Select(placement, _scope.ClusterScoped);
    }

    /// <summary>Whether a Service of that namespace and name exists (its Endpoints are then the controller's, not the user's).</summary>
    private bool ServiceExists(string ns, string name) =>
        _resources.Mapping("", "v1", "Service") is { } services && _resources.Get(services, ns, name) is not null;

    /// <summary>§2.2: keep, repair or replace the placement's resource snapshot group for what it selects now.</summary>
    private async Task<ResourceState> SyncResourceSnapshotsAsync(TPlacement placement, IReadOnlyList<JsonObject> selected, CancellationToken cancellationToken)
    {
        var name = placement.Metadata.Name!;
        var ns = placement.Metadata.Namespace;
        var client = _resourceSnapshots.InNamespace(ns);
        var content = ResourceOrder.Sort(selected.Select(ResourceContent.Sanitize));
        var hash = ResourceSnapshotPlan.Hash(content);
        var existingObjects = (await client.ListAsync(
                new ListOptions { LabelSelector = PlacementScope<TPlacement, TSnapshot, TBinding>.ChildrenSelector(name) }, cancellationToken)
            .ConfigureAwait(false)).Items;
        var existing = existingObjects.Select(View).ToList();
        var now = _time.GetUtcNow();
        var actions = ResourceSnapshotLifecycle.Plan(
            existing, hash, ResourceSnapshotPlan.Plan(name, ns, 0, content).Count, PolicySnapshots.RevisionHistoryLimit(placement.Spec), _snapshotLimits, now);

        var latest = actions.Latest;
        if (latest is not null && actions.RelabelLatest)
        {
            await client.PatchAsync(latest.Name, Patch.Merge(Labels(PlacementApi.IsLatestSnapshotLabel, "true")), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (latest is not null && actions.MissingSubindexes.Count > 0)
        {
            var plan = ResourceSnapshotPlan.Plan(name, ns, latest.Index, content);
            foreach (var subindex in actions.MissingSubindexes)
            {
                await CreateIgnoringConflictsAsync(client, placement, plan[subindex + 1], cancellationToken).ConfigureAwait(false);
            }
        }
        if (latest is not null && actions.MarkCandidateDetected is { } detected)
        {
            var annotate = new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["annotations"] = new JsonObject { [PlacementApi.NextResourceSnapshotCandidateDetectionTimeAnnotation] = Obj.FormatTime(detected) },
                },
            };
            await client.PatchAsync(latest.Name, Patch.Merge(annotate), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (actions.Unlatest is { } previous)
        {
            await client.PatchAsync(previous, Patch.Merge(Labels(PlacementApi.IsLatestSnapshotLabel, "false")), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        foreach (var group in actions.DeleteGroups)
        {
            foreach (var old in existing.Where(s => s.Index == group))
            {
                try
                {
                    await client.DeleteAsync(old.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (ApiException e) when (e.IsNotFound())
                {
                }
            }
        }
        if (actions.CreateIndex is { } index)
        {
            // The master first: a group is complete once it has as many objects as the master counts.
            foreach (var planned in ResourceSnapshotPlan.Plan(name, ns, index, content))
            {
                await CreateIgnoringConflictsAsync(client, placement, planned, cancellationToken).ConfigureAwait(false);
            }
            return new ResourceState([.. content.Select(ResourceContent.Identify)], index.ToString(CultureInfo.InvariantCulture), null);
        }
        if (latest is null)
        {
            return new ResourceState([], "", actions.RequeueAfter);
        }
        // Throttled, or unchanged: the status describes the latest group that exists.
        var selectedNow = latest.Hash == hash
            ? content
            : GroupContent(existingObjects, existing, latest.Index);
        return new ResourceState([.. selectedNow.Select(ResourceContent.Identify)], latest.Index.ToString(CultureInfo.InvariantCulture), actions.RequeueAfter);
    }

    private async Task CreateIgnoringConflictsAsync(ResourceClient<JsonObject> client, TPlacement placement, PlannedResourceSnapshot planned, CancellationToken cancellationToken)
    {
        var metadata = new JsonObject
        {
            ["name"] = planned.Name,
            ["labels"] = ToJson(planned.Labels),
            ["annotations"] = ToJson(planned.Annotations),
            ["ownerReferences"] = new JsonArray(OwnerReference(_scope.OwnerReferenceTo(placement))),
        };
        if (planned.Namespace is { Length: > 0 } ns)
        {
            metadata["namespace"] = ns;
        }
        var snapshot = new JsonObject
        {
            ["apiVersion"] = _scope.ResourceSnapshotMapping.Kind.ApiVersion,
            ["kind"] = _scope.ResourceSnapshotMapping.Kind.Kind,
            ["metadata"] = metadata,
            ["spec"] = new JsonObject { ["selectedResources"] = new JsonArray([.. planned.SelectedResources.Select(r => r.DeepClone())]) },
        };
        try
        {
            await client.CreateAsync(snapshot, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsAlreadyExists())
        {
        }
    }

    /// <summary>The selected resources a group holds, master first, then the sub-indexes in order.</summary>
    /// <param name="snapshots">The placement's resource snapshots.</param>
    /// <param name="views">Their views, in the same order.</param>
    /// <param name="index">The group.</param>
    private static List<JsonObject> GroupContent(IReadOnlyList<JsonObject> snapshots, IReadOnlyList<ExistingResourceSnapshot> views, int index) =>
    [
        .. snapshots.Zip(views)
            .Where(pair => pair.Second.Index == index)
            .OrderBy(pair => pair.Second.IsMaster ? -1 : pair.Second.Subindex ?? 0)
            .SelectMany(pair => (pair.First.At("spec", "selectedResources") as JsonArray ?? []).OfType<JsonObject>()),
    ];

    private static ExistingResourceSnapshot View(JsonObject snapshot)
    {
        var labels = snapshot.Labels();
        var annotations = snapshot.At("metadata", "annotations") as JsonObject;
        int? Int(JsonObject? map, string key) =>
            int.TryParse(map?.GetString(key), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
        var hash = annotations?.GetString(PlacementApi.ResourceHashAnnotation);
        return new ExistingResourceSnapshot(
            snapshot.Name(),
            Int(labels, PlacementApi.ResourceIndexLabel) ?? -1,
            IsMaster: hash is not null,
            Subindex: Int(annotations, PlacementApi.SubindexOfResourceSnapshotAnnotation),
            Latest: labels?.GetString(PlacementApi.IsLatestSnapshotLabel) == "true",
            hash,
            Int(annotations, PlacementApi.NumberOfResourceSnapshotsAnnotation) ?? 1,
            Obj.ParseTime(snapshot.At("metadata", "creationTimestamp")?.GetValue<string>()) ?? DateTimeOffset.MinValue,
            Obj.ParseTime(annotations?.GetString(PlacementApi.NextResourceSnapshotCandidateDetectionTimeAnnotation)));
    }

    private static JsonObject OwnerReference(OwnerReference owner) => new()
    {
        ["apiVersion"] = owner.ApiVersion,
        ["kind"] = owner.Kind,
        ["name"] = owner.Name,
        ["uid"] = owner.Uid,
        ["controller"] = owner.Controller,
        ["blockOwnerDeletion"] = owner.BlockOwnerDeletion,
    };

    private static JsonObject Labels(string key, string value) =>
        new() { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [key] = value } } };

    private static JsonObject ToJson(IReadOnlyDictionary<string, string> map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map)
        {
            obj[key] = value;
        }
        return obj;
    }
}
