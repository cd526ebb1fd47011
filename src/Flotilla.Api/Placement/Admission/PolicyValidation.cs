using System.Globalization;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// The placement webhook's checks of <c>spec.policy</c> (placement spec §1.3.5), with upstream's messages and
/// aggregation. They overlap the CEL rules on purpose: Azure/fleet's CRDs lack those rules and rely on these.
/// </summary>
internal static class PolicyValidation
{
    private const int MaxNameLength = 63;

    public static GoError? Validate(PlacementPolicy policy)
    {
        // The schema defaults an unset type to PickAll before webhooks run.
        return (policy.PlacementType ?? PlacementType.PickAll) switch
        {
            PlacementType.PickFixed => ValidatePickFixed(policy),
            PlacementType.PickAll => ValidatePickAll(policy),
            PlacementType.PickN => ValidatePickN(policy),
            _ => null,
        };
    }

    /// <summary>True when the old and new policies have different placement types; an unset policy counts as PickAll.</summary>
    public static bool IsPlacementTypeUpdated(PlacementPolicy? old, PlacementPolicy? current) =>
        TypeOf(old) != TypeOf(current);

    // Both an unset policy and an unset type (the schema default) mean PickAll.
    private static string TypeOf(PlacementPolicy? policy) => policy?.PlacementType ?? PlacementType.PickAll;

    /// <summary>True when a toleration of the old policy is missing from (was changed or removed in) the new one.</summary>
    public static bool AreTolerationsUpdatedOrDeleted(List<Toleration>? old, List<Toleration>? current)
    {
        var remaining = (current ?? []).Select(Key).ToHashSet();
        return (old ?? []).Any(t => !remaining.Contains(Key(t)));
    }

