using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Schema;

/// <summary>
/// Validates an object against a structural schema with the messages upstream's OpenAPI validator produces once
/// kube-apiserver turns them into causes (<c>spec.replicas: Invalid value: -1: spec.replicas in body should be
/// greater than or equal to 0</c>). CEL rules (<c>x-kubernetes-validations</c>) are not evaluated.
/// Unknown fields are not reported here: pruning removes them first.
/// </summary>
internal static class SchemaValidator
{
    private const string In = " in body";

    /// <summary>Validates a whole resource; returns no causes when it is valid.</summary>
    public static List<StatusCause> Validate(JsonObject obj, SchemaNode root)
    {
        var causes = new List<StatusCause>();
        ValidateValue(obj, root, FieldPath.Root, causes);
        return causes;
    }

    private static void ValidateValue(JsonNode? value, SchemaNode schema, FieldPath path, List<StatusCause> causes)
    {
        var kind = JsonKinds.Of(value);
        string? name = null;
        string Name() => name ??= path.ToString();

        if (kind == JsonKind.Null)
        {
            if ((schema.Type is not null || schema.IntOrString) && !schema.Nullable)
            {
                causes.Add(FieldErrors.TypeInvalid(Name(), "null", $"{Name()}{In} must be of type {TypeList(schema)}: \"null\""));
            }
            return;
        }

        if (!TypeMatches(schema, kind))
        {
            var actual = JsonKinds.TypeName(value);
            causes.Add(FieldErrors.TypeInvalid(Name(), actual, $"{Name()}{In} must be of type {TypeList(schema)}: {GoFormat.Quote(actual)}"));
            return;
        }

        if (schema.Enum is not null && !schema.Enum.Any(e => JsonNode.DeepEquals(e, value)))
        {
            causes.Add(FieldErrors.NotSupported(Name(), value, schema.Enum.Select(EnumText)));
        }

        switch (kind)
        {
            case JsonKind.Integer:
            case JsonKind.Number:
                ValidateNumber(value!, schema, path, causes);
                break;
            case JsonKind.String:
                ValidateString(value!.GetValue<string>(), schema, path, causes);
                break;
            case JsonKind.Array:
                ValidateArray((JsonArray)value!, schema, path, causes);
                break;
            case JsonKind.Object:
                ValidateObject((JsonObject)value!, schema, path, causes);
                break;
        }

        if (schema.AllOf is not null || schema.AnyOf is not null || schema.OneOf is not null || schema.Not is not null)
        {
            ValidateComposition(value, schema, path, causes);
        }
    }

    private static bool TypeMatches(SchemaNode schema, JsonKind kind)
    {
        if (schema.IntOrString)
        {
            return kind is JsonKind.Integer or JsonKind.String;
        }
        return schema.Type switch
        {
            null => true,
            "object" => kind == JsonKind.Object,
            "array" => kind == JsonKind.Array,
            "string" => kind == JsonKind.String,
            // Integral floats (1.0) pass as integers, as upstream accepts them.
            "integer" => kind == JsonKind.Integer,
            "number" => kind is JsonKind.Integer or JsonKind.Number,
            "boolean" => kind == JsonKind.Boolean,
            _ => true,
        };
    }

    private static string TypeList(SchemaNode schema) => schema.IntOrString ? "integer,string" : schema.Type ?? "";

    /// <summary>Enum values are listed raw when they are strings and as JSON otherwise, as upstream lists them.</summary>
    private static string EnumText(JsonNode? value) =>
        JsonKinds.Of(value) == JsonKind.String ? value!.GetValue<string>() : JsonGoFormat.Json(value);

    private static void ValidateNumber(JsonNode value, SchemaNode schema, FieldPath path, List<StatusCause> causes)
    {
        var isInteger = JsonKinds.TryGetInt64(value, out var integer);
        var number = isInteger ? integer : JsonKinds.GetDouble(value);

        if (schema.Minimum is { } min)
        {
            var fails = schema.ExclusiveMinimum ? number <= min : number < min;
            if (fails)
            {
                var verb = schema.ExclusiveMinimum ? "should be greater than" : "should be greater than or equal to";
                causes.Add(FieldErrors.Invalid(path.ToString(), value, $"{path}{In} {verb} {Bound(min, isInteger)}"));
            }
        }
        if (schema.Maximum is { } max)
        {
            var fails = schema.ExclusiveMaximum ? number >= max : number > max;
            if (fails)
            {
                var verb = schema.ExclusiveMaximum ? "should be less than" : "should be less than or equal to";
                causes.Add(FieldErrors.Invalid(path.ToString(), value, $"{path}{In} {verb} {Bound(max, isInteger)}"));
            }
        }
        if (schema.MultipleOf is { } factor && factor > 0 && !IsMultiple(number, integer, isInteger, factor))
        {
            causes.Add(FieldErrors.Invalid(path.ToString(), value, $"{path}{In} should be a multiple of {Bound(factor, isInteger)}"));
        }
        if (isInteger && schema.Format is "int32" && (integer < int.MinValue || integer > int.MaxValue))
        {
            var bound = integer > int.MaxValue ? $"should be less than or equal to {int.MaxValue}" : $"should be greater than or equal to {int.MinValue}";
            causes.Add(FieldErrors.Invalid(path.ToString(), value, $"{path}{In} {bound}"));
        }
    }

