using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Meta;

public sealed class GoFormatTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.5, "1.5")]
    [InlineData(-2.25, "-2.25")]
    [InlineData(100000.0, "100000")]
    [InlineData(1000000.0, "1e+06")]
    [InlineData(123456789.0, "1.23456789e+08")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1e21, "1e+21")]
    [InlineData(0.1, "0.1")]
    public void Float_Value_PrintsLikeGoPercentV(double value, string expected)
    {
        Assert.Equal(expected, GoFormat.Float(value));
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("line\nnext\t", "\"line\\nnext\\t\"")]
    [InlineData("\u0001", "\"\\x01\"")]
    [InlineData("ünï", "\"ünï\"")]
    public void Quote_String_EscapesLikeGoStrconvQuote(string value, string expected)
    {
        Assert.Equal(expected, GoFormat.Quote(value));
    }

    [Fact]
    public void StringMap_Labels_SortedGoSyntax()
    {
        Assert.Equal("map[string]string{\"app\":\"web\", \"tier\":\"front\"}",
            GoFormat.StringMap([new("tier", "front"), new("app", "web")]));
    }

    [Theory]
    [InlineData("\a\b\f\v", "\"\\a\\b\\f\\v\"")]
    [InlineData("\u007f", "\"\\x7f\"")]
    public void Quote_ControlCharacters_UseGoEscapes(string value, string expected)
    {
        Assert.Equal(expected, GoFormat.Quote(value));
    }
}
