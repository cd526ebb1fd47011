using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// Validates an <c>apiextensions.k8s.io/v1 CustomResourceDefinition</c> as upstream does on create and update:
/// metadata and naming, group, scope, versions (storage, names, schemas), the structural shape of each schema,
/// subresources and printer columns. Run <see cref="CrdDefaults.Apply"/> first, as upstream defaults before it
/// validates. Name conflicts with other resources are not checked here: they depend on what the server serves.
/// </summary>
internal static class CrdValidation
{
    private static readonly string[] Scopes = ["Cluster", "Namespaced"];
    private static readonly string[] ConversionStrategies = ["None", "Webhook"];
    private static readonly string[] SchemaTypes = ["array", "boolean", "integer", "number", "object", "string"];
    private static readonly string[] ListTypes = ["atomic", "map", "set"];
    private static readonly string[] ColumnTypes = ["boolean", "date", "integer", "number", "string"];
    private static readonly string[] ColumnFormats = ["byte", "date", "date-time", "double", "float", "int32", "int64", "password"];

    // Keywords OpenAPI v3 has but CRD schemas may not use, with upstream's reasons.
    private static readonly (string Key, string Message)[] UnsupportedKeywords =
    [
        ("id", "id is not supported"),
        ("additionalItems", "additionalItems is not supported"),
        ("patternProperties", "patternProperties is not supported"),
        ("definitions", "definitions is not supported"),
        ("dependencies", "dependencies is not supported"),
        ("$ref", "$ref is not supported"),
    ];

    private enum Level
    {
        Root,
        Field,
        Item,
    }

