using System.Globalization;
using System.Text;

namespace Flotilla.Api.Meta;

/// <summary>
/// Upstream's syntax rules for names, keys and values (apimachinery <c>util/validation</c> and
/// <c>api/validation/path</c>): each check returns upstream's list of error messages, wording and spacing included,
/// and an empty list when the text is valid, because the API server and the webhooks join these messages into errors
/// users compare with a real cluster's. The patterns are hand-coded rather than regular expressions (selectors and
/// EndpointSlice names are checked on hot paths); each documents the pattern it implements.
/// </summary>
public static class NameValidation
{
    public const int QualifiedNameMaxLength = 63;
    public const int LabelValueMaxLength = 63;
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int Dns1035LabelMaxLength = 63;

    /// <summary>The qualified name pattern (the name part of a label key), as upstream's messages quote it.</summary>
    public const string QualifiedNameFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";

    /// <summary>The label value pattern: empty, or a qualified name part.</summary>
    public const string LabelValueFormat = "(" + QualifiedNameFormat + ")?";

    /// <summary>The lowercase RFC 1123 label pattern.</summary>
    public const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

    /// <summary>The lowercase RFC 1123 subdomain pattern: labels joined by dots.</summary>
    public const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";

    /// <summary>The RFC 1035 label pattern: like an RFC 1123 label, but starting with a letter.</summary>
    public const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";

    /// <summary>The pattern of a ConfigMap's or Secret's data key.</summary>
    public const string ConfigMapKeyFormat = "[-._a-zA-Z0-9]+";

    private const string QualifiedNameMessage =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string Dns1123LabelMessage =
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainMessage =
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelMessage =
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string ConfigMapKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
    private const string QualifiedNameSlashes = " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";

    private static readonly string[] None = [];

    /// <summary>
    /// <c>IsQualifiedName</c>: an optional DNS subdomain prefix and <c>/</c>, then a name of at most 63 characters.
    /// The syntax of label keys, annotation keys and finalizers; fleet webhooks check property names and taint keys
    /// with it.
    /// </summary>
    public static IReadOnlyList<string> IsQualifiedName(string value) => QualifiedName(value, "a qualified name ");

    /// <summary>
    /// <c>IsLabelKey</c>: the same rule as <see cref="IsQualifiedName"/>, which newer upstream versions use for
    /// object metadata (label and annotation keys, finalizers) and which names the whole a "label key" when it has
    /// more than one <c>/</c>.
    /// </summary>
    public static IReadOnlyList<string> IsLabelKey(string value) => QualifiedName(value, "a valid label key ");

    /// <summary><c>IsValidLabelValue</c>: empty, or a qualified name part of at most 63 characters.</summary>
    public static IReadOnlyList<string> IsValidLabelValue(string value)
    {
        var tooLong = value.Length > LabelValueMaxLength;
        var malformed = value.Length > 0 && !MatchesQualifiedName(value);
        return LengthAndFormat(tooLong, LabelValueMaxLength, malformed, () => RegexError(LabelValueMessage, LabelValueFormat, "MyValue", "my_value", "12345"));
    }

    /// <summary><c>IsDNS1123Label</c>: a lowercase RFC 1123 label of at most 63 characters (no dots).</summary>
    public static IReadOnlyList<string> IsDns1123Label(string value)
    {
        List<string>? errors = null;
        if (value.Length > Dns1123LabelMaxLength)
        {
            (errors ??= []).Add(MaxLenError(Dns1123LabelMaxLength));
        }
        if (!IsDns1123LabelPart(value))
        {
            // A valid subdomain that is not a label can only differ by its dots (length was checked above).
            (errors ??= []).Add(MatchesDns1123Subdomain(value) ? "must not contain dots" : RegexError(Dns1123LabelMessage, Dns1123LabelFormat, "my-name", "123-abc"));
        }
        return errors ?? (IReadOnlyList<string>)None;
    }

    /// <summary><c>IsDNS1123Subdomain</c>: lowercase RFC 1123 labels joined by dots, at most 253 characters.</summary>
    public static IReadOnlyList<string> IsDns1123Subdomain(string value) =>
        LengthAndFormat(value.Length > Dns1123SubdomainMaxLength, Dns1123SubdomainMaxLength, !MatchesDns1123Subdomain(value),
            () => RegexError(Dns1123SubdomainMessage, Dns1123SubdomainFormat, "example.com"));

    /// <summary><c>IsDNS1035Label</c>: an RFC 1035 label of at most 63 characters.</summary>
    public static IReadOnlyList<string> IsDns1035Label(string value) =>
        LengthAndFormat(value.Length > Dns1035LabelMaxLength, Dns1035LabelMaxLength, !MatchesDns1035Label(value),
            () => RegexError(Dns1035LabelMessage, Dns1035LabelFormat, "my-name", "abc-123"));

    /// <summary><c>IsConfigMapKey</c>: a key of a ConfigMap's or Secret's <c>data</c> (it becomes a file name when mounted).</summary>
    public static IReadOnlyList<string> IsConfigMapKey(string value)
    {
        var format = LengthAndFormat(value.Length > Dns1123SubdomainMaxLength, Dns1123SubdomainMaxLength, !MatchesConfigMapKey(value),
            () => RegexError(ConfigMapKeyMessage, ConfigMapKeyFormat, "key.name", "KEY_NAME", "key-name"));
        var errors = format.Count == 0 ? null : new List<string>(format);
        if (value == ".")
        {
            (errors ??= []).Add("must not be '.'");
        }
        else if (value == "..")
        {
            (errors ??= []).Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            (errors ??= []).Add("must not start with '..'");
        }
        return errors ?? (IReadOnlyList<string>)None;
    }

