using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using PlacementWork = Flotilla.Api.Placement.Work;

namespace Flotilla.Member.Work;

/// <summary>
/// Builds a Work's status from the outcomes of one processing pass (placement spec §5.8): the manifest conditions
/// (Applied, Available, DiffReported), drift and diff details, and the Work-level conditions with their counts.
/// Pure: the previous status is read, never modified, so the caller can compare old and new and skip no-op updates.
/// </summary>
internal static class WorkStatusBuilder
{
    /// <summary>
    /// The Work status after a pass. Conditions start from the previous ones (a manifest's from the previous manifest
    /// condition with the same group/version/kind/namespace/name), so transition times move only on status changes,
    /// as <see cref="Conditions.Set"/> does. Manifest conditions carry the live object's generation, as upstream's API
    /// defines, and no observedGeneration when that is 0 (no live object, or a kind without generations), as upstream's
    /// omitempty serializes it; Work conditions carry <paramref name="workGeneration"/>. Drift and diff details
    /// are observed at <paramref name="now"/>; their first-observed time is kept from the previous manifest condition
    /// while drift (diff) persists. Times are truncated to whole seconds, as the wire keeps them.
    /// </summary>
    public static WorkStatus Build(WorkStatus? previous, long workGeneration, bool reportDiff, IReadOnlyList<ManifestOutcome> outcomes, DateTimeOffset now)
    {
        now = KubeTimeConverter.Truncate(now);
        var previousByKey = new Dictionary<string, ManifestCondition>(StringComparer.Ordinal);
        foreach (var condition in previous?.ManifestConditions ?? [])
        {
            if (IdentityKey(condition.Identifier) is { } key)
            {
                previousByKey.TryAdd(key, condition);
            }
        }

        var manifestConditions = new List<ManifestCondition>(outcomes.Count);
        int applied = 0, available = 0, untrackable = 0, diffReported = 0;
        foreach (var outcome in outcomes)
        {
            // Only the first manifest with an identity inherits its previous condition: later ones are duplicates.
            var before = IdentityKey(outcome.Identifier) is { } key && previousByKey.Remove(key, out var found) ? found : null;
            manifestConditions.Add(BuildManifestCondition(before, reportDiff, outcome, now));
            applied += IsApplied(outcome.Apply) && !reportDiff ? 1 : 0;
            available += outcome.Availability is AvailabilityResultType.Available or AvailabilityResultType.NotTrackable ? 1 : 0;
            untrackable += outcome.Availability == AvailabilityResultType.NotTrackable ? 1 : 0;
            // Upstream counts only these two: a diff found in degraded mode does not count as reported.
            diffReported += outcome.Diff is DiffResultType.NoDiffFound or DiffResultType.FoundDiff ? 1 : 0;
        }

        var conditions = previous?.Conditions?.Select(c => c.Clone()).ToList() ?? [];
        var total = outcomes.Count;
        if (reportDiff)
        {
            // Nothing is applied in ReportDiff mode; stale apply conditions would mislead the hub.
            Conditions.Remove(conditions, WorkConditionType.Applied);
            Conditions.Remove(conditions, WorkConditionType.Available);
            Conditions.Set(conditions, diffReported == total
                ? NewCondition(WorkConditionType.DiffReported, true, WorkReasons.AllManifestsDiffReported, WorkReasons.AllManifestsDiffReportedMessage, workGeneration)
                : NewCondition(WorkConditionType.DiffReported, false, WorkReasons.SomeManifestsHaveNotReportedDiff,
                    Format(WorkReasons.SomeManifestsHaveNotReportedDiffMessage, diffReported, total), workGeneration), now);
        }
        else
        {
            Conditions.Remove(conditions, WorkConditionType.DiffReported);
            var allApplied = applied == total;
            Conditions.Set(conditions, allApplied
                ? NewCondition(WorkConditionType.Applied, true, WorkReasons.AllManifestsApplied, WorkReasons.AllManifestsAppliedMessage, workGeneration)
                : NewCondition(WorkConditionType.Applied, false, WorkReasons.SomeManifestsAreNotApplied,
                    Format(WorkReasons.SomeManifestsAreNotAppliedMessage, applied, total), workGeneration), now);
            if (!allApplied)
            {
                // Availability is only judged once everything is applied; an old verdict must not linger.
                Conditions.Remove(conditions, WorkConditionType.Available);
            }
            else if (available == total)
            {
                Conditions.Set(conditions, untrackable == 0
                    ? NewCondition(WorkConditionType.Available, true, WorkReasons.AllManifestsAvailable, WorkReasons.AllManifestsAvailableMessage, workGeneration)
                    : NewCondition(WorkConditionType.Available, true, WorkReasons.WorkNotTrackable, WorkReasons.WorkNotTrackableMessage, workGeneration), now);
            }
            else
            {
                Conditions.Set(conditions, NewCondition(WorkConditionType.Available, false, WorkReasons.SomeManifestsAreNotAvailable,
                    Format(WorkReasons.SomeManifestsAreNotAvailableMessage, available, total), workGeneration), now);
            }
        }
        return new WorkStatus { Conditions = conditions, ManifestConditions = manifestConditions };
    }

