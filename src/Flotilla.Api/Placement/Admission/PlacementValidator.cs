using System.Globalization;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// Admission of ClusterResourcePlacement and ResourcePlacement creates and updates, as a real hub decides them: first
/// the CEL rules of the CRD (422 Invalid), then upstream's validating webhook (403 with its exact message,
/// placement spec §1.3.5). Call it for writes of the main resource only: upstream registers neither for the status
/// subresource.
/// </summary>
/// <remarks>
/// Expects the object as the server holds it before validation, i.e. after schema defaulting (and, for CRPs, the
/// mutating webhook's <see cref="PlacementDefaulter"/>); unset fields that have schema defaults are read as those
/// defaults anyway. Pure: the only input besides the objects is the <see cref="IResourceScopeResolver"/>.
/// </remarks>
public sealed class PlacementValidator
{
    private const int MaxNameLength = 63;

    private readonly IResourceScopeResolver? _resolver;

    /// <param name="resolver">The hub's REST mapping; null while it is not ready (every selector then fails with "please retry").</param>
    public PlacementValidator(IResourceScopeResolver? resolver)
    {
        _resolver = resolver;
    }

    /// <summary>Admits a CRP create (<paramref name="old"/> null) or update.</summary>
    public AdmissionResult Validate(ClusterResourcePlacement placement, ClusterResourcePlacement? old) =>
        Validate(placement, old, clusterScoped: true);

    /// <summary>Admits an RP create (<paramref name="old"/> null) or update.</summary>
    public AdmissionResult Validate(ResourcePlacement placement, ResourcePlacement? old) =>
        Validate(placement, old, clusterScoped: false);

    /// <summary>The webhook's field checks alone (no CEL rules, no update checks): the error text, or null when valid.</summary>
    public string? ValidateFields(IPlacement placement, bool clusterScoped) => FieldErrors(placement, clusterScoped)?.Message;

    private AdmissionResult Validate(IPlacement placement, IPlacement? old, bool clusterScoped)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var causes = PlacementRules.Evaluate(placement.Spec, old?.Spec, clusterScoped);
        if (causes.Count > 0)
        {
            return AdmissionResult.Invalid(causes);
        }

