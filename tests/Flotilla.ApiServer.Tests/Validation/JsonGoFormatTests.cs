using System.Text.Json.Nodes;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Tests.Validation;

public sealed class JsonGoFormatTests
{
    [Theory]
    [InlineData("null", "null")]
    [InlineData("-1", "-1")]
    [InlineData("2.0", "2")]
    [InlineData("true", "true")]
    [InlineData("\"x\"", "\"x\"")]
    [InlineData("{\"a\":\"<b>\"}", "{\"a\":\"<b>\"}")]
    public void Value_JsonValue_RendersAsGoWould(string json, string expected)
    {
        Assert.Equal(expected, JsonGoFormat.Value(JsonNode.Parse(json)));
    }
}
