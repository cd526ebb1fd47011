using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using Flotilla.ApiServer.Http;
using Flotilla.Client;

namespace Flotilla.Cli.Commands.Explain;

/// <summary>A ClusterResourcePlacement or ResourcePlacement read from a manifest, defaulted as the hub would.</summary>
/// <param name="Placement">The typed placement, with the API defaults applied.</param>
/// <param name="Kind">ClusterResourcePlacement or ResourcePlacement.</param>
/// <param name="Skipped">Other documents of the file, which <c>explain</c> ignores (e.g. "Namespace demo").</param>
/// <param name="UnknownFields">Fields the placement API does not have (typos, mostly), which the hub would drop: "spec.policy.numberOfCluster".</param>
internal sealed record ManifestPlacement(IPlacement Placement, PlacementKind Kind, IReadOnlyList<string> Skipped, IReadOnlyList<string> UnknownFields)
{
    public string Name => Placement.Metadata.Name ?? "";
}

/// <summary>
/// Reads <c>flotilla explain -f</c>'s manifest: YAML (one or more documents) or JSON (an object or a List), holding
/// exactly one placement of <c>placement.kubernetes-fleet.io/v1</c> or <c>v1beta1</c>. Then does what the hub's
/// admission would, in the same order: the schema's checks that matter here, the defaulter
/// (<see cref="PlacementDefaulter"/>), and the CEL rules and validating webhook (<see cref="PlacementValidator"/>).
/// </summary>
internal static class PlacementManifest
{
    /// <summary>Parses and defaults the placement; the schema checks run here, the validator in <see cref="Validate"/>.</summary>
    /// <param name="text">The file's content.</param>
    /// <param name="source">How to name the file in messages.</param>
    /// <param name="defaultNamespace">A ResourcePlacement's namespace when the manifest sets none.</param>
    /// <param name="requestedNamespace">The <c>-n</c> option, which must agree with the manifest's namespace.</param>
    /// <exception cref="ExplainException">The file is not a valid placement manifest; the message says where and why.</exception>
    public static ManifestPlacement Read(string text, string source, string defaultNamespace, string? requestedNamespace)
    {
        var documents = Documents(text, source);
        var placements = new List<JsonObject>();
        var skipped = new List<string>();
        foreach (var document in documents)
        {
            if (PlacementKind.FromManifestKind(document["kind"]?.GetValueKind() == JsonValueKind.String ? (string?)document["kind"] : null) is not null
                && ApiGroup(document) == PlacementApi.Group)
            {
                placements.Add(document);
            }
            else
            {
                skipped.Add($"{Text(document, "kind") ?? "(no kind)"} {Text(document["metadata"] as JsonObject, "name") ?? "(no name)"}".Trim());
            }
        }
        if (placements.Count != 1)
        {
            throw new ExplainException(placements.Count == 0
                ? $"{source}: no ClusterResourcePlacement or ResourcePlacement (apiVersion {PlacementApi.Group}/v1 or v1beta1) found{(skipped.Count > 0 ? "; it holds: " + string.Join(", ", skipped) : "")}"
                : $"{source}: {placements.Count} placements found; explain one at a time (put each in its own file)");
        }

        var obj = placements[0];
        var kind = PlacementKind.FromManifestKind((string?)obj["kind"])!;
        var apiVersion = Text(obj, "apiVersion") ?? "";
        var version = apiVersion[(apiVersion.IndexOf('/', StringComparison.Ordinal) + 1)..];
        if (!kind.ServedVersions.Contains(version))
        {
            throw new ExplainException($"{source}: {kind.Kind} is not served in {apiVersion}; use apiVersion {string.Join(" or ", kind.ServedVersions.Select(v => PlacementApi.Group + "/" + v))}");
        }

        IPlacement placement;
        try
        {
            placement = kind.ClusterScoped
                ? obj.Deserialize(PlacementJsonContext.Default.ClusterResourcePlacement)!
                : obj.Deserialize(PlacementJsonContext.Default.ResourcePlacement)!;
        }
        catch (JsonException e)
        {
            var path = (e.Path ?? "$").TrimStart('$').TrimStart('.');
            throw new ExplainException($"{source}: {kind.Kind} {(path.Length == 0 ? "" : path + ": ")}{Describe(e)}");
        }

        var unknown = new List<string>();
        var known = kind.ClusterScoped
            ? JsonSerializer.SerializeToNode((ClusterResourcePlacement)placement, PlacementJsonContext.Default.ClusterResourcePlacement)
            : JsonSerializer.SerializeToNode((ResourcePlacement)placement, PlacementJsonContext.Default.ResourcePlacement);
        UnknownFields(obj, known, "", unknown);

        var meta = placement.Metadata;
        if (string.IsNullOrEmpty(meta.Name))
        {
            throw new ExplainException($"{source}: {kind.Kind} metadata.name: Required value: name or generateName is required");
        }
        if (kind.ClusterScoped)
        {
            meta.Namespace = null;
        }
        else
        {
            if (!string.IsNullOrEmpty(requestedNamespace) && !string.IsNullOrEmpty(meta.Namespace) && requestedNamespace != meta.Namespace)
            {
                throw new ExplainException($"{source}: the namespace from the provided object \"{meta.Namespace}\" does not match the namespace \"{requestedNamespace}\". You must pass '--namespace={meta.Namespace}' to perform this operation.");
            }
            meta.Namespace = string.IsNullOrEmpty(meta.Namespace) ? (string.IsNullOrEmpty(requestedNamespace) ? defaultNamespace : requestedNamespace) : meta.Namespace;
        }

        // The hub defaults before it validates: the schema defaults, then (CRPs) the mutating webhook. ResourcePlacements
        // have no mutating webhook upstream, but their controllers apply the same defaults in memory.
        PlacementDefaulter.Default(placement);
        if (SchemaErrors(placement) is { Count: > 0 } errors)
        {
            throw new ExplainException(ApiException.Invalid(kind.Kind, PlacementApi.Group, meta.Name, errors).Message);
        }
        return new ManifestPlacement(placement, kind, skipped, unknown);
    }

