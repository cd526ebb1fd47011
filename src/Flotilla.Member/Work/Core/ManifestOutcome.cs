using Flotilla.Api.Placement;

namespace Flotilla.Member.Work;

/// <summary>
/// How processing one manifest ended (placement spec §5.5, §5.8). Each name is also the reason written on the
/// manifest's <c>Applied</c> condition, so names must not change.
/// </summary>
internal enum ApplyResultType
{
    /// <summary>Applied (True).</summary>
    Applied,

    /// <summary>Applied, but the post-apply drift detection failed (True).</summary>
    AppliedWithFailedDriftDetection,

    /// <summary>The manifest is not a decodable object, or its kind is unknown to the member's REST mapper.</summary>
    DecodingErred,

    /// <summary>The manifest has generateName but no name.</summary>
    FoundGenerateName,

    /// <summary>An earlier manifest of the Work names the same object.</summary>
    Duplicated,

    /// <summary>Reading the live object failed for a reason other than NotFound.</summary>
    FailedToFindObjInMemberCluster,

    /// <summary>The object exists and the takeover rules forbid adopting it.</summary>
    FailedToTakeOver,

    /// <summary>The object exists, is not Fleet's, and <c>whenToTakeOver</c> is Never.</summary>
    NotTakenOver,

    /// <summary>Pre-apply drift detection could not run.</summary>
    FailedToRunDriftDetection,

    /// <summary><c>IfNotDrifted</c> found drifts, so the apply was skipped.</summary>
    FoundDrifts,

    /// <summary>As <see cref="FoundDrifts"/>, computed by full comparison because the dry run was rejected.</summary>
    FoundDriftsInDegradedMode,

    /// <summary>The API server refused the apply.</summary>
    ManifestApplyFailed,

    /// <summary>Not a final result: the write-ahead state before processing (§5.4 step 5).</summary>
    PreparingToProcess,
}

/// <summary>The manifest-level availability outcome (§5.7, §5.8).</summary>
internal enum AvailabilityResultType
{
    /// <summary>Available (True).</summary>
    Available,

    /// <summary>Trackable but not available yet (False, reason <c>ManifestNotAvailableYet</c>).</summary>
    NotYetAvailable,

    /// <summary>Not trackable; assumed available (True).</summary>
    NotTrackable,

    /// <summary>Tracking failed (False).</summary>
    Failed,

    /// <summary>Not applied, so not tracked: no Available condition at all.</summary>
    Skipped,
}

/// <summary>The ReportDiff outcome of one manifest (§5.5 step 3); each name is the DiffReported reason.</summary>
internal enum DiffResultType
{
    /// <summary>Hub and member agree (True).</summary>
    NoDiffFound,

    /// <summary>Differences found (True).</summary>
    FoundDiff,

    /// <summary>Differences found by full comparison because the dry run was rejected (True).</summary>
    FoundDiffInDegradedMode,

    /// <summary>The comparison failed (False).</summary>
    FailedToReportDiff,
}

/// <summary>
/// Everything the status builder needs about one processed manifest; the controller fills one per manifest, in manifest
/// order. Outside ReportDiff mode <see cref="Apply"/> is set and <see cref="Diff"/> is null. In ReportDiff mode
/// <see cref="Diff"/> is set once the comparison ran; when something blocked it before (a decoding error, a
/// duplicate, a failed read) <see cref="Diff"/> is null and <see cref="Apply"/>/<see cref="ApplyError"/> say what.
/// </summary>
/// <param name="Identifier">The manifest's identifier (ordinal always set; the rest once decoded).</param>
/// <param name="Apply">The apply result; see the type's remarks for ReportDiff mode.</param>
/// <param name="ApplyError">The error behind a failed apply result (the <c>%s</c> of the Applied message).</param>
/// <param name="Availability">The availability result; <c>Skipped</c> when not applied.</param>
/// <param name="AvailabilityError">The error behind a <c>Failed</c> availability result.</param>
/// <param name="Diff">The ReportDiff result, null outside ReportDiff mode or when blocked.</param>
/// <param name="DiffError">The error behind <c>FailedToReportDiff</c>.</param>
/// <param name="Drifts">Drift details found by drift detection (none: null or empty).</param>
/// <param name="Diffs">Diff details found by ReportDiff or an IfNoDiff takeover (none: null or empty).</param>
/// <param name="MemberGeneration">The live object's generation; null when there is no live object.</param>
internal sealed record ManifestOutcome(
    WorkResourceIdentifier Identifier,
    ApplyResultType? Apply,
    string? ApplyError,
    AvailabilityResultType Availability,
    string? AvailabilityError,
    DiffResultType? Diff,
    string? DiffError,
    IReadOnlyList<PatchDetail>? Drifts,
    IReadOnlyList<PatchDetail>? Diffs,
    long? MemberGeneration)
{
    /// <summary>
    /// Status reported back (<c>reportBackStrategy: Mirror</c>); null keeps what the previous manifest condition had,
    /// as upstream only refreshes it for applied manifests.
    /// </summary>
    public BackReportedStatus? BackReportedStatus { get; init; }

    /// <summary>
    /// The live object's UID once applied, for the AppliedWork's <c>appliedResources</c> (§5.5 step 8); not part of
    /// the Work status.
    /// </summary>
    public string? Uid { get; init; }
}
