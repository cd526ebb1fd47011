using System.ComponentModel;
using Flotilla.Api.Cluster;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>The spec shared by ClusterResourcePlacement and ResourcePlacement (placement spec §1.3.1).</summary>
/// <remarks>
/// Upstream declares the NamespaceWithResourceSelectors rules on this type; here they sit on the placements' spec
/// properties, beside the kind-specific rules, which puts them on the same schema node.
/// </remarks>
[Description("PlacementSpec defines the desired state of a placement.")]
public sealed class PlacementSpec
{
    [Required]
    [MinItems(1)]
    [MaxItems(100)]
    [ValidationRule(CelRules.NameXorLabelSelector, CelRules.NameXorLabelSelectorMessage)]
    [Description("ResourceSelectors is an array of selectors used to select resources. The selectors are ORed; at most 100 are allowed.")]
    public List<ResourceSelectorTerm> ResourceSelectors { get; set; } = [];

    [Description("Policy defines how to select member clusters to place the selected resources. If unspecified, all the joined member clusters are selected.")]
    public PlacementPolicy? Policy { get; set; }

    [Description("The rollout strategy to use to replace existing placement with new ones.")]
    public RolloutStrategy? Strategy { get; set; }

    [Default("10")]
    [Minimum(1)]
    [Maximum(1000)]
    [Format("int32")]
    [Description("The number of old SchedulingPolicySnapshot and ResourceSnapshot groups to retain. Defaults to 10.")]
    public int? RevisionHistoryLimit { get; set; }

    [Default("\"ClusterScopeOnly\"")]
    [Enum(Placement.StatusReportingScope.ClusterScopeOnly, Placement.StatusReportingScope.NamespaceAccessible)]
    [Description("StatusReportingScope controls where the placement status is visible: only on the cluster-scoped object (ClusterScopeOnly), or also in the selected namespace (NamespaceAccessible). Immutable once set.")]
    public string? StatusReportingScope { get; set; }
}

/// <summary>One resource selector: a GVK, and optionally a name or a label selector (placement spec §1.3.2).</summary>
[Description("ResourceSelectorTerm is used to select resources as the target resources to be placed. All the fields are ANDed.")]
public sealed class ResourceSelectorTerm
{
    [Required]
    [Description("Group name of the resource to be selected; empty for the core group.")]
    public string Group { get; set; } = "";

    [Required]
    [Description("Version of the resource to be selected.")]
    public string Version { get; set; } = "";

    [Required]
    [Description("Kind of the resource to be selected.")]
    public string Kind { get; set; } = "";

    [Description("Name of the resource to be selected. Mutually exclusive with labelSelector.")]
    public string? Name { get; set; }

    [Description("A label query over all the resources of the kind. Mutually exclusive with name; all resources of the kind are selected if both are unset.")]
    public StructuredLabelSelector? LabelSelector { get; set; }

    [Default("\"NamespaceWithResources\"")]
    [Enum(Placement.SelectionScope.NamespaceOnly, Placement.SelectionScope.NamespaceWithResources, Placement.SelectionScope.NamespaceWithResourceSelectors)]
    [Description("SelectionScope defines what a Namespace selector selects: the namespace only, the namespace with all its resources (default), or the namespace with the resources picked by the other selectors. Ignored for other kinds.")]
    public string? SelectionScope { get; set; }
}

/// <summary>How clusters are picked (placement spec §1.3.3).</summary>
[ValidationRule(CelRules.PlacementTypeImmutable, CelRules.PlacementTypeImmutableMessage)]
[ValidationRule(CelRules.PickFixedFields, CelRules.PickFixedFieldsMessage)]
[ValidationRule(CelRules.PickAllFields, CelRules.PickAllFieldsMessage)]
[ValidationRule(CelRules.PickNFields, CelRules.PickNFieldsMessage)]
[Description("PlacementPolicy contains the rules to select target member clusters to place the selected resources.")]
public sealed class PlacementPolicy
{
    [Default("\"PickAll\"")]
    [Enum(Placement.PlacementType.PickAll, Placement.PlacementType.PickN, Placement.PlacementType.PickFixed)]
    [Description("Type of placement: PickAll, PickN or PickFixed. Defaults to PickAll. Immutable.")]
    public string? PlacementType { get; set; }

    [MaxItems(100)]
    [Description("ClusterNames contains the names of the member clusters to place the selected resources on. Only valid for PickFixed.")]
    public List<string>? ClusterNames { get; set; }

    [Minimum(0)]
    [Format("int32")]
    [Description("NumberOfClusters of placement. Only valid, and required, for PickN.")]
    public int? NumberOfClusters { get; set; }

    [Description("Affinity contains cluster affinity scheduling rules. Only valid for PickAll and PickN.")]
    public Affinity? Affinity { get; set; }

    [Description("TopologySpreadConstraints describes how the placements are spread across topology domains. Only valid for PickN.")]
    public List<TopologySpreadConstraint>? TopologySpreadConstraints { get; set; }

    [MaxItems(100)]
    [Description("Tolerations of the placement; a cluster whose taints are all tolerated may be picked. Tolerations can be added but not changed or removed. Not valid for PickFixed.")]
    public List<Toleration>? Tolerations { get; set; }
}

[Description("Affinity is a group of cluster affinity scheduling rules.")]
public sealed class Affinity
{
    [Description("ClusterAffinity contains cluster affinity scheduling rules for the selected resources.")]
    public ClusterAffinity? ClusterAffinity { get; set; }
}

[Description("ClusterAffinity contains cluster affinity scheduling rules for the selected resources.")]
public sealed class ClusterAffinity
{
    [Description("Clusters must match one of these terms at scheduling time to be picked; later changes do not remove placed resources.")]
    public ClusterSelector? RequiredDuringSchedulingIgnoredDuringExecution { get; set; }

