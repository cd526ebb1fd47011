using Flotilla.Api.Meta;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Tests.Schema;

public sealed class FieldValidationTests
{
    [Fact]
    public void Apply_StrictWithUnknownAndDuplicateFields_ThrowsBadRequestNamingAllDuplicatesFirst()
    {
        var error = Assert.Throws<ApiException>(() => FieldValidation.Apply(
            FieldValidationMode.Strict, "ClusterResourcePlacement", "v1beta1", ["metadata.name"], ["spec.foo", "spec.bar"]));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
        Assert.Equal(
            "ClusterResourcePlacement in version \"v1beta1\" cannot be handled as a ClusterResourcePlacement: strict decoding error: "
            + "duplicate field \"metadata.name\", unknown field \"spec.foo\", unknown field \"spec.bar\"",
            error.Message);
    }

    [Fact]
    public void Apply_StrictWithOneUnknownField_MatchesUpstreamMessage()
    {
        var error = Assert.Throws<ApiException>(() => FieldValidation.Apply(
            FieldValidationMode.Strict, "ClusterResourcePlacement", "v1beta1", [], ["spec.foo"]));

        Assert.Equal(
            "ClusterResourcePlacement in version \"v1beta1\" cannot be handled as a ClusterResourcePlacement: strict decoding error: unknown field \"spec.foo\"",
            error.Message);
    }

    [Theory]
    [InlineData("Strict")]
    [InlineData("Warn")]
    [InlineData("Ignore")]
    public void Apply_NoProblems_NoWarningsAndNoError(string mode)
    {
        Assert.Empty(FieldValidation.Apply(Enum.Parse<FieldValidationMode>(mode), "K", "v1", [], []));
    }

    [Fact]
    public void Apply_Warn_OneWarningPerProblem()
    {
        var warnings = FieldValidation.Apply(FieldValidationMode.Warn, "K", "v1", ["a"], ["spec.foo"]);

        Assert.Equal(["duplicate field \"a\"", "unknown field \"spec.foo\""], warnings);
        Assert.Equal("299 - \"unknown field \\\"spec.foo\\\"\"", FieldValidation.WarningHeaderValue(warnings[1]));
    }

    [Fact]
    public void Apply_Ignore_Silent()
    {
        Assert.Empty(FieldValidation.Apply(FieldValidationMode.Ignore, "K", "v1", ["a"], ["b"]));
    }

    [Theory]
    [InlineData(null, "Warn")]
    [InlineData("", "Warn")]
    [InlineData("Strict", "Strict")]
    [InlineData("Warn", "Warn")]
    [InlineData("Ignore", "Ignore")]
    public void Parse_KnownValue_ReturnsMode(string? value, string expected)
    {
        Assert.Equal(Enum.Parse<FieldValidationMode>(expected), FieldValidation.Parse(value));
    }

    [Fact]
    public void Parse_UnknownValue_BadRequest()
    {
        var error = Assert.Throws<ApiException>(() => FieldValidation.Parse("strict"));

        Assert.Equal(400, error.Code);
        Assert.Equal("fieldValidation: Unsupported value: \"strict\": supported values: \"Ignore\", \"Warn\", \"Strict\"", error.Message);
    }
}
