using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Tests.Validation;

public sealed class ContentTests
{
    private const string NameRegexError = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    public static TheoryData<string, string[]> QualifiedNames => new()
    {
        { "app", [] },
        { "app.kubernetes.io/name", [] },
        { "kubernetes.io/metadata.name", [] },
        { "My_Key.1", [] },
        { "bad key", [NameRegexError] },
        { "/name", ["prefix part must be non-empty"] },
        { "example.com/", ["name part must be non-empty", NameRegexError] },
        { "Example.com/name", ["prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"] },
        { new string('a', 64), ["name part must be no more than 63 characters"] },
        { "a/b/c", ["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"] },
    };

    [Theory]
    [MemberData(nameof(QualifiedNames))]
    public void IsQualifiedName_Key_ReturnsUpstreamErrors(string key, string[] expected)
    {
        Assert.Equal(expected, Content.IsQualifiedName(key));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("v1.2_3-a", true)]
    [InlineData("-start", false)]
    [InlineData("has space", false)]
    public void IsLabelValue_Value_ValidOrNot(string value, bool valid)
    {
        Assert.Equal(valid, Content.IsLabelValue(value).Count == 0);
    }

    [Theory]
    [InlineData("config.yaml", new string[0])]
    [InlineData("KEY_NAME", new string[0])]
    [InlineData("bad key", new[] { "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')" })]
    [InlineData("..", new[] { "must not be '..'" })]
    [InlineData("..data", new[] { "must not start with '..'" })]
    public void IsConfigMapKey_Key_ReturnsUpstreamErrors(string key, string[] expected)
    {
        Assert.Equal(expected, Content.IsConfigMapKey(key));
    }
}
