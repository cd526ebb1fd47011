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
}
