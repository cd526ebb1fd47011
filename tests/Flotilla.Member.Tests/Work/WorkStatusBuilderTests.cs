using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Member.Work;
using PlacementWork = Flotilla.Api.Placement.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>The conditions and details the applier writes on a Work (placement spec §5.8).</summary>
public sealed class WorkStatusBuilderTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);
    private static readonly DateTimeOffset T2 = T0.AddMinutes(10);

    [Fact]
    public void Build_AllAppliedAndAvailable_AllConditionsTrueWithManifestGenerations()
    {
        var status = WorkStatusBuilder.Build(null, 4, reportDiff: false,
        [
            Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.Available, memberGeneration: 2),
            Outcome(1, "ConfigMap", "config", ApplyResultType.Applied, AvailabilityResultType.Available, memberGeneration: 1),
        ], T0);

        Assert.Equal(TestJson.Sorted("""
            {'conditions': [
               {'type': 'Applied', 'status': 'True', 'observedGeneration': 4, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'AllManifestsApplied', 'message': 'All the specified manifests have been applied'},
               {'type': 'Available', 'status': 'True', 'observedGeneration': 4, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'AllManifestsAvailable', 'message': 'All of the applied manifests are available'}],
             'manifestConditions': [
               {'identifier': {'ordinal': 0, 'group': 'apps', 'version': 'v1', 'kind': 'Deployment', 'resource': 'deployments', 'namespace': 'app', 'name': 'web'},
                'conditions': [
                  {'type': 'Applied', 'status': 'True', 'observedGeneration': 2, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'Applied', 'message': 'Manifest has been applied successfully'},
                  {'type': 'Available', 'status': 'True', 'observedGeneration': 2, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'Available', 'message': 'Manifest is available'}]},
               {'identifier': {'ordinal': 1, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'config'},
                'conditions': [
                  {'type': 'Applied', 'status': 'True', 'observedGeneration': 1, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'Applied', 'message': 'Manifest has been applied successfully'},
                  {'type': 'Available', 'status': 'True', 'observedGeneration': 1, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'Available', 'message': 'Manifest is available'}]}]}
            """), StatusJson(status));
    }

    [Fact]
    public void Build_OneManifestFailed_AppliedFalseWithCountsAndNoWorkAvailable()
    {
        var previous = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.Available)], T0);

        var status = WorkStatusBuilder.Build(previous, 2, reportDiff: false,
        [
            Outcome(0, "Deployment", "web", ApplyResultType.ManifestApplyFailed, AvailabilityResultType.Skipped,
                applyError: "Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1", memberGeneration: 3),
            Outcome(1, "ConfigMap", "config", ApplyResultType.Applied, AvailabilityResultType.Available, memberGeneration: 1),
        ], T1);

        Assert.Equal(TestJson.Sorted("""
            {'conditions': [
               {'type': 'Applied', 'status': 'False', 'observedGeneration': 2, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'SomeManifestsAreNotApplied', 'message': 'Failed to apply all manifests (1 of 2 manifests are applied)'}],
             'manifestConditions': [
               {'identifier': {'ordinal': 0, 'group': 'apps', 'version': 'v1', 'kind': 'Deployment', 'resource': 'deployments', 'namespace': 'app', 'name': 'web'},
                'conditions': [
                  {'type': 'Applied', 'status': 'False', 'observedGeneration': 3, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'ManifestApplyFailed', 'message': 'Failed to apply the manifest (error: Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1)'}]},
               {'identifier': {'ordinal': 1, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'config'},
                'conditions': [
                  {'type': 'Applied', 'status': 'True', 'observedGeneration': 1, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'Applied', 'message': 'Manifest has been applied successfully'},
                  {'type': 'Available', 'status': 'True', 'observedGeneration': 1, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'Available', 'message': 'Manifest is available'}]}]}
            """), StatusJson(status));
    }

    [Theory]
    [InlineData(nameof(ApplyResultType.DecodingErred))]
    [InlineData(nameof(ApplyResultType.FoundGenerateName))]
    [InlineData(nameof(ApplyResultType.Duplicated))]
    [InlineData(nameof(ApplyResultType.FailedToFindObjInMemberCluster))]
    [InlineData(nameof(ApplyResultType.FailedToTakeOver))]
    [InlineData(nameof(ApplyResultType.NotTakenOver))]
    [InlineData(nameof(ApplyResultType.FailedToRunDriftDetection))]
    [InlineData(nameof(ApplyResultType.FoundDrifts))]
    [InlineData(nameof(ApplyResultType.FoundDriftsInDegradedMode))]
    [InlineData(nameof(ApplyResultType.ManifestApplyFailed))]
    public void Build_FailedApplyResult_ReasonIsTheResultType(string result)
    {
        var status = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "ConfigMap", "c", Enum.Parse<ApplyResultType>(result), AvailabilityResultType.Skipped, applyError: "boom")], T0);

        var applied = Assert.Single(status.ManifestConditions![0].Conditions);
        Assert.Equal((WorkConditionType.Applied, ConditionStatus.False, result, "Failed to apply the manifest (error: boom)"),
            (applied.Type, applied.Status, applied.Reason, applied.Message));
    }

    [Fact]
    public void Build_AppliedWithFailedDriftDetection_CountsAsAppliedAndUsesTheReasonAsMessage()
    {
        var status = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.AppliedWithFailedDriftDetection, AvailabilityResultType.Available)], T0);

        var applied = status.ManifestConditions![0].Conditions[0];
        Assert.Equal((ConditionStatus.True, "AppliedWithFailedDriftDetection", "AppliedWithFailedDriftDetection"), (applied.Status, applied.Reason, applied.Message));
        Assert.Equal(("True", "AllManifestsApplied"), Summary(status, WorkConditionType.Applied));
    }

    [Theory]
    // availability results of two applied manifests → Work Available (status, reason, message)
    [InlineData(nameof(AvailabilityResultType.Available), nameof(AvailabilityResultType.Available), "True", "AllManifestsAvailable", "All of the applied manifests are available")]
    [InlineData(nameof(AvailabilityResultType.Available), nameof(AvailabilityResultType.NotTrackable), "True", "WorkNotTrackable", "Some of the applied manifests cannot be tracked for availability")]
    [InlineData(nameof(AvailabilityResultType.NotTrackable), nameof(AvailabilityResultType.NotTrackable), "True", "WorkNotTrackable", "Some of the applied manifests cannot be tracked for availability")]
    [InlineData(nameof(AvailabilityResultType.Available), nameof(AvailabilityResultType.NotYetAvailable), "False", "SomeManifestsAreNotAvailable", "Some manifests are not available (1 of 2 manifests are available)")]
    [InlineData(nameof(AvailabilityResultType.NotTrackable), nameof(AvailabilityResultType.Failed), "False", "SomeManifestsAreNotAvailable", "Some manifests are not available (1 of 2 manifests are available)")]
    [InlineData(nameof(AvailabilityResultType.NotYetAvailable), nameof(AvailabilityResultType.Failed), "False", "SomeManifestsAreNotAvailable", "Some manifests are not available (0 of 2 manifests are available)")]
    public void Build_AllApplied_WorkAvailableFromManifestAvailability(string first, string second, string status, string reason, string message)
    {
        var built = WorkStatusBuilder.Build(null, 7, false,
        [
            Outcome(0, "Deployment", "a", ApplyResultType.Applied, Enum.Parse<AvailabilityResultType>(first)),
            Outcome(1, "Deployment", "b", ApplyResultType.Applied, Enum.Parse<AvailabilityResultType>(second), availabilityError: "bad"),
        ], T0);

        var available = Conditions.Find(built.Conditions, WorkConditionType.Available)!;
        Assert.Equal((status, reason, message, 7L), (available.Status, available.Reason, available.Message, available.ObservedGeneration!.Value));
    }

    [Theory]
    [InlineData(nameof(AvailabilityResultType.Available), "True", "Available", "Manifest is available")]
    [InlineData(nameof(AvailabilityResultType.NotTrackable), "True", "NotTrackable", "Manifest's availability is not trackable; Fleet assumes that the applied manifest is available")]
    [InlineData(nameof(AvailabilityResultType.NotYetAvailable), "False", "ManifestNotAvailableYet", "Manifest is not yet available; Fleet will check again later")]
    [InlineData(nameof(AvailabilityResultType.Failed), "False", "Failed", "Failed to track the availability of the applied manifest (error = failed to convert the unstructured object to a deployment)")]
    public void Build_ManifestAvailability_ConditionTexts(string result, string status, string reason, string message)
    {
        var built = WorkStatusBuilder.Build(null, 1, false,
        [
            Outcome(0, "Deployment", "a", ApplyResultType.Applied, Enum.Parse<AvailabilityResultType>(result),
                availabilityError: "failed to convert the unstructured object to a deployment"),
        ], T0);

        var available = Conditions.Find(built.ManifestConditions![0].Conditions, WorkConditionType.Available)!;
        Assert.Equal((status, reason, message), (available.Status, available.Reason, available.Message));
    }

    [Fact]
    public void Build_ReportDiff_DiffReportedPerManifestAndApplyConditionsRemoved()
    {
        var previous = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.Available, memberGeneration: 2)], T0);
        PatchDetail[] diffs = [new() { Path = "/spec/replicas", ValueInHub = "2", ValueInMember = "3" }];

        var status = WorkStatusBuilder.Build(previous, 2, reportDiff: true,
        [
            Outcome(0, "Deployment", "web", null, AvailabilityResultType.Skipped, diff: DiffResultType.FoundDiff, diffs: diffs, memberGeneration: 2),
            Outcome(1, "ConfigMap", "c", null, AvailabilityResultType.Skipped, diff: DiffResultType.NoDiffFound, memberGeneration: 1),
            Outcome(2, "ConfigMap", "d", null, AvailabilityResultType.Skipped, diff: DiffResultType.FoundDiffInDegradedMode, diffs: diffs, memberGeneration: 1),
            Outcome(3, "ConfigMap", "e", null, AvailabilityResultType.Skipped, diff: DiffResultType.FailedToReportDiff, diffError: "dry run timed out"),
            Outcome(4, "ConfigMap", "f", ApplyResultType.FailedToFindObjInMemberCluster, AvailabilityResultType.Skipped, applyError: "forbidden"),
        ], T1);

        Assert.Equal(TestJson.Sorted("""
            {'conditions': [
               {'type': 'DiffReported', 'status': 'False', 'observedGeneration': 2, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'SomeManifestsHaveNotReportedDiff', 'message': 'Failed to report diff on all manifests (2 of 5 manifests have reported diff)'}],
             'manifestConditions': [
               {'identifier': {'ordinal': 0, 'group': 'apps', 'version': 'v1', 'kind': 'Deployment', 'resource': 'deployments', 'namespace': 'app', 'name': 'web'},
                'conditions': [
                  {'type': 'DiffReported', 'status': 'True', 'observedGeneration': 2, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'FoundDiff', 'message': 'Diff has been found between the hub cluster and the member cluster'}],
                'diffDetails': {'observationTime': '2026-03-01T10:05:00Z', 'observedInMemberClusterGeneration': 2, 'firstDiffedObservedTime': '2026-03-01T10:05:00Z',
                  'observedDiffs': [{'path': '/spec/replicas', 'valueInMember': '3', 'valueInHub': '2'}]}},
               {'identifier': {'ordinal': 1, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'c'},
                'conditions': [
                  {'type': 'DiffReported', 'status': 'True', 'observedGeneration': 1, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'NoDiffFound', 'message': 'No diff has been found between the hub cluster and the member cluster'}]},
               {'identifier': {'ordinal': 2, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'd'},
                'conditions': [
                  {'type': 'DiffReported', 'status': 'True', 'observedGeneration': 1, 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'FoundDiffInDegradedMode', 'message': 'Diff has been found in degraded mode: cannot perform partial comparison as the member cluster API server rejected the manifest object (object is invalid)'}],
                'diffDetails': {'observationTime': '2026-03-01T10:05:00Z', 'observedInMemberClusterGeneration': 1, 'firstDiffedObservedTime': '2026-03-01T10:05:00Z',
                  'observedDiffs': [{'path': '/spec/replicas', 'valueInMember': '3', 'valueInHub': '2'}]}},
               {'identifier': {'ordinal': 3, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'e'},
                'conditions': [
                  {'type': 'DiffReported', 'status': 'False', 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'FailedToReportDiff', 'message': 'Failed to report the diff between the hub cluster and the member cluster (error = dry run timed out)'}]},
               {'identifier': {'ordinal': 4, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'f'},
                'conditions': [
                  {'type': 'DiffReported', 'status': 'False', 'lastTransitionTime': '2026-03-01T10:05:00Z', 'reason': 'FailedToReportDiff', 'message': 'An error blocks the diff reporting process (FailedToFindObjInMemberCluster, error: forbidden)'}]}]}
            """), StatusJson(status));
    }

    [Fact]
    public void Build_ReportDiffAllReported_DiffReportedTrue()
    {
        var status = WorkStatusBuilder.Build(null, 3, reportDiff: true,
        [
            Outcome(0, "ConfigMap", "c", null, AvailabilityResultType.Skipped, diff: DiffResultType.NoDiffFound),
            Outcome(1, "ConfigMap", "d", null, AvailabilityResultType.Skipped, diff: DiffResultType.FoundDiff,
                diffs: [new PatchDetail { Path = "/", ValueInHub = "(the whole object)" }]),
        ], T0);

        var diffReported = Assert.Single(status.Conditions!);
        Assert.Equal((WorkConditionType.DiffReported, "True", "AllManifestsDiffReported", "All the specified manifests have reported diff", 3L),
            (diffReported.Type, diffReported.Status, diffReported.Reason, diffReported.Message, diffReported.ObservedGeneration!.Value));
        // No live object: the diff details carry no member generation.
        Assert.Null(status.ManifestConditions![1].DiffDetails!.ObservedInMemberClusterGeneration);
    }

    [Fact]
    public void Build_LeavingReportDiff_DiffReportedRemovedFromWorkAndManifests()
    {
        var previous = WorkStatusBuilder.Build(null, 1, true,
            [Outcome(0, "ConfigMap", "c", null, AvailabilityResultType.Skipped, diff: DiffResultType.NoDiffFound)], T0);

        var status = WorkStatusBuilder.Build(previous, 2, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available)], T1);

        Assert.Equal([WorkConditionType.Applied, WorkConditionType.Available], status.Conditions!.Select(c => c.Type));
        Assert.Equal([WorkConditionType.Applied, WorkConditionType.Available], status.ManifestConditions![0].Conditions.Select(c => c.Type));
    }

    [Fact]
    public void Build_SameResultsLater_TransitionTimesKeptOthersMoved()
    {
        var first = WorkStatusBuilder.Build(null, 1, false,
        [
            Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.NotYetAvailable),
            Outcome(1, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available),
        ], T0);

        var second = WorkStatusBuilder.Build(first, 1, false,
        [
            Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.Available),
            Outcome(1, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available),
        ], T1);

        Assert.Equal(T0, Conditions.Find(second.Conditions, WorkConditionType.Applied)!.LastTransitionTime);
        Assert.Equal(T1, Conditions.Find(second.Conditions, WorkConditionType.Available)!.LastTransitionTime);
        Assert.Equal(T0, Conditions.Find(second.ManifestConditions![0].Conditions, WorkConditionType.Applied)!.LastTransitionTime);
        Assert.Equal(T1, Conditions.Find(second.ManifestConditions[0].Conditions, WorkConditionType.Available)!.LastTransitionTime);
        Assert.Equal(T0, Conditions.Find(second.ManifestConditions[1].Conditions, WorkConditionType.Available)!.LastTransitionTime);
    }

    [Fact]
    public void Build_ManifestMovedToAnotherOrdinal_MatchedByIdentity()
    {
        var first = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available)], T0);

        var second = WorkStatusBuilder.Build(first, 2, false,
        [
            Outcome(0, "ConfigMap", "new", ApplyResultType.Applied, AvailabilityResultType.Available),
            Outcome(1, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available),
        ], T1);

        Assert.Equal(T1, second.ManifestConditions![0].Conditions[0].LastTransitionTime);
        Assert.Equal(T0, second.ManifestConditions[1].Conditions[0].LastTransitionTime);
        Assert.Equal(1, second.ManifestConditions[1].Identifier.Ordinal);
    }

    [Fact]
    public void Build_UndecodableManifests_NeverInheritEachOthersConditions()
    {
        var undecodable = new WorkResourceIdentifier { Ordinal = 0 };
        var first = WorkStatusBuilder.Build(null, 1, false,
            [new ManifestOutcome(undecodable, ApplyResultType.DecodingErred, "bad", AvailabilityResultType.Skipped, null, null, null, null, null, null)], T0);

        var second = WorkStatusBuilder.Build(first, 2, false,
            [new ManifestOutcome(undecodable, ApplyResultType.DecodingErred, "bad", AvailabilityResultType.Skipped, null, null, null, null, null, null)], T1);

        Assert.Equal(T1, second.ManifestConditions![0].Conditions[0].LastTransitionTime);
    }

    [Fact]
    public void Build_DriftPersists_FirstDriftedTimeKeptObservationTimeMoves()
    {
        PatchDetail[] drifts = [new() { Path = "/spec/replicas", ValueInHub = "2", ValueInMember = "5" }];
        var first = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.FoundDrifts, AvailabilityResultType.Skipped, applyError: "drifted", drifts: drifts, memberGeneration: 3)], T0);
        var second = WorkStatusBuilder.Build(first, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.FoundDrifts, AvailabilityResultType.Skipped, applyError: "drifted", drifts: drifts, memberGeneration: 4)], T1);
        var resolved = WorkStatusBuilder.Build(second, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.Available, memberGeneration: 5)], T2);
        var again = WorkStatusBuilder.Build(resolved, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.FoundDrifts, AvailabilityResultType.Skipped, applyError: "drifted", drifts: drifts, memberGeneration: 6)], T2.AddMinutes(1));

        var drift = second.ManifestConditions![0].DriftDetails!;
        Assert.Equal((T1, T0, 4L), (drift.ObservationTime, drift.FirstDriftedObservedTime, drift.ObservedInMemberClusterGeneration));
        Assert.Equal([("/spec/replicas", "2", (string?)"5")], TestJson.Tuples(drift.ObservedDrifts!));
        Assert.Null(resolved.ManifestConditions![0].DriftDetails);
        Assert.Equal(T2.AddMinutes(1), again.ManifestConditions![0].DriftDetails!.FirstDriftedObservedTime);
    }

    [Fact]
    public void Build_DiffPersists_FirstDiffedTimeKept()
    {
        PatchDetail[] diffs = [new() { Path = "/data/a", ValueInHub = "1", ValueInMember = "2" }];
        var first = WorkStatusBuilder.Build(null, 1, true,
            [Outcome(0, "ConfigMap", "c", null, AvailabilityResultType.Skipped, diff: DiffResultType.FoundDiff, diffs: diffs, memberGeneration: 1)], T0);

        var second = WorkStatusBuilder.Build(first, 1, true,
            [Outcome(0, "ConfigMap", "c", null, AvailabilityResultType.Skipped, diff: DiffResultType.FoundDiff, diffs: diffs, memberGeneration: 1)], T1);

        var diff = second.ManifestConditions![0].DiffDetails!;
        Assert.Equal((T1, T0, (long?)1), (diff.ObservationTime, diff.FirstDiffedObservedTime, diff.ObservedInMemberClusterGeneration));
    }

    [Fact]
    public void Build_BackReportedStatus_NewOneWinsOtherwiseKept()
    {
        var reported = new BackReportedStatus { ObservedStatus = TestJson.Parse("{'apiVersion': 'apps/v1', 'kind': 'Deployment', 'status': {'replicas': 1}}"), ObservationTime = T0 };
        var first = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.Applied, AvailabilityResultType.Available) with { BackReportedStatus = reported }], T0);

        var second = WorkStatusBuilder.Build(first, 1, false,
            [Outcome(0, "Deployment", "web", ApplyResultType.ManifestApplyFailed, AvailabilityResultType.Skipped, applyError: "x")], T1);

        Assert.Equal(TestJson.Sorted(reported.ObservedStatus), TestJson.Sorted(second.ManifestConditions![0].BackReportedStatus!.ObservedStatus));
        Assert.NotSame(reported.ObservedStatus, second.ManifestConditions[0].BackReportedStatus!.ObservedStatus);
    }

    [Fact]
    public void Build_NoManifests_AppliedAndAvailable()
    {
        var status = WorkStatusBuilder.Build(null, 1, false, [], T0);

        Assert.Equal(("True", "AllManifestsApplied"), Summary(status, WorkConditionType.Applied));
        Assert.Equal(("True", "AllManifestsAvailable"), Summary(status, WorkConditionType.Available));
        Assert.Empty(status.ManifestConditions!);
    }

    [Fact]
    public void Build_SubSecondNow_TimesTruncatedToTheSecond()
    {
        var status = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available)], T0.AddMilliseconds(750));

        Assert.Equal(T0, status.Conditions![0].LastTransitionTime);
        Assert.Equal(T0, status.ManifestConditions![0].Conditions[0].LastTransitionTime);
    }

    [Fact]
    public void Build_Always_LeavesThePreviousStatusUntouched()
    {
        PatchDetail[] drifts = [new() { Path = "/data/a", ValueInHub = "1", ValueInMember = "2" }];
        var previous = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.FoundDrifts, AvailabilityResultType.Skipped, drifts: drifts)], T0);
        var before = StatusJson(previous);

        var next = WorkStatusBuilder.Build(previous, 2, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available)], T1);
        next.ManifestConditions![0].Conditions[0].Message = "changed";

        Assert.Equal(before, StatusJson(previous));
    }

    [Fact]
    public void PreparingToProcess_NewManifests_AppliedFalseAtTheWorkGeneration()
    {
        var conditions = WorkStatusBuilder.PreparingToProcess([Id(0, "Deployment", "web"), Id(1, "ConfigMap", "c")], 5, T0);

        Assert.Equal(TestJson.Sorted("""
            {'conditions': [], 'manifestConditions': [
               {'identifier': {'ordinal': 0, 'group': 'apps', 'version': 'v1', 'kind': 'Deployment', 'resource': 'deployments', 'namespace': 'app', 'name': 'web'},
                'conditions': [{'type': 'Applied', 'status': 'False', 'observedGeneration': 5, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'PreparingToProcess', 'message': 'The manifest is being prepared for processing.'}]},
               {'identifier': {'ordinal': 1, 'group': '', 'version': 'v1', 'kind': 'ConfigMap', 'resource': 'configmaps', 'namespace': 'app', 'name': 'c'},
                'conditions': [{'type': 'Applied', 'status': 'False', 'observedGeneration': 5, 'lastTransitionTime': '2026-03-01T10:00:00Z', 'reason': 'PreparingToProcess', 'message': 'The manifest is being prepared for processing.'}]}]}
            """), StatusJson(new WorkStatus { Conditions = [], ManifestConditions = conditions }));
    }

    [Fact]
    public void PreparingToProcess_KnownManifest_KeepsItsPreviousCondition()
    {
        var previous = WorkStatusBuilder.Build(null, 1, false,
            [Outcome(0, "ConfigMap", "c", ApplyResultType.Applied, AvailabilityResultType.Available)], T0);

        var conditions = WorkStatusBuilder.PreparingToProcess([Id(0, "ConfigMap", "new"), Id(1, "ConfigMap", "c")], 2, T1, previous.ManifestConditions);

        Assert.Equal(["PreparingToProcess"], conditions[0].Conditions.Select(c => c.Reason));
        Assert.Equal(["Applied", "Available"], conditions[1].Conditions.Select(c => c.Reason));
        Assert.Equal(T0, conditions[1].Conditions[0].LastTransitionTime);
    }

    [Fact]
    public void TrimIfOversized_UnderTheLimit_RemovesAStaleStatusTrimmedAndKeepsDetails()
    {
        var work = DriftedWork();
        work.Status!.Conditions!.Add(new Condition { Type = WorkConditionType.StatusTrimmed, Status = "True", Reason = "Oversized" });
        var before = JsonSerializer.Serialize(work.Status.ManifestConditions, PlacementJsonContext.Default.ListManifestCondition);

        Assert.False(WorkStatusBuilder.TrimIfOversized(work, T1));

        Assert.Null(Conditions.Find(work.Status.Conditions, WorkConditionType.StatusTrimmed));
        Assert.Equal(before, JsonSerializer.Serialize(work.Status.ManifestConditions, PlacementJsonContext.Default.ListManifestCondition));
    }

    [Fact]
    public void TrimIfOversized_OverTheLimit_SummarizesDetailsDropsBackReportedStatusAndSaysByHowMuch()
    {
        var work = DriftedWork();
        var size = JsonSerializer.SerializeToUtf8Bytes(work, PlacementJsonContext.Default.Work).Length;

        Assert.True(WorkStatusBuilder.TrimIfOversized(work, T1, limitBytes: size - 10));

        var manifest = work.Status!.ManifestConditions![0];
        Assert.Equal([("/data/a and 2 more path(s)", "(omitted)", (string?)"(omitted)")], TestJson.Tuples(manifest.DriftDetails!.ObservedDrifts!));
        Assert.Equal([("/data/z", "(omitted)", (string?)"(omitted)")], TestJson.Tuples(manifest.DiffDetails!.ObservedDiffs!));
        Assert.Null(manifest.BackReportedStatus);
        var trimmed = Conditions.Find(work.Status.Conditions, WorkConditionType.StatusTrimmed)!;
        Assert.Equal(("True", "Oversized", $"The status data (drift/diff details and back-reported status) has been trimmed due to size constraints (10 bytes over limit {size - 10})", 6L, T1),
            (trimmed.Status, trimmed.Reason, trimmed.Message, trimmed.ObservedGeneration!.Value, trimmed.LastTransitionTime));
    }

    [Fact]
    public void TrimIfOversized_DefaultLimit_IsUpstreamsPaddedObjectLimit()
    {
        Assert.Equal(1_415_578, WorkStatusBuilder.DefaultSizeLimitBytes);
        Assert.False(WorkStatusBuilder.TrimIfOversized(DriftedWork()));
    }

    private static PlacementWork DriftedWork()
    {
        var status = WorkStatusBuilder.Build(null, 6, false,
        [
            Outcome(0, "ConfigMap", "c", ApplyResultType.FoundDrifts, AvailabilityResultType.Skipped, applyError: "drifted",
                drifts:
                [
                    new PatchDetail { Path = "/data/a", ValueInHub = "1", ValueInMember = "2" },
                    new PatchDetail { Path = "/data/b", ValueInHub = "1", ValueInMember = "2" },
                    new PatchDetail { Path = "/data/c", ValueInHub = "1", ValueInMember = "2" },
                ],
                diffs: [new PatchDetail { Path = "/data/z", ValueInMember = "9" }]) with
            {
                BackReportedStatus = new BackReportedStatus { ObservedStatus = TestJson.Parse("{'apiVersion': 'v1', 'kind': 'ConfigMap'}"), ObservationTime = T0 },
            },
        ], T0);
        return new PlacementWork
        {
            ApiVersion = "placement.kubernetes-fleet.io/v1beta1",
            Kind = "Work",
            Metadata = new ObjectMeta { Name = "crp-work", Namespace = "fleet-member-a", Generation = 6 },
            Status = status,
        };
    }

    private static WorkResourceIdentifier Id(int ordinal, string kind, string name) => kind switch
    {
        "Deployment" => new() { Ordinal = ordinal, Group = "apps", Version = "v1", Kind = kind, Resource = "deployments", Namespace = "app", Name = name },
        _ => new() { Ordinal = ordinal, Group = "", Version = "v1", Kind = kind, Resource = kind.ToLowerInvariant() + "s", Namespace = "app", Name = name },
    };

    private static ManifestOutcome Outcome(
        int ordinal, string kind, string name, ApplyResultType? apply, AvailabilityResultType availability,
        string? applyError = null, string? availabilityError = null, DiffResultType? diff = null, string? diffError = null,
        PatchDetail[]? drifts = null, PatchDetail[]? diffs = null, long? memberGeneration = null) =>
        new(Id(ordinal, kind, name), apply, applyError, availability, availabilityError, diff, diffError, drifts, diffs, memberGeneration);

    private static (string Status, string Reason) Summary(WorkStatus status, string type) =>
        Conditions.Find(status.Conditions, type) is { } c ? (c.Status, c.Reason) : ("", "");

    private static string StatusJson(WorkStatus status) =>
        TestJson.Sorted(JsonNode.Parse(JsonSerializer.Serialize(status, PlacementJsonContext.Default.WorkStatus)));
}
