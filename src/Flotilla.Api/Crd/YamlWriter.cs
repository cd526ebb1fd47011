using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flotilla.Api.Crd;

/// <summary>
/// Writes a JSON document as block-style YAML, the way Kubernetes manifests are written. Strings that YAML would
/// read as something else (numbers, booleans, null, anything with special characters) are written as JSON
/// double-quoted scalars, which YAML reads back unchanged; everything else is plain. Deterministic, so generated
/// files can be compared byte for byte.
/// </summary>
public static partial class YamlWriter
{
    /// <summary>The YAML text of <paramref name="node"/>, ending with a newline.</summary>
    public static string Write(JsonNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var text = new StringBuilder();
        switch (node)
        {
            case JsonObject obj:
                WriteMapping(text, obj, 0);
                break;
            case JsonArray array:
                WriteSequence(text, array, 0);
                break;
            default:
                text.Append(Scalar(node)).Append('\n');
                break;
        }
        return text.ToString();
    }

    private static void WriteMapping(StringBuilder text, JsonObject obj, int indent)
    {
        foreach (var (key, value) in obj)
        {
            text.Append(' ', indent).Append(Key(key)).Append(':');
            WriteValue(text, value, indent);
        }
    }

    private static void WriteSequence(StringBuilder text, JsonArray array, int indent)
    {
        foreach (var item in array)
        {
            text.Append(' ', indent).Append('-');
            switch (item)
            {
                case JsonObject { Count: > 0 } obj:
                    // The first key shares the dash's line; the rest align under it.
                    var first = true;
                    foreach (var (key, value) in obj)
                    {
                        if (first)
                        {
                            text.Append(' ').Append(Key(key)).Append(':');
                            first = false;
                        }
                        else
                        {
                            text.Append(' ', indent + 2).Append(Key(key)).Append(':');
                        }
                        WriteValue(text, value, indent + 2);
                    }
                    break;
                case JsonArray { Count: > 0 } nested:
                    text.Append('\n');
                    WriteSequence(text, nested, indent + 2);
                    break;
                default:
                    text.Append(' ').Append(Inline(item)).Append('\n');
                    break;
            }
        }
    }

    private static void WriteValue(StringBuilder text, JsonNode? value, int indent)
    {
        switch (value)
        {
            case JsonObject { Count: > 0 } obj:
                text.Append('\n');
                WriteMapping(text, obj, indent + 2);
                break;
            case JsonArray { Count: > 0 } array:
                text.Append('\n');
                WriteSequence(text, array, indent);
                break;
            default:
                text.Append(' ').Append(Inline(value)).Append('\n');
                break;
        }
    }

    private static string Inline(JsonNode? node) => node switch
    {
        JsonObject => "{}",
        JsonArray => "[]",
        _ => Scalar(node),
    };

    private static string Scalar(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }
        var value = node.AsValue();
        if (value.TryGetValue<string>(out var text))
        {
            return Quote(text);
        }
        if (value.TryGetValue<bool>(out var flag))
        {
            return flag ? "true" : "false";
        }
        // Numbers, however the node was built (parsed, or from a CLR value): their JSON text is their YAML text.
        return node.ToJsonString();
    }

    private static string Key(string key) => Quote(key);

    private static string Quote(string value) => IsPlainSafe(value) ? value : DoubleQuoted(value);

    /// <summary>A YAML double-quoted scalar: backslash escapes for quotes, backslashes and control characters only.</summary>
    private static string DoubleQuoted(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }

    private static bool IsPlainSafe(string value) =>
        value.Length > 0
        && PlainScalar().IsMatch(value)
        && !ReservedWords.Contains(value.ToLowerInvariant())
        && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        && !value.Contains(": ", StringComparison.Ordinal)
        && !value.Contains(" #", StringComparison.Ordinal)
        && !value.EndsWith(':');

    // Words YAML 1.1 or 1.2 readers turn into booleans or null.
    private static readonly HashSet<string> ReservedWords = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];

    [GeneratedRegex("^[A-Za-z_/.][A-Za-z0-9_ ./:()\\-]*[A-Za-z0-9_./)\\-]$|^[A-Za-z_]$")]
    private static partial Regex PlainScalar();
}
