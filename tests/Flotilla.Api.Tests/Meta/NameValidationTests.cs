using Flotilla.Api.Meta;

namespace Flotilla.Api.Tests.Meta;

public sealed class NameValidationTests
{
    private const string NameRegexError = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    public static TheoryData<string, string[]> LabelKeys => new()
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
    [MemberData(nameof(LabelKeys))]
    public void IsLabelKey_Key_ReturnsUpstreamErrors(string key, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsLabelKey(key));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("v1.2_3-a", true)]
    [InlineData("-start", false)]
    [InlineData("has space", false)]
    public void IsValidLabelValue_Value_ValidOrNot(string value, bool valid)
    {
        Assert.Equal(valid, NameValidation.IsValidLabelValue(value).Count == 0);
    }

    [Theory]
    [InlineData("config.yaml", new string[0])]
    [InlineData("KEY_NAME", new string[0])]
    [InlineData("bad key", new[] { "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')" })]
    [InlineData("..", new[] { "must not be '..'" })]
    [InlineData("..data", new[] { "must not start with '..'" })]
    public void IsConfigMapKey_Key_ReturnsUpstreamErrors(string key, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsConfigMapKey(key));
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
        Assert.Equal(expected, NameValidation.IsQualifiedName(value));
    }

    [Fact]
    public void IsQualifiedName_LongName_BothLengthAndNothingElse()
    {
        Assert.Equal(["name part must be no more than 63 characters"], NameValidation.IsQualifiedName(new string('a', 64)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v1.2_3-x")]
    public void IsValidLabelValue_Valid_NoMessages(string value)
    {
        Assert.Empty(NameValidation.IsValidLabelValue(value));
    }

    [Theory]
    [InlineData("abc", new string[0])]
    [InlineData("a.b", new[] { "must not contain dots" })]
    [InlineData("-a", new[] { "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')" })]
    public void IsDns1123Label_Value_UpstreamMessages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsDns1123Label(value));
    }

    [Theory]
    [InlineData("my-name", new string[0])]
    [InlineData("1abc", new[] { "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')" })]
    public void IsDns1035Label_Value_UpstreamMessages(string value, string[] expected)
    {
        Assert.Equal(expected, NameValidation.IsDns1035Label(value));
    }

    [Theory]
    [InlineData("a\n")]
    [InlineData("a.")]
    [InlineData("")]
    public void MatchesDns1123Subdomain_NotASubdomain_False(string value)
    {
        Assert.False(NameValidation.MatchesDns1123Subdomain(value));
    }
}
