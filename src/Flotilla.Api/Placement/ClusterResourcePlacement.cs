using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>Places cluster-scoped resources (and whole namespaces) onto member clusters (placement spec §1.3).</summary>
[CustomResource(PlacementApi.Group, "ClusterResourcePlacement", "clusterresourceplacements", Namespaced = false,
    ShortNames = ["crp"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Gen", "string", ".metadata.generation")]
[PrinterColumn(1, "Type", "string", ".spec.policy.placementType", Priority = 1)]
[PrinterColumn(2, "Scheduled", "string", ".status.conditions[?(@.type==\"ClusterResourcePlacementScheduled\")].status")]
[PrinterColumn(3, "Scheduled-Gen", "string", ".status.conditions[?(@.type==\"ClusterResourcePlacementScheduled\")].observedGeneration")]
[PrinterColumn(4, "Work-Synchronized", "string", ".status.conditions[?(@.type==\"ClusterResourcePlacementWorkSynchronized\")].status", Priority = 1)]
[PrinterColumn(5, "Work-Synchronized-Gen", "string", ".status.conditions[?(@.type==\"ClusterResourcePlacementWorkSynchronized\")].observedGeneration", Priority = 1)]
[PrinterColumn(6, "Available", "string", ".status.conditions[?(@.type==\"ClusterResourcePlacementAvailable\")].status")]
[PrinterColumn(7, "Available-Gen", "string", ".status.conditions[?(@.type==\"ClusterResourcePlacementAvailable\")].observedGeneration")]
[PrinterColumn(8, "Age", "date", ".metadata.creationTimestamp")]
[Description("ClusterResourcePlacement selects cluster-scoped resources, including whole namespaces, and places them onto the member clusters its policy picks.")]
public sealed class ClusterResourcePlacement : KubeObject, IPlacement
{
    [Required]
    [ValidationRule(CelRules.PolicyNotRemovable, CelRules.PolicyNotRemovableMessage)]
    [ValidationRule(CelRules.NamespaceAccessibleNeedsOneNamespace, CelRules.NamespaceAccessibleNeedsOneNamespaceMessage)]
    [ValidationRule(CelRules.StatusReportingScopeImmutable, CelRules.StatusReportingScopeImmutableMessage)]
    [ValidationRule(CelRules.OneNamespaceWithResourceSelectors, CelRules.OneNamespaceWithResourceSelectorsMessage)]
    [ValidationRule(CelRules.NamespaceWithResourceSelectorsByName, CelRules.NamespaceWithResourceSelectorsByNameMessage)]
    [ValidationRule(CelRules.NamespaceWithResourceSelectorsAlone, CelRules.NamespaceWithResourceSelectorsAloneMessage)]
    [Description("The desired state of ClusterResourcePlacement.")]
    public PlacementSpec Spec { get; set; } = new();

    [Description("The observed status of ClusterResourcePlacement.")]
    public PlacementStatus? Status { get; set; }
}

/// <summary>Places namespaced resources of its own namespace onto member clusters (placement spec §1.4).</summary>
[CustomResource(PlacementApi.Group, "ResourcePlacement", "resourceplacements",
    ShortNames = ["rp"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1"], StatusSubresource = true)]
[PrinterColumn(0, "Gen", "string", ".metadata.generation")]
[PrinterColumn(1, "Type", "string", ".spec.policy.placementType", Priority = 1)]
[PrinterColumn(2, "Scheduled", "string", ".status.conditions[?(@.type==\"ResourcePlacementScheduled\")].status")]
[PrinterColumn(3, "Scheduled-Gen", "string", ".status.conditions[?(@.type==\"ResourcePlacementScheduled\")].observedGeneration")]
[PrinterColumn(4, "Work-Synchronized", "string", ".status.conditions[?(@.type==\"ResourcePlacementWorkSynchronized\")].status", Priority = 1)]
[PrinterColumn(5, "Work-Synchronized-Gen", "string", ".status.conditions[?(@.type==\"ResourcePlacementWorkSynchronized\")].observedGeneration", Priority = 1)]
[PrinterColumn(6, "Available", "string", ".status.conditions[?(@.type==\"ResourcePlacementAvailable\")].status")]
[PrinterColumn(7, "Available-Gen", "string", ".status.conditions[?(@.type==\"ResourcePlacementAvailable\")].observedGeneration")]
[PrinterColumn(8, "Age", "date", ".metadata.creationTimestamp")]
[Description("ResourcePlacement selects namespaced resources in its own namespace and places them onto the member clusters its policy picks.")]
public sealed class ResourcePlacement : KubeObject, IPlacement
{
    [Required]
    [ValidationRule(CelRules.PolicyNotRemovable, CelRules.PolicyNotRemovableMessage)]
    [ValidationRule(CelRules.OneNamespaceWithResourceSelectors, CelRules.OneNamespaceWithResourceSelectorsMessage)]
    [ValidationRule(CelRules.NamespaceWithResourceSelectorsByName, CelRules.NamespaceWithResourceSelectorsByNameMessage)]
    [ValidationRule(CelRules.NamespaceWithResourceSelectorsAlone, CelRules.NamespaceWithResourceSelectorsAloneMessage)]
    [Description("The desired state of ResourcePlacement.")]
    public PlacementSpec Spec { get; set; } = new();

    [Description("The observed status of ResourcePlacement.")]
    public PlacementStatus? Status { get; set; }
}

/// <summary>
/// What ClusterResourcePlacement and ResourcePlacement share, so the defaulter, the validator and the controllers
/// handle both through one seam, as upstream's <c>PlacementObj</c> does.
/// </summary>
public interface IPlacement
{
    ObjectMeta Metadata { get; }

    PlacementSpec Spec { get; }

    PlacementStatus? Status { get; set; }
}

/// <summary>
/// The namespaced mirror of a NamespaceAccessible ClusterResourcePlacement's status, in the namespace it selects
/// (placement spec §1.5). Its name is the CRP's name.
/// </summary>
[CustomResource(PlacementApi.Group, "ClusterResourcePlacementStatus", "clusterresourceplacementstatuses",
    ShortNames = ["crps"], Categories = ["fleet", "fleet-placement"], Versions = ["v1beta1"])]
[PrinterColumn(0, "Resource-Index", "string", ".sourceStatus.observedResourceIndex")]
[PrinterColumn(1, "Last-Updated", "string", ".lastUpdatedTime")]
[PrinterColumn(2, "Age", "date", ".metadata.creationTimestamp")]
[Description("ClusterResourcePlacementStatus mirrors the status of the ClusterResourcePlacement of the same name, so that users with access to the namespace can read it.")]
public sealed class ClusterResourcePlacementStatus : KubeObject
{
    [Description("A copy of the ClusterResourcePlacement status, without its StatusSynced condition.")]
    public PlacementStatus? SourceStatus { get; set; }

    [Format("date-time")]
    [Description("When this object was last created or updated.")]
    public DateTimeOffset? LastUpdatedTime { get; set; }
}
