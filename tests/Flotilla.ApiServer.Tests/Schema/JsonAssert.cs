using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Tests;

/// <summary>Whole-object comparisons for unstructured JSON, with both sides printed on failure.</summary>
internal static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Equal(string expectedJson, JsonNode? actual) => Equal(JsonNode.Parse(expectedJson), actual);

    public static void Equal(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"JSON differs.\nExpected:\n{expected?.ToJsonString(Indented)}\nActual:\n{actual?.ToJsonString(Indented)}");
        }
    }

    public static JsonObject Object(string json) => JsonNode.Parse(json)!.AsObject();
}
