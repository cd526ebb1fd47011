using System.Text.Json.Nodes;
using Flotilla.ApiServer.Printing;

namespace Flotilla.ApiServer.Tests.Printing;

public sealed class JsonPathTests
{
    private const string Document = """
        {
          "metadata": {
            "name": "crp-1",
            "labels": {"app.kubernetes.io/name": "fleet", "tier": "web"},
            "annotations": null
          },
          "spec": {"replicas": 3, "ratio": 0.5, "paused": false, "policy": {"type": "PickN", "n": 2}},
          "status": {
            "conditions": [
              {"type": "Scheduled", "status": "True", "observedGeneration": 1},
              {"type": "Ready", "status": "False", "observedGeneration": 2},
              {"type": "Applied", "status": "True", "observedGeneration": 3}
            ],
            "targets": [{"name": "a", "ready": true}, {"name": "b"}, {"name": "c", "ready": false}],
            "counts": [10, 20, 30, 40]
          }
        }
        """;

    [Theory]
    [InlineData(".metadata.name", """["crp-1"]""")]
    [InlineData("metadata.name", """["crp-1"]""")]
    [InlineData("$.metadata.name", """["crp-1"]""")]
    [InlineData("{.metadata.name}", """["crp-1"]""")]
    [InlineData("  .metadata.name  ", """["crp-1"]""")]
    [InlineData(".spec.replicas", "[3]")]
    [InlineData(".spec.policy", """[{"type":"PickN","n":2}]""")]
    [InlineData(".status.counts[0]", "[10]")]
    [InlineData(".status.counts[-1]", "[40]")]
    [InlineData(".status.counts[1:3]", "[20,30]")]
    [InlineData(".status.counts[:2]", "[10,20]")]
    [InlineData(".status.counts[2:]", "[30,40]")]
    [InlineData(".status.counts[::2]", "[10,30]")]
    [InlineData(".status.counts[0,3]", "[10,40]")]
    [InlineData(".status.counts[*]", "[10,20,30,40]")]
    [InlineData(".status.counts[9]", "[]")]
    [InlineData(".status.conditions[*].type", """["Scheduled","Ready","Applied"]""")]
    [InlineData(".status.targets[*].ready", "[true,false]")]
    [InlineData(""".status.conditions[?(@.type=="Ready")].status""", """["False"]""")]
    [InlineData(".status.conditions[?(@.type=='Ready')].status", """["False"]""")]
    [InlineData(""".status.conditions[?( @.type == "Applied" )].observedGeneration""", "[3]")]
    [InlineData(""".status.conditions[?(@.status!="True")].type""", """["Ready"]""")]
    [InlineData(".status.conditions[?(@.observedGeneration>1)].type", """["Ready","Applied"]""")]
    [InlineData(".status.conditions[?(@.observedGeneration<=2)].type", """["Scheduled","Ready"]""")]
    [InlineData(""".status.conditions[?(@.type=="Missing")].status""", "[]")]
    [InlineData(".status.targets[?(@.ready)].name", """["a"]""")]
    [InlineData(".status.targets[?(@.ready==false)].name", """["c"]""")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", """["fleet"]""")]
    [InlineData(""".metadata.labels["app.kubernetes.io/name"]""", """["fleet"]""")]
    [InlineData(@".metadata.labels.app\.kubernetes\.io/name", """["fleet"]""")]
    [InlineData("['metadata']['name']", """["crp-1"]""")]
    [InlineData(".metadata.labels['tier','missing']", """["web"]""")]
    [InlineData(".spec.policy.*", """["PickN",2]""")]
    [InlineData("..name", """["crp-1","a","b","c"]""")]
    [InlineData(".metadata.annotations", "[null]")]
    [InlineData(".metadata.missing", "[]")]
    [InlineData(".metadata.name.deeper", "[]")]
    [InlineData(".spec.replicas[0]", "[]")]
    [InlineData(".metadata[?(@.x)]", "[]")]
    public void Evaluate_Expression_ReturnsMatchesInOrder(string expression, string expectedJson)
    {
        Assert.True(JsonPath.TryParse(expression, out var path, out var error), error);

        var results = new JsonArray(path.Evaluate(JsonNode.Parse(Document)).Select(r => r?.DeepClone()).ToArray());

        JsonAssert.Equal(expectedJson, results);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("$")]
    public void Evaluate_Root_ReturnsDocument(string expression)
    {
        var document = JsonNode.Parse("""{"a":1}""");
        Assert.True(JsonPath.TryParse(expression, out var path, out _));

        Assert.Same(document, Assert.Single(path.Evaluate(document)));
    }

    [Fact]
    public void TryEvaluateFirst_SeveralMatches_ReturnsFirst()
    {
        Assert.True(JsonPath.TryParse(".status.conditions[*].type", out var path, out _));

        Assert.True(path.TryEvaluateFirst(JsonNode.Parse(Document), out var first));
        Assert.Equal("Scheduled", first!.GetValue<string>());
        Assert.False(path.TryEvaluateFirst(JsonNode.Parse("{}"), out _));
    }

    [Theory]
    [InlineData(".metadata.name")]
    [InlineData(""".status.conditions[?(@.type=="Ready")].status""")]
    [InlineData(".spec.template.spec.containers[*].image")]
    [InlineData("$['a b']")]
    public void Validate_WellFormed_ReturnsNull(string expression)
    {
        Assert.Null(JsonPath.Validate(expression));
    }

    [Theory]
    [InlineData("", "empty JSONPath expression")]
    [InlineData("{}", "empty JSONPath expression")]
    [InlineData(".a[", "'[' at column 3 is not closed")]
    [InlineData(".a[0", "'[' at column 3 is not closed")]
    [InlineData(".a.", "expected a field name after '.' at column 4")]
    [InlineData(".a b", "unexpected ' ', expected '.' or '[' at column 3")]
    [InlineData(".a]", "unexpected ']'")]
    [InlineData(".a[x]", "'x' is not an array index, '*', a quoted field name or a filter at column 4")]
    [InlineData(".a[::0]", "array slice step must be positive")]
    [InlineData(".a['x]", "unterminated string starting with '")]
    [InlineData(".a[?(@.x==)]", "expected '@' path or a literal in filter at column 11")]
    [InlineData(".a[?(@.x==abc)]", "'abc' is not an '@' path, quoted string, number, true, false or null")]
    [InlineData(".a[?(@.x=\"y\")]", "expected one of == != < <= > >=")]
    [InlineData(".a[?(@.x==1]", "unexpected ']' in filter, expected ')'")]
    [InlineData(".a[?(@.x==1", "filter is not closed with ')'")]
    [InlineData(".a[?@.x]", "expected '(' after '?'")]
    [InlineData(".a[?('x')]", "a filter without a comparison must test an '@' path")]
    public void Validate_Malformed_SaysWhatAndWhere(string expression, string expectedMessagePart)
    {
        var error = JsonPath.Validate(expression);

        Assert.NotNull(error);
        Assert.Contains(expectedMessagePart, error, StringComparison.Ordinal);
    }
}
