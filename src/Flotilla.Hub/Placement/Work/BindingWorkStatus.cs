using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Placement.Work;

/// <summary>How one work-generator pass went, for the binding's conditions (placement spec §5.1 step 7).</summary>
/// <param name="NoOverrides">The binding lists no ClusterResourceOverride and no ResourceOverride snapshots.</param>
/// <param name="OverrideError">
/// Overrides could not be applied, an override or resource snapshot is missing, or the pass failed before the Works
/// were built: the text after <c>Failed to apply the override rules on the resources: </c>, already stripped of any
/// wrapping prefix. Wins over <paramref name="SyncError"/>.
/// </param>
/// <param name="SyncError">Any other failure to bring the Works up to date: the text after <c>Failed to synchronize the work to the latest: </c>.</param>
/// <param name="WorksChanged">A Work was created, updated or deleted in this pass, so the Works' statuses are stale.</param>
internal sealed record WorkSyncOutcome(bool NoOverrides, string? OverrideError, string? SyncError, bool WorksChanged);

/// <summary>The reasons the work generator writes on binding conditions (placement spec §7.4).</summary>
internal static class WorkGeneratorReason
{
    public const string OverriddenSucceeded = "OverriddenSucceeded";
    public const string NoOverrideSpecified = "NoOverrideSpecified";
    public const string OverriddenFailed = "OverriddenFailed";
    public const string AllWorkSynced = "AllWorkSynced";
    public const string SyncWorkFailed = "SyncWorkFailed";
    public const string ApplyInProgress = "ApplyInProgress";
    public const string AllWorkHaveBeenApplied = "AllWorkHaveBeenApplied";
    public const string NotAllWorkHaveBeenApplied = "NotAllWorkHaveBeenApplied";
    public const string AllWorkAreAvailable = "AllWorkAreAvailable";
    public const string NotAllWorkAreAvailabilityTrackable = "NotAllWorkAreAvailabilityTrackable";
    public const string NotAllWorkAreAvailable = "NotAllWorkAreAvailable";
    public const string DiffReportInProgress = "DiffReportInProgress";
    public const string AllWorkHaveDiffReported = "AllWorkHaveDiffReported";
    public const string NotAllWorkHaveDiffReported = "NotAllWorkHaveDiffReported";

    /// <summary>A Work's Available reason when some manifests cannot be tracked (the member applier's current reason).</summary>
    public const string WorkNotTrackable = "WorkNotTrackable";

    /// <summary>The newer spelling of <see cref="WorkNotTrackable"/>, accepted too.</summary>
    public const string SomeManifestsAreNotAvailabilityTrackable = "SomeManifestsAreNotAvailabilityTrackable";
}

/// <summary>
/// Writes what the work generator reports on a binding (placement spec §5.1 step 7, §5.3, texts of §7.4): Overridden,
/// WorkSynchronized, then Applied/Available or DiffReported aggregated from the binding's Works, and the
/// failed/drifted/diffed placement details.
/// </summary>
internal static class BindingWorkStatus
{
    /// <summary>The most entries each of failedPlacements, driftedPlacements and diffedPlacements holds.</summary>
    public const int MaxPlacementDetails = 100;

    private static readonly string[] OwnedTypes =
    [
        BindingConditionType.Overridden, BindingConditionType.WorkSynchronized, BindingConditionType.Applied,
        BindingConditionType.Available, BindingConditionType.DiffReported,
    ];

    private enum Summary
    {
        /// <summary>Some Work has not reported the condition at its current generation.</summary>
        Incomplete,

        /// <summary>Every Work reports it True at its generation.</summary>
        True,

        /// <summary>Every Work reports it at its generation, and some report False.</summary>
        False,
    }

