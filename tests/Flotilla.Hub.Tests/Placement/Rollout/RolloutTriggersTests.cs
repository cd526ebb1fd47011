using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Rollout;

namespace Flotilla.Hub.Tests.Placement.Rollout;

/// <summary>What starts a rollout round (placement spec §4.1).</summary>
public sealed class RolloutTriggersTests
{
    [Theory]
    [InlineData("true", true, true)]
    [InlineData("false", true, false)]
    [InlineData("true", false, false)]
    public void IsLatestMaster_LatestLabelAndHash(string latest, bool hasHash, bool expected)
    {
        var annotations = hasHash
            ? new JsonObject { ["kubernetes-fleet.io/resource-hash"] = "abc" }
            : new JsonObject { ["kubernetes-fleet.io/subindex-of-resource-snapshot"] = "0" };
        var snapshot = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "crp-0-snapshot",
                ["labels"] = new JsonObject { ["kubernetes-fleet.io/is-latest-snapshot"] = latest },
                ["annotations"] = annotations,
            },
        };

        Assert.Equal(expected, RolloutTriggers.IsLatestMaster(snapshot));
    }

    public static TheoryData<string, Action<ClusterResourceBinding>, bool> BindingChanges => new()
    {
        { "spec (generation) changed", b => b.Metadata.Generation = 2, true },
        { "Available became True", b => b.Status = new ResourceBindingStatus { Conditions = [Condition("Available", "True")] }, true },
        { "DiffReported appeared", b => b.Status = new ResourceBindingStatus { Conditions = [Condition("DiffReported", "True")] }, true },
        { "Applied changed only", b => b.Status = new ResourceBindingStatus { Conditions = [Condition("Applied", "True")] }, false },
        { "nothing", _ => { }, false },
    };

    [Theory]
    [MemberData(nameof(BindingChanges))]
    public void BindingChanged_OnlySpecOrAvailabilityOrDiff(string why, Action<ClusterResourceBinding> change, bool expected)
    {
        var old = new ClusterResourceBinding { Metadata = new ObjectMeta { Name = "b", Generation = 1 } };
        var current = new ClusterResourceBinding { Metadata = new ObjectMeta { Name = "b", Generation = 1 } };
        change(current);

        Assert.True(expected == RolloutTriggers.BindingChanged(old, current), why);
    }

    [Fact]
    public void StrategyChanged_TypeOrApplyStrategyOnly()
    {
        PlacementSpec Spec(string type, string comparison, int maxSurge) => new()
        {
            Strategy = new RolloutStrategy
            {
                Type = type,
                ApplyStrategy = new ApplyStrategy { ComparisonOption = comparison },
                RollingUpdate = new RollingUpdateConfig { MaxSurge = IntOrString.FromInt(maxSurge) },
            },
        };

        Assert.True(RolloutTriggers.StrategyChanged(Spec("RollingUpdate", "PartialComparison", 1), Spec("External", "PartialComparison", 1)));
        Assert.True(RolloutTriggers.StrategyChanged(Spec("RollingUpdate", "PartialComparison", 1), Spec("RollingUpdate", "FullComparison", 1)));
        Assert.False(RolloutTriggers.StrategyChanged(Spec("RollingUpdate", "PartialComparison", 1), Spec("RollingUpdate", "PartialComparison", 2)));
    }

    private static Condition Condition(string type, string status) => new() { Type = type, Status = status, Reason = "R", ObservedGeneration = 1 };
}
