using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Crd;

/// <summary>
/// Builds a CustomResourceDefinition (<c>apiextensions.k8s.io/v1</c>) from an attributed model type: names and
/// versions from <see cref="CustomResourceAttribute"/>, printer columns, and the OpenAPI v3 schema from the
/// properties and their attributes. The types are the single source of truth; <c>deploy/crds</c> is this output.
/// </summary>
/// <remarks>
/// Output is deterministic: properties and schema keys are sorted (as upstream's controller-gen does), so the
/// same types always produce the same bytes and a staleness test can compare them with the files.
/// </remarks>
public static class CrdGenerator
{
    private const string QuantityPattern =
        "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    /// <summary>The CRD of one root type.</summary>
    /// <exception cref="ArgumentException">The type carries no <see cref="CustomResourceAttribute"/>.</exception>
    public static JsonObject Generate(Type root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var resource = root.GetCustomAttribute<CustomResourceAttribute>()
            ?? throw new ArgumentException($"{root.FullName} has no [CustomResource] attribute", nameof(root));
        var versions = new JsonArray();
        foreach (var version in resource.Versions)
        {
            var entry = new JsonObject
            {
                ["name"] = version,
                ["served"] = true,
                ["storage"] = version == resource.Versions[0],
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = RootSchema(root, version) },
            };
            var columns = root.GetCustomAttributes<PrinterColumnAttribute>().OrderBy(c => c.Order).ToList();
            if (columns.Count > 0)
            {
                entry["additionalPrinterColumns"] = new JsonArray([.. columns.Select(PrinterColumn)]);
            }
            if (resource.StatusSubresource)
            {
                entry["subresources"] = new JsonObject { ["status"] = new JsonObject() };
            }
            versions.Add(Sorted(entry));
        }
        var names = new JsonObject
        {
            ["kind"] = resource.Kind,
            ["listKind"] = resource.Kind + "List",
            ["plural"] = resource.Plural,
            ["singular"] = resource.Kind.ToLowerInvariant(),
        };
        if (resource.Categories.Length > 0)
        {
            names["categories"] = new JsonArray([.. resource.Categories.Select(c => (JsonNode)c)]);
        }
        if (resource.ShortNames.Length > 0)
        {
            names["shortNames"] = new JsonArray([.. resource.ShortNames.Select(s => (JsonNode)s)]);
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = resource.Plural + "." + resource.Group },
            ["spec"] = new JsonObject
            {
                ["group"] = resource.Group,
                ["names"] = Sorted(names),
                ["scope"] = resource.Namespaced ? "Namespaced" : "Cluster",
                ["versions"] = versions,
            },
        };
    }

    /// <summary>Every root type in <paramref name="assembly"/> that carries <see cref="CustomResourceAttribute"/>, by CRD name.</summary>
    public static IReadOnlyList<Type> RootTypes(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return [.. assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<CustomResourceAttribute>() is not null)
            .OrderBy(t => CrdName(t), StringComparer.Ordinal)];
    }

    /// <summary><c>&lt;plural&gt;.&lt;group&gt;</c>, the CRD's name.</summary>
    public static string CrdName(Type root)
    {
        var resource = root.GetCustomAttribute<CustomResourceAttribute>()
            ?? throw new ArgumentException($"{root.FullName} has no [CustomResource] attribute", nameof(root));
        return resource.Plural + "." + resource.Group;
    }

    private static JsonObject PrinterColumn(PrinterColumnAttribute column)
    {
        var node = new JsonObject { ["jsonPath"] = column.JsonPath, ["name"] = column.Name, ["type"] = column.Type };
        if (column.Priority != 0)
        {
            node["priority"] = column.Priority;
        }
        if (column.Description is not null)
        {
            node["description"] = column.Description;
        }
        if (column.Format is not null)
        {
            node["format"] = column.Format;
        }
        return Sorted(node);
    }

    private static JsonObject RootSchema(Type root, string version)
    {
        var schema = ObjectSchema(root, version, skipTypeMeta: true);
        var properties = (JsonObject)schema["properties"]!;
        properties["apiVersion"] = new JsonObject
        {
            ["description"] = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
            ["type"] = "string",
        };
        properties["kind"] = new JsonObject
        {
            ["description"] = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
            ["type"] = "string",
        };
        properties["metadata"] = new JsonObject { ["type"] = "object" };
        schema["properties"] = Sorted(properties);
        return Sorted(schema);
    }

    private static JsonObject ObjectSchema(Type type, string version, bool skipTypeMeta = false)
    {
        var schema = new JsonObject { ["type"] = "object" };
        if (type.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema["description"] = description.Description;
        }
        var properties = new JsonObject();
        var required = new List<string>();
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonIgnoreAttribute>() is not null || !property.CanWrite)
            {
                continue;
            }
            if (skipTypeMeta && property.DeclaringType == typeof(KubeObject))
            {
                continue;
            }
            if (property.GetCustomAttribute<ServedInAttribute>() is { } servedIn && !servedIn.Versions.Contains(version))
            {
                continue;
            }
            var name = JsonName(property);
            properties[name] = PropertySchema(property, version);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }
        schema["properties"] = Sorted(properties);
        if (required.Count > 0)
        {
            schema["required"] = new JsonArray([.. required.Order(StringComparer.Ordinal).Select(r => (JsonNode)r)]);
        }
        if (type.GetCustomAttribute<AtomicAttribute>() is not null)
        {
            schema["x-kubernetes-map-type"] = "atomic";
        }
        AddRules(schema, type.GetCustomAttributes<ValidationRuleAttribute>());
        return Sorted(schema);
    }

    private static JsonObject PropertySchema(PropertyInfo property, string version)
    {
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var schema = property.GetCustomAttribute<QuantityAttribute>() is not null && !IsDictionary(type, out _)
            ? QuantitySchema()
            : property.GetCustomAttribute<EmbeddedResourceAttribute>() is not null && type == typeof(JsonObject)
                ? EmbeddedSchema()
                : TypeSchema(type, version, property.GetCustomAttribute<QuantityAttribute>() is not null, property.GetCustomAttribute<EmbeddedResourceAttribute>() is not null);

        if (property.GetCustomAttribute<DescriptionAttribute>() is { } description)
        {
            schema["description"] = description.Description;
        }
        if (property.GetCustomAttribute<DefaultAttribute>() is { } defaultValue)
        {
            schema["default"] = JsonNode.Parse(defaultValue.Json);
        }
        if (property.GetCustomAttribute<EnumAttribute>() is { } values)
        {
            var target = schema["type"]?.GetValue<string>() == "array" ? (JsonObject)schema["items"]! : schema;
            target["enum"] = new JsonArray([.. values.Values.Select(v => (JsonNode)v)]);
            if (target != schema)
            {
                schema["items"] = Sorted(target);
            }
        }
        if (property.GetCustomAttribute<MinimumAttribute>() is { } minimum)
        {
            schema["minimum"] = minimum.Value;
        }
        if (property.GetCustomAttribute<MaximumAttribute>() is { } maximum)
        {
            schema["maximum"] = maximum.Value;
        }
        if (property.GetCustomAttribute<MinItemsAttribute>() is { } minItems)
        {
            schema["minItems"] = minItems.Value;
        }
        if (property.GetCustomAttribute<MaxItemsAttribute>() is { } maxItems)
        {
            schema["maxItems"] = maxItems.Value;
        }
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
        {
            schema["minLength"] = minLength.Value;
        }
        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            schema["maxLength"] = maxLength.Value;
        }
        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Regex;
        }
        if (property.GetCustomAttribute<FormatAttribute>() is { } format)
        {
            schema["format"] = format.Format;
        }
        if (property.GetCustomAttribute<ListTypeAttribute>() is { } listType)
        {
            schema["x-kubernetes-list-type"] = listType.Type;
            if (listType.MapKeys.Length > 0)
            {
                schema["x-kubernetes-list-map-keys"] = new JsonArray([.. listType.MapKeys.Select(k => (JsonNode)k)]);
            }
        }
        if (property.GetCustomAttribute<AtomicAttribute>() is not null)
        {
            schema["x-kubernetes-map-type"] = "atomic";
        }
        AddRules(schema, property.GetCustomAttributes<ValidationRuleAttribute>());
        return Sorted(schema);
    }

    private static JsonObject TypeSchema(Type type, string version, bool quantityValues = false, bool embeddedValues = false)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string))
        {
            return new JsonObject { ["type"] = "string" };
        }
        if (type == typeof(int) || type == typeof(short))
        {
            return new JsonObject { ["format"] = "int32", ["type"] = "integer" };
        }
        if (type == typeof(long))
        {
            return new JsonObject { ["format"] = "int64", ["type"] = "integer" };
        }
        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }
        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["type"] = "number" };
        }
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return new JsonObject { ["format"] = "date-time", ["type"] = "string" };
        }
        if (type == typeof(IntOrString))
        {
            return new JsonObject
            {
                ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
                ["x-kubernetes-int-or-string"] = true,
            };
        }
        if (type == typeof(JsonObject))
        {
            return embeddedValues ? EmbeddedSchema() : new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true };
        }
        if (type == typeof(JsonNode) || type == typeof(JsonElement))
        {
            // apiextensions JSON: any value at all.
            return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        }
        if (type == typeof(ObjectMeta))
        {
            return new JsonObject { ["type"] = "object" };
        }
        if (type == typeof(Condition))
        {
            return ConditionSchema();
        }
        if (type == typeof(StructuredLabelSelector))
        {
            return LabelSelectorSchema();
        }
        if (IsDictionary(type, out var valueType))
        {
            return new JsonObject
            {
                ["additionalProperties"] = quantityValues ? QuantitySchema() : TypeSchema(valueType, version, embeddedValues: embeddedValues),
                ["type"] = "object",
            };
        }
        if (IsList(type, out var itemType))
        {
            return new JsonObject { ["items"] = TypeSchema(itemType, version, quantityValues, embeddedValues), ["type"] = "array" };
        }
        if (type.IsClass)
        {
            return ObjectSchema(type, version);
        }
        throw new NotSupportedException($"no schema mapping for {type.FullName}");
    }

    private static JsonObject QuantitySchema() => Sorted(new JsonObject
    {
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = "integer" }, new JsonObject { ["type"] = "string" }),
        ["pattern"] = QuantityPattern,
        ["x-kubernetes-int-or-string"] = true,
    });

    private static JsonObject EmbeddedSchema() => new()
    {
        ["type"] = "object",
        ["x-kubernetes-embedded-resource"] = true,
        ["x-kubernetes-preserve-unknown-fields"] = true,
    };

    private static JsonObject ConditionSchema() => (JsonObject)JsonNode.Parse("""
        {
          "description": "Condition contains details for one aspect of the current state of this API Resource.",
          "properties": {
            "lastTransitionTime": {"description": "lastTransitionTime is the last time the condition transitioned from one status to another. This should be when the underlying condition changed.  If that is not known, then using the time when the API field changed is acceptable.", "format": "date-time", "type": "string"},
            "message": {"description": "message is a human readable message indicating details about the transition. This may be an empty string.", "maxLength": 32768, "type": "string"},
            "observedGeneration": {"description": "observedGeneration represents the .metadata.generation that the condition was set based upon. For instance, if .metadata.generation is currently 12, but the .status.conditions[x].observedGeneration is 9, the condition is out of date with respect to the current state of the instance.", "format": "int64", "minimum": 0, "type": "integer"},
            "reason": {"description": "reason contains a programmatic identifier indicating the reason for the condition's last transition. Producers of specific condition types may define expected values and meanings for this field, and whether the values are considered a guaranteed API. The value should be a CamelCase string. This field may not be empty.", "maxLength": 1024, "minLength": 1, "pattern": "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$", "type": "string"},
            "status": {"description": "status of the condition, one of True, False, Unknown.", "enum": ["True", "False", "Unknown"], "type": "string"},
            "type": {"description": "type of condition in CamelCase or in foo.example.com/CamelCase.", "maxLength": 316, "pattern": "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$", "type": "string"}
          },
          "required": ["lastTransitionTime", "message", "reason", "status", "type"],
          "type": "object"
        }
        """)!;

    private static JsonObject LabelSelectorSchema() => (JsonObject)JsonNode.Parse("""
        {
          "description": "A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.",
          "properties": {
            "matchExpressions": {
              "description": "matchExpressions is a list of label selector requirements. The requirements are ANDed.",
              "items": {
                "description": "A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.",
                "properties": {
                  "key": {"description": "key is the label key that the selector applies to.", "type": "string"},
                  "operator": {"description": "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.", "type": "string"},
                  "values": {"description": "values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch.", "items": {"type": "string"}, "type": "array", "x-kubernetes-list-type": "atomic"}
                },
                "required": ["key", "operator"],
                "type": "object"
              },
              "type": "array",
              "x-kubernetes-list-type": "atomic"
            },
            "matchLabels": {
              "additionalProperties": {"type": "string"},
              "description": "matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is \"key\", the operator is \"In\", and the values array contains only \"value\". The requirements are ANDed.",
              "type": "object"
            }
          },
          "type": "object",
          "x-kubernetes-map-type": "atomic"
        }
        """)!;

    /// <summary>Adds rules after any the schema already has (a property's rules join those of its type).</summary>
    private static void AddRules(JsonObject schema, IEnumerable<ValidationRuleAttribute> rules)
    {
        var list = rules.ToList();
        if (list.Count == 0)
        {
            return;
        }
        var validations = schema["x-kubernetes-validations"] as JsonArray ?? [];
        foreach (var rule in list)
        {
            validations.Add(new JsonObject { ["message"] = rule.Message, ["rule"] = rule.Rule });
        }
        schema["x-kubernetes-validations"] = validations;
    }

    private static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(property.Name);

    private static bool IsDictionary(Type type, out Type valueType)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(Dictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(IReadOnlyDictionary<,>))
            && type.GetGenericArguments()[0] == typeof(string))
        {
            valueType = type.GetGenericArguments()[1];
            return true;
        }
        valueType = typeof(object);
        return false;
    }

    private static bool IsList(Type type, out Type itemType)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(IReadOnlyList<>)))
        {
            itemType = type.GetGenericArguments()[0];
            return true;
        }
        if (type.IsArray)
        {
            itemType = type.GetElementType()!;
            return true;
        }
        itemType = typeof(object);
        return false;
    }

    /// <summary>A copy of <paramref name="node"/> with its keys in ordinal order (values are moved, not cloned).</summary>
    private static JsonObject Sorted(JsonObject node)
    {
        var entries = node.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        node.Clear();
        var sorted = new JsonObject();
        foreach (var (key, value) in entries)
        {
            sorted[key] = value;
        }
        return sorted;
    }
}
