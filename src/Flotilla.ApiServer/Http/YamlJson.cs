using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Flotilla.ApiServer.Http;

/// <summary>
/// YAML documents into JSON nodes, as the API server reads YAML request bodies and <c>flotilla</c> reads manifests:
/// YAML's plain-scalar typing (ints, floats, booleans, null), string keys only, no duplicate keys, no aliases, at
/// most <see cref="MaxDepth"/> levels.
/// </summary>
public static class YamlJson
{
    /// <summary>How deep a document may nest.</summary>
    public const int MaxDepth = 256;

    /// <summary>Every document of <paramref name="text"/>, in order (an empty document is null).</summary>
    /// <exception cref="FormatException">
    /// Not valid YAML, too deep, an alias, a non-string key or a duplicate key. The message is a clause to follow the
    /// name of what was read: "is not valid YAML: …", "nests deeper than 256 levels", …
    /// </exception>
    public static IReadOnlyList<JsonNode?> ParseDocuments(string text)
    {
        var stream = new YamlStream();
        try
        {
            CheckShape(text);
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner also throws InvalidOperationException on some malformed input, and
            // ArgumentOutOfRangeException on an escaped surrogate pair in the wrong order.
            throw new FormatException($"is not valid YAML: {e.Message}", e);
        }
        return [.. stream.Documents.Select(d => Convert(d.RootNode, 0))];
    }

    /// <summary>
    /// Runs YamlDotNet's parser (a state machine) over the events before the representation model is built:
    /// that model nests one call per level, so a document nested deep enough overflows the stack, which no catch
    /// stops; and it resolves aliases to shared nodes, which a billion-laughs document would expand exponentially.
    /// </summary>
    private static void CheckShape(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart when ++depth > MaxDepth:
                    throw new FormatException($"nests deeper than {MaxDepth} levels");
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
                case AnchorAlias alias:
                    throw new FormatException($"uses a YAML alias (*{alias.Value}); YAML aliases are not supported");
            }
        }
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new FormatException($"nests deeper than {MaxDepth} levels");
        }
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value
                        ?? throw new FormatException($"has a mapping key that is not a string (line {key.Start.Line}); YAML mapping keys must be strings");
                    if (!obj.TryAdd(name, Convert(value, depth + 1)))
                    {
                        throw new FormatException($"has a duplicate field \"{name}\" (line {key.Start.Line})");
                    }
                }
                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(c => Convert(c, depth + 1))]);
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new FormatException($"uses a YAML alias (line {node.Start.Line}); YAML aliases are not supported");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(text);
    }
}