    /// <summary>
    /// The write-ahead manifest conditions (§5.4 step 5): for each identifier, <c>Applied</c> False
    /// <c>PreparingToProcess</c> at the Work's generation.
    /// </summary>
    public static List<ManifestCondition> PreparingToProcess(IReadOnlyList<WorkResourceIdentifier> ids, long generation, DateTimeOffset now) =>
        PreparingToProcess(ids, generation, now, previous: null);

    /// <summary>
    /// The write-ahead manifest conditions, keeping a manifest's previous condition when it has one (as upstream does,
    /// so a pass that crashes midway still shows the last known results), else <c>Applied</c> False
    /// <c>PreparingToProcess</c>.
    /// </summary>
    public static List<ManifestCondition> PreparingToProcess(IReadOnlyList<WorkResourceIdentifier> ids, long generation, DateTimeOffset now, IReadOnlyList<ManifestCondition>? previous)
    {
        now = KubeTimeConverter.Truncate(now);
        var previousByKey = new Dictionary<string, ManifestCondition>(StringComparer.Ordinal);
        foreach (var condition in previous ?? [])
        {
            if (IdentityKey(condition.Identifier) is { } key)
            {
                previousByKey.TryAdd(key, condition);
            }
        }
        return [.. ids.Select(id => IdentityKey(id) is { } key && previousByKey.TryGetValue(key, out var before)
            ? CloneManifestCondition(before)
            : new ManifestCondition
            {
                Identifier = Clone(id),
                Conditions =
                [
                    new Condition
                    {
                        Type = WorkConditionType.Applied,
                        Status = ConditionStatus.False,
                        ObservedGeneration = generation,
                        LastTransitionTime = now,
                        Reason = WorkReasons.PreparingToProcess,
                        Message = WorkReasons.PreparingToProcessMessage,
                    },
                ],
            })];
    }

    /// <summary>
    /// Upstream's size limit for an object with status: etcd's 1.5 MiB request limit less padding for the request's
    /// own envelope.
    /// </summary>
    public const int DefaultSizeLimitBytes = 1_415_578;

    /// <summary>
    /// <see cref="TrimIfOversized(PlacementWork, DateTimeOffset, int)"/> with the system clock for a new condition's
    /// transition time; controllers that inject a <see cref="TimeProvider"/> should pass its time instead.
    /// </summary>
    public static bool TrimIfOversized(PlacementWork work, int limitBytes = DefaultSizeLimitBytes) =>
        TrimIfOversized(work, TimeProvider.System.GetUtcNow(), limitBytes);

    /// <summary>
    /// Keeps the serialized Work under <paramref name="limitBytes"/> (§5.8 StatusTrimmed), in place: when over, every
    /// drift and diff detail list is summarized to one "&lt;first path&gt; and N more path(s)" detail with "(omitted)"
    /// values, back-reported status is dropped, and <c>StatusTrimmed</c> True <c>Oversized</c> (at the Work's
    /// generation) says by how many bytes the Work was over before trimming; when not over, a stale
    /// <c>StatusTrimmed</c> condition is removed. Returns true when it trimmed.
    /// </summary>
    public static bool TrimIfOversized(PlacementWork work, DateTimeOffset now, int limitBytes = DefaultSizeLimitBytes)
    {
        var status = work.Status ??= new WorkStatus();
        status.Conditions ??= [];
        var over = JsonSerializer.SerializeToUtf8Bytes(work, PlacementJsonContext.Default.Work).Length - limitBytes;
        if (over <= 0)
        {
            Conditions.Remove(status.Conditions, WorkConditionType.StatusTrimmed);
            return false;
        }
        foreach (var manifest in status.ManifestConditions ?? [])
        {
            if (manifest.DriftDetails is { ObservedDrifts.Count: > 0 } drift)
            {
                drift.ObservedDrifts = [Summarize(drift.ObservedDrifts)];
            }
            if (manifest.DiffDetails is { ObservedDiffs.Count: > 0 } diff)
            {
                diff.ObservedDiffs = [Summarize(diff.ObservedDiffs)];
            }
            manifest.BackReportedStatus = null;
        }
        var trimmed = NewCondition(WorkConditionType.StatusTrimmed, true, WorkReasons.Oversized,
            Format(WorkReasons.OversizedMessage, over, limitBytes), work.Metadata.Generation ?? 0);
        Conditions.Set(status.Conditions, trimmed, KubeTimeConverter.Truncate(now));
        return true;
    }

