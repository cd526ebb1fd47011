using System.Text;
using System.Text.Json;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Tests.Schema;

public sealed class StrictJsonTests
{
    public static TheoryData<string, string[]> Bodies => new()
    {
        { """{"a":1}""", [] },
        { """{"a":1,"a":2}""", ["a"] },
        { """{"metadata":{"name":"x","name":"y"}}""", ["metadata.name"] },
        { """{"spec":{"template":{"spec":{"containers":[{"name":"a"},{"image":"x","imagePullPolicy":"Always","imagePullPolicy":"Never"}]}}}}""",
            ["spec.template.spec.containers[1].imagePullPolicy"] },
        { """{"spec":{"paused":true,"x":{"paused":1},"paused":false},"spec":{}}""", ["spec.paused", "spec"] },
        { """[{"a":1},{"a":2,"a":3}]""", ["[1].a"] },
        { """{"a":{"b":1},"c":{"b":2}}""", [] },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void FindDuplicateFields_Body_ReturnsPathsInDocumentOrder(string body, string[] expected)
    {
        Assert.Equal(expected, StrictJson.FindDuplicateFields(Encoding.UTF8.GetBytes(body)));
        Assert.Equal(expected, StrictJson.Parse(Encoding.UTF8.GetBytes(body)).DuplicateFields);
    }

    [Fact]
    public void Parse_RepeatedKey_LastValueWins()
    {
        var result = StrictJson.Parse("""{"spec":{"replicas":1,"replicas":3,"template":{"a":[1,{"b":"x"}],"a":"last"}}}"""u8);

        JsonAssert.Equal("""{"spec":{"replicas":3,"template":{"a":"last"}}}""", result.Root);
    }

    [Fact]
    public void Parse_Scalars_IntegersAreLongsOtherNumbersDoubles()
    {
        var result = StrictJson.Parse("""{"i":5,"big":9223372036854775807,"f":1.5,"e":1e3,"s":"\u00e9\"","t":true,"n":null,"a":[]}"""u8);
        var root = result.Root!.AsObject();

        Assert.Equal(5L, root["i"]!.GetValue<long>());
        Assert.Equal(long.MaxValue, root["big"]!.GetValue<long>());
        Assert.Equal(1.5, root["f"]!.GetValue<double>());
        Assert.Equal(1000.0, root["e"]!.GetValue<double>());
        Assert.Equal("é\"", root["s"]!.GetValue<string>());
        Assert.True(root["t"]!.GetValue<bool>());
        Assert.True(root.ContainsKey("n"));
        Assert.Null(root["n"]);
        Assert.Empty(root["a"]!.AsArray());
    }

    [Theory]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1} {}")]
    [InlineData("{\"a\":1,}")]
    [InlineData("{\"a\":1e400}")]
    public void Parse_Malformed_ThrowsJsonException(string body)
    {
        Assert.ThrowsAny<JsonException>(() => StrictJson.Parse(Encoding.UTF8.GetBytes(body)));
    }
}
