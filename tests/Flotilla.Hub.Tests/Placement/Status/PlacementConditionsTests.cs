using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Status;
using static Flotilla.Hub.Tests.Placement.Status.StatusTestData;

namespace Flotilla.Hub.Tests.Placement.Status;

/// <summary>The placement-level conditions aggregated over the selected clusters, and rollout completion (placement spec §7.6).</summary>
public sealed class PlacementConditionsTests
{
    private static readonly Condition ScheduledTrue = new()
    {
        Type = "ClusterResourcePlacementScheduled", Status = "True", Reason = "SchedulingPolicyFulfilled", Message = "found", ObservedGeneration = PlacementGeneration,
        LastTransitionTime = Earlier,
    };

    private static PlacementStatus Placement(params PerClusterPlacementStatus[] entries) => new()
    {
        Conditions = [ScheduledTrue.Clone()],
        PlacementStatuses = [.. entries],
        ObservedResourceIndex = LatestIndex,
        SelectedResources = [new ResourceIdentifier { Version = "v1", Kind = "Namespace", Name = "app" }],
    };

    private static string Prefix(bool clusterScoped) => clusterScoped ? "ClusterResourcePlacement" : "ResourcePlacement";

    private static (string, string, string, string, long) Expect(string type, string status, string reason, string message) =>
        (type, status, reason, message, PlacementGeneration);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Apply_AllClustersTrue_EveryExpectedTypeTrueWithTheClusterCount(bool clusterScoped)
    {
        var all = TrueSpec(ApplyTypes);
        var status = Placement(Selected("a", all), Selected("b", all), Selected("c", all));
        status.Conditions![0].Type = Prefix(clusterScoped) + "Scheduled";
        status.PlacementStatuses![1].ApplicableClusterResourceOverrides = ["cro-1-0"];

        PlacementConditions.Apply(status, clusterScoped, PlacementGeneration, reportDiff: false, Now);

        var p = Prefix(clusterScoped);
        Assert.Equal(
        [
            (p + "Scheduled", "True", "SchedulingPolicyFulfilled", "found", PlacementGeneration),
            Expect(p + "RolloutStarted", "True", "RolloutStarted", "All 3 cluster(s) start rolling out the latest resource"),
            Expect(p + "Overridden", "True", "OverriddenSucceeded", "The selected resources are successfully overridden in 3 cluster(s)"),
            Expect(p + "WorkSynchronized", "True", "WorkSynchronized", "Work(s) are successfully created or updated in 3 target cluster(s)' namespaces"),
            Expect(p + "Applied", "True", "ApplySucceeded", "The selected resources are successfully applied to 3 cluster(s)"),
            Expect(p + "Available", "True", "ResourceAvailable", "The selected resources in 3 cluster(s) are available now"),
        ], status.Conditions!.Select(Row));
    }

    [Fact]
    public void Apply_ReportDiffAllTrue_DiffReportedInsteadOfAppliedAndAvailable()
    {
        var all = TrueSpec(ReportDiffTypes);
        var status = Placement(Selected("a", all), Selected("b", all));
        // Left over from when the placement applied.
        status.Conditions!.Add(new Condition { Type = "ClusterResourcePlacementApplied", Status = "True", ObservedGeneration = PlacementGeneration });
        status.Conditions.Add(new Condition { Type = "ClusterResourcePlacementAvailable", Status = "True", ObservedGeneration = PlacementGeneration });

        PlacementConditions.Apply(status, clusterScoped: true, PlacementGeneration, reportDiff: true, Now);

        Assert.Equal(
        [
            "ClusterResourcePlacementScheduled", "ClusterResourcePlacementRolloutStarted", "ClusterResourcePlacementOverridden",
            "ClusterResourcePlacementWorkSynchronized", "ClusterResourcePlacementDiffReported",
        ], status.Conditions.Select(c => c.Type));
        Assert.Equal(
            Expect("ClusterResourcePlacementDiffReported", "True", "DiffReportingCompleted", "Diff reporting in 2 cluster(s) has been completed"),
            Row(status.Conditions[^1]));
    }

