using System.Text.Json;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;

namespace Flotilla.Api.Tests.Placement;

public sealed class PlacementDefaulterTests
{
    [Fact]
    public void Default_MinimalSpec_FillsEveryUpstreamDefault()
    {
        var spec = new PlacementSpec { ResourceSelectors = [new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", Name = "app" }] };

        PlacementDefaulter.Default(spec);

        var expected = new PlacementSpec
        {
            ResourceSelectors = [new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", Name = "app" }],
            Policy = new PlacementPolicy { PlacementType = PlacementType.PickAll },
            Strategy = new RolloutStrategy
            {
                Type = RolloutStrategyType.RollingUpdate,
                RollingUpdate = new RollingUpdateConfig { MaxUnavailable = "25%", MaxSurge = "25%", UnavailablePeriodSeconds = 60 },
                ApplyStrategy = new ApplyStrategy
                {
                    ComparisonOption = ComparisonOption.PartialComparison,
                    WhenToApply = WhenToApply.Always,
                    Type = ApplyStrategyType.ClientSideApply,
                    WhenToTakeOver = WhenToTakeOver.Always,
                },
            },
            RevisionHistoryLimit = 10,
        };
        Assert.Equal(Json(expected), Json(spec));
    }

    [Fact]
    public void Default_TopologyAndTolerations_FillsSkewActionAndOperator()
    {
        var spec = new PlacementSpec
        {
            Policy = new PlacementPolicy
            {
                PlacementType = PlacementType.PickN,
                NumberOfClusters = 2,
                TopologySpreadConstraints = [new TopologySpreadConstraint { TopologyKey = "zone" }, new TopologySpreadConstraint { TopologyKey = "ring", MaxSkew = 3, WhenUnsatisfiable = UnsatisfiableConstraintAction.ScheduleAnyway }],
                Tolerations = [new Toleration { Key = "k" }, new Toleration { Operator = TolerationOperator.Exists }],
            },
        };

        PlacementDefaulter.Default(spec);

        var constraints = spec.Policy.TopologySpreadConstraints;
        Assert.Equal((1, "DoNotSchedule"), (constraints[0].MaxSkew!.Value, constraints[0].WhenUnsatisfiable!));
        Assert.Equal((3, "ScheduleAnyway"), (constraints[1].MaxSkew!.Value, constraints[1].WhenUnsatisfiable!));
        Assert.Equal(["Equal", "Exists"], spec.Policy.Tolerations.Select(t => t.Operator));
    }

    [Fact]
    public void Default_ExternalStrategy_NoRollingUpdateConfig()
    {
        var spec = new PlacementSpec { Strategy = new RolloutStrategy { Type = RolloutStrategyType.External } };

        PlacementDefaulter.Default(spec);

        Assert.Null(spec.Strategy.RollingUpdate);
        Assert.Equal(ApplyStrategyType.ClientSideApply, spec.Strategy.ApplyStrategy!.Type);
    }

    [Theory]
    [InlineData("ServerSideApply", true)]
    [InlineData("ClientSideApply", false)]
    [InlineData("ReportDiff", false)]
    public void DefaultApplyStrategy_OnlyServerSideApplyGetsItsConfig(string type, bool expectConfig)
    {
        var apply = new ApplyStrategy { Type = type };

        PlacementDefaulter.DefaultApplyStrategy(apply);

        Assert.Equal(expectConfig, apply.ServerSideApplyConfig is not null);
        Assert.False(apply.ServerSideApplyConfig?.Force ?? false);
    }

    [Fact]
    public void Default_UserValues_Kept()
    {
        var spec = new PlacementSpec
        {
            Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"] },
            Strategy = new RolloutStrategy
            {
                RollingUpdate = new RollingUpdateConfig { MaxUnavailable = 0, MaxSurge = "50%", UnavailablePeriodSeconds = 5 },
                ApplyStrategy = new ApplyStrategy { Type = ApplyStrategyType.ReportDiff, WhenToTakeOver = WhenToTakeOver.Never, ComparisonOption = ComparisonOption.FullComparison },
            },
            RevisionHistoryLimit = 3,
        };

        PlacementDefaulter.Default(spec);

        Assert.Equal(PlacementType.PickFixed, spec.Policy.PlacementType);
        Assert.Equal(IntOrString.FromInt(0), spec.Strategy.RollingUpdate.MaxUnavailable);
        Assert.Equal(IntOrString.FromString("50%"), spec.Strategy.RollingUpdate.MaxSurge);
        Assert.Equal(5, spec.Strategy.RollingUpdate.UnavailablePeriodSeconds);
        Assert.Equal((ApplyStrategyType.ReportDiff, WhenToTakeOver.Never, ComparisonOption.FullComparison, WhenToApply.Always),
            (spec.Strategy.ApplyStrategy.Type, spec.Strategy.ApplyStrategy.WhenToTakeOver, spec.Strategy.ApplyStrategy.ComparisonOption, spec.Strategy.ApplyStrategy.WhenToApply));
        Assert.Equal(3, spec.RevisionHistoryLimit);
    }

    [Fact]
    public void Default_Twice_SecondReportsNoChange()
    {
        var crp = new ClusterResourcePlacement { Spec = new PlacementSpec { ResourceSelectors = [new ResourceSelectorTerm { Version = "v1", Kind = "Namespace" }] } };
        Assert.True(PlacementDefaulter.Default(crp));
        var once = Json(crp.Spec);

        Assert.False(PlacementDefaulter.Default(crp));

        Assert.Equal(once, Json(crp.Spec));
    }

    private static string Json(PlacementSpec spec) => JsonSerializer.Serialize(new ClusterResourcePlacement { Spec = spec }, PlacementJsonContext.Default.ClusterResourcePlacement);
}