    /// <summary><c>IsValidPathSegmentName</c>: whether a name can be one URL path segment (no '/', no '%', not '.' or '..').</summary>
    public static IReadOnlyList<string> IsPathSegmentName(string value) =>
        value is "." or ".." ? [$"may not be '{value}'"] : IsPathSegmentPrefix(value);

    /// <summary><c>IsValidPathSegmentPrefix</c>: like <see cref="IsPathSegmentName"/> for a prefix (generateName), which a suffix may still make valid.</summary>
    public static IReadOnlyList<string> IsPathSegmentPrefix(string value)
    {
        List<string>? errors = null;
        if (value.Contains('/', StringComparison.Ordinal))
        {
            (errors ??= []).Add("may not contain '/'");
        }
        if (value.Contains('%', StringComparison.Ordinal))
        {
            (errors ??= []).Add("may not contain '%'");
        }
        return errors ?? (IReadOnlyList<string>)None;
    }

    /// <summary>Whether <paramref name="text"/> matches <see cref="QualifiedNameFormat"/> (no length limit).</summary>
    public static bool MatchesQualifiedName(string text)
    {
        if (text.Length == 0 || !char.IsAsciiLetterOrDigit(text[0]) || !char.IsAsciiLetterOrDigit(text[^1]))
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

    /// <summary>Whether <paramref name="text"/> matches <see cref="Dns1123SubdomainFormat"/> (no length limit).</summary>
    public static bool MatchesDns1123Subdomain(string text)
    {
        foreach (var part in text.Split('.'))
        {
            if (!IsDns1123LabelPart(part))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether <paramref name="text"/> matches <see cref="Dns1035LabelFormat"/> (no length limit).</summary>
    public static bool MatchesDns1035Label(string text) => text.Length > 0 && char.IsAsciiLetterLower(text[0]) && IsDns1123LabelPart(text);

    public static string EmptyError() => "must be non-empty";

    public static string MaxLenError(int length) => "must be no more than " + length.ToString(CultureInfo.InvariantCulture) + " characters";

    public static string InclusiveRangeError(long lo, long hi) =>
        "must be between " + lo.ToString(CultureInfo.InvariantCulture) + " and " + hi.ToString(CultureInfo.InvariantCulture) + ", inclusive";

    /// <summary>Upstream's <c>RegexError</c>: the message, examples and pattern, with its exact spacing (two spaces before each " or ").</summary>
    public static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + format + "')";
        }
        var text = new StringBuilder(message).Append(" (e.g. ");
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                text.Append(" or ");
            }
            text.Append('\'').Append(examples[i]).Append("', ");
        }
        return text.Append("regex used for validation is '").Append(format).Append("')").ToString();
    }

    private static IReadOnlyList<string> QualifiedName(string value, string wholeName)
    {
        List<string>? errors = null;
        var parts = value.Split('/');
        string name;
        switch (parts.Length)
        {
            case 1:
                name = parts[0];
                break;
            case 2:
                var prefix = parts[0];
                name = parts[1];
                if (prefix.Length == 0)
                {
                    (errors ??= []).Add("prefix part " + EmptyError());
                }
                else
                {
                    foreach (var message in IsDns1123Subdomain(prefix))
                    {
                        (errors ??= []).Add("prefix part " + message);
                    }
                }
                break;
            default:
                return [wholeName + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc") + QualifiedNameSlashes];
        }

        if (name.Length == 0)
        {
            (errors ??= []).Add("name part " + EmptyError());
        }
        else if (name.Length > QualifiedNameMaxLength)
        {
            (errors ??= []).Add("name part " + MaxLenError(QualifiedNameMaxLength));
        }
        if (!MatchesQualifiedName(name))
        {
            (errors ??= []).Add("name part " + RegexError(QualifiedNameMessage, QualifiedNameFormat, "MyName", "my.name", "123-abc"));
        }
        return errors ?? (IReadOnlyList<string>)None;
    }

    /// <summary>The common shape of these rules: a length limit, then a pattern; each failure is one message.</summary>
    private static IReadOnlyList<string> LengthAndFormat(bool tooLong, int maxLength, bool malformed, Func<string> formatError) => (tooLong, malformed) switch
    {
        (false, false) => None,
        (true, false) => [MaxLenError(maxLength)],
        (false, true) => [formatError()],
        _ => [MaxLenError(maxLength), formatError()],
    };

    // [a-z0-9]([-a-z0-9]*[a-z0-9])?
    private static bool IsDns1123LabelPart(string text)
    {
        if (text.Length == 0 || !IsLowerAlphanumeric(text[0]) || !IsLowerAlphanumeric(text[^1]))
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!IsLowerAlphanumeric(c) && c != '-')
            {
                return false;
            }
        }
        return true;
    }

    // [-._a-zA-Z0-9]+
    private static bool MatchesConfigMapKey(string text)
    {
        if (text.Length == 0)
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

    private static bool IsLowerAlphanumeric(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
}