    /// <summary>The spec's False and Unknown columns, word for word, with a count of 2.</summary>
    public static readonly TheoryData<string, string, string, string> NotTrueTexts = new()
    {
        { "RolloutStarted", "Unknown", "RolloutStartedUnknown", "There are still 2 cluster(s) in the process of deciding whether to roll out the latest resources or not" },
        { "RolloutStarted", "False", "RolloutNotStartedYet", "The rollout is being blocked by the rollout strategy in 2 cluster(s)" },
        { "Overridden", "Unknown", "OverriddenPending", "There are still 2 cluster(s) in the process of overriding the selected resources if there is any override defined" },
        { "Overridden", "False", "OverriddenFailed", "Failed to override resources in 2 cluster(s)" },
        { "WorkSynchronized", "Unknown", "WorkSynchronizedUnknown", "There are still 2 cluster(s) in the process of creating or updating the work object(s) in the hub cluster" },
        { "WorkSynchronized", "False", "WorkNotSynchronizedYet", "There are 2 cluster(s) which have not finished creating or updating work(s) yet" },
        { "Applied", "Unknown", "ApplyPending", "There are still 2 cluster(s) in the process of applying the resources on the member cluster" },
        { "Applied", "False", "ApplyFailed", "Failed to apply resources to 2 cluster(s), please check the `failedPlacements` status" },
        { "Available", "Unknown", "ResourceAvailableUnknown", "There are still 2 cluster(s) in the process of checking the availability of the selected resources" },
        { "Available", "False", "ResourceNotAvailableYet", "The selected resources in 2 cluster(s) are still not available yet" },
        { "DiffReported", "Unknown", "DiffReportingPending", "There are still 2 cluster(s) in the process of checking for configuration differences" },
        { "DiffReported", "False", "DiffReportingIncompleteOrFailed", "Diff reporting in 2 clusters is still in progress or has failed" },
    };

    [Theory]
    [MemberData(nameof(NotTrueTexts))]
    public void Apply_TypeNotTrueSomewhere_ThatStatusWithItsCountAndLaterTypesRemoved(string type, string status, string reason, string message)
    {
        var reportDiff = type == "DiffReported";
        var types = Types(reportDiff);
        var before = TrueSpec(types.TakeWhile(t => t != type));
        // Two clusters have the status; a third is True. For Unknown, a False elsewhere shows Unknown wins.
        var other = status == "Unknown" ? "False" : "True";
        var placement = Placement(
            Selected("a", $"{before} {type}={status}"), Selected("b", $"{before} {type}={other}"), Selected("c", $"{before} {type}={status}"),
            Selected("d", TrueSpec(types)));
        placement.Conditions!.AddRange(AllTypes.Select(t => new Condition { Type = "ClusterResourcePlacement" + t, Status = "True", ObservedGeneration = PlacementGeneration }));

        PlacementConditions.Apply(placement, clusterScoped: true, PlacementGeneration, reportDiff, Now);

        var reached = types.TakeWhile(t => t != type).Append(type).Select(t => "ClusterResourcePlacement" + t);
        Assert.Equal(["ClusterResourcePlacementScheduled", .. reached], placement.Conditions.Select(c => c.Type));
        Assert.Equal(Expect("ClusterResourcePlacement" + type, status, reason, message), Row(placement.Conditions[^1]));
    }

