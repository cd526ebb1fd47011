using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Tests.Patching;

/// <summary>Parsing and whole-document comparison for patch tests.</summary>
internal static class JsonAssert
{
    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();

    public static JsonNode? Node(string json) => JsonNode.Parse(json);

    /// <summary>Asserts semantic equality (<see cref="JsonNode.DeepEquals"/>); on failure shows both documents with sorted keys.</summary>
    public static void Equal(string expected, JsonNode? actual) => Equal(JsonNode.Parse(expected), actual);

    public static void Equal(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Equal(Canonical(expected), Canonical(actual));
            Assert.Fail($"documents differ: {expected?.ToJsonString()} vs {actual?.ToJsonString()}");
        }
    }

    /// <summary>Asserts JSON text equality including member order (for order-sensitive output such as fieldsV1).</summary>
    public static void SameText(string expected, JsonNode? actual) =>
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), actual?.ToJsonString());

    private static string Canonical(JsonNode? node) => Sort(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sort(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sort(p.Value)))),
        JsonArray list => new JsonArray([.. list.Select(Sort)]),
        _ => node?.DeepClone(),
    };
}
