using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.Member.Work;

/// <summary>
/// Small helpers over <see cref="JsonObject"/> manifests shared by the sanitizer, the differ and the availability
/// tracker: removing fields without leaving empty maps behind, reading typed fields as Go's unstructured converter
/// would, and printing values for drift and diff details.
/// </summary>
internal static class JsonFields
{
    /// <summary>Removes the named properties from <paramref name="obj"/> (when it is an object).</summary>
    public static void Remove(JsonObject? obj, params ReadOnlySpan<string> names)
    {
        if (obj is null)
        {
            return;
        }
        foreach (var name in names)
        {
            obj.Remove(name);
        }
    }

    /// <summary>
    /// Removes <paramref name="name"/> from <paramref name="parent"/> when it is an empty object (or null), so that
    /// <c>{}</c> and a missing map compare equal and a sanitized manifest carries no empty <c>annotations</c>.
    /// </summary>
    public static void RemoveIfEmpty(JsonObject? parent, string name)
    {
        if (parent is not null && parent.TryGetPropertyValue(name, out var value) && value is null or JsonObject { Count: 0 })
        {
            parent.Remove(name);
        }
    }

    /// <summary>The object at a path of object fields, or null when any step is missing or not an object.</summary>
    public static JsonObject? ObjectAt(JsonObject obj, params string[] path) => obj.At(path) as JsonObject;

    /// <summary>One RFC 6901 reference token: <c>~</c> → <c>~0</c>, <c>/</c> → <c>~1</c>.</summary>
    public static string EscapePointerToken(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    /// <summary>
    /// A value as drift and diff details print it: strings without quotes (as upstream's <c>fmt.Sprint</c>),
    /// numbers and booleans as JSON text, objects and arrays as compact JSON with sorted keys, null as null.
    /// </summary>
    public static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(Obj.Wire),
        _ => Obj.ToSortedJson(node),
    };

    /// <summary>
    /// An integer field, 0 when absent or null (Go's zero value). A non-integer value is a conversion error, as it
    /// is for upstream's typed decoding.
    /// </summary>
    public static long Int(JsonObject obj, params string[] path)
    {
        var node = obj.At(path);
        if (node is null)
        {
            return 0;
        }
        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        throw new FormatException($".{string.Join('.', path)} must be an integer, not {node.ToJsonString(Obj.Wire)}");
    }

    /// <summary>An optional integer field: null when absent or null; a non-integer value is a conversion error.</summary>
    public static long? OptionalInt(JsonObject obj, params string[] path) =>
        obj.At(path) is null ? null : Int(obj, path);

    /// <summary>A string field, "" when absent or null; a non-string value is a conversion error.</summary>
    public static string String(JsonObject obj, params string[] path)
    {
        var node = obj.At(path);
        return node switch
        {
            null => "",
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            _ => throw new FormatException($".{string.Join('.', path)} must be a string, not {node.ToJsonString(Obj.Wire)}"),
        };
    }

    /// <summary>An array field, empty when absent or null; a non-array value is a conversion error.</summary>
    public static JsonArray Array(JsonObject obj, params string[] path)
    {
        var node = obj.At(path);
        return node switch
        {
            null => [],
            JsonArray array => array,
            _ => throw new FormatException($".{string.Join('.', path)} must be an array, not {node.ToJsonString(Obj.Wire)}"),
        };
    }

    /// <summary>An array element that must be an object (or null, read as an empty object).</summary>
    public static JsonObject Element(JsonArray array, int index, string arrayPath) => array[index] switch
    {
        null => [],
        JsonObject obj => obj,
        var other => throw new FormatException($".{arrayPath}[{index}] must be an object, not {other.ToJsonString(Obj.Wire)}"),
    };
}
