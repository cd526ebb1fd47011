using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.LocalCluster.Common;

/// <summary>Small readers and writers over unstructured objects (<see cref="JsonObject"/>), lenient about number representations.</summary>
internal static class Json
{
    /// <summary>An integer (int, long or integral double); null when absent or not a number.</summary>
    public static long? Long(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        if (value.TryGetValue<long>(out var l))
        {
            return l;
        }
        if (value.TryGetValue<int>(out var i))
        {
            return i;
        }
        if (value.TryGetValue<double>(out var d) && !double.IsNaN(d) && !double.IsInfinity(d))
        {
            return (long)d;
        }
        if (value.TryGetValue<decimal>(out var m))
        {
            return (long)m;
        }
        return null;
    }

    public static int Int(JsonNode? node, int fallback = 0) => Long(node) is { } l ? (int)Math.Clamp(l, int.MinValue, int.MaxValue) : fallback;

    public static int? IntOrNull(JsonNode? node) => Long(node) is { } l ? (int)Math.Clamp(l, int.MinValue, int.MaxValue) : null;

    public static string? Str(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static bool Bool(JsonNode? node) => node is JsonValue v && v.TryGetValue<bool>(out var b) && b;

    public static IEnumerable<JsonObject> Items(JsonNode? node) => node is JsonArray array ? array.OfType<JsonObject>() : [];

    /// <summary>The string map at <paramref name="node"/> (labels, annotations, selectors); empty when absent.</summary>
    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                if (Str(value) is { } s)
                {
                    map[key] = s;
                }
            }
        }
        return map;
    }

    public static JsonObject ToObject(IEnumerable<KeyValuePair<string, string>> map)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            obj[key] = value;
        }
        return obj;
    }

    /// <summary>The child object <paramref name="name"/> of <paramref name="parent"/>, created when absent.</summary>
    public static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject child)
        {
            return child;
        }
        child = [];
        parent[name] = child;
        return child;
    }

    /// <summary>Sets a counter, leaving it out when zero and <paramref name="omitZero"/> (Go's <c>omitempty</c>).</summary>
    public static void SetCount(JsonObject obj, string name, long value, bool omitZero = true)
    {
        if (value == 0 && omitZero)
        {
            obj.Remove(name);
        }
        else
        {
            obj[name] = value;
        }
    }

    public static DateTimeOffset? Time(JsonNode? node) => Flotilla.Api.Unstructured.Obj.ParseTime(Str(node));

    public static string Now(TimeProvider time) => Flotilla.Api.Unstructured.Obj.FormatTime(time.GetUtcNow());

    public static JsonObject Clone(JsonObject obj) => obj.DeepClone().AsObject();

    /// <summary>
    /// Canonical JSON: object properties sorted by ordinal name at every level, no whitespace. Equal objects give
    /// equal text whatever order their properties arrived in, so it can be hashed.
    /// </summary>
    public static string Canonical(JsonNode? node) => Obj.ToSortedJson(node);


    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
