using System.Globalization;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// Evaluates the CEL rules declared on ClusterResourcePlacement and ResourcePlacement (<see cref="CelRules"/>) the
/// way a real API server does after defaulting, reporting each failure at the path of the node that declares it.
/// </summary>
/// <remarks>
/// Transition rules (those reading <c>oldSelf</c>) run only on updates, and only when the node exists in both the old
/// and the new object — so, as upstream, a nil policy becoming PickN is not caught here (the webhook catches it).
/// Unset fields with a schema default are read as that default, since the server defaults before it validates.
/// </remarks>
internal static class PlacementRules
{
    public static List<StatusCause> Evaluate(PlacementSpec spec, PlacementSpec? old, bool clusterScoped)
    {
        var errors = new List<StatusCause>();

        // Rules on spec: those declared on the placement's spec field, then PlacementSpec's own.
        if (old is not null && old.Policy is not null && spec.Policy is null)
        {
            errors.Add(FieldError.Cel("spec", "object", CelRules.PolicyNotRemovableMessage));
        }
        if (clusterScoped)
        {
            if (ScopeOf(spec) == StatusReportingScope.NamespaceAccessible && spec.ResourceSelectors.Count(s => s.Kind == "Namespace") != 1)
            {
                errors.Add(FieldError.Cel("spec", "object", CelRules.NamespaceAccessibleNeedsOneNamespaceMessage));
            }
            if (old?.StatusReportingScope is not null && ScopeOf(spec) != old.StatusReportingScope)
            {
                errors.Add(FieldError.Cel("spec", "object", CelRules.StatusReportingScopeImmutableMessage));
            }
        }
        var withResourceSelectors = spec.ResourceSelectors.Count(IsNamespaceWithResourceSelectors);
        if (withResourceSelectors > 1)
        {
            errors.Add(FieldError.Cel("spec", "object", CelRules.OneNamespaceWithResourceSelectorsMessage));
        }
        if (spec.ResourceSelectors.Any(s => IsNamespaceWithResourceSelectors(s) && (string.IsNullOrEmpty(s.Name) || s.LabelSelector is not null)))
        {
            errors.Add(FieldError.Cel("spec", "object", CelRules.NamespaceWithResourceSelectorsByNameMessage));
        }
        if (withResourceSelectors > 0 && spec.ResourceSelectors.Count(IsNamespaceSelector) != 1)
        {
            errors.Add(FieldError.Cel("spec", "object", CelRules.NamespaceWithResourceSelectorsAloneMessage));
        }

        if (spec.ResourceSelectors.Any(s => !string.IsNullOrEmpty(s.Name) && s.LabelSelector is not null))
        {
            errors.Add(FieldError.Cel("spec.resourceSelectors", "array", CelRules.NameXorLabelSelectorMessage));
        }

        if (spec.Policy is { } policy)
        {
            EvaluatePolicy(policy, old?.Policy, errors);
        }

        if (spec.Strategy is { } strategy)
        {
            if (old?.Strategy?.Type == RolloutStrategyType.External && (strategy.Type ?? RolloutStrategyType.RollingUpdate) != RolloutStrategyType.External)
            {
                errors.Add(FieldError.Cel("spec.strategy", "object", CelRules.ExternalIsFinalMessage));
            }
            if (strategy.ReportBackStrategy is { Type: ReportBackStrategyType.Mirror, Destination: null })
            {
                errors.Add(FieldError.Cel("spec.strategy.reportBackStrategy", "object", CelRules.MirrorNeedsDestinationMessage));
            }
        }
        return errors;
    }

    private static void EvaluatePolicy(PlacementPolicy policy, PlacementPolicy? old, List<StatusCause> errors)
    {
        var type = policy.PlacementType ?? PlacementType.PickAll;
        if (old is not null && (old.PlacementType ?? PlacementType.PickAll) != type)
        {
            errors.Add(FieldError.Cel("spec.policy", "object", CelRules.PlacementTypeImmutableMessage));
        }
        switch (type)
        {
            case PlacementType.PickFixed when policy.Affinity is not null || policy.NumberOfClusters is not null
                || policy.TopologySpreadConstraints is not null || policy.Tolerations is not null:
                errors.Add(FieldError.Cel("spec.policy", "object", CelRules.PickFixedFieldsMessage));
                break;
            case PlacementType.PickAll when policy.ClusterNames is not null || policy.NumberOfClusters is not null
                || policy.TopologySpreadConstraints is not null:
                errors.Add(FieldError.Cel("spec.policy", "object", CelRules.PickAllFieldsMessage));
                break;
            case PlacementType.PickN when policy.ClusterNames is not null || policy.NumberOfClusters is null:
                errors.Add(FieldError.Cel("spec.policy", "object", CelRules.PickNFieldsMessage));
                break;
        }

        var tolerations = policy.Tolerations ?? [];
        for (var i = 0; i < tolerations.Count; i++)
        {
            var toleration = tolerations[i];
            var path = "spec.policy.tolerations[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            var op = toleration.Operator ?? TolerationOperator.Equal;
            if (op == TolerationOperator.Exists && !string.IsNullOrEmpty(toleration.Value))
            {
                errors.Add(FieldError.Cel(path, "object", CelRules.ExistsHasNoValueMessage));
            }
            if (string.IsNullOrEmpty(toleration.Key) && op != TolerationOperator.Exists)
            {
                errors.Add(FieldError.Cel(path, "object", CelRules.EmptyKeyNeedsExistsMessage));
            }
        }
    }

    private static string ScopeOf(PlacementSpec spec) => spec.StatusReportingScope ?? StatusReportingScope.ClusterScopeOnly;

    internal static bool IsNamespaceSelector(ResourceSelectorTerm term) =>
        term.Group.Length == 0 && term.Version == "v1" && term.Kind == "Namespace";

    internal static bool IsNamespaceWithResourceSelectors(ResourceSelectorTerm term) =>
        IsNamespaceSelector(term) && term.SelectionScope == SelectionScope.NamespaceWithResourceSelectors;
}
