using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;

using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Placement.Work;

/// <summary>What the work generator knows about one binding when it plans its Works (placement spec §5.1 step 6).</summary>
/// <param name="PlacementName">The placement's name (the binding's <c>parent-CRP</c> label).</param>
/// <param name="PlacementNamespace">The ResourcePlacement's namespace; null or empty for a ClusterResourcePlacement.</param>
/// <param name="BindingName">The binding's name (the Works' <c>parent-resource-binding</c> label).</param>
/// <param name="ResourceSnapshots">
/// The group of the binding's <c>resourceSnapshotName</c>: its master and every sub-index snapshot, as unstructured
/// ClusterResourceSnapshot/ResourceSnapshot objects, in any order. The master is the one without the
/// <c>subindex-of-resource-snapshot</c> annotation, and its name is what the binding names.
/// </param>
/// <param name="ApplyStrategy">The binding's apply strategy, copied onto every Work.</param>
/// <param name="ReportBackStrategy">The placement's report-back strategy, copied onto every Work.</param>
/// <param name="ResourceOverrideSnapshotHash">See <see cref="WorkPlanner.ResourceOverrideSnapshotsHash"/>.</param>
/// <param name="ClusterResourceOverrideSnapshotHash">See <see cref="WorkPlanner.ClusterResourceOverrideSnapshotsHash"/>.</param>
/// <param name="WorkNamespace">The target cluster's <c>fleet-member-&lt;cluster&gt;</c> namespace on the hub.</param>
internal sealed record WorkPlanInput(
    string PlacementName,
    string? PlacementNamespace,
    string BindingName,
    IReadOnlyList<JsonObject> ResourceSnapshots,
    ApplyStrategy? ApplyStrategy,
    ReportBackStrategy? ReportBackStrategy,
    string ResourceOverrideSnapshotHash,
    string ClusterResourceOverrideSnapshotHash,
    string WorkNamespace);

/// <summary>
/// The complete desired set of Works for one binding, or why there is none.
/// </summary>
/// <param name="Works">
/// For each snapshot of the group (master first, then sub-indexes ascending): its snapshot Work, then one Work per
/// envelope it selects, in selection order. Empty when <paramref name="UserError"/> is set.
/// </param>
/// <param name="UserError">
/// A mistake in what the user placed (an envelope wrapping the wrong kind of object): the binding cannot be synced
/// until the envelope changes, so the caller reports it and stops retrying (§2.5, §5.1 step 8).
/// </param>
internal sealed record WorkPlan(IReadOnlyList<WorkObject> Works, string? UserError);

/// <summary>
/// The pure core of the hub's work generator (placement spec §2.4, §2.5, §5.1 steps 6b–6f): which Works a binding
/// needs — names, labels, annotations, manifests, strategies — and whether an existing Work already matches.
/// </summary>
internal static class WorkPlanner
{
    /// <summary>
    /// Plans the Works of one binding: one per resource snapshot of the group (even with zero manifests, so that the
    /// placement can still collect status from it), and one per selected ClusterResourceEnvelope/ResourceEnvelope.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The snapshot group is malformed (no master, two masters, an unreadable or repeated sub-index, a selected
    /// resource that is not an object). Our placement controller never writes such a group, so this is a bug or
    /// tampering, not an outcome to report on the binding; upstream also treats it as an unexpected error.
    /// </exception>
    public static WorkPlan Plan(WorkPlanInput input)
    {
        var snapshots = OrderGroup(input.ResourceSnapshots);
        var masterName = snapshots[0].Snapshot.Name();
        var prefix = PlacementApi.WorkNamePrefix(input.PlacementNamespace, input.PlacementName);
        var works = new List<WorkObject>();
        foreach (var (snapshot, subindex) in snapshots)
        {
            // §2.4: "<base>-work" for the master, "<base>-<subindex>" for sub-index snapshot i. The same name is the
            // prefix of the snapshot's envelope Works, as upstream derives both from the snapshot.
            var workName = subindex is { } i ? prefix + "-" + i.ToString(CultureInfo.InvariantCulture) : prefix + "-work";
            var index = snapshot.Labels()?.GetString(PlacementApi.ResourceIndexLabel) ?? "";
            var manifests = new List<JsonObject>();
            var envelopeWorks = new List<WorkObject>();
            foreach (var resource in SelectedResources(snapshot))
            {
                if (Envelope.From(resource) is not { } envelope)
                {
                    // Order is preserved: it is the snapshot's order, and a reorder would rewrite the Work for nothing.
                    manifests.Add(resource.DeepClone().AsObject());
                    continue;
                }
                if (envelope.Unwrap(out var wrapped) is { } error)
                {
                    return new WorkPlan([], error);
                }
                var envelopeWork = NewWork(input, workName + "-envelope-" + envelope.WorkNameSuffix, index, masterName, wrapped);
                var labels = envelopeWork.Metadata.Labels!;
                labels[PlacementApi.EnvelopeTypeLabel] = envelope.Type;
                labels[PlacementApi.EnvelopeNameLabel] = envelope.Name;
                if (envelope.Type == EnvelopeType.ResourceEnvelope)
                {
                    labels[PlacementApi.EnvelopeNamespaceLabel] = envelope.Namespace;
                }
                envelopeWorks.Add(envelopeWork);
            }
            works.Add(NewWork(input, workName, index, masterName, manifests));
            works.AddRange(envelopeWorks);
        }
        return new WorkPlan(works, null);
    }