    /// <summary>
    /// Replaces the work generator's part of <paramref name="status"/>; RolloutStarted and any condition of another
    /// writer stay as they are.
    /// </summary>
    /// <param name="status">The binding's status, updated in place; it may hold the previous pass's conditions.</param>
    /// <param name="bindingGeneration">The binding's metadata.generation: every condition's observedGeneration.</param>
    /// <param name="outcome">How the sync went.</param>
    /// <param name="works">The binding's Works as they now are; deleting ones are ignored.</param>
    /// <param name="reportDiff">The binding's apply strategy is ReportDiff: DiffReported replaces Applied and Available.</param>
    /// <param name="now">The transition time of a condition whose status changes.</param>
    /// <remarks>
    /// Upstream removes its five conditions and sets them again, which resets every transition time on each pass.
    /// Here the conditions set in this pass are updated in place (<see cref="Conditions.Set"/> moves the transition time
    /// only when the status changes) and only those not set are removed, so e.g. Applied True keeps the time it became
    /// True. Messages naming "Work object %s" name the first such Work by name (upstream's Go map order is arbitrary).
    /// </remarks>
    public static void Apply(
        ResourceBindingStatus status, long bindingGeneration, WorkSyncOutcome outcome, IReadOnlyList<WorkObject> works, bool reportDiff, DateTimeOffset now)
    {
        var conditions = status.Conditions ??= [];
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Put(string type, bool value, string reason, string message)
        {
            Conditions.Set(conditions, new Condition
            {
                Type = type,
                Status = ConditionStatus.Of(value),
                Reason = reason,
                Message = message,
                ObservedGeneration = bindingGeneration,
            }, now);
            set.Add(type);
        }

        status.FailedPlacements = null;
        status.DriftedPlacements = null;
        status.DiffedPlacements = null;

        if (outcome.OverrideError is { } overrideError)
        {
            Put(BindingConditionType.Overridden, false, WorkGeneratorReason.OverriddenFailed,
                "Failed to apply the override rules on the resources: " + overrideError);
        }
        else
        {
            if (outcome.NoOverrides)
            {
                Put(BindingConditionType.Overridden, true, WorkGeneratorReason.NoOverrideSpecified, "No override rules are configured for the selected resources");
            }
            else
            {
                Put(BindingConditionType.Overridden, true, WorkGeneratorReason.OverriddenSucceeded, "Successfully applied the override rules on the resources");
            }

            if (outcome.SyncError is { } syncError)
            {
                Put(BindingConditionType.WorkSynchronized, false, WorkGeneratorReason.SyncWorkFailed, "Failed to synchronize the work to the latest: " + syncError);
            }
            else
            {
                Put(BindingConditionType.WorkSynchronized, true, WorkGeneratorReason.AllWorkSynced, "All of the works are synchronized to the latest");
                if (outcome.WorksChanged)
                {
                    // The Works' statuses describe their previous spec: report progress, never reuse them.
                    if (reportDiff)
                    {
                        Put(BindingConditionType.DiffReported, false, WorkGeneratorReason.DiffReportInProgress, "Diff reporting on resources is in progress");
                    }
                    else
                    {
                        Put(BindingConditionType.Applied, false, WorkGeneratorReason.ApplyInProgress, "Resources are being applied");
                    }
                }
                else
                {
                    Aggregate(status, Live(works), reportDiff, Put);
                }
            }
        }

        foreach (var type in OwnedTypes.Where(t => !set.Contains(t)))
        {
            Conditions.Remove(conditions, type);
        }
    }

