using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// Admission of ClusterResourceOverride and ResourceOverride creates and updates (placement spec §6.1): the CEL rules,
/// then upstream's webhook, which also needs the overrides that already exist (count limit, one override per resource).
/// </summary>
public static class OverrideValidator
{
    /// <summary>At most this many ClusterResourceOverrides in the fleet, and ResourceOverrides per namespace.</summary>
    public const int MaxOverrides = 100;

    /// <summary>Admits a CRO create (<paramref name="old"/> null) or update.</summary>
    /// <param name="cro">The override as it would be stored.</param>
    /// <param name="old">The stored override on an update; null on a create.</param>
    /// <param name="existing">Every ClusterResourceOverride on the hub (the one being updated may be among them).</param>
    public static AdmissionResult Validate(ClusterResourceOverride cro, ClusterResourceOverride? old, IReadOnlyCollection<ClusterResourceOverride> existing)
    {
        ArgumentNullException.ThrowIfNull(cro);
        ArgumentNullException.ThrowIfNull(existing);
        var causes = new List<StatusCause>();
        if (old is not null && !SamePlacement(old.Spec.Placement, cro.Spec.Placement))
        {
            causes.Add(FieldError.Cel("spec", "object", CelRules.OverridePlacementImmutableMessage));
        }
        if (cro.Spec.Placement?.Scope == PlacementRefScope.Namespaced)
        {
            causes.Add(FieldError.Cel("spec.placement", "object", CelRules.ClusterOverridePlacementNotNamespacedMessage));
        }
        if (causes.Count > 0)
        {
            return AdmissionResult.Invalid(causes);
        }

        const string webhook = PlacementWebhooks.ClusterResourceOverride;
        if (old is null && existing.Count >= MaxOverrides)
        {
            return AdmissionResult.Deny(webhook, "clusterResourceOverride limit has been reached: at most 100 cluster resources can be created.");
        }

        var errors = new GoErrorList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selector in cro.Spec.ClusterResourceSelectors)
        {
            var text = PlacementFormat.Term(selector);
            if (selector.LabelSelector is not null)
            {
                errors.Add($"label selector is not supported for resource selection {text}");
                continue;
            }
            if (string.IsNullOrEmpty(selector.Name))
            {
                errors.Add($"resource name is required for resource selection {text}");
                continue;
            }
            if (!seen.Add(text))
            {
                errors.Add($"resource selector {text} already exists, and must be unique");
            }
        }

