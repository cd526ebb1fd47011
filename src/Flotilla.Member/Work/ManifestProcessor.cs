using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.Member.Work;

/// <summary>One decoded manifest of a Work: where it goes on the member and how it is identified in the Work's status.</summary>
internal sealed record DecodedManifest(WorkResourceIdentifier Identifier, JsonObject Manifest, ResourceMapping Mapping)
{
    public string Namespace => Identifier.Namespace ?? "";

    public string Name => Identifier.Name ?? "";
}

/// <summary>The AppliedWork every object a Work applies is owned by.</summary>
internal sealed record AppliedWorkOwner(string Name, string Uid)
{
    public OwnerReference Reference => new()
    {
        ApiVersion = PlacementApi.ApiVersion,
        Kind = "AppliedWork",
        Name = Name,
        Uid = Uid,
        BlockOwnerDeletion = true,
    };

    public bool Owns(JsonObject obj) => OwnerReferences(obj).Any(r => r.GetString("uid") == Uid);

    public static IEnumerable<JsonObject> OwnerReferences(JsonObject obj) =>
        (obj.At("metadata", "ownerReferences") as JsonArray)?.OfType<JsonObject>() ?? [];

    public static bool IsAppliedWorkReference(JsonObject reference) =>
        reference.GetString("kind") == "AppliedWork" && (reference.GetString("apiVersion") ?? "").StartsWith(PlacementApi.Group + "/", StringComparison.Ordinal);
}

/// <summary>
/// Processes one manifest against the member cluster (placement spec §5.5): takeover, diff reporting, drift detection,
/// apply (client-side three-way merge or server-side apply) and availability (§5.7).
/// </summary>
internal sealed class ManifestProcessor
{
    /// <summary>Upstream's field manager for everything the work applier writes.</summary>
    public const string FieldManager = "work-api-agent";

    /// <summary>The manager name upstream's API servers give fields set before a first server-side apply.</summary>
    private const string BeforeFirstApplyManager = "before-first-apply";

    /// <summary>Kubernetes' limit on the total size of an object's annotations.</summary>
    private const int AnnotationSizeLimit = 256 * 1024;

    private readonly KubernetesClient _member;

    public ManifestProcessor(KubernetesClient member)
    {
        _member = member;
    }