    /// <summary>All causes for a CRD being created; empty when it is acceptable.</summary>
    public static List<StatusCause> Validate(JsonObject crd)
    {
        var causes = new List<StatusCause>();
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var plural = JsonKinds.Text(names["plural"]);
        var group = JsonKinds.Text(spec["group"]);

        causes.AddRange(ObjectMetaValidation.Validate(crd["metadata"] as JsonObject, NameKind.Dns1123Subdomain, namespaced: false));
        var name = JsonKinds.Text(crd.At("metadata", "name"));
        if (name.Length > 0 && name != plural + "." + group)
        {
            causes.Add(FieldErrors.Invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
        }

        ValidateGroup(group, causes);
        ValidateEnum("spec.scope", JsonKinds.Text(spec["scope"]), Scopes, required: true, causes);
        ValidateVersions(spec["versions"] as JsonArray ?? [], causes);
        ValidateNames(names, causes);
        if (spec["conversion"] is JsonObject conversion)
        {
            ValidateEnum("spec.conversion.strategy", JsonKinds.Text(conversion["strategy"]), ConversionStrategies, required: true, causes);
        }
        return causes;
    }

    /// <summary>
    /// Causes for replacing <paramref name="old"/> with <paramref name="crd"/>: everything <see cref="Validate"/>
    /// checks, plus the fields that name the stored resource (group, plural) and, once established, its scope and kind.
    /// </summary>
    public static List<StatusCause> ValidateUpdate(JsonObject crd, JsonObject old)
    {
        var causes = Validate(crd);
        Immutable("spec.group", crd.At("spec", "group"), old.At("spec", "group"), causes);
        Immutable("spec.names.plural", crd.At("spec", "names", "plural"), old.At("spec", "names", "plural"), causes);
        var established = (old.At("status", "conditions") as JsonArray)?.OfType<JsonObject>()
            .Any(c => JsonKinds.Text(c["type"]) == "Established" && JsonKinds.Text(c["status"]) == "True") == true;
        if (established)
        {
            Immutable("spec.scope", crd.At("spec", "scope"), old.At("spec", "scope"), causes);
            Immutable("spec.names.kind", crd.At("spec", "names", "kind"), old.At("spec", "names", "kind"), causes);
        }
        return causes;
    }

    private static void Immutable(string field, JsonNode? now, JsonNode? before, List<StatusCause> causes)
    {
        if (!JsonNode.DeepEquals(now, before))
        {
            causes.Add(FieldErrors.Invalid(field, now, "field is immutable"));
        }
    }

    private static void ValidateGroup(string group, List<StatusCause> causes)
    {
        if (group.Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.group"));
            return;
        }
        var errs = NameValidation.IsDns1123Subdomain(group);
        if (errs.Count > 0)
        {
            causes.Add(FieldErrors.Invalid("spec.group", group, string.Join(",", errs)));
        }
        else if (!group.Contains('.', StringComparison.Ordinal))
        {
            causes.Add(FieldErrors.Invalid("spec.group", group, "should be a domain with at least one dot"));
        }
    }

    private static void ValidateEnum(string field, string value, string[] accepted, bool required, List<StatusCause> causes)
    {
        if (value.Length == 0)
        {
            if (required)
            {
                causes.Add(FieldErrors.Required(field));
            }
        }
        else if (!accepted.Contains(value, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.NotSupported(field, value, accepted));
        }
    }

    private static void ValidateVersions(JsonArray versions, List<StatusCause> causes)
    {
        var storageCount = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unique = true;
        for (var i = 0; i < versions.Count; i++)
        {
            var path = $"spec.versions[{i}]";
            var version = versions[i] as JsonObject ?? [];
            var name = JsonKinds.Text(version["name"]);
            storageCount += JsonKinds.IsTrue(version["storage"]) ? 1 : 0;
            unique &= seen.Add(name);
            var nameErrors = NameValidation.IsDns1035Label(name);
            if (nameErrors.Count > 0)
            {
                causes.Add(FieldErrors.Invalid(path + ".name", name, string.Join(",", nameErrors)));
            }

            // v1 requires a schema for every version, served or not.
            if (version.At("schema", "openAPIV3Schema") is JsonObject schema)
            {
                var schemaPath = path + ".schema.openAPIV3Schema";
                if (JsonKinds.IsTrue(schema["nullable"]))
                {
                    causes.Add(FieldErrors.Forbidden(schemaPath + ".nullable", "nullable cannot be true at the root"));
                }
                ValidateSchema(schema, schemaPath, Level.Root, skeleton: true, causes);
            }
            else
            {
                causes.Add(FieldErrors.Required(path + ".schema.openAPIV3Schema", "schemas are required"));
            }

            if (version.At("subresources", "scale") is JsonObject scale)
            {
                ValidateScale(scale, path + ".subresources", causes);
            }
            if (version["additionalPrinterColumns"] is JsonArray columns)
            {
                for (var j = 0; j < columns.Count; j++)
                {
                    ValidateColumn(columns[j] as JsonObject ?? [], $"{path}.additionalPrinterColumns[{j}]", causes);
                }
            }
        }

        var versionNames = new JsonArray([.. versions.Select(v => (JsonNode?)JsonKinds.Text((v as JsonObject)?["name"]))]);
        if (!unique)
        {
            causes.Add(FieldErrors.Invalid("spec.versions", versionNames, "must contain unique version names"));
        }
        if (storageCount != 1)
        {
            causes.Add(FieldErrors.Invalid("spec.versions", versionNames, "must have exactly one version marked as storage version"));
        }
    }

    /// <summary>
    /// Checks one schema node. <paramref name="skeleton"/> is true for the nodes that define the object's shape
    /// (root, properties, items, additionalProperties), which must declare a type; nodes under allOf/anyOf/oneOf/not
    /// only add value validations and are checked for unsupported keywords only.
    /// </summary>
    private static void ValidateSchema(JsonObject schema, string path, Level level, bool skeleton, List<StatusCause> causes)
    {
        foreach (var (key, message) in UnsupportedKeywords)
        {
            if (schema.ContainsKey(key))
            {
                causes.Add(FieldErrors.Forbidden(path + "." + key, message));
            }
        }
        var type = JsonKinds.Text(schema["type"]);
        if (type == "null")
        {
            causes.Add(FieldErrors.Forbidden(path + ".type", "type cannot be set to null"));
        }
        else if (type.Length > 0 && !SchemaTypes.Contains(type, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.NotSupported(path + ".type", type, SchemaTypes));
        }
        if (schema["items"] is JsonArray)
        {
            causes.Add(FieldErrors.Forbidden(path + ".items", "items must be a schema object and not an array"));
        }
        if (JsonKinds.IsTrue(schema["uniqueItems"]))
        {
            causes.Add(FieldErrors.Forbidden(path + ".uniqueItems", "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        var properties = schema["properties"] as JsonObject;
        var additional = schema["additionalProperties"];
        if (properties is { Count: > 0 } && additional is not null && (additional is JsonObject || !JsonKinds.IsTrue(additional)))
        {
            causes.Add(FieldErrors.Forbidden(path + ".additionalProperties", "additionalProperties and properties are mutual exclusive"));
        }

        if (skeleton)
        {
            ValidateStructural(schema, type, path, level, causes);
        }

        if (properties is not null)
        {
            foreach (var (name, property) in properties)
            {
                if (property is JsonObject p)
                {
                    ValidateSchema(p, $"{path}.properties[{name}]", Level.Field, skeleton, causes);
                }
            }
        }
        if (schema["items"] is JsonObject items)
        {
            ValidateSchema(items, path + ".items", Level.Item, skeleton, causes);
        }
        if (additional is JsonObject additionalSchema)
        {
            ValidateSchema(additionalSchema, path + ".additionalProperties", Level.Field, skeleton, causes);
        }
        foreach (var keyword in (string[])["allOf", "anyOf", "oneOf"])
        {
            if (schema[keyword] is JsonArray branches)
            {
                for (var i = 0; i < branches.Count; i++)
                {
                    if (branches[i] is JsonObject branch)
                    {
                        ValidateSchema(branch, $"{path}.{keyword}[{i}]", level, skeleton: false, causes);
                    }
                }
            }
        }
        if (schema["not"] is JsonObject not)
        {
            ValidateSchema(not, path + ".not", level, skeleton: false, causes);
        }
    }

    private static void ValidateStructural(JsonObject schema, string type, string path, Level level, List<StatusCause> causes)
    {
        var intOrString = JsonKinds.IsTrue(schema["x-kubernetes-int-or-string"]);
        var preserve = JsonKinds.IsTrue(schema["x-kubernetes-preserve-unknown-fields"]);
        var embedded = JsonKinds.IsTrue(schema["x-kubernetes-embedded-resource"]);
        if (embedded && type != "object")
        {
            causes.Add(type.Length == 0
                ? FieldErrors.Required(path + ".type", "must be object if x-kubernetes-embedded-resource is true")
                : FieldErrors.Invalid(path + ".type", type, "must be object if x-kubernetes-embedded-resource is true"));
        }
        else if (type.Length == 0 && !intOrString && !preserve)
        {
            causes.Add(FieldErrors.Required(path + ".type", level switch
            {
                Level.Root => "must not be empty at the root",
                Level.Item => "must not be empty for specified array items",
                _ => "must not be empty for specified object fields",
            }));
        }
        if (level == Level.Root && type.Length > 0 && type != "object")
        {
            causes.Add(FieldErrors.Invalid(path + ".type", type, "must be object at the root"));
        }
        if (type == "array" && schema["items"] is null)
        {
            causes.Add(FieldErrors.Required(path + ".items", "must be specified"));
        }

        var listType = JsonKinds.Text(schema["x-kubernetes-list-type"]);
        if (listType.Length > 0)
        {
            ValidateEnum(path + ".x-kubernetes-list-type", listType, ListTypes, required: false, causes);
            if (listType == "map" && (schema["x-kubernetes-list-map-keys"] as JsonArray ?? []).Count == 0)
            {
                causes.Add(FieldErrors.Required(path + ".x-kubernetes-list-map-keys", "must not be empty if x-kubernetes-list-type is map"));
            }
        }
        if (listType != "map" && schema["x-kubernetes-list-map-keys"] is JsonArray { Count: > 0 })
        {
            causes.Add(FieldErrors.Forbidden(path + ".x-kubernetes-list-map-keys", "must not be set if x-kubernetes-list-type is not map"));
        }
    }

    private static void ValidateScale(JsonObject scale, string path, List<StatusCause> causes)
    {
        ValidateReplicasPath(JsonKinds.Text(scale["specReplicasPath"]), path + ".scale.specReplicasPath", ".spec.", "should be a json path under .spec", causes);
        ValidateReplicasPath(JsonKinds.Text(scale["statusReplicasPath"]), path + ".scale.statusReplicasPath", ".status.", "should be a json path under .status", causes);
        var selector = JsonKinds.Text(scale["labelSelectorPath"]);
        if (selector.Length > 0 && !IsSimpleJsonPath(selector, path + ".scale.labelSelectorPath", causes)
            && !selector.StartsWith(".spec.", StringComparison.Ordinal) && !selector.StartsWith(".status.", StringComparison.Ordinal))
        {
            causes.Add(FieldErrors.Invalid(path + ".scale.labelSelectorPath", selector, "should be a json path under either .spec or .status"));
        }
    }

    private static void ValidateReplicasPath(string value, string field, string prefix, string message, List<StatusCause> causes)
    {
        if (value.Length == 0)
        {
            causes.Add(FieldErrors.Required(field));
        }
        else if (!IsSimpleJsonPath(value, field, causes) && !value.StartsWith(prefix, StringComparison.Ordinal))
        {
            causes.Add(FieldErrors.Invalid(field, value, message));
        }
    }

    /// <summary>Adds a cause and returns true when <paramref name="value"/> is not a simple path starting with '.'.</summary>
    private static bool IsSimpleJsonPath(string value, string field, List<StatusCause> causes)
    {
        if (value.StartsWith('.'))
        {
            return false;
        }
        causes.Add(FieldErrors.Invalid(field, value, "must be a simple json path starting with ."));
        return true;
    }

    private static void ValidateColumn(JsonObject column, string path, List<StatusCause> causes)
    {
        if (JsonKinds.Text(column["name"]).Length == 0)
        {
            causes.Add(FieldErrors.Required(path + ".name"));
        }
        var typeMessage = "must be one of " + string.Join(",", ColumnTypes);
        var type = JsonKinds.Text(column["type"]);
        if (type.Length == 0)
        {
            causes.Add(FieldErrors.Required(path + ".type", typeMessage));
        }
        else if (!ColumnTypes.Contains(type, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.Invalid(path + ".type", type, typeMessage));
        }
        var format = JsonKinds.Text(column["format"]);
        if (format.Length > 0 && !ColumnFormats.Contains(format, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.Invalid(path + ".format", format, "must be one of " + string.Join(",", ColumnFormats)));
        }
        // Upstream names the field after its Go name here, not its JSON name (jsonPath).
        var jsonPath = JsonKinds.Text(column["jsonPath"]);
        if (jsonPath.Length == 0)
        {
            causes.Add(FieldErrors.Required(path + ".JSONPath"));
        }
        else
        {
            IsSimpleJsonPath(jsonPath, path + ".JSONPath", causes);
        }
    }

    private static void ValidateNames(JsonObject names, List<StatusCause> causes)
    {
        foreach (var required in (string[])["plural", "singular", "kind", "listKind"])
        {
            if (JsonKinds.Text(names[required]).Length == 0)
            {
                causes.Add(FieldErrors.Required("spec.names." + required));
            }
        }
        foreach (var field in (string[])["plural", "singular"])
        {
            var value = JsonKinds.Text(names[field]);
            var errs = value.Length > 0 ? NameValidation.IsDns1035Label(value) : [];
            if (errs.Count > 0)
            {
                causes.Add(FieldErrors.Invalid("spec.names." + field, value, string.Join(",", errs)));
            }
        }
        var kind = JsonKinds.Text(names["kind"]);
        var listKind = JsonKinds.Text(names["listKind"]);
        foreach (var (field, value) in (ReadOnlySpan<(string, string)>)[("kind", kind), ("listKind", listKind)])
        {
            // Kinds are CamelCase: the rule is the DNS-1035 label rule on the lowercased value.
            var errs = value.Length > 0 ? NameValidation.IsDns1035Label(value.ToLowerInvariant()) : [];
            if (errs.Count > 0)
            {
                causes.Add(FieldErrors.Invalid("spec.names." + field, value, "may have mixed case, but should otherwise match: " + string.Join(",", errs)));
            }
        }
        foreach (var list in (string[])["shortNames", "categories"])
        {
            if (names[list] is not JsonArray items)
            {
                continue;
            }
            for (var i = 0; i < items.Count; i++)
            {
                var value = JsonKinds.Text(items[i]);
                var errs = NameValidation.IsDns1035Label(value);
                if (errs.Count > 0)
                {
                    causes.Add(FieldErrors.Invalid($"spec.names.{list}[{i}]", value, string.Join(",", errs)));
                }
            }
        }
        if (kind.Length > 0 && kind == listKind)
        {
            causes.Add(FieldErrors.Invalid("spec.names.listKind", listKind, "kind and listKind may not be the same"));
        }
    }
}
