namespace Flotilla.Api.Meta;

/// <summary>
/// The label key and value syntax rules (upstream <c>IsQualifiedName</c> and <c>IsValidLabelValue</c>), hand-coded
/// rather than regex-based because selectors are parsed on every list and watch request.
/// </summary>
internal static class LabelSelectorValidation
{
    private const int MaxNameLength = 63;
    private const int MaxPrefixLength = 253;

    private const string NameRule =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name', or '123-abc')";

    /// <summary>Returns why <paramref name="key"/> is not a valid label key, or <c>null</c> when it is.</summary>
    public static string? ValidateKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = key;
        if (slash >= 0)
        {
            if (key.IndexOf('/', slash + 1) >= 0)
            {
                return "a qualified name may contain at most one '/', separating an optional DNS subdomain prefix from the name (e.g. 'example.com/MyName')";
            }
            var prefix = key[..slash];
            name = key[(slash + 1)..];
            if (prefix.Length == 0)
            {
                return "prefix part must be non-empty";
            }
            if (prefix.Length > MaxPrefixLength)
            {
                return $"prefix part must be no more than {MaxPrefixLength} characters";
            }
            if (!IsDns1123Subdomain(prefix))
            {
                return "prefix part must be a lowercase RFC 1123 subdomain: lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')";
            }
        }

        if (name.Length == 0)
        {
            return "name part must be non-empty";
        }
        if (name.Length > MaxNameLength)
        {
            return $"name part must be no more than {MaxNameLength} characters";
        }
        return IsQualifiedNamePart(name) ? null : "name part " + NameRule;
    }

    /// <summary>Returns why <paramref name="value"/> is not a valid label value, or <c>null</c> when it is.</summary>
    public static string? ValidateValue(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (value.Length > MaxNameLength)
        {
            return $"must be no more than {MaxNameLength} characters";
        }
        return IsQualifiedNamePart(value)
            ? null
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', 'my_value', or '12345')";
    }

    // ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9], non-empty.
    private static bool IsQualifiedNamePart(string text)
    {
        if (!char.IsAsciiLetterOrDigit(text[0]) || !char.IsAsciiLetterOrDigit(text[^1]))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    // [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*
    private static bool IsDns1123Subdomain(string text)
    {
        foreach (var part in text.Split('.'))
        {
            if (part.Length == 0 || !IsLowerAlphanumeric(part[0]) || !IsLowerAlphanumeric(part[^1]))
            {
                return false;
            }
            foreach (var c in part)
            {
                if (!IsLowerAlphanumeric(c) && c != '-')
                {
                    return false;
                }
            }
        }
        return true;

        static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
    }
}