    /// <summary>§5.3: the Works' conditions summarized on the binding, and the placement details they justify.</summary>
    private static void Aggregate(ResourceBindingStatus status, List<WorkObject> works, bool reportDiff, Action<string, bool, string, string> put)
    {
        var failed = new List<FailedResourcePlacement>();
        var drifted = new List<DriftedResourcePlacement>();
        var diffed = new List<DiffedResourcePlacement>();

        if (reportDiff)
        {
            var (diff, first) = Summarize(works, WorkConditionType.DiffReported);
            switch (diff)
            {
                case Summary.Incomplete:
                    put(BindingConditionType.DiffReported, false, WorkGeneratorReason.NotAllWorkHaveDiffReported,
                        $"Work object {first} has not yet completed diff reporting");
                    break;
                case Summary.False:
                    put(BindingConditionType.DiffReported, false, WorkGeneratorReason.NotAllWorkHaveDiffReported, $"Work object {first} has failed to report diff");
                    break;
                default:
                    put(BindingConditionType.DiffReported, true, WorkGeneratorReason.AllWorkHaveDiffReported, "All corresponding work objects have reported diff");
                    // Only once every Work has reported: partial or stale diffs must not leak into the binding. Nothing
                    // is applied in this mode, so there are no failures or drifts to report.
                    diffed.AddRange(works.SelectMany(Diffed));
                    break;
            }
        }
        else
        {
            var (applied, firstUnapplied) = Summarize(works, WorkConditionType.Applied);
            switch (applied)
            {
                case Summary.Incomplete:
                    put(BindingConditionType.Applied, false, WorkGeneratorReason.NotAllWorkHaveBeenApplied,
                        $"Work object {firstUnapplied} has not yet completed the apply op");
                    // Some Work has not applied its current spec yet: what the others report may be stale, so nothing.
                    break;
                case Summary.False:
                    put(BindingConditionType.Applied, false, WorkGeneratorReason.NotAllWorkHaveBeenApplied, $"Work object {firstUnapplied} has failed to apply");
                    // Available is not evaluated after an apply failure. A refused takeover shows up as a diff.
                    failed.AddRange(works.SelectMany(Failed));
                    diffed.AddRange(works.SelectMany(Diffed));
                    drifted.AddRange(works.SelectMany(Drifted));
                    break;
                default:
                    put(BindingConditionType.Applied, true, WorkGeneratorReason.AllWorkHaveBeenApplied, "All corresponding work objects are applied");
                    var (available, firstUnavailable, firstUntrackable) = SummarizeAvailable(works);
                    switch (available)
                    {
                        case Summary.Incomplete:
                            put(BindingConditionType.Available, false, WorkGeneratorReason.NotAllWorkAreAvailable,
                                $"Work object {firstUnavailable} has not yet completed availability check");
                            break;
                        case Summary.False:
                            put(BindingConditionType.Available, false, WorkGeneratorReason.NotAllWorkAreAvailable, $"Work object {firstUnavailable} is not yet available");
                            failed.AddRange(works.SelectMany(Failed));
                            break;
                        default:
                            if (firstUntrackable is not null)
                            {
                                put(BindingConditionType.Available, true, WorkGeneratorReason.NotAllWorkAreAvailabilityTrackable,
                                    $"The availability of work object {firstUntrackable} is not trackable");
                            }
                            else
                            {
                                put(BindingConditionType.Available, true, WorkGeneratorReason.AllWorkAreAvailable, "All corresponding work objects are available");
                            }
                            break;
                    }
                    // Drifts can exist whatever the availability: an applied object may drift afterwards.
                    drifted.AddRange(works.SelectMany(Drifted));
                    break;
            }
        }

        // failedPlacements keeps the first entries (Works by name, manifests in order), as upstream keeps its first ones;
        // drifts and diffs are sorted by identifier before cutting, so which ones survive does not depend on Work order.
        if (failed.Count > 0)
        {
            status.FailedPlacements = [.. failed.Take(MaxPlacementDetails)];
        }
        if (drifted.Count > 0)
        {
            status.DriftedPlacements = drifted.Count > MaxPlacementDetails ? [.. drifted.OrderBy(SortKey, StringComparer.Ordinal).Take(MaxPlacementDetails)] : drifted;
        }
        if (diffed.Count > 0)
        {
            status.DiffedPlacements = diffed.Count > MaxPlacementDetails ? [.. diffed.OrderBy(SortKey, StringComparer.Ordinal).Take(MaxPlacementDetails)] : diffed;
        }
    }

    /// <summary>The Works that count: not being deleted, in name order (the "first" Work named in messages).</summary>
    private static List<WorkObject> Live(IReadOnlyList<WorkObject> works) =>
        [.. works.Where(w => !w.Metadata.IsDeleting).OrderBy(w => w.Metadata.Name, StringComparer.Ordinal)];

    private static (Summary Summary, string? First) Summarize(List<WorkObject> works, string type)
    {
        string? firstIncomplete = null;
        string? firstFalse = null;
        foreach (var work in works)
        {
            var condition = Current(work, type);
            if (condition is null)
            {
                firstIncomplete ??= work.Metadata.Name;
            }
            else if (condition.IsFalse)
            {
                firstFalse ??= work.Metadata.Name;
            }
        }
        return firstIncomplete is not null ? (Summary.Incomplete, firstIncomplete)
            : firstFalse is not null ? (Summary.False, firstFalse)
            : (Summary.True, null);
    }

    private static (Summary Summary, string? First, string? FirstUntrackable) SummarizeAvailable(List<WorkObject> works)
    {
        var (summary, first) = Summarize(works, WorkConditionType.Available);
        var untrackable = works.FirstOrDefault(w => Current(w, WorkConditionType.Available) is { IsTrue: true } c
            && c.Reason is WorkGeneratorReason.WorkNotTrackable or WorkGeneratorReason.SomeManifestsAreNotAvailabilityTrackable);
        return (summary, first, untrackable?.Metadata.Name);
    }

    /// <summary>
    /// The Work's condition of that type when it is True or False at the Work's current generation; null when missing,
    /// Unknown or stale (observed for an older spec), which all mean "not done yet".
    /// </summary>
    private static Condition? Current(WorkObject work, string type) =>
        Conditions.Find(work.Status?.Conditions, type) is { } c
            && (c.IsTrue || c.IsFalse)
            && (c.ObservedGeneration ?? 0) == (work.Metadata.Generation ?? 0)
            ? c
            : null;