    /// <summary>True for the apply results that count as applied: <c>Applied</c> and <c>AppliedWithFailedDriftDetection</c>.</summary>
    public static bool IsApplied(ApplyResultType? apply) =>
        apply is ApplyResultType.Applied or ApplyResultType.AppliedWithFailedDriftDetection;

    /// <summary>
    /// How manifest conditions are matched across passes: group/version/kind/namespace/name (the ordinal may shift).
    /// Null for a manifest that could not be decoded (no group and no version): it can only be told by its ordinal.
    /// </summary>
    public static string? IdentityKey(WorkResourceIdentifier id) =>
        string.IsNullOrEmpty(id.Group) && string.IsNullOrEmpty(id.Version)
            ? null
            : $"{id.Group}/{id.Version}/{id.Kind}/{id.Namespace}/{id.Name}";

    private static ManifestCondition BuildManifestCondition(ManifestCondition? before, bool reportDiff, ManifestOutcome outcome, DateTimeOffset now)
    {
        var generation = outcome.MemberGeneration ?? 0;
        // Upstream writes the live generation into metav1.Condition, whose observedGeneration is omitempty: an object
        // without a generation (a ConfigMap, a Namespace, or none at all) gets no observedGeneration on the wire.
        long? observed = generation == 0 ? null : generation;
        var conditions = before?.Conditions.Select(c => c.Clone()).ToList() ?? [];
        SetOrRemove(conditions, WorkConditionType.Applied, reportDiff ? null : AppliedCondition(outcome, observed), now);
        SetOrRemove(conditions, WorkConditionType.Available, AvailableCondition(outcome, observed), now);
        SetOrRemove(conditions, WorkConditionType.DiffReported, reportDiff ? DiffReportedCondition(outcome, observed) : null, now);

        var condition = new ManifestCondition
        {
            Identifier = Clone(outcome.Identifier),
            Conditions = conditions,
            BackReportedStatus = Clone(outcome.BackReportedStatus ?? before?.BackReportedStatus),
        };
        if (outcome.Drifts is { Count: > 0 } drifts)
        {
            condition.DriftDetails = new DriftDetails
            {
                ObservationTime = now,
                ObservedInMemberClusterGeneration = generation,
                FirstDriftedObservedTime = before?.DriftDetails is { } d && d.FirstDriftedObservedTime != default ? d.FirstDriftedObservedTime : now,
                ObservedDrifts = [.. drifts.Select(Clone)],
            };
        }
        if (outcome.Diffs is { Count: > 0 } diffs)
        {
            condition.DiffDetails = new DiffDetails
            {
                ObservationTime = now,
                ObservedInMemberClusterGeneration = outcome.MemberGeneration,
                FirstDiffedObservedTime = before?.DiffDetails is { } d && d.FirstDiffedObservedTime != default ? d.FirstDiffedObservedTime : now,
                ObservedDiffs = [.. diffs.Select(Clone)],
            };
        }
        return condition;
    }

    private static Condition AppliedCondition(ManifestOutcome outcome, long? generation) => outcome.Apply switch
    {
        ApplyResultType.Applied =>
            NewCondition(WorkConditionType.Applied, true, WorkReasons.ManifestApplied, WorkReasons.ManifestAppliedMessage, generation),
        ApplyResultType.AppliedWithFailedDriftDetection =>
            NewCondition(WorkConditionType.Applied, true, WorkReasons.AppliedWithFailedDriftDetection, WorkReasons.AppliedWithFailedDriftDetection, generation),
        null or ApplyResultType.PreparingToProcess =>
            NewCondition(WorkConditionType.Applied, false, WorkReasons.PreparingToProcess, WorkReasons.PreparingToProcessMessage, generation),
        { } failure =>
            NewCondition(WorkConditionType.Applied, false, failure.ToString(), Format(WorkReasons.ManifestApplyFailedMessage, outcome.ApplyError ?? ""), generation),
    };

    private static Condition? AvailableCondition(ManifestOutcome outcome, long? generation) => outcome.Availability switch
    {
        AvailabilityResultType.Available =>
            NewCondition(WorkConditionType.Available, true, WorkReasons.ManifestAvailable, WorkReasons.ManifestAvailableMessage, generation),
        AvailabilityResultType.NotTrackable =>
            NewCondition(WorkConditionType.Available, true, WorkReasons.ManifestNotTrackable, WorkReasons.ManifestNotTrackableMessage, generation),
        AvailabilityResultType.NotYetAvailable =>
            NewCondition(WorkConditionType.Available, false, WorkReasons.ManifestNotAvailableYet, WorkReasons.ManifestNotAvailableYetMessage, generation),
        AvailabilityResultType.Failed =>
            NewCondition(WorkConditionType.Available, false, WorkReasons.AvailabilityTrackingFailed,
                Format(WorkReasons.AvailabilityTrackingFailedMessage, outcome.AvailabilityError ?? ""), generation),
        _ => null,
    };