    /// <summary>
    /// The fields of <paramref name="input"/> that the typed model did not keep (<paramref name="kept"/> is the model
    /// written back): what the API server prunes, and kubectl reports as <c>unknown field "…"</c>. Status is ignored.
    /// </summary>
    private static void UnknownFields(JsonNode? input, JsonNode? kept, string path, List<string> unknown)
    {
        switch (input)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var child = path.Length == 0 ? key : path + "." + key;
                    if (path.Length == 0 && key is "status" or "apiVersion" or "kind" || value is null)
                    {
                        continue;
                    }
                    if (kept is not JsonObject keptObj || !keptObj.TryGetPropertyValue(key, out var keptValue))
                    {
                        unknown.Add(child);
                        continue;
                    }
                    UnknownFields(value, keptValue, child, unknown);
                }
                break;
            case JsonArray array when kept is JsonArray keptArray:
                for (var i = 0; i < array.Count && i < keptArray.Count; i++)
                {
                    UnknownFields(array[i], keptArray[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", unknown);
                }
                break;
        }
    }

    /// <summary>A type mismatch in words ("Invalid value: expected an integer"), without the serializer's .NET type names.</summary>
    private static string Describe(JsonException e)
    {
        var message = e.Message;
        var marker = message.IndexOf("could not be converted to ", StringComparison.Ordinal);
        if (marker < 0)
        {
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            return cut > 0 ? message[..cut] : message;
        }
        var type = message[(marker + "could not be converted to ".Length)..];
        var expected = type switch
        {
            _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "an integer",
            _ when type.StartsWith("System.String", StringComparison.Ordinal) => "a string",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "a boolean",
            _ when type.Contains("List", StringComparison.Ordinal) => "a list",
            _ when type.Contains("Dictionary", StringComparison.Ordinal) => "a map",
            _ => "an object",
        };
        return "Invalid value: expected " + expected;
    }

    /// <summary>The CEL rules and the validating webhook, as the hub admits a create.</summary>
    /// <exception cref="ExplainException">The hub would refuse the placement; the message is the hub's.</exception>
    public static void Validate(ManifestPlacement manifest, IResourceScopeResolver scopes)
    {
        var validator = new PlacementValidator(scopes);
        var result = manifest.Placement switch
        {
            ClusterResourcePlacement crp => validator.Validate(crp, null),
            ResourcePlacement rp => validator.Validate(rp, null),
            _ => AdmissionResult.Allowed,
        };
        if (result.ToException(manifest.Kind.Kind, PlacementApi.Group, manifest.Name) is { } refused)
        {
            throw new ExplainException(refused.Message);
        }
    }

