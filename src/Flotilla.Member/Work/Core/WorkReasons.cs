namespace Flotilla.Member.Work;

/// <summary>
/// Reasons and messages of the conditions the work applier writes (placement spec §5.8), verbatim from upstream,
/// odd wording included: the hub, kubectl users and upstream tooling match on them. Messages with placeholders are
/// composite format strings.
/// </summary>
internal static class WorkReasons
{
    // Manifest level: Applied. Failure reasons are the ApplyResultType names.

    /// <summary>Manifest Applied True.</summary>
    public const string ManifestApplied = "Applied";

    /// <summary>Message of manifest Applied True.</summary>
    public const string ManifestAppliedMessage = "Manifest has been applied successfully";

    /// <summary>Manifest Applied True when post-apply drift detection failed; upstream uses the reason as message too.</summary>
    public const string AppliedWithFailedDriftDetection = "AppliedWithFailedDriftDetection";

    /// <summary>Message of manifest Applied False: {0} = the error.</summary>
    public const string ManifestApplyFailedMessage = "Failed to apply the manifest (error: {0})";

    /// <summary>The write-ahead Applied False reason.</summary>
    public const string PreparingToProcess = "PreparingToProcess";

    /// <summary>The write-ahead Applied False message.</summary>
    public const string PreparingToProcessMessage = "The manifest is being prepared for processing.";

    // Manifest level: Available.

    /// <summary>Manifest Available True.</summary>
    public const string ManifestAvailable = "Available";

    /// <summary>Message of manifest Available True.</summary>
    public const string ManifestAvailableMessage = "Manifest is available";

    /// <summary>Manifest Available True for untrackable kinds.</summary>
    public const string ManifestNotTrackable = "NotTrackable";

    /// <summary>Message of manifest Available True for untrackable kinds.</summary>
    public const string ManifestNotTrackableMessage = "Manifest's availability is not trackable; Fleet assumes that the applied manifest is available";

    /// <summary>Manifest Available False.</summary>
    public const string ManifestNotAvailableYet = "ManifestNotAvailableYet";

    /// <summary>Message of manifest Available False.</summary>
    public const string ManifestNotAvailableYetMessage = "Manifest is not yet available; Fleet will check again later";

    /// <summary>Manifest Available False when tracking failed.</summary>
    public const string AvailabilityTrackingFailed = "Failed";

    /// <summary>Message of a failed availability check: {0} = the error.</summary>
    public const string AvailabilityTrackingFailedMessage = "Failed to track the availability of the applied manifest (error = {0})";

    // Manifest level: DiffReported. Reasons are the DiffResultType names.

    /// <summary>Message of DiffReported True NoDiffFound.</summary>
    public const string NoDiffFoundMessage = "No diff has been found between the hub cluster and the member cluster";

    /// <summary>Message of DiffReported True FoundDiff.</summary>
    public const string FoundDiffMessage = "Diff has been found between the hub cluster and the member cluster";

    /// <summary>Message of DiffReported True FoundDiffInDegradedMode (§5.6).</summary>
    public const string FoundDiffInDegradedModeMessage = "Diff has been found in degraded mode: cannot perform partial comparison as the member cluster API server rejected the manifest object (object is invalid)";

    /// <summary>Message of DiffReported False FailedToReportDiff: {0} = the error.</summary>
    public const string FailedToReportDiffMessage = "Failed to report the diff between the hub cluster and the member cluster (error = {0})";

    /// <summary>Message of DiffReported False when an earlier failure blocked the comparison: {0} = result, {1} = error.</summary>
    public const string DiffReportingBlockedMessage = "An error blocks the diff reporting process ({0}, error: {1})";

    // Work level.

    /// <summary>Work Applied True.</summary>
    public const string AllManifestsApplied = "AllManifestsApplied";

    /// <summary>Message of Work Applied True.</summary>
    public const string AllManifestsAppliedMessage = "All the specified manifests have been applied";

    /// <summary>Work Applied False.</summary>
    public const string SomeManifestsAreNotApplied = "SomeManifestsAreNotApplied";

    /// <summary>Message of Work Applied False: {0} applied of {1}.</summary>
    public const string SomeManifestsAreNotAppliedMessage = "Failed to apply all manifests ({0} of {1} manifests are applied)";

    /// <summary>Work Available True.</summary>
    public const string AllManifestsAvailable = "AllManifestsAvailable";

    /// <summary>Message of Work Available True.</summary>
    public const string AllManifestsAvailableMessage = "All of the applied manifests are available";

    /// <summary>Work Available True with untrackable manifests (the hub's rollout waits a fixed period for these).</summary>
    public const string WorkNotTrackable = "WorkNotTrackable";

    /// <summary>Message of Work Available True with untrackable manifests.</summary>
    public const string WorkNotTrackableMessage = "Some of the applied manifests cannot be tracked for availability";

    /// <summary>Work Available False.</summary>
    public const string SomeManifestsAreNotAvailable = "SomeManifestsAreNotAvailable";

    /// <summary>Message of Work Available False: {0} available of {1}.</summary>
    public const string SomeManifestsAreNotAvailableMessage = "Some manifests are not available ({0} of {1} manifests are available)";

    /// <summary>Work DiffReported True.</summary>
    public const string AllManifestsDiffReported = "AllManifestsDiffReported";

    /// <summary>Message of Work DiffReported True.</summary>
    public const string AllManifestsDiffReportedMessage = "All the specified manifests have reported diff";

    /// <summary>Work DiffReported False.</summary>
    public const string SomeManifestsHaveNotReportedDiff = "SomeManifestsHaveNotReportedDiff";

    /// <summary>Message of Work DiffReported False: {0} reported of {1}.</summary>
    public const string SomeManifestsHaveNotReportedDiffMessage = "Failed to report diff on all manifests ({0} of {1} manifests have reported diff)";

    /// <summary>Work StatusTrimmed True.</summary>
    public const string Oversized = "Oversized";

    /// <summary>Message of Work StatusTrimmed True: {0} bytes over, {1} the limit.</summary>
    public const string OversizedMessage = "The status data (drift/diff details and back-reported status) has been trimmed due to size constraints ({0} bytes over limit {1})";

    // Trimmed details.

    /// <summary>The value of a summarized drift or diff detail.</summary>
    public const string OmittedValue = "(omitted)";

    /// <summary>The path of a summarized detail: {0} = the first path, {1} = how many more.</summary>
    public const string SummarizedPath = "{0} and {1} more path(s)";
}
