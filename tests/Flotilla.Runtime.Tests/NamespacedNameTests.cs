namespace Flotilla.Runtime.Tests;

public sealed class NamespacedNameTests
{
    [Theory]
    [InlineData("fleet-system", "hub", "fleet-system/hub")]
    [InlineData("", "member-1", "member-1")]
    public void ToString_NamespaceAndName_PrintsClientGoKey(string @namespace, string name, string expected)
    {
        var key = new NamespacedName(@namespace, name);

        Assert.Equal(expected, key.ToString());
        Assert.Equal(key, NamespacedName.Parse(expected));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ns/")]
    [InlineData("a/b/c")]
    public void Parse_Malformed_ThrowsFormatException(string key)
    {
        Assert.Throws<FormatException>(() => NamespacedName.Parse(key));
    }

    [Fact]
    public void ToString_Default_IsEmpty()
    {
        Assert.Equal(string.Empty, default(NamespacedName).ToString());
    }
}