    /// <summary>
    /// The structural-schema checks of the fields the scheduler reads, with the API server's wording (the server's
    /// schema validator is not a library the CLI can call; the CEL rules and the webhook cover the rest).
    /// </summary>
    private static List<StatusCause> SchemaErrors(IPlacement placement)
    {
        var errors = new List<StatusCause>();
        var spec = placement.Spec;
        if (spec.ResourceSelectors is not { Count: > 0 })
        {
            errors.Add(FieldError.Required("spec.resourceSelectors"));
        }
        if (spec.Policy is not { } policy)
        {
            return errors;
        }
        Enum(errors, "spec.policy.placementType", policy.PlacementType, PlacementType.PickAll, PlacementType.PickN, PlacementType.PickFixed);
        if (policy.NumberOfClusters is < 0)
        {
            errors.Add(Minimum("spec.policy.numberOfClusters", policy.NumberOfClusters.Value, 0));
        }
        var constraints = policy.TopologySpreadConstraints ?? [];
        for (var i = 0; i < constraints.Count; i++)
        {
            var path = $"spec.policy.topologySpreadConstraints[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (string.IsNullOrEmpty(constraints[i].TopologyKey))
            {
                errors.Add(FieldError.Required(path + ".topologyKey"));
            }
            if (constraints[i].MaxSkew is < 1)
            {
                errors.Add(Minimum(path + ".maxSkew", constraints[i].MaxSkew!.Value, 1));
            }
            Enum(errors, path + ".whenUnsatisfiable", constraints[i].WhenUnsatisfiable, UnsatisfiableConstraintAction.DoNotSchedule, UnsatisfiableConstraintAction.ScheduleAnyway);
        }
        var preferred = policy.Affinity?.ClusterAffinity?.PreferredDuringSchedulingIgnoredDuringExecution ?? [];
        for (var i = 0; i < preferred.Count; i++)
        {
            var path = $"spec.policy.affinity.clusterAffinity.preferredDuringSchedulingIgnoredDuringExecution[{i.ToString(CultureInfo.InvariantCulture)}].weight";
            var weight = preferred[i].Weight;
            if (weight is < -100 or > 100)
            {
                errors.Add(weight < -100 ? Minimum(path, weight, -100) : Maximum(path, weight, 100));
            }
        }
        var tolerations = policy.Tolerations ?? [];
        for (var i = 0; i < tolerations.Count; i++)
        {
            var path = $"spec.policy.tolerations[{i.ToString(CultureInfo.InvariantCulture)}]";
            Enum(errors, path + ".operator", tolerations[i].Operator, TolerationOperator.Equal, TolerationOperator.Exists);
            if (!string.IsNullOrEmpty(tolerations[i].Effect))
            {
                Enum(errors, path + ".effect", tolerations[i].Effect, Api.Cluster.TaintEffect.NoSchedule);
            }
        }
        return errors;
    }

    private static void Enum(List<StatusCause> errors, string path, string? value, params string[] allowed)
    {
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            errors.Add(new StatusCause("FieldValueNotSupported",
                $"Unsupported value: {GoFormat.Quote(value)}: supported values: {string.Join(", ", allowed.Select(GoFormat.Quote))}", path));
        }
    }

    private static StatusCause Minimum(string path, long value, long minimum) =>
        FieldError.Invalid(path, value.ToString(CultureInfo.InvariantCulture), $"{path} in body should be greater than or equal to {minimum.ToString(CultureInfo.InvariantCulture)}");

    private static StatusCause Maximum(string path, long value, long maximum) =>
        FieldError.Invalid(path, value.ToString(CultureInfo.InvariantCulture), $"{path} in body should be less than or equal to {maximum.ToString(CultureInfo.InvariantCulture)}");

    private static string ApiGroup(JsonObject obj) => GroupVersionKind.FromApiVersion(Text(obj, "apiVersion") ?? "", "").Group;

    private static string? Text(JsonObject? obj, string key) =>
        obj?[key] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The file's objects: a JSON object (a List's items), or every non-empty YAML document.</summary>
    private static List<JsonObject> Documents(string text, string source)
    {
        var trimmed = text.TrimStart();
        List<JsonNode?> roots;
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                roots = [JsonNode.Parse(text)];
            }
            catch (JsonException e)
            {
                throw new ExplainException($"{source}: not valid JSON: {e.Message}");
            }
        }
        else
        {
            try
            {
                roots = [.. YamlJson.ParseDocuments(text)];
            }
            catch (FormatException e)
            {
                throw new ExplainException($"{source} {e.Message}");
            }
        }
        var objects = new List<JsonObject>();
        foreach (var root in roots)
        {
            switch (root)
            {
                case null:
                    break;
                case JsonObject list when Text(list, "kind") == "List" && list["items"] is JsonArray items:
                    objects.AddRange(items.OfType<JsonObject>());
                    break;
                case JsonObject obj:
                    objects.Add(obj);
                    break;
                default:
                    throw new ExplainException($"{source}: expected a Kubernetes object (a mapping with apiVersion and kind), found {root.GetValueKind().ToString().ToLowerInvariant()}");
            }
        }
        return objects;
    }
}
