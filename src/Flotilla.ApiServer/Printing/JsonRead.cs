using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Printing;

/// <summary>
/// Null-tolerant reads from unstructured objects. Printers see whatever clients stored, so every read returns
/// <c>null</c> (never throws) when a field is absent, JSON <c>null</c> or of an unexpected type.
/// </summary>
internal static class JsonRead
{
    public static JsonObject? Obj(this JsonObject? obj, string name) => Get(obj, name) as JsonObject;

    public static JsonArray? Arr(this JsonObject? obj, string name) => Get(obj, name) as JsonArray;

    public static string? Str(this JsonObject? obj, string name) => AsString(Get(obj, name));

    /// <summary>An integer field; a fractional number is truncated, as a Go <c>int64(float64)</c> conversion.</summary>
    public static long? Long(this JsonObject? obj, string name) => AsLong(Get(obj, name));

    public static bool? Bool(this JsonObject? obj, string name) =>
        Get(obj, name) is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False
            ? value.GetValueKind() == JsonValueKind.True
            : null;

    /// <summary>Whether the field is present with a non-null value.</summary>
    public static bool Has(this JsonObject? obj, string name) => Get(obj, name) is not null;

    /// <summary>A timestamp field (<c>metav1.Time</c> or <c>MicroTime</c>, RFC 3339); <c>null</c> if absent or unparsable.</summary>
    public static DateTimeOffset? Time(this JsonObject? obj, string name) => ParseTime(obj.Str(name));

    /// <summary>The number of entries of an object-valued field (e.g. a ConfigMap's <c>data</c>); 0 when absent.</summary>
    public static int CountOf(this JsonObject? obj, string name) => Get(obj, name) switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    /// <summary>The object elements of an array, skipping anything else; empty for <c>null</c>.</summary>
    public static IEnumerable<JsonObject> Objects(this JsonArray? array) =>
        array is null ? [] : array.OfType<JsonObject>();

    /// <summary>The string elements of an array, skipping anything else; empty for <c>null</c>.</summary>
    public static IEnumerable<string> Strings(this JsonArray? array) =>
        array is null ? [] : array.Select(AsString).OfType<string>();

    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static long? AsLong(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        if (value.TryGetValue<long>(out var whole))
        {
            return whole;
        }
        var number = AsDouble(node)!.Value;
        return number is >= long.MinValue and <= long.MaxValue ? (long)number : null;
    }

    public static double? AsDouble(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return null;
        }
        // A JsonValue may wrap a JsonElement or any CLR numeric type; the JSON text is the one common form.
        return value.TryGetValue<double>(out var number)
            ? number
            : double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>An integer-or-string field (<c>intstr.IntOrString</c>) as text, e.g. <c>1</c> or <c>50%</c>.</summary>
    public static string? IntOrString(this JsonObject? obj, string name) => Get(obj, name) switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => null,
    };

    public static DateTimeOffset? ParseTime(string? text) =>
        text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : null;

    private static JsonNode? Get(JsonObject? obj, string name) =>
        obj is not null && obj.TryGetPropertyValue(name, out var node) ? node : null;
}
