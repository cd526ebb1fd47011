using System.Text.Json.Nodes;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Defaulting;

/// <summary>
/// The "unset" tests of Go defaulting functions, for unstructured objects: a Go pointer is unset when the field is
/// absent or null, a string when it is also empty, an int32 when it is also zero.
/// </summary>
internal static class JsonFill
{
    /// <summary>The child object at <paramref name="key"/>, created when absent or null.</summary>
    public static JsonObject Object(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject existing)
        {
            return existing;
        }
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }

    /// <summary>Sets the value when the field is absent or null (a Go pointer field).</summary>
    public static void IfUnset(JsonObject obj, string key, Func<JsonNode> value)
    {
        if (obj[key] is null)
        {
            obj[key] = value();
        }
    }

    /// <summary>Sets the value when the field is absent, null or "" (a Go string field).</summary>
    public static void IfEmpty(JsonObject obj, string key, string value)
    {
        if (obj[key] is null || JsonKinds.Of(obj[key]) == JsonKind.String && JsonKinds.Text(obj[key]).Length == 0)
        {
            obj[key] = value;
        }
    }

    /// <summary>Sets the value when the field is absent, null or 0 (a Go int field).</summary>
    public static void IfZero(JsonObject obj, string key, long value)
    {
        if (obj[key] is null || JsonKinds.TryGetInt64(obj[key], out var current) && current == 0)
        {
            obj[key] = value;
        }
    }

    /// <summary>The objects of the list at <paramref name="key"/>, if there is one.</summary>
    public static IEnumerable<JsonObject> Items(JsonObject obj, string key) =>
        obj[key] is JsonArray array ? array.OfType<JsonObject>() : [];
}
