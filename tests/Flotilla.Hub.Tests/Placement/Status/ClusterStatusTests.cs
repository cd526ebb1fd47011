using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Status;
using static Flotilla.Hub.Tests.Placement.Status.StatusTestData;

namespace Flotilla.Hub.Tests.Placement.Status;

/// <summary>The per-cluster conditions and lists after scheduling (placement spec §7.5).</summary>
public sealed class ClusterStatusTests
{
    /// <summary>The spec's per-cluster Unknown table, word for word.</summary>
    public static readonly TheoryData<string, string, string> UnknownTexts = new()
    {
        { "RolloutStarted", "RolloutStartedUnknown", "In the process of deciding whether to roll out some version of the resources or not" },
        { "Overridden", "OverriddenPending", "In the process of overriding the selected resources if there is any override defined" },
        { "WorkSynchronized", "WorkSynchronizedUnknown", "In the process of creating or updating the work object(s) in the hub cluster" },
        { "Applied", "ApplyPending", "In the process of applying the resources on the member cluster" },
        { "Available", "ResourceAvailableUnknown", "The availability of the selected resources is unknown yet " },
        { "DiffReported", "DiffReportingPending", "Diff reporting has just started; its status is not yet to be known" },
    };

    private static (string, string, string, string, long) UnknownRow(string type)
    {
        var row = UnknownTexts.Single(r => (string)r[0] == type);
        return (type, "Unknown", (string)row[1], (string)row[2], PlacementGeneration);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_NoBinding_RolloutStartedUnknownAndEverythingElseCleared(bool external)
    {
        var entry = Entry(BindingCondition("RolloutStarted", "True"), BindingCondition("Applied", "False"));
        entry.ObservedResourceIndex = OldIndex;
        entry.ApplicableClusterResourceOverrides = ["cro-0-0"];
        entry.ApplicableResourceOverrides = [new NamespacedName { Namespace = "app", Name = "ro-0-0" }];
        entry.FailedPlacements = [new FailedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "old" }];
        entry.DriftedPlacements = [new DriftedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "old" }];
        entry.DiffedPlacements = [new DiffedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "old" }];

        ClusterStatus.Apply(entry, binding: null, Context(external: external), Now);

        Assert.Equal([ScheduledRow, UnknownRow("RolloutStarted")], entry.Conditions.Select(Row));
        Assert.Equal(
            (null, null, null, null, null, null),
            (entry.ObservedResourceIndex, entry.ApplicableResourceOverrides, entry.ApplicableClusterResourceOverrides,
                entry.FailedPlacements, entry.DriftedPlacements, entry.DiffedPlacements));
    }

    [Fact]
    public void Apply_RollingUpdateOlderSnapshotHeldBack_RolloutStartedFalseBlocked()
    {
        var binding = Binding(OldSnapshot, [BindingCondition("RolloutStarted", "False"), .. AllTrue(ApplyTypes.Skip(1))]);
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(), Now);

        Assert.Equal(
            [ScheduledRow, ("RolloutStarted", "False", "RolloutNotStartedYet", "The rollout is being blocked by the rollout strategy", PlacementGeneration)],
            entry.Conditions.Select(Row));
        Assert.Equal(LatestIndex, entry.ObservedResourceIndex);
        Assert.Null(entry.ApplicableResourceOverrides);
    }

    [Theory]
    [InlineData("True", BindingGeneration, "the rollout controller has not caught up with the new snapshot")]
    [InlineData("False", BindingGeneration - 1, "the hold-back verdict is for an older binding generation")]
    [InlineData("Unknown", BindingGeneration, "the rollout controller has not decided")]
    [InlineData(null, null, "no RolloutStarted condition at all")]
    public void Apply_RollingUpdateOlderSnapshotNotHeldBack_RolloutStartedUnknownOnly(string? status, long? generation, string why)
    {
        Condition[] rolloutStarted = status is null ? [] : [BindingCondition("RolloutStarted", status, generation)];
        var binding = Binding(OldSnapshot, [.. rolloutStarted, .. AllTrue(ApplyTypes.Skip(1))]);
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(), Now);

        Assert.True(entry.Conditions.Select(Row).SequenceEqual([ScheduledRow, UnknownRow("RolloutStarted")]), why);
        Assert.Equal(LatestIndex, entry.ObservedResourceIndex);
        Assert.Null(entry.ApplicableResourceOverrides);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_LatestSnapshotEverythingCurrent_CopiesTheExpectedTypesInOrder(bool reportDiff)
    {
        // The binding carries all six types; only the strategy's ones are copied.
        var binding = Binding(LatestSnapshot, AllTrue(AllTypes));
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(reportDiff), Now);

        Assert.Equal([ScheduledRow, .. Types(reportDiff).Select(t => Copied(t, "True"))], entry.Conditions.Select(Row));
        Assert.Equal(LatestIndex, entry.ObservedResourceIndex);
    }

    public static TheoryData<bool, string, string> NotCurrentCases()
    {
        var data = new TheoryData<bool, string, string>();
        foreach (var reportDiff in new[] { false, true })
        {
            foreach (var type in Types(reportDiff))
            {
                data.Add(reportDiff, type, "missing");
            }
        }
        // Each way a condition can fail to be current, on one type of each strategy.
        foreach (var defect in new[] { "Unknown", "stale True", "stale False" })
        {
            data.Add(false, "Applied", defect);
            data.Add(true, "DiffReported", defect);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(NotCurrentCases))]
    public void Apply_FirstConditionNotCurrent_CopiesUpToItThenItsUnknownConditionAndStops(bool reportDiff, string type, string defect)
    {
        var types = Types(reportDiff);
        var stop = Array.IndexOf(types, type);
        Condition? broken = defect switch
        {
            "missing" => null,
            "Unknown" => BindingCondition(type, "Unknown"),
            "stale True" => BindingCondition(type, "True", BindingGeneration - 1),
            _ => BindingCondition(type, "False", BindingGeneration - 1),
        };
        Condition[] brokenOnes = broken is null ? [] : [broken];
        var binding = Binding(LatestSnapshot, [.. AllTrue(types.Take(stop)), .. brokenOnes, .. AllTrue(types.Skip(stop + 1))]);
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(reportDiff), Now);

        Assert.Equal(
            [ScheduledRow, .. types.Take(stop).Select(t => Copied(t, "True")), UnknownRow(type)],
            entry.Conditions.Select(Row));
    }

    [Theory]
    [MemberData(nameof(UnknownTexts))]
    public void Apply_UnknownCondition_HasTheSpecTexts(string type, string reason, string message)
    {
        var reportDiff = type == "DiffReported";
        var types = Types(reportDiff);
        var binding = Binding(LatestSnapshot, AllTrue(types.TakeWhile(t => t != type)));
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(reportDiff), Now);

        Assert.Equal((type, "Unknown", reason, message, PlacementGeneration), Row(entry.Conditions[^1]));
    }

    public static TheoryData<bool, string> FalseCases()
    {
        var data = new TheoryData<bool, string>();
        foreach (var reportDiff in new[] { false, true })
        {
            foreach (var type in Types(reportDiff))
            {
                data.Add(reportDiff, type);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FalseCases))]
    public void Apply_ConditionFalse_CopiedThenStops(bool reportDiff, string type)
    {
        var types = Types(reportDiff);
        var stop = Array.IndexOf(types, type);
        var binding = Binding(LatestSnapshot, [.. AllTrue(types.Take(stop)), BindingCondition(type, "False"), .. AllTrue(types.Skip(stop + 1))]);
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(reportDiff), Now);

        Assert.Equal(
            [ScheduledRow, .. types.Take(stop).Select(t => Copied(t, "True")), Copied(type, "False")],
            entry.Conditions.Select(Row));
    }

    [Theory]
    [InlineData(false, "RolloutStarted=True", true, false, false, false)]
    [InlineData(false, "RolloutStarted=False", false, false, false, false)]
    [InlineData(false, "RolloutStarted=True Overridden=False", true, false, false, false)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True", true, false, false, false)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=Unknown", true, false, false, false)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=False", true, true, true, true)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True", true, false, true, false)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=Unknown", true, false, true, false)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=False", true, true, true, true)]
    [InlineData(false, "RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True", true, false, true, false)]
    [InlineData(true, "RolloutStarted=True Overridden=True WorkSynchronized=True DiffReported=True", true, false, false, true)]
    [InlineData(true, "RolloutStarted=True Overridden=True WorkSynchronized=True DiffReported=False", true, false, false, false)]
    [InlineData(true, "RolloutStarted=True Overridden=True WorkSynchronized=True DiffReported=Unknown", true, false, false, false)]
    public void Apply_SideEffects_CopyTheBindingListsTheReachedConditionsCallFor(
        bool reportDiff, string conditions, bool overrides, bool failed, bool drifted, bool diffed)
    {
        var binding = Binding(LatestSnapshot, BindingConditions(conditions));
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(reportDiff), Now);

        Assert.Equal(
            (overrides ? "app/ro-1-0" : Absent, overrides ? "cro-1-0" : Absent, failed ? "failed" : Absent, drifted ? "drifted" : Absent, diffed ? "diffed" : Absent),
            (Names(entry.ApplicableResourceOverrides?.Select(o => $"{o.Namespace}/{o.Name}")), Names(entry.ApplicableClusterResourceOverrides),
                Names(entry.FailedPlacements?.Select(p => p.Name)), Names(entry.DriftedPlacements?.Select(p => p.Name)),
                Names(entry.DiffedPlacements?.Select(p => p.Name))));
    }

    private const string Absent = "(absent)";

    private static string Names(IEnumerable<string>? names) => names is null ? Absent : string.Join(",", names);

    [Fact]
    public void Apply_CopiedLists_AreNotTheBindingsListInstances()
    {
        var binding = Binding(LatestSnapshot, BindingConditions("RolloutStarted=True Overridden=True WorkSynchronized=True Applied=False"));
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(), Now);

        Assert.NotSame(binding.Spec.ClusterResourceOverrideSnapshots, entry.ApplicableClusterResourceOverrides);
        Assert.NotSame(binding.Spec.ResourceOverrideSnapshots, entry.ApplicableResourceOverrides);
        Assert.NotSame(binding.Status!.FailedPlacements, entry.FailedPlacements);
        Assert.NotSame(binding.Status.DriftedPlacements, entry.DriftedPlacements);
        Assert.NotSame(binding.Status.DiffedPlacements, entry.DiffedPlacements);
    }

    [Fact]
    public void Apply_PreviousListsAndNowAllGood_ListsClearedAndEmptyBindingListsStayAbsent()
    {
        var binding = Binding(LatestSnapshot, AllTrue(ApplyTypes));
        binding.Status!.DriftedPlacements = [];
        binding.Spec.ResourceOverrideSnapshots = [];
        var entry = Entry();
        entry.FailedPlacements = [new FailedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "old" }];
        entry.DiffedPlacements = [new DiffedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "old" }];
        entry.DriftedPlacements = [new DriftedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "old" }];

        ClusterStatus.Apply(entry, binding, Context(), Now);

        Assert.Equal((null, null, null, null), (entry.FailedPlacements, entry.DiffedPlacements, entry.DriftedPlacements, entry.ApplicableResourceOverrides));
        Assert.Equal(["cro-1-0"], entry.ApplicableClusterResourceOverrides!);
    }

    [Theory]
    [InlineData(OldSnapshot, OldIndex)]
    [InlineData(LatestSnapshot, LatestIndex)]
    [InlineData("crp-0-snapshot", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Apply_External_IndexOfTheBindingsOwnSnapshot(string? snapshot, string? expectedIndex)
    {
        var entry = Entry();

        ClusterStatus.Apply(entry, Binding(snapshot, AllTrue(ApplyTypes)), Context(external: true), Now);

        Assert.Equal(expectedIndex, entry.ObservedResourceIndex);
    }

    [Fact]
    public void Apply_ExternalOnOlderSnapshot_CopiesFromTheBindingWithoutTheRollingUpdateRules()
    {
        // Held back on an older snapshot would be "blocked" under RollingUpdate; with External the binding speaks.
        var binding = Binding(OldSnapshot, [BindingCondition("RolloutStarted", "False")]);
        var entry = Entry();

        ClusterStatus.Apply(entry, binding, Context(external: true), Now);

        Assert.Equal([ScheduledRow, Copied("RolloutStarted", "False")], entry.Conditions.Select(Row));
        Assert.Equal(OldIndex, entry.ObservedResourceIndex);
    }

    [Fact]
    public void Apply_ExternalOlderSnapshotEverythingCurrent_CopiesAll()
    {
        var entry = Entry();

        ClusterStatus.Apply(entry, Binding(OldSnapshot, AllTrue(ApplyTypes)), Context(external: true), Now);

        Assert.Equal([ScheduledRow, .. ApplyTypes.Select(t => Copied(t, "True"))], entry.Conditions.Select(Row));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Apply_TypesNotReachedThisPass_RemovedButScheduledKept(bool reportDiff)
    {
        // The previous pass wrote every type, including the other strategy's.
        var entry = Entry(AllTypes.Select(t => BindingCondition(t, "True", PlacementGeneration)).ToArray());
        var binding = Binding(LatestSnapshot, BindingConditions("RolloutStarted=True Overridden=False WorkSynchronized=True"));

        ClusterStatus.Apply(entry, binding, Context(reportDiff), Now);

        Assert.Equal([ScheduledRow, Copied("RolloutStarted", "True"), Copied("Overridden", "False")], entry.Conditions.Select(Row));
    }

    [Fact]
    public void Apply_OtherStrategysTypeLeftOver_Removed()
    {
        var entry = Entry(BindingCondition("DiffReported", "True", PlacementGeneration));

        ClusterStatus.Apply(entry, Binding(LatestSnapshot, AllTrue(AllTypes)), Context(reportDiff: false), Now);

        Assert.DoesNotContain(entry.Conditions, c => c.Type == "DiffReported");
    }

    [Fact]
    public void Apply_StatusUnchanged_KeepsTransitionTimeAndUpdatesTheRest()
    {
        var entry = Entry(
            new Condition { Type = "RolloutStarted", Status = "True", Reason = "old", Message = "old", ObservedGeneration = 6, LastTransitionTime = Earlier },
            new Condition { Type = "Overridden", Status = "Unknown", Reason = "OverriddenPending", ObservedGeneration = 6, LastTransitionTime = Earlier });
        var binding = Binding(LatestSnapshot, BindingConditions("RolloutStarted=True Overridden=True"));

        ClusterStatus.Apply(entry, binding, Context(), Now);

        Assert.Equal(
            [("Scheduled", Earlier), ("RolloutStarted", Earlier), ("Overridden", Now), ("WorkSynchronized", Now)],
            entry.Conditions.Select(c => (c.Type, c.LastTransitionTime)));
        Assert.Equal(Copied("RolloutStarted", "True"), Row(entry.Conditions[1]));
    }

    [Fact]
    public void Apply_ConditionsCopiedFromTheBinding_TakeThePlacementGenerationNotTheBindings()
    {
        var entry = Entry();

        ClusterStatus.Apply(entry, Binding(LatestSnapshot, AllTrue(ApplyTypes)), Context(), Now);

        Assert.All(entry.Conditions, c => Assert.Equal(PlacementGeneration, c.ObservedGeneration));
    }
}
