using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Tests.Printing;

/// <summary>Whole-object JSON comparison that shows both documents when they differ.</summary>
internal static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Equal(string expectedJson, JsonNode? actual)
    {
        var expected = JsonNode.Parse(expectedJson);
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Fail($"JSON differs.\nExpected:\n{expected?.ToJsonString(Indented)}\nActual:\n{actual?.ToJsonString(Indented)}");
        }
    }
}
