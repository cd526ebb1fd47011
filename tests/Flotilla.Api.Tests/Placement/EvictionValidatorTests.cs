using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using static Flotilla.Api.Tests.Placement.PlacementTestObjects;

namespace Flotilla.Api.Tests.Placement;

/// <summary>Eviction and disruption budget admission (placement spec §6.2, §6.3).</summary>
public sealed class EvictionValidatorTests
{
    [Fact]
    public void ValidateEviction_PlacementMissing_Allowed()
    {
        Assert.True(EvictionValidator.ValidateEviction(Eviction(), null, null).IsAllowed);
    }

    [Fact]
    public void ValidateEviction_PlacementBeingDeleted_Denied()
    {
        var crp = Crp(c => c.Metadata.DeletionTimestamp = DateTimeOffset.UnixEpoch);

        var result = EvictionValidator.ValidateEviction(Eviction(), null, crp);

        Assert.Equal("cluster resource placement crp is being deleted", Denial(result));
        Assert.Equal("fleet.clusterresourceplacementeviction.validating", result.Webhook);
    }

    [Fact]
    public void ValidateEviction_PickFixedPlacement_Denied()
    {
        var crp = Crp(c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"] });

        Assert.Equal("cluster resource placement policy type PickFixed is not supported", Denial(EvictionValidator.ValidateEviction(Eviction(), null, crp)));
    }

    [Theory]
    [InlineData(PlacementType.PickAll)]
    [InlineData(PlacementType.PickN)]
    public void ValidateEviction_PickAllOrPickNPlacement_Allowed(string type)
    {
        var crp = Crp(c => c.Spec.Policy = type == PlacementType.PickN ? PickN() : new PlacementPolicy { PlacementType = type });

        Assert.True(EvictionValidator.ValidateEviction(Eviction(), null, crp).IsAllowed);
    }

    [Theory]
    [InlineData("other-crp", "m1", "spec.placementName: Invalid value: \"string\": The PlacementName field is immutable")]
    [InlineData("crp", "m2", "spec.clusterName: Invalid value: \"string\": The ClusterName field is immutable")]
    public void ValidateEviction_SpecChanged_Invalid(string placement, string cluster, string expected)
    {
        var updated = Eviction();
        updated.Spec = new PlacementEvictionSpec { PlacementName = placement, ClusterName = cluster };

        Assert.Equal(expected, SingleCause(EvictionValidator.ValidateEviction(updated, Eviction(), Crp())));
    }

    [Fact]
    public void ValidateDisruptionBudget_BothFieldsSet_Invalid()
    {
        var budget = Budget(maxUnavailable: 1, minAvailable: "10%");

        Assert.Equal("spec: Invalid value: \"object\": Both MaxUnavailable and MinAvailable cannot be specified", SingleCause(EvictionValidator.ValidateDisruptionBudget(budget, null, null)));
    }

    [Theory]
    [InlineData(-1, null, "spec.maxUnavailable")]
    [InlineData(null, -1, "spec.minAvailable")]
    public void ValidateDisruptionBudget_NegativeInteger_Invalid(int? maxUnavailable, int? minAvailable, string field)
    {
        var budget = Budget(
            maxUnavailable is int max ? (IntOrString?)IntOrString.FromInt(max) : null,
            minAvailable is int min ? (IntOrString?)IntOrString.FromInt(min) : null);

        Assert.Equal(
            field + ": Invalid value: \"\": If supplied value is String should match regex '^(100|[0-9]{1,2})%$' or If supplied value is Integer must be greater than or equal to 0",
            SingleCause(EvictionValidator.ValidateDisruptionBudget(budget, null, null)));
    }

    [Theory]
    [InlineData("101%")]
    [InlineData("1")]
    [InlineData("-5%")]
    [InlineData("%")]
    public void ValidateDisruptionBudget_BadPercentage_Invalid(string value)
    {
        var result = EvictionValidator.ValidateDisruptionBudget(Budget(maxUnavailable: value), null, null);

        Assert.StartsWith("spec.maxUnavailable: Invalid value: \"\": If supplied value is String", SingleCause(result), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0%")]
    [InlineData("7%")]
    [InlineData("99%")]
    [InlineData("100%")]
    public void ValidateDisruptionBudget_GoodPercentageForPickN_Allowed(string value)
    {
        var crp = Crp(c => c.Spec.Policy = PickN(4));

        Assert.True(EvictionValidator.ValidateDisruptionBudget(Budget(maxUnavailable: value), null, crp).IsAllowed);
    }

    [Fact]
    public void ValidateDisruptionBudget_PickAllWithMaxUnavailable_Denied()
    {
        var result = EvictionValidator.ValidateDisruptionBudget(Budget(maxUnavailable: "25%"), null, Crp());

        Assert.Equal("cluster resource placement policy type PickAll is not supported with any specified max unavailable 25%", Denial(result));
        Assert.Equal("fleet.clusterresourceplacementdisruptionbudget.validating", result.Webhook);
    }

    [Fact]
    public void ValidateDisruptionBudget_PickAllWithPercentageMinAvailable_Denied()
    {
        Assert.Equal(
            "cluster resource placement policy type PickAll is not supported with min available as a percentage 50%",
            Denial(EvictionValidator.ValidateDisruptionBudget(Budget(minAvailable: "50%"), null, Crp(c => c.Spec.Policy = null))));
    }

    [Fact]
    public void ValidateDisruptionBudget_PickAllWithIntegerMinAvailable_Allowed()
    {
        Assert.True(EvictionValidator.ValidateDisruptionBudget(Budget(minAvailable: 2), null, Crp()).IsAllowed);
    }

    [Fact]
    public void ValidateDisruptionBudget_PlacementMissing_Allowed()
    {
        Assert.True(EvictionValidator.ValidateDisruptionBudget(Budget(maxUnavailable: 1), null, null).IsAllowed);
    }

    private static ClusterResourcePlacementEviction Eviction() => new()
    {
        Metadata = new ObjectMeta { Name = "evict-m1" },
        Spec = new PlacementEvictionSpec { PlacementName = "crp", ClusterName = "m1" },
    };

    private static ClusterResourcePlacementDisruptionBudget Budget(IntOrString? maxUnavailable = null, IntOrString? minAvailable = null) => new()
    {
        Metadata = new ObjectMeta { Name = "crp" },
        Spec = new PlacementDisruptionBudgetSpec { MaxUnavailable = maxUnavailable, MinAvailable = minAvailable },
    };
}