        var webhook = clusterScoped ? PlacementWebhooks.ClusterResourcePlacement : PlacementWebhooks.ResourcePlacement;
        var kind = clusterScoped ? "CRP" : "RP";
        if (old is not null)
        {
            // An object that became invalid (e.g. its selected kind was removed) may still be updated while it is
            // being deleted, so its finalizers can be removed.
            if (FieldErrors(old, clusterScoped) is { } oldError)
            {
                return placement.Metadata.DeletionTimestamp is not null
                    ? AdmissionResult.Allow(webhook, $"allow update on old invalid v1beta1 {kind} with DeletionTimestamp set")
                    : AdmissionResult.Deny(webhook, $"deny update on old invalid v1beta1 {kind} with DeletionTimestamp not set {oldError.Message}");
            }
            if (PolicyValidation.IsPlacementTypeUpdated(old.Spec.Policy, placement.Spec.Policy))
            {
                return AdmissionResult.Deny(webhook, "placement type is immutable");
            }
            if (PolicyValidation.AreTolerationsUpdatedOrDeleted(old.Spec.Policy?.Tolerations, placement.Spec.Policy?.Tolerations))
            {
                return AdmissionResult.Deny(webhook, "tolerations have been updated/deleted, only additions to tolerations are allowed");
            }
        }
        if (FieldErrors(placement, clusterScoped) is { } error)
        {
            return AdmissionResult.Deny(webhook, $"deny create/update v1beta1 {kind} has invalid fields {error.Message}");
        }
        return AdmissionResult.Allow(webhook, $"any user is allowed to modify v1beta1 {kind}");
    }

    private GoError? FieldErrors(IPlacement placement, bool clusterScoped)
    {
        var errors = new GoErrorList();
        if ((placement.Metadata.Name ?? "").Length > MaxNameLength)
        {
            errors.Add($"the name field cannot have length exceeding {MaxNameLength}");
        }

        var spec = placement.Spec;
        // A NamespaceWithResourceSelectors namespace lets a CRP select namespaced kinds inside it.
        var hasNamespaceWithResourceSelectors = spec.ResourceSelectors.Any(PlacementRules.IsNamespaceWithResourceSelectors);
        foreach (var selector in spec.ResourceSelectors)
        {
            if (selector.LabelSelector is not null)
            {
                if (!string.IsNullOrEmpty(selector.Name))
                {
                    errors.Add($"the labelSelector and name fields are mutually exclusive in selector {PlacementFormat.Term(selector)}");
                }
                if (GoFormat.LabelSelectorError(selector.LabelSelector) is { } selectorError)
                {
                    errors.Add($"the labelSelector in resource selector {GoFormat.LabelSelector(selector.LabelSelector)} is invalid: {selectorError}");
                }
            }

            if (_resolver is null)
            {
                errors.Add("cannot perform resource scope check for now, please retry");
                continue;
            }
            if (!_resolver.TryResolve(selector.Group, selector.Version, selector.Kind, out var namespaced))
            {
                // Upstream stops here: nothing else is checked once a selector cannot be mapped.
                errors.Add("failed to get GVR of the selector: " + GoFormat.NoKindMatch(selector.Group, selector.Version, selector.Kind));
                return errors.ToAggregate();
            }
            var gvk = GoFormat.Gvk(selector.Group, selector.Version, selector.Kind);
            if (clusterScoped && namespaced && !hasNamespaceWithResourceSelectors)
            {
                errors.Add($"the resource is not found in schema (please retry) or it is not a cluster scoped resource: {gvk}");
            }
            if (!clusterScoped && !namespaced)
            {
                errors.Add($"the resource is not found in schema (please retry) or it is a cluster scoped resource: {gvk}");
            }
        }

        if (spec.Policy is not null && PolicyValidation.Validate(spec.Policy) is { } policyError)
        {
            errors.Add(GoError.Wrap("the placement policy field is invalid: ", policyError));
        }
        if (ValidateStrategy(spec.Strategy) is { } strategyError)
        {
            // Two spaces before "is", as upstream.
            errors.Add(GoError.Wrap("the rollout Strategy field  is invalid: ", strategyError));
        }
        return errors.ToAggregate();
    }

    private static GoError? ValidateStrategy(RolloutStrategy? strategy)
    {
        if (strategy is null)
        {
            return null;
        }
        var errors = new GoErrorList();
        if (!string.IsNullOrEmpty(strategy.Type) && strategy.Type is not (RolloutStrategyType.RollingUpdate or RolloutStrategyType.External))
        {
            errors.Add($"unsupported rollout strategy type `{strategy.Type}`");
        }
        if (strategy.RollingUpdate is { } rollingUpdate)
        {
            if (strategy.Type == RolloutStrategyType.External)
            {
                // "Conifg" is upstream's spelling.
                errors.Add("rollingUpdateConifg is not valid for ExternalRollout strategy type");
            }
            if (rollingUpdate.UnavailablePeriodSeconds is < 0)
            {
                errors.Add($"unavailablePeriodSeconds must be greater than or equal to 0, got {rollingUpdate.UnavailablePeriodSeconds.Value.ToString(CultureInfo.InvariantCulture)}");
            }
            ValidateIntOrPercent(rollingUpdate.MaxUnavailable, "maxUnavailable", errors);
            ValidateIntOrPercent(rollingUpdate.MaxSurge, "maxSurge", errors);
        }
        if (strategy.ApplyStrategy is { } apply && apply.Type != ApplyStrategyType.ServerSideApply && apply.ServerSideApplyConfig is not null)
        {
            errors.Add("serverSideApplyConfig is only valid for ServerSideApply strategy type");
        }
        return errors.ToAggregate();
    }

    // Upstream scales the value against 10 clusters to see that it is a well-formed, non-negative int or percent.
    private static void ValidateIntOrPercent(IntOrString? value, string field, GoErrorList errors)
    {
        if (value is not { } v)
        {
            return;
        }
        var scaled = ScaleAgainstTen(v, out var error);
        if (error is not null)
        {
            errors.Add($"{field} `{v}` is invalid: {error}");
        }
        if (scaled < 0)
        {
            errors.Add($"{field} must be greater than or equal to 0, got `{v}`");
        }
    }

    // intstr.GetScaledValueFromIntOrPercent(value, 10, roundUp: true) with its error texts.
    private static long ScaleAgainstTen(IntOrString value, out string? error)
    {
        error = null;
        if (value.IntValue is int number)
        {
            return number;
        }
        var text = value.StringValue ?? "";
        if (!text.EndsWith('%'))
        {
            error = "invalid value for IntOrString: invalid type: string is not a percentage";
            return 0;
        }
        var digits = text[..^1];
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var percent))
        {
            // strconv.Atoi tells a well-formed number that overflows apart from a malformed one.
            var unsigned = digits.Length > 0 && digits[0] is '+' or '-' ? digits[1..] : digits;
            var overflow = unsigned.Length > 0 && unsigned.All(char.IsAsciiDigit);
            error = $"invalid value for IntOrString: invalid value {GoFormat.Quote(text)}: strconv.Atoi: parsing {GoFormat.Quote(digits)}: {(overflow ? "value out of range" : "invalid syntax")}";
            return 0;
        }
        return (long)Math.Ceiling(percent * 10.0 / 100.0);
    }
}