    private static Condition DiffReportedCondition(ManifestOutcome outcome, long? generation) => outcome.Diff switch
    {
        DiffResultType.NoDiffFound =>
            NewCondition(WorkConditionType.DiffReported, true, nameof(DiffResultType.NoDiffFound), WorkReasons.NoDiffFoundMessage, generation),
        DiffResultType.FoundDiff =>
            NewCondition(WorkConditionType.DiffReported, true, nameof(DiffResultType.FoundDiff), WorkReasons.FoundDiffMessage, generation),
        DiffResultType.FoundDiffInDegradedMode =>
            NewCondition(WorkConditionType.DiffReported, true, nameof(DiffResultType.FoundDiffInDegradedMode), WorkReasons.FoundDiffInDegradedModeMessage, generation),
        DiffResultType.FailedToReportDiff =>
            NewCondition(WorkConditionType.DiffReported, false, nameof(DiffResultType.FailedToReportDiff),
                Format(WorkReasons.FailedToReportDiffMessage, outcome.DiffError ?? ""), generation),
        // Blocked before the comparison (decoding error, duplicate, failed read): upstream reports it under the
        // FailedToReportDiff reason with the blocking result in the message.
        _ => NewCondition(WorkConditionType.DiffReported, false, nameof(DiffResultType.FailedToReportDiff),
            Format(WorkReasons.DiffReportingBlockedMessage, outcome.Apply?.ToString() ?? "", outcome.ApplyError ?? ""), generation),
    };

    private static void SetOrRemove(List<Condition> conditions, string type, Condition? condition, DateTimeOffset now)
    {
        if (condition is null)
        {
            Conditions.Remove(conditions, type);
        }
        else
        {
            Conditions.Set(conditions, condition, now);
        }
    }

    private static Condition NewCondition(string type, bool status, string reason, string message, long? generation) => new()
    {
        Type = type,
        Status = ConditionStatus.Of(status),
        Reason = reason,
        Message = message,
        ObservedGeneration = generation,
    };

    private static PatchDetail Summarize(List<PatchDetail> details) => new()
    {
        Path = details.Count > 1 ? Format(WorkReasons.SummarizedPath, details[0].Path, details.Count - 1) : details[0].Path,
        ValueInMember = WorkReasons.OmittedValue,
        ValueInHub = WorkReasons.OmittedValue,
    };

    private static string Format(string format, params object[] args) =>
        string.Format(CultureInfo.InvariantCulture, format, args);

    private static WorkResourceIdentifier Clone(WorkResourceIdentifier id) => new()
    {
        Ordinal = id.Ordinal,
        Group = id.Group,
        Version = id.Version,
        Kind = id.Kind,
        Resource = id.Resource,
        Namespace = id.Namespace,
        Name = id.Name,
    };

    private static PatchDetail Clone(PatchDetail detail) =>
        new() { Path = detail.Path, ValueInMember = detail.ValueInMember, ValueInHub = detail.ValueInHub };

    private static ManifestCondition CloneManifestCondition(ManifestCondition condition) => new()
    {
        Identifier = Clone(condition.Identifier),
        Conditions = [.. condition.Conditions.Select(c => c.Clone())],
        DriftDetails = condition.DriftDetails is { } drift
            ? new DriftDetails
            {
                ObservationTime = drift.ObservationTime,
                ObservedInMemberClusterGeneration = drift.ObservedInMemberClusterGeneration,
                FirstDriftedObservedTime = drift.FirstDriftedObservedTime,
                ObservedDrifts = drift.ObservedDrifts?.Select(Clone).ToList(),
            }
            : null,
        DiffDetails = condition.DiffDetails is { } diff
            ? new DiffDetails
            {
                ObservationTime = diff.ObservationTime,
                ObservedInMemberClusterGeneration = diff.ObservedInMemberClusterGeneration,
                FirstDiffedObservedTime = diff.FirstDiffedObservedTime,
                ObservedDiffs = diff.ObservedDiffs?.Select(Clone).ToList(),
            }
            : null,
        BackReportedStatus = Clone(condition.BackReportedStatus),
    };

    private static BackReportedStatus? Clone(BackReportedStatus? status) => status is null
        ? null
        : new BackReportedStatus { ObservedStatus = (JsonObject?)status.ObservedStatus?.DeepClone(), ObservationTime = status.ObservationTime };
}