    [Fact]
    public void Apply_UnknownAndFalseOnTheSameType_UnknownWinsWithTheUnknownCount()
    {
        var start = "RolloutStarted=True Overridden=True";
        var status = Placement(Selected("a", start + " WorkSynchronized=False"), Selected("b", start + " WorkSynchronized=False"), Selected("c", start + " WorkSynchronized=Unknown"));

        PlacementConditions.Apply(status, clusterScoped: false, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(
            Expect("ResourcePlacementWorkSynchronized", "Unknown", "WorkSynchronizedUnknown",
                "There are still 1 cluster(s) in the process of creating or updating the work object(s) in the hub cluster"),
            Row(status.Conditions![^1]));
    }

    [Theory]
    [InlineData(false, false, "NoOverrideSpecified", "No override rules are configured for the selected resources")]
    [InlineData(true, false, "OverriddenSucceeded", "The selected resources are successfully overridden in 2 cluster(s)")]
    [InlineData(false, true, "OverriddenSucceeded", "The selected resources are successfully overridden in 2 cluster(s)")]
    public void Apply_OverriddenTrue_NoOverrideSpecifiedUnlessAClusterHasOverrides(bool resourceOverride, bool clusterResourceOverride, string reason, string message)
    {
        var status = Placement(Selected("a", "RolloutStarted=True Overridden=True"), Selected("b", "RolloutStarted=True Overridden=True"));
        var second = status.PlacementStatuses![1];
        second.ApplicableResourceOverrides = resourceOverride ? [new NamespacedName { Namespace = "app", Name = "ro-1-0" }] : [];
        second.ApplicableClusterResourceOverrides = clusterResourceOverride ? ["cro-1-0"] : [];

        PlacementConditions.Apply(status, clusterScoped: true, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(Expect("ClusterResourcePlacementOverridden", "True", reason, message), Row(status.Conditions!.Single(c => c.Type.EndsWith("Overridden", StringComparison.Ordinal))));
    }

    [Fact]
    public void Apply_StoppedEarly_ScheduledAndStatusSyncedUntouched()
    {
        var scheduled = new Condition { Type = "ClusterResourcePlacementScheduled", Status = "False", Reason = "SchedulingPolicyUnfulfilled", Message = "short", ObservedGeneration = 6, LastTransitionTime = Earlier };
        var synced = new Condition { Type = "ClusterResourcePlacementStatusSynced", Status = "True", Reason = "StatusSyncSucceeded", Message = "synced", ObservedGeneration = 6, LastTransitionTime = Earlier };
        var status = Placement(Selected("a", "RolloutStarted=False"));
        status.Conditions = [scheduled.Clone(), synced.Clone(), new Condition { Type = "ClusterResourcePlacementApplied", Status = "True" }];

        PlacementConditions.Apply(status, clusterScoped: true, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(
        [
            (scheduled.Type, scheduled.Status, scheduled.Reason, scheduled.Message, 6L, Earlier),
            (synced.Type, synced.Status, synced.Reason, synced.Message, 6L, Earlier),
            ("ClusterResourcePlacementRolloutStarted", "False", "RolloutNotStartedYet", "The rollout is being blocked by the rollout strategy in 1 cluster(s)", PlacementGeneration, Now),
        ], status.Conditions.Select(c => (c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration ?? -1, c.LastTransitionTime)));
    }

    [Fact]
    public void Apply_PickNUnfulfilled_StillAggregatesTheSelectedClustersOnly()
    {
        var failedToSchedule = new PerClusterPlacementStatus
        {
            Conditions = [new Condition { Type = "Scheduled", Status = "False", Reason = "ScheduleFailed", ObservedGeneration = PlacementGeneration }],
        };
        var status = Placement(Selected("a", TrueSpec(ApplyTypes)), failedToSchedule);
        status.Conditions![0].Status = "False";
        status.Conditions[0].Reason = "SchedulingPolicyUnfulfilled";

        PlacementConditions.Apply(status, clusterScoped: true, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(
            ["False", "True", "True", "True", "True", "True"],
            status.Conditions.Select(c => c.Status));
        Assert.Equal("All 1 cluster(s) start rolling out the latest resource", status.Conditions[1].Message);
        Assert.False(PlacementConditions.RolloutCompleted(status, clusterScoped: true, PlacementGeneration, reportDiff: false));
    }

    [Fact]
    public void Apply_StatusUnchanged_KeepsTransitionTime()
    {
        var status = Placement(Selected("a", "RolloutStarted=True Overridden=Unknown"));
        status.Conditions!.Add(new Condition
        {
            Type = "ClusterResourcePlacementRolloutStarted", Status = "True", Reason = "RolloutStarted", Message = "All 2 cluster(s) start rolling out the latest resource",
            ObservedGeneration = 6, LastTransitionTime = Earlier,
        });
        status.Conditions.Add(new Condition { Type = "ClusterResourcePlacementOverridden", Status = "True", ObservedGeneration = 6, LastTransitionTime = Earlier });

        PlacementConditions.Apply(status, clusterScoped: true, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(
            [("ClusterResourcePlacementScheduled", Earlier), ("ClusterResourcePlacementRolloutStarted", Earlier), ("ClusterResourcePlacementOverridden", Now)],
            status.Conditions.Select(c => (c.Type, c.LastTransitionTime)));
        Assert.Equal("All 1 cluster(s) start rolling out the latest resource", status.Conditions[1].Message);
    }

    [Theory]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True", false, true)]
    [InlineData("Scheduled=False RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True", false, false)]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True", false, false)]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=Unknown", false, false)]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True@6", false, false)]
    [InlineData("Scheduled=True@6 RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True", false, false)]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True DiffReported=True", true, true)]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True DiffReported=True", false, false)]
    [InlineData("Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True", true, false)]
    public void RolloutCompleted_ScheduledAndEveryExpectedTypeTrueAtTheGeneration(string conditions, bool reportDiff, bool expected)
    {
        var status = new PlacementStatus
        {
            Conditions = conditions.Split(' ').Select(c => c.Split('=', '@')).Select(c => new Condition
            {
                Type = "ResourcePlacement" + c[0], Status = c[1], ObservedGeneration = c.Length > 2 ? long.Parse(c[2]) : PlacementGeneration,
            }).ToList(),
        };

        Assert.Equal(expected, PlacementConditions.RolloutCompleted(status, clusterScoped: false, PlacementGeneration, reportDiff));
    }

    [Fact]
    public void RolloutCompleted_NoConditions_False()
    {
        Assert.False(PlacementConditions.RolloutCompleted(new PlacementStatus(), clusterScoped: true, PlacementGeneration, reportDiff: false));
    }

    [Theory]
    [InlineData(OldIndex, LatestIndex, "Rollout is controlled by an external controller and different resource snapshot versions are observed across clusters")]
    [InlineData(OldIndex, null, "Rollout is controlled by an external controller and different resource snapshot versions are observed across clusters")]
    [InlineData(null, null, "Rollout is controlled by an external controller and no resource snapshot name is observed across clusters. To determine rollout status, check the ClusterStagedUpdateRun resources with spec.placementName matching this placement")]
    public void ApplyExternal_ClustersDoNotAgreeOnAnIndex_RolloutStartedUnknownAndNothingClaimed(string? first, string? second, string message)
    {
        var all = TrueSpec(ApplyTypes);
        var status = Placement(Selected("a", all), Selected("b", all));
        status.PlacementStatuses![0].ObservedResourceIndex = first;
        status.PlacementStatuses[1].ObservedResourceIndex = second;
        status.Conditions!.AddRange(AllTypes.Select(t => new Condition { Type = "ClusterResourcePlacement" + t, Status = "True", ObservedGeneration = PlacementGeneration }));

        var index = PlacementConditions.ApplyExternal(status, clusterScoped: true, PlacementGeneration, reportDiff: false, Now);

        Assert.Null(index);
        Assert.Equal(
        [
            (ScheduledTrue.Type, "True", ScheduledTrue.Reason, ScheduledTrue.Message, PlacementGeneration),
            Expect("ClusterResourcePlacementRolloutStarted", "Unknown", "RolloutControlledByExternalController", message),
        ], status.Conditions.Select(Row));
        Assert.Equal("", status.ObservedResourceIndex);
        Assert.Empty(status.SelectedResources!);
    }

    [Fact]
    public void ApplyExternal_NoIndexOnAResourcePlacement_PointsAtStagedUpdateRuns()
    {
        var status = Placement(Selected("a", "RolloutStarted=Unknown"));

        PlacementConditions.ApplyExternal(status, clusterScoped: false, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(
            "Rollout is controlled by an external controller and no resource snapshot name is observed across clusters. To determine rollout status, "
            + "check the StagedUpdateRun resources with spec.placementName matching this placement",
            status.Conditions!.Single(c => c.Type == "ResourcePlacementRolloutStarted").Message);
    }

    [Fact]
    public void ApplyExternal_CommonIndex_AggregatesAsUsualAndReportsTheIndex()
    {
        var all = TrueSpec(ApplyTypes);
        var status = Placement(Selected("a", all), Selected("b", "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=False"));
        status.PlacementStatuses![0].ObservedResourceIndex = OldIndex;
        status.PlacementStatuses[1].ObservedResourceIndex = OldIndex;
        var selected = status.SelectedResources;

        var index = PlacementConditions.ApplyExternal(status, clusterScoped: true, PlacementGeneration, reportDiff: false, Now);

        Assert.Equal(OldIndex, index);
        Assert.Equal(OldIndex, status.ObservedResourceIndex);
        // Which resources that index selected is the caller's to look up.
        Assert.Same(selected, status.SelectedResources);
        Assert.Equal(
            Expect("ClusterResourcePlacementApplied", "False", "ApplyFailed", "Failed to apply resources to 1 cluster(s), please check the `failedPlacements` status"),
            Row(status.Conditions![^1]));
    }
}