    /// <summary>
    /// A bound as upstream prints it: against an integer value the bound is converted to an integer first (so a
    /// fractional bound is truncated), against a float it is printed as Go prints a float64.
    /// </summary>
    private static string Bound(double bound, bool integerValue) =>
        integerValue ? ((long)bound).ToString(CultureInfo.InvariantCulture) : GoFormat.Float(bound);

    private static bool IsMultiple(double number, long integer, bool isInteger, double factor)
    {
        if (isInteger && factor >= 1 && Math.Floor(factor) == factor)
        {
            return integer % (long)factor == 0;
        }
        var quotient = factor < 1 ? number * (1 / factor) : number / factor;
        return Math.Abs(quotient - Math.Round(quotient)) < 1e-9;
    }

    private static void ValidateString(string text, SchemaNode schema, FieldPath path, List<StatusCause> causes)
    {
        if (schema.MaxLength is not null || schema.MinLength is not null)
        {
            // Upstream counts runes, not UTF-16 code units.
            long length = text.EnumerateRunes().Count();
            if (schema.MaxLength is { } maxLength && length > maxLength)
            {
                causes.Add(FieldErrors.TooLong(path.ToString(), $"may not be longer than {maxLength}"));
            }
            if (schema.MinLength is { } minLength && length < minLength)
            {
                causes.Add(FieldErrors.Invalid(path.ToString(), text, $"{path}{In} should be at least {minLength} chars long"));
            }
        }
        if (schema.Pattern is { } pattern)
        {
            if (schema.PatternRegex is null)
            {
                causes.Add(FieldErrors.Invalid(path.ToString(), text, $"{path}{In} should match '{pattern}, but pattern is invalid: {schema.PatternError}'"));
            }
            else
            {
                try
                {
                    if (!schema.PatternRegex.IsMatch(text))
                    {
                        causes.Add(FieldErrors.Invalid(path.ToString(), text, $"{path}{In} should match '{pattern}'"));
                    }
                }
                catch (RegexMatchTimeoutException)
                {
                    causes.Add(FieldErrors.Invalid(path.ToString(), text, $"{path}{In} should match '{pattern}', but matching took longer than {SchemaNode.PatternTimeout.TotalMilliseconds}ms"));
                }
            }
        }
        if (schema.Format is { } format && Formats.IsChecked(format) && !Formats.IsValid(format, text))
        {
            causes.Add(FieldErrors.TypeInvalid(path.ToString(), text, $"{path}{In} must be of type {format}: {GoFormat.Quote(text)}"));
        }
    }

    private static void ValidateArray(JsonArray array, SchemaNode schema, FieldPath path, List<StatusCause> causes)
    {
        if (schema.Items is not null)
        {
            for (var i = 0; i < array.Count; i++)
            {
                ValidateValue(array[i], schema.Items, path.Index(i), causes);
            }
        }
        if (schema.MinItems is { } minItems && array.Count < minItems)
        {
            causes.Add(FieldErrors.Invalid(path.ToString(), array.Count, $"{path}{In} should have at least {minItems} items"));
        }
        if (schema.MaxItems is { } maxItems && array.Count > maxItems)
        {
            causes.Add(FieldErrors.TooMany(path.ToString(), array.Count, maxItems));
        }
        if (schema.UniqueItems && HasDuplicates(array))
        {
            causes.Add(FieldErrors.Invalid(path.ToString(), "", $"{path}{In} shouldn't contain duplicates"));
        }
        switch (schema.ListType)
        {
            case "set":
                ValidateListSet(array, path, causes);
                break;
            case "map":
                ValidateListMap(array, schema.ListMapKeys, path, causes);
                break;
        }
    }

    private static bool HasDuplicates(JsonArray array)
    {
        for (var i = 1; i < array.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (JsonNode.DeepEquals(array[i], array[j]))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Every repeated value is reported once, at its second occurrence, as upstream does.</summary>
    private static void ValidateListSet(JsonArray array, FieldPath path, List<StatusCause> causes)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var key = JsonGoFormat.Json(array[i]);
            seen[key] = seen.TryGetValue(key, out var times) ? times + 1 : 1;
            if (times == 1)
            {
                causes.Add(FieldErrors.Duplicate(path.Index(i).ToString(), array[i]));
            }
        }
    }

