using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Placement;

/// <summary>The Go-parity helpers behind admission messages: error aggregation, syntax checks, quantities, formatting.</summary>
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

    [Theory]
    [InlineData("app", new string[0])]
    [InlineData("example.com/app", new string[0])]
    [InlineData("/app", new[] { "prefix part must be non-empty" })]
    [InlineData("example.com/", new[]
    {
        "name part must be non-empty",
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    })]
    [InlineData("a/b/c", new[] { "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')" })]
    [InlineData("Example.com/app", new[] { "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')" })]
    public void IsQualifiedName_Value_UpstreamMessages(string value, string[] expected)
    {
        Assert.Equal(expected, GoValidation.IsQualifiedName(value));
    }

    [Fact]
    public void IsQualifiedName_LongName_BothLengthAndNothingElse()
    {
        Assert.Equal(["name part must be no more than 63 characters"], GoValidation.IsQualifiedName(new string('a', 64)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1.2_3-x")]
    public void IsValidLabelValue_Valid_NoMessages(string value)
    {
        Assert.Empty(GoValidation.IsValidLabelValue(value));
    }

    [Theory]
    [InlineData("1", "1", 0)]
    [InlineData("1Ki", "1024", 0)]
    [InlineData("0.1", "100m", 0)]
    [InlineData("1e3", "1k", 0)]
    [InlineData("1.5Gi", "1610612736", 0)]
    [InlineData("+2", "2.0", 0)]
    [InlineData("-1", "1", -1)]
    [InlineData("999m", "1", -1)]
    [InlineData("1Ei", "1E", 1)]
    [InlineData("1e100000", "1e99999", 1)]
    [InlineData("0", "-0", 0)]
    [InlineData(".5", "0.5", 0)]
    public void KubeQuantity_Compare_ExactAcrossSuffixes(string left, string right, int expected)
    {
        Assert.True(KubeQuantity.TryParse(left, out var a, out _));
        Assert.True(KubeQuantity.TryParse(right, out var b, out _));

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
    }

    [Theory]
    [InlineData("", KubeQuantity.FormatWrongError)]
    [InlineData("abc", KubeQuantity.FormatWrongError)]
    [InlineData("1.5.5", KubeQuantity.FormatWrongError)]
    [InlineData("5Gb", KubeQuantity.FormatWrongError)]
    [InlineData("1 ", KubeQuantity.FormatWrongError)]
    [InlineData("1ki", KubeQuantity.SuffixError)]
    [InlineData("1e", KubeQuantity.SuffixError)]
    public void KubeQuantity_Malformed_UpstreamError(string text, string expected)
    {
        Assert.False(KubeQuantity.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
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
