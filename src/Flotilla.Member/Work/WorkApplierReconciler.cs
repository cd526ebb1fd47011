using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Discovery;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Microsoft.Extensions.Logging;

using NamespacedName = Flotilla.Runtime.NamespacedName;
using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Member.Work;

/// <summary>
/// The work applier's reconcile of one Work (placement spec §5.4): keeps the member cluster's objects equal to the
/// Work's manifests, owned by the Work's AppliedWork, and reports per-manifest results in the Work's status; removes
/// what the Work no longer lists, and everything it applied when the Work is deleted. Every Work is processed again
/// on the §5.9 cadence, which is how drift is found and corrected.
/// </summary>
internal sealed class WorkApplierReconciler : IReconciler<NamespacedName>
{
    /// <summary>While left, a Work waits this long before looking again (upstream's not-joined requeue).</summary>
    internal static readonly TimeSpan NotJoinedRecheck = TimeSpan.FromSeconds(5);

    /// <summary>How soon a deleting Work looks again while the AppliedWork's dependents are being deleted.</summary>
    internal static readonly TimeSpan DeletionRecheck = TimeSpan.FromSeconds(1);

    private readonly Lister<WorkObject> _works;
    private readonly ResourceClient<WorkObject> _hubWorks;
    private readonly ResourceClient<AppliedWork> _appliedWorks;
    private readonly KubernetesClient _member;
    private readonly ManifestProcessor _processor;
    private readonly ReprocessBackoff _backoff;
    private readonly Func<bool> _joined;
    private readonly Action<ResourceMapping> _watchAppliedKind;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public WorkApplierReconciler(Lister<WorkObject> works, ResourceClient<WorkObject> hubWorks, KubernetesClient member, ReprocessBackoff backoff,
        Func<bool> joined, Action<ResourceMapping> watchAppliedKind, TimeProvider time, ILogger logger)
    {
        _works = works;
        _hubWorks = hubWorks;
        _member = member;
        _appliedWorks = member.Resource(CustomResourceMappings.Of<AppliedWork>(), PlacementJsonContext.Default.AppliedWork);
        _processor = new ManifestProcessor(member);
        _backoff = backoff;
        _joined = joined;
        _watchAppliedKind = watchAppliedKind;
        _time = time;
        _logger = logger;
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (!_joined())
        {
            return ReconcileResult.RequeueAfter(NotJoinedRecheck);
        }
        var work = _works.Get(key.Namespace, key.Name);
        if (work is null)
        {
            _backoff.Forget(key.ToString());
            return ReconcileResult.Done;
        }
        if (work.Metadata.IsDeleting)
        {
            return await RemoveAsync(work, cancellationToken).ConfigureAwait(false);
        }
        if (!work.Metadata.HasFinalizer(PlacementApi.WorkCleanupFinalizer))
        {
            work = await _hubWorks.PatchAsync(work.Metadata.Name!, MemberWrites.FinalizersPatch(work.Metadata, PlacementApi.WorkCleanupFinalizer, add: true), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var appliedWork = await EnsureAppliedWorkAsync(work, cancellationToken).ConfigureAwait(false);
        var owner = new AppliedWorkOwner(appliedWork.Metadata.Name!, appliedWork.Metadata.Uid!);
        var strategy = work.Spec.ApplyStrategy is { } given
            ? JsonSerializer.Deserialize(JsonSerializer.Serialize(given, PlacementJsonContext.Default.ApplyStrategy), PlacementJsonContext.Default.ApplyStrategy)!
            : new ApplyStrategy();
        PlacementDefaulter.DefaultApplyStrategy(strategy);
        var reportDiff = strategy.Type == ApplyStrategyType.ReportDiff;
        var generation = work.Metadata.Generation ?? 0;
        var now = _time.GetUtcNow();

        var (decoded, decodingFailures) = await DecodeAsync(work, cancellationToken).ConfigureAwait(false);
        var appliedBefore = Conditions.Find(work.Status?.Conditions, WorkConditionType.Applied);
        if (!reportDiff && appliedBefore?.ObservedGeneration != generation)
        {
            // Write-ahead (§5.4 step 5): the hub sees at once that this generation is being processed, and objects the
            // Work no longer lists are removed before anything new is applied.
            await WriteStatusAsync(work, new WorkStatus
            {
                Conditions = work.Status?.Conditions,
                ManifestConditions = WorkStatusBuilder.PreparingToProcess([.. decoded.Select(d => d.Identifier).Concat(decodingFailures.Select(f => f.Identifier))], generation, now),
            }, cancellationToken).ConfigureAwait(false);
            await RemoveLeftOversAsync(appliedWork, owner, decoded, cancellationToken).ConfigureAwait(false);
        }

        var outcomes = new List<ManifestOutcome>(decodingFailures);
        var waves = reportDiff
            ? [decoded]
            : ApplyWaves.Group(decoded, d => (d.Mapping.Resource.Group, d.Mapping.Resource.Resource));
        foreach (var wave in waves)
        {
            // Within a wave nothing depends on anything else: in parallel, as upstream does.
            var results = await Task.WhenAll(wave.Select(d => _processor.ProcessAsync(d, strategy, owner, name => AppliedWorkUidAsync(name, cancellationToken), cancellationToken)))
                .ConfigureAwait(false);
            outcomes.AddRange(results);
        }
        outcomes.Sort((a, b) => a.Identifier.Ordinal.CompareTo(b.Identifier.Ordinal));
        foreach (var mapping in decoded.Select(d => d.Mapping).Distinct())
        {
            _watchAppliedKind(mapping);
        }

        var status = WorkStatusBuilder.Build(work.Status, generation, reportDiff, outcomes, _time.GetUtcNow());
        var updated = new WorkObject { ApiVersion = work.ApiVersion, Kind = work.Kind, Metadata = work.Metadata, Spec = work.Spec, Status = status };
        WorkStatusBuilder.TrimIfOversized(updated, _time.GetUtcNow());
        await WriteStatusAsync(work, updated.Status!, cancellationToken).ConfigureAwait(false);
        await RecordAppliedAsync(appliedWork, outcomes, cancellationToken).ConfigureAwait(false);

        var settled = Conditions.Find(status.Conditions, reportDiff ? WorkConditionType.DiffReported : WorkConditionType.Available) is { IsTrue: true };
        var workKey = key.ToString();
        var delay = _backoff.Next(workKey, generation, ReprocessBackoff.ResultsHash(outcomes), settled);
        WorkApplierLog.Processed(_logger, workKey, outcomes.Count, delay);
        return ReconcileResult.RequeueAfter(delay);
    }

    /// <summary>
    /// §5.4 step 5: decodes each manifest and maps its kind on the member; failures (undecodable, unknown kind, only a
    /// generateName, duplicates) become outcomes of their own and are not applied.
    /// </summary>
    private async Task<(List<DecodedManifest> Decoded, List<ManifestOutcome> Failures)> DecodeAsync(WorkObject work, CancellationToken cancellationToken)
    {
        var decoded = new List<DecodedManifest>();
        var failures = new List<ManifestOutcome>();
        var seen = new HashSet<(string, string, string, string)>();
        var enveloped = work.Metadata.Label(PlacementApi.EnvelopeTypeLabel) is { Length: > 0 };
        var manifests = work.Spec.Workload.Manifests ?? [];
        for (var ordinal = 0; ordinal < manifests.Count; ordinal++)
        {
            var manifest = enveloped ? ManifestSanitizer.SanitizeEnveloped(manifests[ordinal]) : manifests[ordinal];
            var id = new WorkResourceIdentifier { Ordinal = ordinal };
            var apiVersion = manifest.GetString("apiVersion");
            var kind = manifest.GetString("kind");
            if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
            {
                failures.Add(Undecodable(id, "the manifest has no apiVersion or kind"));
                continue;
            }
            var gvk = GroupVersionKind.FromApiVersion(apiVersion, kind);
            (id.Group, id.Version, id.Kind) = (gvk.Group, gvk.Version, gvk.Kind);
            id.Name = manifest.Name();
            id.Namespace = manifest.Namespace() is { Length: > 0 } ns ? ns : null;
            ResourceMapping mapping;
            try
            {
                mapping = await _member.Mapper.MappingForAsync(gvk, cancellationToken).ConfigureAwait(false);
            }
            catch (NoResourceMatchException)
            {
                // client-go's NoKindMatchError text, which upstream reports (our mapper's own message adds a hint).
                failures.Add(Undecodable(id, $"failed to find GVR from member cluster client REST mapping: no matches for kind \"{gvk.Kind}\" in version \"{gvk.ApiVersion}\""));
                continue;
            }
            id.Resource = mapping.Resource.Resource;
            if (!mapping.Namespaced)
            {
                id.Namespace = null;
            }
            if (string.IsNullOrEmpty(id.Name))
            {
                failures.Add(manifest.At("metadata", "generateName") is not null
                    ? Failure(id, ApplyResultType.FoundGenerateName, "objects with only generate name are not supported")
                    : Undecodable(id, "the manifest has no name"));
                continue;
            }
            if (mapping.Namespaced && id.Namespace is null)
            {
                // As kubectl does: a namespaced object without a namespace goes to the default one.
                id.Namespace = "default";
            }
            if (!seen.Add((mapping.Resource.Group, mapping.Resource.Resource, id.Namespace ?? "", id.Name)))
            {
                failures.Add(Failure(id, ApplyResultType.Duplicated, "a duplicate manifest has been found"));
                continue;
            }
            decoded.Add(new DecodedManifest(id, manifest, mapping));
        }
        return (decoded, failures);
    }

    /// <summary>Objects this Work applied before that it no longer lists: deleted when only it owns them, else released.</summary>
    private async Task RemoveLeftOversAsync(AppliedWork appliedWork, AppliedWorkOwner owner, IReadOnlyList<DecodedManifest> current, CancellationToken cancellationToken)
    {
        var listed = current.Select(d => (d.Mapping.Resource.Group, d.Mapping.Resource.Resource, d.Namespace, d.Name)).ToHashSet();
        foreach (var applied in appliedWork.Status?.AppliedResources ?? [])
        {
            if (listed.Contains((applied.Group ?? "", applied.Resource ?? "", applied.Namespace ?? "", applied.Name ?? "")))
            {
                continue;
            }
            ResourceMapping mapping;
            try
            {
                mapping = await _member.Mapper.MappingForAsync(new GroupVersionResource(applied.Group ?? "", applied.Version ?? "", applied.Resource ?? ""), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (NoResourceMatchException)
            {
                continue;
            }
            var client = _member.Resource(mapping).InNamespace(mapping.Namespaced ? applied.Namespace : null);
            try
            {
                var live = await client.GetAsync(applied.Name ?? "", cancellationToken).ConfigureAwait(false);
                if (!owner.Owns(live))
                {
                    continue;
                }
                var references = AppliedWorkOwner.OwnerReferences(live).ToList();
                if (references.Count == 1)
                {
                    await client.DeleteAsync(applied.Name ?? "", new DeleteOptions { PreconditionUid = live.Uid() }, cancellationToken).ConfigureAwait(false);
                    WorkApplierLog.Removed(_logger, mapping.QualifiedResource, applied.Namespace ?? "", applied.Name ?? "");
                    continue;
                }
                live.Metadata()["ownerReferences"] = new JsonArray([.. references.Where(r => r.GetString("uid") != owner.Uid).Select(r => (JsonNode)r.DeepClone())]);
                await client.UpdateAsync(live, new WriteOptions { FieldManager = ManifestProcessor.FieldManager }, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
            {
                // Gone already, or changed meanwhile: the next round sees it as it is then.
            }
        }
    }

    /// <summary>§5.4 step 2: deleting the AppliedWork in the foreground makes the member's garbage collector delete what it owns.</summary>
    private async Task<ReconcileResult> RemoveAsync(WorkObject work, CancellationToken cancellationToken)
    {
        if (!work.Metadata.HasFinalizer(PlacementApi.WorkCleanupFinalizer))
        {
            return ReconcileResult.Done;
        }
        try
        {
            var appliedWork = await _appliedWorks.GetAsync(work.Metadata.Name!, cancellationToken).ConfigureAwait(false);
            if (!appliedWork.Metadata.IsDeleting)
            {
                await _appliedWorks.DeleteAsync(work.Metadata.Name!, new DeleteOptions { PropagationPolicy = PropagationPolicy.Foreground }, cancellationToken)
                    .ConfigureAwait(false);
            }
            WorkApplierLog.WaitingForAppliedWork(_logger, work.Metadata.Name!);
            return ReconcileResult.RequeueAfter(DeletionRecheck);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
        await _hubWorks.PatchAsync(work.Metadata.Name!, MemberWrites.FinalizersPatch(work.Metadata, PlacementApi.WorkCleanupFinalizer, add: false), cancellationToken: cancellationToken).ConfigureAwait(false);
        _backoff.Forget(new NamespacedName(work.Metadata.Namespace ?? "", work.Metadata.Name!).ToString());
        return ReconcileResult.Done;
    }

    private async Task<AppliedWork> EnsureAppliedWorkAsync(WorkObject work, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await _appliedWorks.GetAsync(work.Metadata.Name!, cancellationToken).ConfigureAwait(false);
            if (existing.Metadata.IsDeleting)
            {
                // A previous Work of the same name is still being cleaned up; its dependents go first.
                throw new ApiException(409, "Conflict", $"AppliedWork {work.Metadata.Name} is being deleted, waiting for the deletion to complete");
            }
            return existing;
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return await _appliedWorks.CreateAsync(new AppliedWork
            {
                ApiVersion = PlacementApi.ApiVersion,
                Kind = "AppliedWork",
                Metadata = new ObjectMeta { Name = work.Metadata.Name },
                Spec = new AppliedWorkSpec { WorkName = work.Metadata.Name!, WorkNamespace = work.Metadata.Namespace ?? "" },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<string?> AppliedWorkUidAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await _appliedWorks.GetAsync(name, cancellationToken).ConfigureAwait(false)).Metadata.Uid;
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>The AppliedWork's status lists every object applied successfully, so a later round can remove those the Work drops.</summary>
    private async Task RecordAppliedAsync(AppliedWork appliedWork, IReadOnlyList<ManifestOutcome> outcomes, CancellationToken cancellationToken)
    {
        var applied = outcomes
            .Where(o => o.Apply is ApplyResultType.Applied or ApplyResultType.AppliedWithFailedDriftDetection && o.Uid is not null)
            .Select(o => new AppliedResourceMeta
            {
                Ordinal = o.Identifier.Ordinal, Group = o.Identifier.Group, Version = o.Identifier.Version, Kind = o.Identifier.Kind,
                Resource = o.Identifier.Resource, Namespace = o.Identifier.Namespace, Name = o.Identifier.Name, Uid = o.Uid,
            })
            .ToList();
        // Objects kept but not re-applied this round (a failed apply, found drifts) are still this Work's.
        var kept = (appliedWork.Status?.AppliedResources ?? [])
            .Where(old => outcomes.Any(o => o.Apply is not (ApplyResultType.Applied or ApplyResultType.AppliedWithFailedDriftDetection) && SameObject(o.Identifier, old)));
        var status = new AppliedWorkStatus { AppliedResources = [.. applied, .. kept] };
        if (JsonSerializer.Serialize(status, PlacementJsonContext.Default.AppliedWorkStatus)
            == JsonSerializer.Serialize(appliedWork.Status ?? new AppliedWorkStatus(), PlacementJsonContext.Default.AppliedWorkStatus))
        {
            return;
        }
        var patch = new JsonObject { ["status"] = JsonSerializer.SerializeToNode(status, PlacementJsonContext.Default.AppliedWorkStatus) };
        await _appliedWorks.PatchStatusAsync(appliedWork.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static bool SameObject(WorkResourceIdentifier id, AppliedResourceMeta applied) =>
        id.Group == applied.Group && id.Resource == applied.Resource && id.Namespace == applied.Namespace && id.Name == applied.Name;

    private async Task WriteStatusAsync(WorkObject work, WorkStatus status, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Serialize(work.Status ?? new WorkStatus(), PlacementJsonContext.Default.WorkStatus);
        var after = JsonSerializer.SerializeToNode(status, PlacementJsonContext.Default.WorkStatus)!.AsObject();
        if (after.ToJsonString() == before)
        {
            return;
        }
        after.TryAdd("manifestConditions", null);
        var updated = await _hubWorks.PatchStatusAsync(work.Metadata.Name!, Patch.Merge(new JsonObject { ["status"] = after }), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        work.Status = updated.Status;
    }

    private static ManifestOutcome Failure(WorkResourceIdentifier id, ApplyResultType type, string error) =>
        new(id, type, error, AvailabilityResultType.Skipped, null, null, null, null, null, null);

    /// <summary>A <c>DecodingErred</c> outcome, its error wrapped as upstream's pre-processing wraps every decoding failure.</summary>
    private static ManifestOutcome Undecodable(WorkResourceIdentifier id, string error) =>
        Failure(id, ApplyResultType.DecodingErred, "failed to decode manifest: " + error);
}