    /// <summary>
    /// §5.1 step 6f: an existing Work needs no rewrite when it was generated from the same resource index with the same
    /// override snapshots. Manifests are not compared: a snapshot group is immutable, so equal index and override
    /// hashes mean equal manifests. The apply strategy is compared separately (<see cref="SameApplyStrategy"/>,
    /// step 6a), because it changes without a new snapshot.
    /// </summary>
    public static bool IsUpToDate(WorkObject existing, WorkObject desired)
    {
        var index = existing.Metadata.Label(PlacementApi.ParentResourceSnapshotIndexLabel);
        return index is not null
            && index == desired.Metadata.Label(PlacementApi.ParentResourceSnapshotIndexLabel)
            && existing.Metadata.Annotation(PlacementApi.ParentResourceOverrideSnapshotHashAnnotation)
                == desired.Metadata.Annotation(PlacementApi.ParentResourceOverrideSnapshotHashAnnotation)
            && existing.Metadata.Annotation(PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation)
                == desired.Metadata.Annotation(PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation);
    }

    /// <summary>
    /// Whether two apply strategies are the same, by their JSON (null only equals null, as upstream's semantic
    /// DeepEqual of two pointers).
    /// </summary>
    public static bool SameApplyStrategy(ApplyStrategy? a, ApplyStrategy? b) =>
        JsonSerializer.Serialize(a, PlacementJsonContext.Default.ApplyStrategy) == JsonSerializer.Serialize(b, PlacementJsonContext.Default.ApplyStrategy);

    /// <summary>Whether two report-back strategies are the same, by their JSON.</summary>
    public static bool SameReportBackStrategy(ReportBackStrategy? a, ReportBackStrategy? b) =>
        JsonSerializer.Serialize(a, PlacementJsonContext.Default.ReportBackStrategy) == JsonSerializer.Serialize(b, PlacementJsonContext.Default.ReportBackStrategy);

