using System.Text.RegularExpressions;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// Syntax rules for strings the API constrains everywhere: DNS names, label keys and values, config keys, path
/// segments. Each check returns upstream's error strings (empty when valid), so callers can wrap them in causes for
/// whichever field they are checking.
/// </summary>
internal static partial class Content
{
    public const int Dns1123LabelMaxLength = 63;
    public const int Dns1123SubdomainMaxLength = 253;
    public const int LabelValueMaxLength = 63;

    private const string Dns1123LabelFormat = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
    private const string Dns1123SubdomainFormat = Dns1123LabelFormat + "(\\." + Dns1123LabelFormat + ")*";
    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
    private const string Dns1035LabelFormat = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private const string Dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    private const string LabelKeyFormat = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private const string LabelKeyMessage = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string LabelValueFormat = "(" + LabelKeyFormat + ")?";
    private const string LabelValueMessage = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private const string ConfigKeyFormat = "[-._a-zA-Z0-9]+";
    private const string ConfigKeyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";

    private static readonly string[] None = [];

    public static IReadOnlyList<string> IsDns1123Label(string value)
    {
        List<string>? errs = null;
        if (value.Length > Dns1123LabelMaxLength)
        {
            (errs ??= []).Add(MaxLenError(Dns1123LabelMaxLength));
        }
        if (!Dns1123LabelRegex().IsMatch(value))
        {
            (errs ??= []).Add(Dns1123SubdomainRegex().IsMatch(value)
                // A valid subdomain that is not a label can only differ by its dots (length was checked above).
                ? "must not contain dots"
                : RegexError(Dns1123LabelMessage, Dns1123LabelFormat, "my-name", "123-abc"));
        }
        return errs ?? (IReadOnlyList<string>)None;
    }

    public static IReadOnlyList<string> IsDns1123Subdomain(string value) =>
        LengthAndFormat(value, Dns1123SubdomainMaxLength, Dns1123SubdomainRegex(), () => RegexError(Dns1123SubdomainMessage, Dns1123SubdomainFormat, "example.com"));

    public static IReadOnlyList<string> IsDns1035Label(string value) =>
        LengthAndFormat(value, Dns1123LabelMaxLength, Dns1035LabelRegex(), () => RegexError(Dns1035LabelMessage, Dns1035LabelFormat, "my-name", "abc-123"));

    /// <summary>
    /// A "qualified name", the syntax of label keys, annotation keys and finalizers: an optional DNS subdomain
    /// prefix and '/', then a name of at most 63 characters.
    /// </summary>
    public static IReadOnlyList<string> IsQualifiedName(string value)
    {
        List<string>? errs = null;
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
                    (errs ??= []).Add("prefix part " + EmptyError());
                }
                else
                {
                    foreach (var msg in IsDns1123Subdomain(prefix))
                    {
                        (errs ??= []).Add("prefix part " + msg);
                    }
                }
                break;
            default:
                return ["a valid label key " + RegexError(LabelKeyMessage, LabelKeyFormat, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"];
        }
        if (name.Length == 0)
        {
            (errs ??= []).Add("name part " + EmptyError());
        }
        else if (name.Length > LabelValueMaxLength)
        {
            (errs ??= []).Add("name part " + MaxLenError(LabelValueMaxLength));
        }
        if (!LabelKeyRegex().IsMatch(name))
        {
            (errs ??= []).Add("name part " + RegexError(LabelKeyMessage, LabelKeyFormat, "MyName", "my.name", "123-abc"));
        }
        return errs ?? (IReadOnlyList<string>)None;
    }

    public static IReadOnlyList<string> IsLabelValue(string value) =>
        LengthAndFormat(value, LabelValueMaxLength, LabelValueRegex(), () => RegexError(LabelValueMessage, LabelValueFormat, "MyValue", "my_value", "12345"));

    /// <summary>A key of a ConfigMap's or Secret's <c>data</c> (it becomes a file name when mounted).</summary>
    public static IReadOnlyList<string> IsConfigMapKey(string value)
    {
        var format = LengthAndFormat(value, Dns1123SubdomainMaxLength, ConfigKeyRegex(), () => RegexError(ConfigKeyMessage, ConfigKeyFormat, "key.name", "KEY_NAME", "key-name"));
        var errs = format.Count == 0 ? null : new List<string>(format);
        if (value == ".")
        {
            (errs ??= []).Add("must not be '.'");
        }
        else if (value == "..")
        {
            (errs ??= []).Add("must not be '..'");
        }
        else if (value.StartsWith("..", StringComparison.Ordinal))
        {
            (errs ??= []).Add("must not start with '..'");
        }
        return errs ?? (IReadOnlyList<string>)None;
    }

    /// <summary>Whether a name can be one URL path segment (no '/', no '%', not '.' or '..').</summary>
    public static IReadOnlyList<string> IsPathSegmentName(string value)
    {
        if (value is "." or "..")
        {
            return [$"may not be '{value}'"];
        }
        return IsPathSegmentPrefix(value);
    }

    /// <summary>Like <see cref="IsPathSegmentName"/> for a prefix (generateName), which a suffix may still make valid.</summary>
    public static IReadOnlyList<string> IsPathSegmentPrefix(string value)
    {
        List<string>? errs = null;
        if (value.Contains('/', StringComparison.Ordinal))
        {
            (errs ??= []).Add("may not contain '/'");
        }
        if (value.Contains('%', StringComparison.Ordinal))
        {
            (errs ??= []).Add("may not contain '%'");
        }
        return errs ?? (IReadOnlyList<string>)None;
    }

    /// <summary>The common shape of these rules: a length limit, then a pattern; each failure is one error.</summary>
    private static IReadOnlyList<string> LengthAndFormat(string value, int maxLength, Regex format, Func<string> formatError)
    {
        var tooLong = value.Length > maxLength;
        var malformed = !format.IsMatch(value);
        return (tooLong, malformed) switch
        {
            (false, false) => None,
            (true, false) => [MaxLenError(maxLength)],
            (false, true) => [formatError()],
            _ => [MaxLenError(maxLength), formatError()],
        };
    }

    public static string MaxLenError(int length) => $"must be no more than {length} characters";

    public static string EmptyError() => "must be non-empty";

    public static string InclusiveRangeError(long lo, long hi) => $"must be between {lo} and {hi}, inclusive";

    /// <summary>Upstream's regex failure text, examples included; the doubled space before "or" is upstream's.</summary>
    public static string RegexError(string message, string format, params string[] examples)
    {
        if (examples.Length == 0)
        {
            return message + " (regex used for validation is '" + format + "')";
        }
        var text = message + " (e.g. ";
        for (var i = 0; i < examples.Length; i++)
        {
            if (i > 0)
            {
                text += " or ";
            }
            text += "'" + examples[i] + "', ";
        }
        return text + "regex used for validation is '" + format + "')";
    }

    // \z, not $: .NET's $ also matches before a trailing newline, which would let "name\n" through.
    [GeneratedRegex("^" + Dns1123LabelFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123LabelRegex();

    [GeneratedRegex("^" + Dns1123SubdomainFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1123SubdomainRegex();

    [GeneratedRegex("^" + Dns1035LabelFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035LabelRegex();

    [GeneratedRegex("^" + LabelKeyFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelKeyRegex();

    [GeneratedRegex("^" + LabelValueFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex LabelValueRegex();

    [GeneratedRegex("^" + ConfigKeyFormat + "\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigKeyRegex();
}