        // One resource may be selected by one override only.
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var other in existing.Where(o => o.Metadata.Name != cro.Metadata.Name))
        {
            foreach (var selector in other.Spec.ClusterResourceSelectors)
            {
                owners[PlacementFormat.Term(selector)] = other.Metadata.Name ?? "";
            }
        }
        foreach (var selector in cro.Spec.ClusterResourceSelectors)
        {
            var text = PlacementFormat.Term(selector);
            if (owners.TryGetValue(text, out var owner))
            {
                errors.Add($"invalid resource selector {text}: the resource has been selected by both {cro.Metadata.Name} and {owner}, which is not supported");
            }
        }

        errors.Add(ValidatePolicy(cro.Spec.Policy));
        return errors.ToAggregate() is { } error
            ? AdmissionResult.Deny(webhook, error.Message)
            : AdmissionResult.Allow(webhook, "clusterResourceOverride has valid fields");
    }

    /// <summary>Admits an RO create (<paramref name="old"/> null) or update.</summary>
    /// <param name="ro">The override as it would be stored.</param>
    /// <param name="old">The stored override on an update; null on a create.</param>
    /// <param name="existing">The ResourceOverrides of the RO's namespace (the one being updated may be among them).</param>
    public static AdmissionResult Validate(ResourceOverride ro, ResourceOverride? old, IReadOnlyCollection<ResourceOverride> existing)
    {
        ArgumentNullException.ThrowIfNull(ro);
        ArgumentNullException.ThrowIfNull(existing);
        if (old is not null && !SamePlacement(old.Spec.Placement, ro.Spec.Placement))
        {
            return AdmissionResult.Invalid([FieldError.Cel("spec", "object", CelRules.OverridePlacementImmutableMessage)]);
        }

        const string webhook = PlacementWebhooks.ResourceOverride;
        var inNamespace = existing.Where(o => o.Metadata.Namespace == ro.Metadata.Namespace).ToList();
        if (old is null && inNamespace.Count >= MaxOverrides)
        {
            return AdmissionResult.Deny(webhook, "resourceOverride limit has been reached: at most 100 resources can be created.");
        }

        var errors = new GoErrorList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var selector in ro.Spec.ResourceSelectors)
        {
            var text = PlacementFormat.Selector(selector);
            if (!seen.Add(text))
            {
                errors.Add($"resource selector {text} already exists, and must be unique");
            }
        }

        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var other in inNamespace.Where(o => o.Metadata.Name != ro.Metadata.Name))
        {
            foreach (var selector in other.Spec.ResourceSelectors)
            {
                owners[PlacementFormat.Selector(selector)] = other.Metadata.Name ?? "";
            }
        }
        foreach (var selector in ro.Spec.ResourceSelectors)
        {
            var text = PlacementFormat.Selector(selector);
            if (owners.TryGetValue(text, out var owner))
            {
                errors.Add($"invalid resource selector {text}: the resource has been selected by both {ro.Metadata.Name} and {owner}, which is not supported");
            }
        }

        errors.Add(ValidatePolicy(ro.Spec.Policy));
        return errors.ToAggregate() is { } error
            ? AdmissionResult.Deny(webhook, error.Message)
            : AdmissionResult.Allow(webhook, "resourceOverride has valid fields");
    }

    private static bool SamePlacement(PlacementRef? old, PlacementRef? current) =>
        (old, current) switch
        {
            (null, null) => true,
            (not null, not null) => old.Name == current.Name && (old.Scope ?? PlacementRefScope.Cluster) == (current.Scope ?? PlacementRefScope.Cluster),
            _ => false,
        };

    private static GoError? ValidatePolicy(OverridePolicy policy)
    {
        var errors = new GoErrorList();
        foreach (var rule in policy.OverrideRules)
        {
            foreach (var term in rule.ClusterSelector?.ClusterSelectorTerms ?? [])
            {
                if (term.PropertySelector is not null || term.PropertySorter is not null)
                {
                    errors.Add($"invalid clusterSelector {PlacementFormat.ClusterSelectorTerm(term)}: only labelSelector is supported");
                    continue;
                }
                if (term.LabelSelector is null)
                {
                    errors.Add($"invalid clusterSelector {PlacementFormat.ClusterSelectorTerm(term)}: labelSelector is required");
                }
                else if (GoFormat.LabelSelectorError(term.LabelSelector) is { } selectorError)
                {
                    errors.Add($"the labelSelector in cluster selector {GoFormat.LabelSelector(term.LabelSelector)} is invalid: {selectorError}");
                }
            }

            switch (rule.OverrideType ?? OverrideType.JsonPatch)
            {
                case OverrideType.Delete:
                    if (rule.JsonPatchOverrides is { Count: > 0 })
                    {
                        errors.Add("invalid JSONPatchOverrides: JSONPatchOverrides cannot be set when the override type is Delete");
                    }
                    break;
                case OverrideType.JsonPatch:
                    errors.Add(ValidatePatches(rule.JsonPatchOverrides));
                    break;
            }
        }
        return errors.ToAggregate();
    }

    private static GoError? ValidatePatches(List<JsonPatchOverride>? patches)
    {
        if (patches is not { Count: > 0 })
        {
            return GoError.New("invalid JSONPatchOverrides: JSONPatchOverrides cannot be empty");
        }
        var errors = new GoErrorList();
        foreach (var patch in patches)
        {
            if (PathError(patch.Path) is { } pathError)
            {
                errors.Add($"invalid JSONPatchOverride {PlacementFormat.Patch(patch)}: {pathError}");
            }
            if (patch.Operator == JsonPatchOperator.Remove && patch.Value is not null)
            {
                errors.Add($"invalid JSONPatchOverride {PlacementFormat.Patch(patch)}: remove operation cannot have value");
            }
        }
        return errors.ToAggregate();
    }

    // Which JSON pointers an override may target: not the type meta, not status, and of metadata only labels and
    // annotations.
    private static string? PathError(string path)
    {
        if (path.Length == 0)
        {
            return "path cannot be empty";
        }
        if (!path.StartsWith('/'))
        {
            return "path must start with /";
        }
        var parts = path[1..].Split('/');
        switch (parts[0])
        {
            case "kind" or "apiVersion":
                return "cannot override typeMeta fields";
            case "metadata":
                if (parts.Length == 1)
                {
                    return "cannot override field metadata";
                }
                if (parts[1] is not ("annotations" or "labels"))
                {
                    return "cannot override metadata fields except annotations and labels";
                }
                break;
            case "status":
                return "cannot override status fields";
        }
        return parts.Any(p => p.Trim().Length == 0) ? "path cannot contain empty string" : null;
    }
}
