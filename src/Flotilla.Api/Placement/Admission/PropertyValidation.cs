using System.Globalization;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// The webhook's checks of property selectors and sorters (placement spec §1.3.5): names, operators, quantity values,
/// and whether the requirements on one property can all hold at once.
/// </summary>
internal static class PropertyValidation
{
    /// <summary>Prefix of resource properties: <c>resources.kubernetes-fleet.io/&lt;capacityType&gt;-&lt;resource&gt;</c>.</summary>
    public const string ResourcePropertyPrefix = "resources.kubernetes-fleet.io/";

    // Sorted, as upstream prints them with %+v.
    private static readonly string[] CapacityTypes = ["allocatable", "available", "total"];

    private static readonly string[] Operators =
    [
        PropertySelectorOperator.GreaterThan, PropertySelectorOperator.GreaterThanOrEqualTo, PropertySelectorOperator.EqualTo,
        PropertySelectorOperator.NotEqualTo, PropertySelectorOperator.LessThan, PropertySelectorOperator.LessThanOrEqualTo,
    ];

    public static GoError? ValidateRequirements(List<PropertySelectorRequirement> requirements)
    {
        var errors = new GoErrorList();
        var parsed = new List<(PropertySelectorRequirement Requirement, Quantity Value)>();
        foreach (var requirement in requirements)
        {
            var valid = true;
            if (ValidateName(requirement.Name) is { } nameError)
            {
                errors.Add(GoError.Wrap($"invalid property name {requirement.Name}: ", nameError));
                valid = false;
            }
            if (!Operators.Contains(requirement.Operator, StringComparer.Ordinal))
            {
                errors.Add($"unsupported operator {requirement.Operator}");
                valid = false;
            }
            else if (requirement.Values.Count != 1)
            {
                errors.Add($"operator {requirement.Operator} requires exactly one value, got {requirement.Values.Count.ToString(CultureInfo.InvariantCulture)}");
                valid = false;
            }
            Quantity value = default;
            foreach (var text in requirement.Values)
            {
                if (!Quantity.TryParse(text, out value, out var error))
                {
                    errors.Add($"invalid values for property {requirement.Name}: value {GoFormat.Quote(text)} is not a valid resource.Quantity: {error}");
                    valid = false;
                    break;
                }
            }
            if (valid)
            {
                parsed.Add((requirement, value));
            }
        }

        // Requirements on the same property are ANDed; say so when they exclude every value. Only well-formed
        // requirements take part, and only properties with at least two of them.
        foreach (var group in parsed.GroupBy(p => p.Requirement.Name, StringComparer.Ordinal))
        {
            var list = group.ToList();
            if (list.Count >= 2 && Inconsistency(list) is { } reason)
            {
                errors.Add($"inconsistent requirements on property {group.Key}: {reason}");
            }
        }
        return errors.ToAggregate();
    }

    /// <summary>
    /// Validates a property name: a resource property (<c>resources.kubernetes-fleet.io/&lt;total|allocatable|available&gt;-&lt;name&gt;</c>)
    /// or an optional DNS subdomain prefix followed by qualified-name segments.
    /// </summary>
    public static GoError? ValidateName(string name)
    {
        if (name.StartsWith(ResourcePropertyPrefix, StringComparison.Ordinal))
        {
            var segments = name[ResourcePropertyPrefix.Length..].Split('-', 2);
            if (segments.Length != 2)
            {
                return GoError.New($"invalid resource property name {name}, expected format is [PREFIX]/[CAPACITY_TYPE]-[RESOURCE_NAME]");
            }
            if (!CapacityTypes.Contains(segments[0], StringComparer.Ordinal))
            {
                return GoError.New($"invalid capacity type in resource property name {name}, supported values are {GoFormat.Slice(CapacityTypes)}");
            }
            var errors = NameValidation.IsQualifiedName(name);
            return errors.Count == 0 ? null : GoError.New($"property name {name} is not valid: {string.Join("; ", errors)}");
        }

        var parts = name.Split('/');
        if (parts.Length <= 1)
        {
            var errors = NameValidation.IsQualifiedName(name);
            return errors.Count == 0 ? null : GoError.New($"property name {name} is not valid: {string.Join("; ", errors)}");
        }
        var prefix = parts[0];
        var subdomainErrors = NameValidation.IsDns1123Subdomain(prefix);
        var qualifiedErrors = NameValidation.IsQualifiedName(prefix);
        if (subdomainErrors.Count != 0 && qualifiedErrors.Count != 0)
        {
            return GoError.New($"property name first segment {prefix} is not valid: it is neither a valid DNS subdomain ({string.Join("; ", subdomainErrors)}) nor a valid qualified name ({string.Join("; ", qualifiedErrors)})");
        }
        foreach (var segment in parts.Skip(1))
        {
            var errors = NameValidation.IsQualifiedName(segment);
            if (errors.Count != 0)
            {
                return GoError.New($"property name segment {segment} is not valid: {string.Join("; ", errors)}");
            }
        }
        return null;
    }

