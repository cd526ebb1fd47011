using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Patching;

/// <summary>Small helpers over <see cref="JsonNode"/> shared by the patch implementations.</summary>
internal static class PatchJson
{
    /// <summary>The string inside <paramref name="node"/>, or null when it is absent or not a JSON string.</summary>
    public static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>The object's <c>metadata</c> when it is a JSON object.</summary>
    public static JsonObject? Metadata(JsonObject obj) => obj["metadata"] as JsonObject;

    /// <summary>
    /// A deep copy in which object members whose value is null are left out, at every depth (also inside
    /// objects in arrays). Used where a patch value lands on a place with nothing to merge into: a null there means
    /// "no such field", never a stored null.
    /// </summary>
    public static JsonNode? CloneWithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    if (value is not null)
                    {
                        copy[key] = CloneWithoutNulls(value);
                    }
                }
                return copy;
            case JsonArray list:
                return new JsonArray([.. list.Select(CloneWithoutNulls)]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Replaces a member's value in place (keeping member order); a no-op when it is already that node.</summary>
    public static void Set(JsonObject obj, string key, JsonNode? value)
    {
        if (!obj.TryGetPropertyValue(key, out var existing) || !ReferenceEquals(existing, value))
        {
            obj[key] = value;
        }
    }
}
