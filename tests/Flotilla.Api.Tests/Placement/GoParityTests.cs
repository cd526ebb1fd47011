using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Placement;

/// <summary>The Go-parity helpers behind admission messages: error aggregation and formatting (syntax checks: NameValidationTests; quantities: QuantityTests).</summary>
public sealed class GoParityTests
{
    [Fact]
    public void Aggregate_Empty_Null()
    {
        Assert.Null(GoError.Aggregate([null, null]));
    }

    [Fact]
    public void Aggregate_OneError_PrintedWithoutBrackets()
    {
        Assert.Equal("a", GoError.Aggregate([null, GoError.New("a")])!.Message);
    }

    [Fact]
    public void Aggregate_Nested_FlattenedAndDeduplicated()
    {
        var inner = GoError.Aggregate([GoError.New("b"), GoError.New("a")]);

        var outer = GoError.Aggregate([GoError.New("a"), inner, GoError.New("c")]);

        Assert.Equal("[a, b, c]", outer!.Message);
    }

    [Fact]
    public void Aggregate_AllTheSameMessage_PrintedOnce()
    {
        Assert.Equal("a", GoError.Aggregate([GoError.New("a"), GoError.New("a")])!.Message);
    }

    [Fact]
    public void Wrap_Aggregate_KeepsItsBrackets()
    {
        var wrapped = GoError.Wrap("outer: ", GoError.Aggregate([GoError.New("a"), GoError.New("b")])!);

        Assert.Equal("[x, outer: [a, b]]", GoError.Aggregate([GoError.New("x"), wrapped])!.Message);
    }

    [Fact]
    public void LabelSelector_GeneratedStringForm()
    {
        var selector = new StructuredLabelSelector
        {
            MatchLabels = new() { ["b"] = "2", ["a"] = "1" },
            MatchExpressions = [new StructuredLabelRequirement { Key = "env", Operator = "In", Values = ["dev", "prod"] }],
        };

        Assert.Equal(
            "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:env,Operator:In,Values:[dev prod],},},}",
            GoFormat.LabelSelector(selector));
        Assert.Equal("nil", GoFormat.LabelSelector(null));
    }

    [Theory]
    [InlineData("Exists", new[] { "x" }, "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist")]
    [InlineData("NotIn", null, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty")]
    [InlineData("Gt", new[] { "1" }, "\"Gt\" is not a valid label selector operator")]
    public void LabelSelectorError_BadExpression_UpstreamMessage(string op, string[]? values, string expected)
    {
        var selector = new StructuredLabelSelector { MatchExpressions = [new StructuredLabelRequirement { Key = "k", Operator = op, Values = values?.ToList() }] };

        Assert.Equal(expected, GoFormat.LabelSelectorError(selector));
    }

    [Fact]
    public void LabelSelectorError_BadKeyAndValue_BothInOneAggregate()
    {
        var selector = new StructuredLabelSelector { MatchLabels = new() { ["a b"] = "c d" } };

        var error = GoFormat.LabelSelectorError(selector);

        Assert.StartsWith("[key: Invalid value: \"a b\": name part must consist of", error, StringComparison.Ordinal);
        Assert.Contains(", values[0][a b]: Invalid value: \"c d\": a valid label must be", error, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelSelectorError_ValidOrMissing_Null()
    {
        Assert.Null(GoFormat.LabelSelectorError(null));
        Assert.Null(GoFormat.LabelSelectorError(new StructuredLabelSelector()));
        Assert.Null(GoFormat.LabelSelectorError(new StructuredLabelSelector { MatchLabels = new() { ["example.com/a"] = "" } }));
    }
}