    /// <summary>
    /// Lowercase hex sha256 of the compact JSON of <paramref name="value"/>, properties in the order the node holds them;
    /// null hashes the text <c>null</c>, as Go's <c>json.Marshal</c> of a nil value.
    /// </summary>
    public static string HashOf(JsonNode? value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value is null ? "null" : Obj.ToJson(value))));

    /// <summary>
    /// The hash of a binding's override snapshot list for the Works' override-hash annotations: the JSON array of the
    /// items serialized with <paramref name="itemType"/>, as upstream hashes the list. An empty list hashes like a
    /// missing one (<c>null</c>): the binding field is <c>omitempty</c>, so an empty list reads back from the API
    /// server as missing, and the two must not make the Works look outdated to each other.
    /// </summary>
    public static string OverrideSnapshotsHash<T>(IReadOnlyList<T>? snapshots, JsonTypeInfo<T> itemType)
    {
        if (snapshots is null || snapshots.Count == 0)
        {
            return HashOf(null);
        }
        var array = new JsonArray();
        foreach (var snapshot in snapshots)
        {
            array.Add(JsonSerializer.SerializeToNode(snapshot, itemType));
        }
        return HashOf(array);
    }

    /// <summary>The <c>parent-resource-override-snapshot-hash</c> of a binding's <c>resourceOverrideSnapshots</c>.</summary>
    public static string ResourceOverrideSnapshotsHash(IReadOnlyList<NamespacedName>? snapshots) =>
        OverrideSnapshotsHash(snapshots, PlacementJsonContext.Default.NamespacedName);

    /// <summary>The <c>parent-cluster-resource-override-snapshot-hash</c> of a binding's <c>clusterResourceOverrideSnapshots</c>.</summary>
    public static string ClusterResourceOverrideSnapshotsHash(IReadOnlyList<string>? snapshots) =>
        OverrideSnapshotsHash(snapshots, PlacementJsonContext.Default.String);

    /// <summary>The group's snapshots, master first, then sub-indexes ascending.</summary>
    private static List<(JsonObject Snapshot, int? Subindex)> OrderGroup(IReadOnlyList<JsonObject> snapshots)
    {
        var ordered = new List<(JsonObject Snapshot, int? Subindex)>(snapshots.Count);
        foreach (var snapshot in snapshots)
        {
            var annotation = (snapshot.At("metadata", "annotations") as JsonObject)?.GetString(PlacementApi.SubindexOfResourceSnapshotAnnotation);
            if (annotation is null)
            {
                ordered.Add((snapshot, null));
                continue;
            }
            if (!int.TryParse(annotation, NumberStyles.None, CultureInfo.InvariantCulture, out var subindex))
            {
                throw new ArgumentException(
                    $"resource snapshot {snapshot.Name()} has an invalid {PlacementApi.SubindexOfResourceSnapshotAnnotation} annotation {annotation}", nameof(snapshots));
            }
            ordered.Add((snapshot, subindex));
        }
        var masters = ordered.Count(s => s.Subindex is null);
        if (masters != 1)
        {
            throw new ArgumentException($"a resource snapshot group needs exactly one master snapshot, found {masters}", nameof(snapshots));
        }
        var repeated = ordered.Where(s => s.Subindex is not null).GroupBy(s => s.Subindex).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            throw new ArgumentException($"resource snapshot sub-index {repeated.Key} appears more than once in the group", nameof(snapshots));
        }
        // A master sorts before every sub-index: null is the smallest int?.
        return [.. ordered.OrderBy(s => s.Subindex)];
    }

    private static IEnumerable<JsonObject> SelectedResources(JsonObject snapshot)
    {
        if (snapshot.At("spec", "selectedResources") is not JsonArray items)
        {
            yield break;
        }
        foreach (var item in items)
        {
            yield return item as JsonObject
                ?? throw new ArgumentException($"resource snapshot {snapshot.Name()} holds a selected resource that is not an object", nameof(snapshot));
        }
    }

    private static WorkObject NewWork(WorkPlanInput input, string name, string index, string masterName, List<JsonObject> manifests)
    {
        var labels = new Dictionary<string, string>
        {
            [PlacementApi.ParentBindingLabel] = input.BindingName,
            [PlacementApi.ParentPlacementLabel] = input.PlacementName,
            [PlacementApi.ParentResourceSnapshotIndexLabel] = index,
        };
        if (!string.IsNullOrEmpty(input.PlacementNamespace))
        {
            // ResourceBindings of different namespaces may share a name; this label tells their Works apart.
            labels[PlacementApi.ParentNamespaceLabel] = input.PlacementNamespace;
        }
        return new WorkObject
        {
            ApiVersion = PlacementApi.ApiVersion,
            Kind = "Work",
            Metadata =
            {
                Name = name,
                Namespace = input.WorkNamespace,
                Labels = labels,
                Annotations = new Dictionary<string, string>
                {
                    // The binding names the master, so the master's name is what the binding's resourceSnapshotName says.
                    [PlacementApi.ParentResourceSnapshotNameAnnotation] = masterName,
                    [PlacementApi.ParentResourceOverrideSnapshotHashAnnotation] = input.ResourceOverrideSnapshotHash,
                    [PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation] = input.ClusterResourceOverrideSnapshotHash,
                },
            },
            Spec = new WorkSpec
            {
                Workload = new WorkloadTemplate { Manifests = manifests },
                // Copies: each Work owns its strategies, so editing one (or the binding) never changes another.
                ApplyStrategy = Copy(input.ApplyStrategy, PlacementJsonContext.Default.ApplyStrategy),
                ReportBackStrategy = Copy(input.ReportBackStrategy, PlacementJsonContext.Default.ReportBackStrategy),
            },
        };
    }

    private static T? Copy<T>(T? value, JsonTypeInfo<T> type) where T : class =>
        value is null ? null : JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(value, type), type);
}