    [Description("Weighted terms that score clusters at scheduling time; the highest scores are picked first. Ignored for PickAll.")]
    public List<PreferredClusterSelector>? PreferredDuringSchedulingIgnoredDuringExecution { get; set; }
}

[Description("ClusterSelector is a list of cluster selector terms; the terms are ORed.")]
public sealed class ClusterSelector
{
    [Required]
    [MaxItems(10)]
    [Description("ClusterSelectorTerms is a list of cluster selector terms. The terms are ORed.")]
    public List<ClusterSelectorTerm> ClusterSelectorTerms { get; set; } = [];
}

/// <summary>One term of cluster selection: label selector and property selector are ANDed.</summary>
[Description("ClusterSelectorTerm selects member clusters by labels and properties; the two are ANDed.")]
public sealed class ClusterSelectorTerm
{
    [Description("LabelSelector is a label query over all the joined member clusters.")]
    public StructuredLabelSelector? LabelSelector { get; set; }

    [Description("PropertySelector is a property query over all the joined member clusters. Only allowed in required affinity terms.")]
    public PropertySelector? PropertySelector { get; set; }

    [Description("PropertySorter sorts the matching clusters by a property and weighs them by the observed values. Only allowed in preferred affinity terms.")]
    public PropertySorter? PropertySorter { get; set; }
}

[Description("PreferredClusterSelector is a cluster selector term with a weight.")]
public sealed class PreferredClusterSelector
{
    [Required]
    [Minimum(-100)]
    [Maximum(100)]
    [Format("int32")]
    [Description("Weight associated with matching the corresponding clusterSelectorTerm, in the range [-100, 100].")]
    public int Weight { get; set; }

    [Required]
    [Description("A cluster selector term, associated with the corresponding weight.")]
    public ClusterSelectorTerm Preference { get; set; } = new();
}

[Description("PropertySelector selects clusters by their observed properties.")]
public sealed class PropertySelector
{
    [Required]
    [Description("MatchExpressions is an array of PropertySelectorRequirements. The requirements are ANDed.")]
    public List<PropertySelectorRequirement> MatchExpressions { get; set; } = [];
}

[Description("PropertySelectorRequirement is a requirement on one property of a cluster.")]
public sealed class PropertySelectorRequirement
{
    [Required]
    [Description("Name is the name of the property; it should be a Kubernetes label name.")]
    public string Name { get; set; } = "";

    [Required]
    [Enum(PropertySelectorOperator.GreaterThan, PropertySelectorOperator.GreaterThanOrEqualTo, PropertySelectorOperator.EqualTo,
        PropertySelectorOperator.NotEqualTo, PropertySelectorOperator.LessThan, PropertySelectorOperator.LessThanOrEqualTo)]
    [Description("Operator specifies how the cluster's observed value of the property is compared with the given value.")]
    public string Operator { get; set; } = "";

    [Required]
    [MaxItems(1)]
    [Description("Values to compare the observed value against; exactly one Kubernetes quantity.")]
    public List<string> Values { get; set; } = [];
}

[Description("PropertySorter sorts clusters by a property and assigns weights according to the observed values.")]
public sealed class PropertySorter
{
    [Required]
    [Description("Name is the name of the property which Fleet sorts clusters by.")]
    public string Name { get; set; } = "";

    [Required]
    [Enum(PropertySortOrder.Descending, PropertySortOrder.Ascending)]
    [Description("SortOrder is the order (Ascending or Descending) in which clusters are sorted by the property.")]
    public string SortOrder { get; set; } = "";
}

[Description("TopologySpreadConstraint specifies how to spread resources among the given cluster topology.")]
public sealed class TopologySpreadConstraint
{
    [Default("1")]
    [Minimum(1)]
    [Format("int32")]
    [Description("MaxSkew is the maximum permitted difference in the number of placements between any two topology domains. Defaults to 1.")]
    public int? MaxSkew { get; set; }

    [Required]
    [Description("TopologyKey is the cluster label key; clusters with the same value of the label are in the same topology domain.")]
    public string TopologyKey { get; set; } = "";

    [Default("\"DoNotSchedule\"")]
    [Enum(UnsatisfiableConstraintAction.DoNotSchedule, UnsatisfiableConstraintAction.ScheduleAnyway)]
    [Description("WhenUnsatisfiable says what to do with a cluster that would violate the constraint: DoNotSchedule (default) or ScheduleAnyway.")]
    public string? WhenUnsatisfiable { get; set; }
}

/// <summary>A toleration of member cluster taints (placement spec §1.3.3, §3.5.3).</summary>
[ValidationRule(CelRules.ExistsHasNoValue, CelRules.ExistsHasNoValueMessage)]
[ValidationRule(CelRules.EmptyKeyNeedsExists, CelRules.EmptyKeyNeedsExistsMessage)]
[Description("Toleration allows the placement to be scheduled onto member clusters with matching taints.")]
public sealed class Toleration
{
    [Description("Key is the taint key that the toleration applies to. Empty means match all taint keys, which requires the Exists operator.")]
    public string? Key { get; set; }

    [Default("\"Equal\"")]
    [Enum(TolerationOperator.Equal, TolerationOperator.Exists)]
    [Description("Operator represents the key's relationship to the value: Equal (default) or Exists.")]
    public string? Operator { get; set; }

    [Description("Value is the taint value the toleration matches to. Must be empty if the operator is Exists.")]
    public string? Value { get; set; }

    [Enum(TaintEffect.NoSchedule)]
    [Description("Effect indicates the taint effect to match. Empty means match all taint effects.")]
    public string? Effect { get; set; }
}
