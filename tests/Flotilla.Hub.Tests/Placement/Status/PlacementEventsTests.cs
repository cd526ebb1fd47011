using Flotilla.Api.Meta;
using Flotilla.Hub.Placement.Status;
using static Flotilla.Hub.Tests.Placement.Status.StatusTestData;

namespace Flotilla.Hub.Tests.Placement.Status;

/// <summary>The Normal events announcing placement progress (placement spec §7.8).</summary>
public sealed class PlacementEventsTests
{
    private static List<Condition> Conditions(string spec, string prefix = "ClusterResourcePlacement") =>
        spec.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(c => c.Split('=', '@')).Select(c => new Condition
        {
            Type = prefix + c[0], Status = c[1], ObservedGeneration = c.Length > 2 ? long.Parse(c[2]) : PlacementGeneration,
        }).ToList();

    private static IReadOnlyList<(string Reason, string Message)> Transitions(
        string before, string after, bool reportDiff = false, bool completedBefore = false, bool completedAfter = false) =>
        PlacementEvents.Transitions(Conditions(before), Conditions(after), clusterScoped: true, PlacementGeneration, reportDiff, completedBefore, completedAfter);

    [Theory]
    [InlineData("RolloutStarted", "PlacementRolloutStarted", "Started rolling out the latest resources")]
    [InlineData("Overridden", "PlacementOverriddenSucceeded", "Placement has been successfully overridden")]
    [InlineData("WorkSynchronized", "PlacementWorkSynchronized", "Work(s) have been created or updated successfully for the selected cluster(s)")]
    [InlineData("Applied", "PlacementApplied", "Resources have been applied to the selected cluster(s)")]
    [InlineData("Available", "PlacementAvailable", "Resources are available on the selected cluster(s)")]
    public void Transitions_TypeBecameTrue_ItsEvent(string type, string reason, string message)
    {
        Assert.Equal([(reason, message)], Transitions("", $"{type}=True"));
    }

    [Theory]
    [InlineData("Applied=False", "was False")]
    [InlineData("Applied=Unknown", "was Unknown")]
    [InlineData("Applied=True@6", "was True for an older generation")]
    [InlineData("", "was absent")]
    public void Transitions_FromNotTrueAtTheGeneration_Announced(string before, string why)
    {
        Assert.True(Transitions(before, "Applied=True").SequenceEqual([("PlacementApplied", "Resources have been applied to the selected cluster(s)")]), why);
    }

    [Theory]
    [InlineData("Applied=True", "Applied=True", "already True")]
    [InlineData("", "Applied=True@6", "True only for an older generation")]
    [InlineData("Applied=True", "Applied=False", "turned False")]
    [InlineData("Applied=True", "", "removed")]
    public void Transitions_NotBecomingTrueAtTheGeneration_NoEvent(string before, string after, string why)
    {
        Assert.True(Transitions(before, after).Count == 0, why);
    }

    [Fact]
    public void Transitions_DiffReportedBecameTrue_OnlyCompletionAnnouncesIt()
    {
        var before = "RolloutStarted=True Overridden=True WorkSynchronized=True";

        Assert.Empty(Transitions(before, before + " DiffReported=True", reportDiff: true));
        Assert.Equal(
            [("PlacementRolloutCompleted", "Placement has finished the rollout process and reached the desired status")],
            Transitions(before, before + " DiffReported=True", reportDiff: true, completedAfter: true));
    }

    [Theory]
    [InlineData(false, true, true)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    public void Transitions_Completion_AnnouncedOnlyWhenItFlipsToTrue(bool completedBefore, bool completedAfter, bool announced)
    {
        var events = Transitions("", "", completedBefore: completedBefore, completedAfter: completedAfter);

        Assert.Equal(
            announced ? [("PlacementRolloutCompleted", "Placement has finished the rollout process and reached the desired status")] : [],
            events);
    }

    [Fact]
    public void Transitions_WholeRolloutInOnePass_TypeOrderThenCompletion()
    {
        var events = Transitions(
            "RolloutStarted=True",
            "Scheduled=True RolloutStarted=True Overridden=True WorkSynchronized=True Applied=True Available=True",
            completedAfter: true);

        Assert.Equal(
            ["PlacementOverriddenSucceeded", "PlacementWorkSynchronized", "PlacementApplied", "PlacementAvailable", "PlacementRolloutCompleted"],
            events.Select(e => e.Reason));
    }

    [Fact]
    public void Transitions_ResourcePlacement_UsesItsConditionTypes()
    {
        var events = PlacementEvents.Transitions(
            Conditions("", "ResourcePlacement"), Conditions("RolloutStarted=True", "ResourcePlacement"), clusterScoped: false, PlacementGeneration,
            reportDiff: false, completedBefore: false, completedAfter: false);

        Assert.Equal(["PlacementRolloutStarted"], events.Select(e => e.Reason));
        // A ClusterResourcePlacement type on a ResourcePlacement is someone else's condition.
        Assert.Empty(PlacementEvents.Transitions(
            null, Conditions("RolloutStarted=True"), clusterScoped: false, PlacementGeneration, reportDiff: false, completedBefore: false, completedAfter: false));
    }

    [Fact]
    public void Transitions_NoConditionLists_NoEvents()
    {
        Assert.Empty(PlacementEvents.Transitions(null, null, clusterScoped: true, PlacementGeneration, reportDiff: false, completedBefore: false, completedAfter: false));
    }
}