    private static void ValidateListMap(JsonArray array, IReadOnlyList<string> keys, FieldPath path, List<StatusCause> causes)
    {
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not null and not JsonObject)
            {
                causes.Add(FieldErrors.Invalid(path.Index(i), array[i], "must be an object for an array of list-type map"));
                return;
            }
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var item = array[i] as JsonObject;
            var present = new List<KeyValuePair<string, JsonNode?>>();
            foreach (var key in keys)
            {
                if (item is not null && item.TryGetPropertyValue(key, out var keyValue))
                {
                    present.Add(new(key, keyValue));
                }
            }
            var identity = string.Join("\u0000", present.Select(p => p.Key + "=" + JsonGoFormat.Json(p.Value)));
            seen[identity] = seen.TryGetValue(identity, out var times) ? times + 1 : 1;
            if (times == 1)
            {
                causes.Add(FieldErrors.DuplicateRendered(path.Index(i).ToString(), JsonGoFormat.InterfaceMap(present)));
            }
        }
    }

    private static void ValidateObject(JsonObject obj, SchemaNode schema, FieldPath path, List<StatusCause> causes)
    {
        if (schema.MinProperties is { } minProperties && obj.Count < minProperties)
        {
            causes.Add(FieldErrors.Invalid(path.ToString(), obj.Count, $"{path}{In} should have at least {minProperties} properties"));
        }
        if (schema.MaxProperties is { } maxProperties && obj.Count > maxProperties)
        {
            causes.Add(FieldErrors.TooMany(path.ToString(), obj.Count, maxProperties));
        }

        foreach (var (key, child) in obj)
        {
            if (schema.Properties is not null && schema.Properties.TryGetValue(key, out var property))
            {
                ValidateValue(child, property, path.Child(key), causes);
            }
            else if (schema.AdditionalProperties is not null)
            {
                ValidateValue(child, schema.AdditionalProperties, path.Child(key), causes);
            }
        }

        foreach (var required in schema.Required)
        {
            if (!obj.ContainsKey(required))
            {
                causes.Add(FieldErrors.Required(path.Child(required)));
            }
        }

        if (schema.EmbeddedResource)
        {
            // An embedded object must say what it is, like a top-level resource.
            foreach (var typeField in (string[])["apiVersion", "kind"])
            {
                if (obj[typeField] is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length == 0)
                {
                    causes.Add(FieldErrors.Required(path.Child(typeField), "must not be empty"));
                }
            }
            if (obj["metadata"] is JsonObject metadata)
            {
                ObjectMetaValidation.ValidateLabels(metadata["labels"], path.Child("metadata").Child("labels").ToString(), causes);
            }
        }
    }

    private static void ValidateComposition(JsonNode? value, SchemaNode schema, FieldPath path, List<StatusCause> causes)
    {
        // Only failures need the path; int-or-string fields (anyOf) pass here on every write.
        string Quoted() => GoFormat.Quote(path.ToString());
        if (schema.AllOf is { Count: > 0 } allOf)
        {
            var valid = 0;
            foreach (var branch in allOf)
            {
                var before = causes.Count;
                ValidateValue(value, branch, path, causes);
                valid += causes.Count == before ? 1 : 0;
            }
            if (valid != allOf.Count)
            {
                causes.Add(FieldErrors.Invalid(path.ToString(), "", $"{Quoted()} must validate all the schemas (allOf){(valid == 0 ? ". None validated" : "")}"));
            }
        }
        if (schema.AnyOf is { Count: > 0 } anyOf)
        {
            var matched = false;
            List<StatusCause>? best = null;
            foreach (var branch in anyOf)
            {
                var branchCauses = new List<StatusCause>();
                ValidateValue(value, branch, path, branchCauses);
                if (branchCauses.Count == 0)
                {
                    matched = true;
                    break;
                }
                // Like upstream, explain the failure with the branch that came closest.
                if (best is null || branchCauses.Count < best.Count)
                {
                    best = branchCauses;
                }
            }
            if (!matched)
            {
                causes.Add(FieldErrors.Invalid(path.ToString(), "", $"{Quoted()} must validate at least one schema (anyOf)"));
                causes.AddRange(best!);
            }
        }
        if (schema.OneOf is { Count: > 0 } oneOf)
        {
            var valid = 0;
            List<StatusCause>? best = null;
            foreach (var branch in oneOf)
            {
                var branchCauses = new List<StatusCause>();
                ValidateValue(value, branch, path, branchCauses);
                if (branchCauses.Count == 0)
                {
                    valid++;
                }
                else if (best is null || branchCauses.Count < best.Count)
                {
                    best = branchCauses;
                }
            }
            if (valid != 1)
            {
                var found = valid == 0 ? "Found none valid" : $"Found {valid} valid alternatives";
                causes.Add(FieldErrors.Invalid(path.ToString(), "", $"{Quoted()} must validate one and only one schema (oneOf). {found}"));
                if (valid == 0 && best is not null)
                {
                    causes.AddRange(best);
                }
            }
        }
        if (schema.Not is not null)
        {
            var notCauses = new List<StatusCause>();
            ValidateValue(value, schema.Not, path, notCauses);
            if (notCauses.Count == 0)
            {
                causes.Add(FieldErrors.Invalid(path.ToString(), "", $"{Quoted()} must not validate the schema (not)"));
            }
        }
    }
}