    /// <summary>Applies (or, under ReportDiff, compares) one manifest and reports the outcome.</summary>
    public async Task<ManifestOutcome> ProcessAsync(DecodedManifest manifest, ApplyStrategy strategy, AppliedWorkOwner owner, Func<string, Task<string?>> appliedWorkUid,
        CancellationToken cancellationToken)
    {
        var client = _member.Resource(manifest.Mapping).InNamespace(manifest.Mapping.Namespaced ? manifest.Namespace : null);
        var id = manifest.Identifier;
        JsonObject? live;
        try
        {
            live = await GetAsync(client, manifest.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            return Failed(id, ApplyResultType.FailedToFindObjInMemberCluster, e.Message);
        }
        var prepared = ManifestSanitizer.PrepareForApply(manifest.Manifest);
        var reportDiff = strategy.Type == ApplyStrategyType.ReportDiff;

        if (live is not null && !owner.Owns(live) && strategy.WhenToTakeOver != WhenToTakeOver.Never && !reportDiff)
        {
            var takeover = await TakeOverAsync(client, manifest, prepared, live, strategy, owner, appliedWorkUid, cancellationToken).ConfigureAwait(false);
            if (takeover.Failure is { } failure)
            {
                return failure;
            }
            live = takeover.Live;
        }

        if (reportDiff)
        {
            return await ReportDiffAsync(client, id, prepared, live, strategy, cancellationToken).ConfigureAwait(false);
        }
        if (live is not null && !owner.Owns(live))
        {
            return Failed(id, ApplyResultType.NotTakenOver, "no ownership of the object in the member cluster; takeover is needed");
        }

        var hash = ManifestSanitizer.SpecHash(prepared);
        if (strategy.WhenToApply == WhenToApply.IfNotDrifted && live is not null
            && (live.At("metadata", "annotations") as JsonObject)?.GetString(PlacementApi.ManifestHashAnnotation) == hash)
        {
            // Fleet applied exactly this version before: any difference now was made on the member.
            var (drifts, degraded, error) = await CompareAsync(client, prepared, live, strategy.ComparisonOption, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return Failed(id, ApplyResultType.FailedToRunDriftDetection, error);
            }
            if (drifts.Count > 0)
            {
                return Failed(id, degraded ? ApplyResultType.FoundDriftsInDegradedMode : ApplyResultType.FoundDrifts,
                    "cannot apply manifest: drifts are found between the manifest and the object from the member cluster", drifts: drifts, generation: Generation(live));
            }
        }

        if (OwnerReferenceError(prepared, strategy) is { } ownerError)
        {
            return Failed(id, ApplyResultType.ManifestApplyFailed, ownerError);
        }
        var desired = Desired(prepared, hash, owner);
        JsonObject applied;
        try
        {
            applied = strategy.Type == ApplyStrategyType.ServerSideApply
                ? await ServerSideApplyAsync(client, desired, live, strategy.ServerSideApplyConfig?.Force ?? false, cancellationToken).ConfigureAwait(false)
                : await ClientSideApplyAsync(client, desired, live, strategy.WhenToApply == WhenToApply.IfNotDrifted, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            return Failed(id, ApplyResultType.ManifestApplyFailed, e.Message);
        }

        var result = ApplyResultType.Applied;
        IReadOnlyList<PatchDetail>? postApplyDrifts = null;
        if (strategy.ComparisonOption == ComparisonOption.FullComparison && strategy.WhenToApply == WhenToApply.Always)
        {
            // Fields the manifest does not set but the member has: reported, never blocking.
            postApplyDrifts = ObjectDiff.Compare(prepared, applied);
        }
        var (availability, availabilityError) = Availability.Evaluate(result, manifest.Mapping.Kind.Group, manifest.Mapping.Kind.Kind, applied);
        return new ManifestOutcome(id, result, null, availability, availabilityError, null, null,
            postApplyDrifts is { Count: > 0 } ? postApplyDrifts : null, null, Generation(applied))
        {
            Uid = applied.Uid(),
        };
    }

    /// <summary>§5.5 step 2: makes this AppliedWork an owner of an object that exists on the member, when allowed.</summary>
    private async Task<(JsonObject? Live, ManifestOutcome? Failure)> TakeOverAsync(ResourceClient<JsonObject> client, DecodedManifest manifest, JsonObject prepared,
        JsonObject live, ApplyStrategy strategy, AppliedWorkOwner owner, Func<string, Task<string?>> appliedWorkUid, CancellationToken cancellationToken)
    {
        var id = manifest.Identifier;
        var kept = new List<JsonObject>();
        var otherFleetOwner = false;
        foreach (var reference in AppliedWorkOwner.OwnerReferences(live))
        {
            if (AppliedWorkOwner.IsAppliedWorkReference(reference))
            {
                // Left over from an earlier join when that AppliedWork no longer exists.
                var uid = await appliedWorkUid(reference.GetString("name") ?? "").ConfigureAwait(false);
                if (uid is null || uid != reference.GetString("uid"))
                {
                    continue;
                }
                otherFleetOwner = true;
            }
            kept.Add(reference);
        }
        var others = kept.Where(r => !AppliedWorkOwner.IsAppliedWorkReference(r)).ToList();
        if (others.Count > 0 && !strategy.AllowCoOwnership)
        {
            return (null, Failed(id, ApplyResultType.FailedToTakeOver,
                $"the object is already owned by some other sources(s) and co-ownership is disallowed (existingOwnerRefs: {FormatOwners(others)})"));
        }
        if (otherFleetOwner)
        {
            return (null, Failed(id, ApplyResultType.FailedToTakeOver, "the object is already owned by another Fleet AppliedWork object"));
        }
        if (strategy.WhenToTakeOver == WhenToTakeOver.IfNoDiff)
        {
            var (diffs, _, error) = await CompareAsync(client, prepared, live, strategy.ComparisonOption, cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return (null, Failed(id, ApplyResultType.FailedToTakeOver, error));
            }
            if (diffs.Count > 0)
            {
                return (null, Failed(id, ApplyResultType.FailedToTakeOver,
                    "cannot take over object: configuration differences are found between the manifest object and the corresponding object in the member cluster",
                    diffs: diffs, generation: Generation(live)));
            }
        }
        kept.Add(JsonSerializerOwner(owner));
        var update = (JsonObject)live.DeepClone();
        update.Metadata()["ownerReferences"] = new JsonArray([.. kept.Select(r => (JsonNode)r.DeepClone())]);
        var updated = await client.UpdateAsync(update, new WriteOptions { FieldManager = FieldManager }, cancellationToken).ConfigureAwait(false);
        return (updated, null);
    }

    /// <summary>§5.5 step 3: compares without writing.</summary>
    private async Task<ManifestOutcome> ReportDiffAsync(ResourceClient<JsonObject> client, WorkResourceIdentifier id, JsonObject prepared, JsonObject? live,
        ApplyStrategy strategy, CancellationToken cancellationToken)
    {
        if (live is null)
        {
            return new ManifestOutcome(id, null, null, AvailabilityResultType.Skipped, null, DiffResultType.FoundDiff, null, null,
                [new PatchDetail { Path = "/", ValueInHub = "(the whole object)" }], null);
        }
        var (diffs, degraded, error) = await CompareAsync(client, prepared, live, strategy.ComparisonOption, cancellationToken).ConfigureAwait(false);
        if (error is not null)
        {
            return new ManifestOutcome(id, null, null, AvailabilityResultType.Skipped, null, DiffResultType.FailedToReportDiff, error, null, null, Generation(live));
        }
        var type = diffs.Count == 0 ? DiffResultType.NoDiffFound : degraded ? DiffResultType.FoundDiffInDegradedMode : DiffResultType.FoundDiff;
        return new ManifestOutcome(id, null, null, AvailabilityResultType.Skipped, null, type, null, null, diffs.Count > 0 ? diffs : null, Generation(live));
    }

    /// <summary>
    /// §5.6: partial comparison dry-runs a forced server-side apply and compares its result with the live object; when
    /// the member rejects the manifest as invalid, it falls back to a full comparison ("degraded mode").
    /// </summary>
    private static async Task<(IReadOnlyList<PatchDetail> Details, bool Degraded, string? Error)> CompareAsync(
        ResourceClient<JsonObject> client, JsonObject prepared, JsonObject live, string? comparisonOption, CancellationToken cancellationToken)
    {
        if (comparisonOption == ComparisonOption.FullComparison)
        {
            return (ObjectDiff.Compare(prepared, live), false, null);
        }
        try
        {
            var dryRun = await client.ApplyAsync(prepared, new ApplyOptions { FieldManager = FieldManager, Force = true, DryRun = true }, cancellationToken).ConfigureAwait(false);
            return (ObjectDiff.ComparePartial(prepared, dryRun, live), false, null);
        }
        catch (ApiException e) when (e.IsInvalid())
        {
            return (ObjectDiff.Compare(prepared, live), true, null);
        }
        catch (ApiException e)
        {
            return ([], false, e.Message);
        }
    }

    /// <summary>The object as the applier writes it: the manifest, its spec hash and this AppliedWork as an owner.</summary>
    private static JsonObject Desired(JsonObject prepared, string hash, AppliedWorkOwner owner)
    {
        var desired = (JsonObject)prepared.DeepClone();
        var metadata = desired.Metadata();
        if (metadata["annotations"] is not JsonObject annotations)
        {
            annotations = [];
            metadata["annotations"] = annotations;
        }
        annotations[PlacementApi.ManifestHashAnnotation] = hash;
        if (metadata["ownerReferences"] is not JsonArray references)
        {
            references = [];
            metadata["ownerReferences"] = references;
        }
        references.Add(JsonSerializerOwner(owner));
        return desired;
    }

    /// <summary>§5.5 step 6: owner references in a manifest need co-ownership, and a manifest never names an AppliedWork owner.</summary>
    private static string? OwnerReferenceError(JsonObject prepared, ApplyStrategy strategy)
    {
        var references = AppliedWorkOwner.OwnerReferences(prepared).ToList();
        if (references.Count == 0)
        {
            return null;
        }
        if (!strategy.AllowCoOwnership)
        {
            return "manifest is set to have owner references but co-ownership is disallowed";
        }
        return references.Any(AppliedWorkOwner.IsAppliedWorkReference) ? "an AppliedWork object is unexpectedly specified as the owner of the manifest object" : null;
    }

    /// <summary>
    /// Client-side apply: the manifest goes into the last-applied annotation and the object is created, or patched with
    /// a three-way merge of last-applied, manifest and live object. A manifest too large for the annotation falls back
    /// to a non-forced server-side apply, as upstream does.
    /// </summary>
    private static async Task<JsonObject> ClientSideApplyAsync(ResourceClient<JsonObject> client, JsonObject desired, JsonObject? live, bool optimisticLock,
        CancellationToken cancellationToken)
    {
        var lastApplied = Obj.ToJson(desired);
        var annotations = (JsonObject)desired.Metadata()["annotations"]!;
        if (lastApplied.Length > AnnotationSizeLimit)
        {
            annotations[PlacementApi.LastAppliedConfigAnnotation] = "";
            return await ServerSideApplyAsync(client, desired, live, force: false, cancellationToken).ConfigureAwait(false);
        }
        annotations[PlacementApi.LastAppliedConfigAnnotation] = lastApplied;
        if (live is null)
        {
            return await client.CreateAsync(desired, new WriteOptions { FieldManager = FieldManager }, cancellationToken).ConfigureAwait(false);
        }
        var previous = (live.At("metadata", "annotations") as JsonObject)?.GetString(PlacementApi.LastAppliedConfigAnnotation) is { Length: > 0 } text
            ? Obj.Parse(System.Text.Encoding.UTF8.GetBytes(text))
            : null;
        var patch = ThreeWayMerge.CreatePatch(previous, desired, live);
        if (patch is null)
        {
            return live;
        }
        if (optimisticLock)
        {
            var resourceVersion = live.ResourceVersion();
            if (resourceVersion.Length == 0)
            {
                throw new ApiException(500, "InternalError", "failed to enable optimistic lock: resource version is empty on the object from the member cluster");
            }
            patch.Metadata()["resourceVersion"] = resourceVersion;
        }
        return await client.PatchAsync(desired.Name(), Patch.Merge(patch), new WriteOptions { FieldManager = FieldManager }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Server-side apply as <see cref="FieldManager"/>; forced when the object has no other managers anyway.</summary>
    private static async Task<JsonObject> ServerSideApplyAsync(ResourceClient<JsonObject> client, JsonObject desired, JsonObject? live, bool force,
        CancellationToken cancellationToken)
    {
        var managers = (live?.At("metadata", "managedFields") as JsonArray)?.OfType<JsonObject>().Select(m => m.GetString("manager")).ToList() ?? [];
        var onlyOurs = managers.All(m => m is FieldManager or BeforeFirstApplyManager);
        return await client.ApplyAsync(desired, new ApplyOptions { FieldManager = FieldManager, Force = force || onlyOurs }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<JsonObject?> GetAsync(ResourceClient<JsonObject> client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await client.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    private static JsonObject JsonSerializerOwner(AppliedWorkOwner owner) => new()
    {
        ["apiVersion"] = owner.Reference.ApiVersion,
        ["kind"] = owner.Reference.Kind,
        ["name"] = owner.Reference.Name,
        ["uid"] = owner.Reference.Uid,
        ["blockOwnerDeletion"] = true,
    };

    /// <summary>Owner references as Go's <c>%+v</c> prints them in upstream's message.</summary>
    private static string FormatOwners(IEnumerable<JsonObject> references) =>
        "[" + string.Join(" ", references.Select(r =>
            $"{{APIVersion:{r.GetString("apiVersion")} Kind:{r.GetString("kind")} Name:{r.GetString("name")} UID:{r.GetString("uid")} Controller:{Pointer(r["controller"])} BlockOwnerDeletion:{Pointer(r["blockOwnerDeletion"])}}}")) + "]";

    private static string Pointer(JsonNode? value) => value is null ? "<nil>" : value.ToJsonString();

    /// <summary>
    /// A live object's generation: 0 when its kind keeps none (a ConfigMap, a Namespace), as client-go's GetGeneration
    /// reads it; null is left for "no live object".
    /// </summary>
    private static long Generation(JsonObject obj) => obj.At("metadata", "generation")?.GetValue<long>() ?? 0;

    private static ManifestOutcome Failed(WorkResourceIdentifier id, ApplyResultType type, string error,
        IReadOnlyList<PatchDetail>? drifts = null, IReadOnlyList<PatchDetail>? diffs = null, long? generation = null) =>
        type is ApplyResultType.FoundDrifts or ApplyResultType.FoundDriftsInDegradedMode
            ? new ManifestOutcome(id, type, error, AvailabilityResultType.Skipped, null, null, null, drifts, null, generation)
            : new ManifestOutcome(id, type, error, AvailabilityResultType.Skipped, null, null, null, null, diffs ?? drifts, generation);
}