    // Reports the first contradiction among ANDed requirements on one property, or null. Bounds are printed as the
    // user wrote them.
    private static string? Inconsistency(List<(PropertySelectorRequirement Requirement, Quantity Value)> requirements)
    {
        (Quantity Value, string Text)? eq = null;
        (Quantity Value, string Text, bool Strict)? lower = null;
        (Quantity Value, string Text, bool Strict)? upper = null;
        var notEqual = new List<(Quantity Value, string Text)>();
        foreach (var (requirement, value) in requirements)
        {
            var text = requirement.Values[0];
            switch (requirement.Operator)
            {
                case PropertySelectorOperator.EqualTo:
                    if (eq is { } existing && existing.Value.CompareTo(value) != 0)
                    {
                        return $"conflicting Eq values {existing.Text} and {text}";
                    }
                    eq ??= (value, text);
                    break;
                case PropertySelectorOperator.NotEqualTo:
                    notEqual.Add((value, text));
                    break;
                case PropertySelectorOperator.GreaterThan or PropertySelectorOperator.GreaterThanOrEqualTo:
                    var strictLower = requirement.Operator == PropertySelectorOperator.GreaterThan;
                    if (lower is not { } l || value.CompareTo(l.Value) > 0 || (value.CompareTo(l.Value) == 0 && strictLower))
                    {
                        lower = (value, text, strictLower);
                    }
                    break;
                case PropertySelectorOperator.LessThan or PropertySelectorOperator.LessThanOrEqualTo:
                    var strictUpper = requirement.Operator == PropertySelectorOperator.LessThan;
                    if (upper is not { } u || value.CompareTo(u.Value) < 0 || (value.CompareTo(u.Value) == 0 && strictUpper))
                    {
                        upper = (value, text, strictUpper);
                    }
                    break;
            }
        }
        if (eq is { } equal && notEqual.Any(n => n.Value.CompareTo(equal.Value) == 0))
        {
            return $"conflicting Eq and Ne on same value {equal.Text}";
        }
        if (lower is { } low && upper is { } high)
        {
            var order = low.Value.CompareTo(high.Value);
            if (order > 0 || (order == 0 && (low.Strict || high.Strict)))
            {
                return $"lower bound ({low.Text}) and upper bound ({high.Text}) exclude all values";
            }
        }
        if (eq is { } e)
        {
            if (lower is { } bound && (e.Value.CompareTo(bound.Value) < 0 || (e.Value.CompareTo(bound.Value) == 0 && bound.Strict)))
            {
                return $"eq value {e.Text} violates lower bound {bound.Text}";
            }
            if (upper is { } top && (e.Value.CompareTo(top.Value) > 0 || (e.Value.CompareTo(top.Value) == 0 && top.Strict)))
            {
                return $"eq value {e.Text} violates upper bound {top.Text}";
            }
        }
        return null;
    }
}
