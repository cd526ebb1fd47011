using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Meta;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("4", "4", 4)]
    [InlineData("500m", "500m", 0.5)]
    [InlineData("16Gi", "16Gi", 17179869184)]
    [InlineData("1024Mi", "1Gi", 1073741824)]
    [InlineData("1.5Gi", "1536Mi", 1610612736)]
    [InlineData("1e3", "1k", 1000)]
    [InlineData("2k", "2k", 2000)]
    [InlineData("0.1", "100m", 0.1)]
    [InlineData("100", "100", 100)]
    [InlineData("+3", "3", 3)]
    [InlineData("-2", "-2", -2)]
    [InlineData("0", "0", 0)]
    public void Parse_ValidQuantity_HasValueAndCanonicalText(string text, string canonical, double value)
    {
        var quantity = Quantity.Parse(text);

        Assert.Equal((decimal)value, quantity.Value);
        Assert.Equal(canonical, quantity.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("16GB")]
    [InlineData("abc")]
    [InlineData("1..2")]
    [InlineData("Gi")]
    [InlineData("4 ")]
    public void TryParse_Malformed_ReturnsFalse(string text) => Assert.False(Quantity.TryParse(text, out _));

    [Fact]
    public void Subtract_BinaryAmounts_KeepsBinarySuffixes()
    {
        var available = Quantity.Parse("64Gi") - Quantity.Parse("256Mi");

        Assert.Equal("65280Mi", available.ToString());
    }

    [Fact]
    public void Add_CpuAmounts_PrintsMillicoresOnlyWhenFractional()
    {
        Assert.Equal("8", (Quantity.Parse("4") + Quantity.Parse("4")).ToString());
        Assert.Equal("3500m", (Quantity.Parse("4") - Quantity.Parse("500m")).ToString());
    }

    [Fact]
    public void AtLeastZero_Negative_IsZero() => Assert.Equal(0m, (Quantity.Parse("1") - Quantity.Parse("2")).AtLeastZero().Value);

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
    public void CompareTo_UpstreamGrammar_ExactAcrossSuffixes(string left, string right, int expected)
    {
        Assert.True(Quantity.TryParse(left, out var a, out _));
        Assert.True(Quantity.TryParse(right, out var b, out _));

        Assert.Equal(expected, Math.Sign(a.CompareTo(b)));
        Assert.Equal(-expected, Math.Sign(b.CompareTo(a)));
    }

    [Theory]
    [InlineData("", Quantity.FormatWrongError)]
    [InlineData("abc", Quantity.FormatWrongError)]
    [InlineData("1.5.5", Quantity.FormatWrongError)]
    [InlineData("5Gb", Quantity.FormatWrongError)]
    [InlineData("1 ", Quantity.FormatWrongError)]
    [InlineData("1ki", Quantity.SuffixError)]
    [InlineData("1e", Quantity.SuffixError)]
    public void TryParse_Malformed_UpstreamError(string text, string expected)
    {
        Assert.False(Quantity.TryParse(text, out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("Gi")]
    [InlineData("+")]
    [InlineData("1e100000")]
    [InlineData("1e-30")]
    public void TryParse_UpstreamOnly_RejectedForComputing(string text)
    {
        Assert.True(Quantity.TryParse(text, out _, out _));

        Assert.False(Quantity.TryParse(text, out _));
    }

    [Fact]
    public void Equals_SameAmountWrittenDifferently_Equal()
    {
        Assert.Equal(Quantity.Parse("1.50"), Quantity.Parse("1500m"));
        Assert.Equal(Quantity.Parse("1.50").GetHashCode(), Quantity.Parse("1500m").GetHashCode());
        Assert.Equal(new Quantity(1.5m), Quantity.Parse("1.5"));
    }

    [Theory]
    [InlineData("0.1n", "1n")]
    [InlineData("-0.1n", "-1n")]
    [InlineData("1e-30", "1n")]
    [InlineData("1e100000", "1e100000")]
    [InlineData("1e21", "1000E")]
    public void ToString_BeyondSuffixes_RoundsOrUsesExponent(string text, string canonical)
    {
        Assert.True(Quantity.TryParse(text, out var quantity, out _));

        Assert.Equal(canonical, quantity.ToString());
    }

    [Fact]
    public void Value_BeyondDecimal_Throws()
    {
        Assert.True(Quantity.TryParse("1e100000", out var quantity, out _));

        Assert.Throws<OverflowException>(() => quantity.Value);
    }
}
