using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// Admission of ClusterResourcePlacementEviction and ClusterResourcePlacementDisruptionBudget (placement spec §6.2,
/// §6.3). The webhook parts read the targeted ClusterResourcePlacement, which the caller looks up (null when it does
/// not exist): both webhooks admit requests about a placement that does not exist.
/// </summary>
public static class EvictionValidator
{
    /// <summary>Admits an eviction create (<paramref name="old"/> null) or update.</summary>
    /// <param name="eviction">The eviction as it would be stored.</param>
    /// <param name="old">The stored eviction on an update; null on a create.</param>
    /// <param name="placement">The ClusterResourcePlacement named by <c>spec.placementName</c>, or null if there is none.</param>
    public static AdmissionResult ValidateEviction(ClusterResourcePlacementEviction eviction, ClusterResourcePlacementEviction? old, ClusterResourcePlacement? placement)
    {
        ArgumentNullException.ThrowIfNull(eviction);
        if (old is not null)
        {
            var causes = new List<StatusCause>();
            if (old.Spec.PlacementName != eviction.Spec.PlacementName)
            {
                causes.Add(FieldError.Cel("spec.placementName", "string", CelRules.EvictionPlacementNameImmutableMessage));
            }
            if (old.Spec.ClusterName != eviction.Spec.ClusterName)
            {
                causes.Add(FieldError.Cel("spec.clusterName", "string", CelRules.EvictionClusterNameImmutableMessage));
            }
            // Upstream's webhook is registered for CREATE only.
            return AdmissionResult.Invalid(causes);
        }

        const string webhook = PlacementWebhooks.ClusterResourcePlacementEviction;
        if (placement is null)
        {
            return AdmissionResult.Allowed;
        }
        if (placement.Metadata.DeletionTimestamp is not null)
        {
            return AdmissionResult.Deny(webhook, $"cluster resource placement {placement.Metadata.Name} is being deleted");
        }
        if (placement.Spec.Policy?.PlacementType == PlacementType.PickFixed)
        {
            return AdmissionResult.Deny(webhook, "cluster resource placement policy type PickFixed is not supported");
        }
        return AdmissionResult.Allowed;
    }

    /// <summary>Admits a disruption budget create (<paramref name="old"/> null) or update; every rule applies to both alike.</summary>
    /// <param name="budget">The budget as it would be stored.</param>
    /// <param name="old">The stored budget on an update; null on a create.</param>
    /// <param name="placement">The ClusterResourcePlacement of the same name, or null if there is none.</param>
    public static AdmissionResult ValidateDisruptionBudget(ClusterResourcePlacementDisruptionBudget budget, ClusterResourcePlacementDisruptionBudget? old, ClusterResourcePlacement? placement)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var spec = budget.Spec;
        var causes = new List<StatusCause>();
        if (spec.MaxUnavailable is not null && spec.MinAvailable is not null)
        {
            causes.Add(FieldError.Cel("spec", "object", CelRules.BudgetNotBothMessage));
        }
        // The values are int-or-string nodes, whose schema type upstream reports as the empty string.
        if (spec.MaxUnavailable is { } maxUnavailable && !IsValidBudgetValue(maxUnavailable))
        {
            causes.Add(FieldError.Cel("spec.maxUnavailable", "", CelRules.BudgetValueMessage));
        }
        if (spec.MinAvailable is { } minAvailable && !IsValidBudgetValue(minAvailable))
        {
            causes.Add(FieldError.Cel("spec.minAvailable", "", CelRules.BudgetValueMessage));
        }
        if (causes.Count > 0)
        {
            return AdmissionResult.Invalid(causes);
        }

        const string webhook = PlacementWebhooks.ClusterResourcePlacementDisruptionBudget;
        // Only PickAll needs checking: it has no target count to take a percentage of or to subtract from.
        if (placement is null || (placement.Spec.Policy?.PlacementType ?? PlacementType.PickAll) != PlacementType.PickAll)
        {
            return AdmissionResult.Allowed;
        }
        if (spec.MaxUnavailable is { } max)
        {
            return AdmissionResult.Deny(webhook, $"cluster resource placement policy type PickAll is not supported with any specified max unavailable {GoFormat.IntOrString(max)}");
        }
        if (spec.MinAvailable is { StringValue: not null } min)
        {
            return AdmissionResult.Deny(webhook, $"cluster resource placement policy type PickAll is not supported with min available as a percentage {GoFormat.IntOrString(min)}");
        }
        return AdmissionResult.Allowed;
    }

    // type(self) == string ? self.matches('^(100|[0-9]{1,2})%$') : self >= 0
    private static bool IsValidBudgetValue(IntOrString value)
    {
        if (value.IntValue is int number)
        {
            return number >= 0;
        }
        var text = value.StringValue ?? "";
        if (!text.EndsWith('%'))
        {
            return false;
        }
        var digits = text[..^1];
        return digits == "100" || (digits.Length is 1 or 2 && digits.All(char.IsAsciiDigit));
    }
}