    /// <summary>
    /// A Work's failed manifests, when the Work itself reports Applied or Available False at its generation: each
    /// manifest whose Applied is False, else whose Available is False, with that condition copied.
    /// </summary>
    private static IEnumerable<FailedResourcePlacement> Failed(WorkObject work)
    {
        if (Current(work, WorkConditionType.Applied) is not { IsFalse: true } && Current(work, WorkConditionType.Available) is not { IsFalse: true })
        {
            yield break;
        }
        foreach (var manifest in work.Status?.ManifestConditions ?? [])
        {
            // The applier writes manifest and Work conditions in one update, so the Work's freshness covers them.
            var condition = Conditions.Find(manifest.Conditions, WorkConditionType.Applied) is { IsFalse: true } applied
                ? applied
                : Conditions.Find(manifest.Conditions, WorkConditionType.Available) is { IsFalse: true } available ? available : null;
            if (condition is null)
            {
                continue;
            }
            var placement = new FailedResourcePlacement { Condition = condition.Clone() };
            Identify(placement, manifest.Identifier, work);
            yield return placement;
        }
    }

    private static IEnumerable<DriftedResourcePlacement> Drifted(WorkObject work)
    {
        foreach (var manifest in work.Status?.ManifestConditions ?? [])
        {
            if (manifest.DriftDetails is not { } drift)
            {
                continue;
            }
            var placement = new DriftedResourcePlacement
            {
                ObservationTime = drift.ObservationTime,
                TargetClusterObservedGeneration = drift.ObservedInMemberClusterGeneration,
                FirstDriftedObservedTime = drift.FirstDriftedObservedTime,
                ObservedDrifts = Copy(drift.ObservedDrifts),
            };
            Identify(placement, manifest.Identifier, work);
            yield return placement;
        }
    }

    private static IEnumerable<DiffedResourcePlacement> Diffed(WorkObject work)
    {
        foreach (var manifest in work.Status?.ManifestConditions ?? [])
        {
            if (manifest.DiffDetails is not { } diff)
            {
                continue;
            }
            var placement = new DiffedResourcePlacement
            {
                ObservationTime = diff.ObservationTime,
                TargetClusterObservedGeneration = diff.ObservedInMemberClusterGeneration,
                FirstDiffedObservedTime = diff.FirstDiffedObservedTime,
                ObservedDiffs = Copy(diff.ObservedDiffs),
            };
            Identify(placement, manifest.Identifier, work);
            yield return placement;
        }
    }

    /// <summary>
    /// Copies the manifest's identifier (group, version, kind, name, namespace; empty optional fields left out, as Go's
    /// omitempty does) and, for an envelope Work, the envelope from the Work's labels.
    /// </summary>
    private static void Identify(ResourceIdentifier target, WorkResourceIdentifier source, WorkObject work)
    {
        target.Group = NullIfEmpty(source.Group);
        target.Version = source.Version ?? "";
        target.Kind = source.Kind ?? "";
        target.Name = source.Name ?? "";
        target.Namespace = NullIfEmpty(source.Namespace);
        if (work.Metadata.Label(PlacementApi.EnvelopeTypeLabel) is { } envelopeType)
        {
            target.Envelope = new EnvelopeIdentifier
            {
                Name = work.Metadata.Label(PlacementApi.EnvelopeNameLabel) ?? "",
                Namespace = NullIfEmpty(work.Metadata.Label(PlacementApi.EnvelopeNamespaceLabel)),
                Type = envelopeType,
            };
        }
    }

    /// <summary>
    /// Upstream's sort key for drifted and diffed placements: <c>group/version/kind/namespace/name</c>, followed by
    /// <c>/type/namespace/name</c> of the envelope for enveloped resources.
    /// </summary>
    private static string SortKey(ResourceIdentifier id) =>
        id.Envelope is { } e
            ? $"{id.Group}/{id.Version}/{id.Kind}/{id.Namespace}/{id.Name}/{e.Type}/{e.Namespace}/{e.Name}"
            : $"{id.Group}/{id.Version}/{id.Kind}/{id.Namespace}/{id.Name}";

    private static List<PatchDetail>? Copy(List<PatchDetail>? details) =>
        details?.Select(d => new PatchDetail { Path = d.Path, ValueInMember = d.ValueInMember, ValueInHub = d.ValueInHub }).ToList();

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
