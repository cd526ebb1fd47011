using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>A one-shot request to remove a ClusterResourcePlacement's resources from one cluster (placement spec §6.2).</summary>
[CustomResource(PlacementApi.Group, "ClusterResourcePlacementEviction", "clusterresourceplacementevictions", Namespaced = false,
    ShortNames = ["crpe"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1"], StatusSubresource = true)]
[PrinterColumn(0, "Valid", "string", ".status.conditions[?(@.type==\"Valid\")].status")]
[PrinterColumn(1, "Executed", "string", ".status.conditions[?(@.type==\"Executed\")].status")]
[Description("ClusterResourcePlacementEviction is an eviction attempt on a specific placement from a ClusterResourcePlacement object; it is a one-shot request.")]
public sealed class ClusterResourcePlacementEviction : KubeObject
{
    [Required]
    [Description("Spec is the desired state of the eviction; all its fields are immutable.")]
    public PlacementEvictionSpec Spec { get; set; } = new();

    [Description("Status is the observed state of the eviction.")]
    public PlacementEvictionStatus? Status { get; set; }
}

[Description("PlacementEvictionSpec is the desired state of the eviction.")]
public sealed class PlacementEvictionSpec
{
    [Required]
    [MaxLength(255)]
    [ValidationRule(CelRules.Immutable, CelRules.EvictionPlacementNameImmutableMessage)]
    [Description("PlacementName is the name of the placement the eviction targets.")]
    public string PlacementName { get; set; } = "";

    [Required]
    [MaxLength(255)]
    [ValidationRule(CelRules.Immutable, CelRules.EvictionClusterNameImmutableMessage)]
    [Description("ClusterName is the name of the cluster the eviction targets.")]
    public string ClusterName { get; set; } = "";
}

[Description("PlacementEvictionStatus is the observed state of the eviction.")]
public sealed class PlacementEvictionStatus
{
    [ListType("map", "type")]
    [Description("Conditions is the list of currently observed conditions for the eviction: Valid and Executed.")]
    public List<Condition>? Conditions { get; set; }
}

/// <summary>
/// How many of a ClusterResourcePlacement's clusters voluntary evictions may disrupt; linked to the placement by
/// having the same name (placement spec §6.3).
/// </summary>
[CustomResource(PlacementApi.Group, "ClusterResourcePlacementDisruptionBudget", "clusterresourceplacementdisruptionbudgets", Namespaced = false,
    ShortNames = ["crpdb"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1"])]
[Description("ClusterResourcePlacementDisruptionBudget limits how many placements of the ClusterResourcePlacement of the same name voluntary disruptions, such as evictions, can take down at the same time.")]
public sealed class ClusterResourcePlacementDisruptionBudget : KubeObject
{
    [Required]
    [ValidationRule(CelRules.BudgetNotBoth, CelRules.BudgetNotBothMessage)]
    [Description("Spec is the desired state of the disruption budget.")]
    public PlacementDisruptionBudgetSpec Spec { get; set; } = new();
}

[Description("PlacementDisruptionBudgetSpec is the desired state of a disruption budget.")]
public sealed class PlacementDisruptionBudgetSpec
{
    [ValidationRule(CelRules.BudgetValue, CelRules.BudgetValueMessage)]
    [Description("MaxUnavailable is the maximum number of placements that can be down at the same time due to voluntary disruptions: an absolute number or a percentage of numberOfClusters (PickN only), rounded up. Mutually exclusive with minAvailable.")]
    public IntOrString? MaxUnavailable { get; set; }

    [ValidationRule(CelRules.BudgetValue, CelRules.BudgetValueMessage)]
    [Description("MinAvailable is the minimum number of placements that must stay available despite voluntary disruptions: an absolute number, or a percentage of numberOfClusters for PickN, rounded up. Mutually exclusive with maxUnavailable.")]
    public IntOrString? MinAvailable { get; set; }
}