    private static GoError? ValidatePickFixed(PlacementPolicy policy)
    {
        var errors = new GoErrorList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in policy.ClusterNames ?? [])
        {
            var nameErrors = NameValidation.IsDns1123Subdomain(name);
            if (nameErrors.Count > 0)
            {
                errors.Add($"PickFixed cluster name {name} is not a valid member name: {string.Join("; ", nameErrors)}");
            }
            if (name.Length > MaxNameLength)
            {
                errors.Add($"PickFixed cluster name {name} cannot have length exceeding {MaxNameLength}");
            }
            if (!seen.Add(name))
            {
                errors.Add($"cluster names must be unique for policy type {PlacementType.PickFixed}");
                break;
            }
        }
        if (policy.NumberOfClusters is not null)
        {
            errors.Add($"number of clusters must be nil for policy type {PlacementType.PickFixed}, only valid for PickN placement policy type");
        }
        if (policy.Affinity is not null)
        {
            errors.Add($"affinity must be nil for policy type {PlacementType.PickFixed}, only valid for PickAll/PickN placement policy types");
        }
        if (policy.TopologySpreadConstraints is { Count: > 0 })
        {
            errors.Add($"topology spread constraints needs to be empty for policy type {PlacementType.PickFixed}, only valid for PickN policy type");
        }
        if (policy.Tolerations is not null)
        {
            errors.Add($"tolerations needs to be empty for policy type {PlacementType.PickFixed}, only valid for PickAll/PickN");
        }
        return errors.ToAggregate();
    }

    private static GoError? ValidatePickAll(PlacementPolicy policy)
    {
        var errors = new GoErrorList();
        if (policy.ClusterNames is { Count: > 0 })
        {
            errors.Add($"cluster names needs to be empty for policy type {PlacementType.PickAll}, only valid for PickFixed policy type");
        }
        if (policy.NumberOfClusters is not null)
        {
            errors.Add($"number of clusters must be nil for policy type {PlacementType.PickAll}, only valid for PickN placement policy type");
        }
        if (policy.Affinity?.ClusterAffinity is { } affinity)
        {
            errors.Add(ValidateClusterAffinity(affinity, PlacementType.PickAll));
        }
        if (policy.TopologySpreadConstraints is { Count: > 0 })
        {
            errors.Add($"topology spread constraints needs to be empty for policy type {PlacementType.PickAll}, only valid for PickN policy type");
        }
        errors.Add(ValidateTolerations(policy.Tolerations));
        return errors.ToAggregate();
    }

    private static GoError? ValidatePickN(PlacementPolicy policy)
    {
        var errors = new GoErrorList();
        if (policy.ClusterNames is { Count: > 0 })
        {
            errors.Add($"cluster names needs to be empty for policy type {PlacementType.PickN}, only valid for PickFixed policy type");
        }
        if (policy.NumberOfClusters is int n)
        {
            if (n < 0)
            {
                errors.Add($"number of clusters cannot be {n.ToString(CultureInfo.InvariantCulture)} for policy type {PlacementType.PickN}");
            }
        }
        else
        {
            errors.Add($"number of cluster cannot be nil for policy type {PlacementType.PickN}");
        }
        if (policy.Affinity?.ClusterAffinity is { } affinity)
        {
            errors.Add(ValidateClusterAffinity(affinity, PlacementType.PickN));
        }
        if (policy.TopologySpreadConstraints is { Count: > 0 } constraints)
        {
            var constraintErrors = new GoErrorList();
            foreach (var constraint in constraints)
            {
                if (!string.IsNullOrEmpty(constraint.WhenUnsatisfiable)
                    && constraint.WhenUnsatisfiable is not (UnsatisfiableConstraintAction.DoNotSchedule or UnsatisfiableConstraintAction.ScheduleAnyway))
                {
                    constraintErrors.Add($"unknown unsatisfiable type {constraint.WhenUnsatisfiable}");
                }
            }
            errors.Add(constraintErrors.ToAggregate());
        }
        errors.Add(ValidateTolerations(policy.Tolerations));
        return errors.ToAggregate();
    }

    private static GoError? ValidateClusterAffinity(ClusterAffinity affinity, string placementType)
    {
        var errors = new GoErrorList();
        if (affinity.RequiredDuringSchedulingIgnoredDuringExecution is { } required)
        {
            errors.Add(ValidateRequiredTerms(required));
        }
        if (affinity.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 } preferred)
        {
            errors.Add(placementType == PlacementType.PickAll
                ? GoError.New($"PreferredDuringSchedulingIgnoredDuringExecution will be ignored for placement policy type {placementType}")
                : ValidatePreferredTerms(preferred));
        }
        return errors.ToAggregate();
    }

    private static GoError? ValidateRequiredTerms(ClusterSelector selector)
    {
        var errors = new GoErrorList();
        foreach (var term in selector.ClusterSelectorTerms)
        {
            errors.Add(LabelSelectorError(term, "cluster selector"));
            if (term.PropertySorter is not null)
            {
                errors.Add("PropertySorter is not allowed for RequiredDuringSchedulingIgnoredDuringExecution affinity");
            }
            if (term.PropertySelector is { } propertySelector)
            {
                errors.Add(PropertyValidation.ValidateRequirements(propertySelector.MatchExpressions));
            }
        }
        return errors.ToAggregate();
    }

    private static GoError? ValidatePreferredTerms(List<PreferredClusterSelector> preferred)
    {
        var errors = new GoErrorList();
        foreach (var term in preferred)
        {
            errors.Add(LabelSelectorError(term.Preference, "preferred cluster selector"));
            if (term.Preference.PropertySelector is not null)
            {
                errors.Add("PropertySelector is not allowed for PreferredDuringSchedulingIgnoredDuringExecution affinity");
            }
            if (term.Preference.PropertySorter is { } sorter)
            {
                var sorterErrors = new GoErrorList();
                sorterErrors.Add(PropertyValidation.ValidateName(sorter.Name));
                if (sorter.SortOrder is not (PropertySortOrder.Descending or PropertySortOrder.Ascending))
                {
                    sorterErrors.Add($"invalid property sort order {sorter.SortOrder}");
                }
                errors.Add(sorterErrors.ToAggregate());
            }
        }
        return errors.ToAggregate();
    }

    private static GoError? LabelSelectorError(ClusterSelectorTerm term, string parent) =>
        GoFormat.LabelSelectorError(term.LabelSelector) is { } error
            ? GoError.New($"the labelSelector in {parent} {GoFormat.LabelSelector(term.LabelSelector)} is invalid: {error}")
            : null;

    private static GoError? ValidateTolerations(List<Toleration>? tolerations)
    {
        var errors = new GoErrorList();
        var seen = new HashSet<(string, string, string, string)>();
        foreach (var toleration in tolerations ?? [])
        {
            var text = PlacementFormat.Toleration(toleration);
            if (!string.IsNullOrEmpty(toleration.Key))
            {
                foreach (var message in NameValidation.IsQualifiedName(toleration.Key))
                {
                    errors.Add($"invalid toleration key {text}: {message}");
                }
            }
            switch (toleration.Operator)
            {
                case TolerationOperator.Exists when !string.IsNullOrEmpty(toleration.Value):
                    errors.Add($"invalid toleration {text}: toleration value needs to be empty, when operator is Exists");
                    break;
                case TolerationOperator.Equal:
                    if (string.IsNullOrEmpty(toleration.Key))
                    {
                        errors.Add($"invalid toleration {text}: toleration key cannot be empty, when operator is Equal");
                    }
                    foreach (var message in NameValidation.IsValidLabelValue(toleration.Value ?? ""))
                    {
                        errors.Add($"invalid toleration value {text}: {message}");
                    }
                    break;
            }
            if (!seen.Add(Key(toleration)))
            {
                errors.Add($"toleration {text} already exists, tolerations must be unique");
            }
        }
        return errors.ToAggregate();
    }

    // Go compares tolerations as structs, where an unset string is the empty string.
    private static (string, string, string, string) Key(Toleration t) => (t.Key ?? "", t.Operator ?? "", t.Value ?? "", t.Effect ?? "");
}
