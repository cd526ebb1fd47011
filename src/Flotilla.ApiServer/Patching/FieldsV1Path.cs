using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// Path elements of a managed-fields set, spelled as in <c>fieldsV1</c>: <c>f:&lt;field&gt;</c> (an object key),
/// <c>k:&lt;json object&gt;</c> (a list-map item, by its key fields), <c>v:&lt;json&gt;</c> (a set item, by value) and
/// <c>i:&lt;n&gt;</c> (a list item, by index). A path is a list of such elements from the object's root.
/// </summary>
/// <remarks>
/// Invariant: every element made or read here is canonical — JSON is compact, a <c>k:</c> object lists its key
/// fields sorted by name (ordinal) — so two elements denote the same field exactly when their strings are equal.
/// Sorting the key fields follows upstream, which orders key fields by name whatever the list-map-keys order.
/// </remarks>
internal static class FieldsV1Path
{
    /// <summary>Compact JSON that leaves non-ASCII and HTML characters readable, as upstream prints keys.</summary>

    public static string Field(string name) => "f:" + name;

    public static string Value(JsonNode? value) => "v:" + Compact(value);

    public static string Index(int index) => "i:" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The <c>k:</c> element of a list-map item; null when the item is not an object or lacks a key field.</summary>
    public static string? Key(JsonNode? item, IReadOnlyList<string> keys)
    {
        if (item is not JsonObject obj || keys.Count == 0)
        {
            return null;
        }
        var key = new JsonObject();
        foreach (var name in keys.Order(StringComparer.Ordinal))
        {
            if (!obj.TryGetPropertyValue(name, out var value) || value is null)
            {
                return null;
            }
            key[name] = value.DeepClone();
        }
        return "k:" + key.ToJsonString(Obj.Wire);
    }

    public static string Compact(JsonNode? value) => value is null ? "null" : value.ToJsonString(Obj.Wire);

    public static bool IsField(string element) => element.StartsWith("f:", StringComparison.Ordinal);

    /// <summary>The field name of an <c>f:</c> element.</summary>
    public static string FieldName(string element) => element[2..];

    /// <summary>The key field names inside a canonical <c>k:</c> element.</summary>
    public static IReadOnlyList<string> KeyNames(string element) =>
        JsonNode.Parse(element[2..]) is JsonObject key ? [.. key.Select(p => p.Key)] : [];

    /// <summary>
    /// Validates an element read from a stored or client-supplied <c>fieldsV1</c> and returns its canonical spelling.
    /// </summary>
    /// <exception cref="FormatException">The element is not one of the four forms.</exception>
    public static string Canonicalize(string element)
    {
        if (element.Length < 2 || element[1] != ':')
        {
            throw new FormatException($"invalid field path element \"{element}\": expected a f:, k:, v: or i: prefix");
        }
        var body = element[2..];
        switch (element[0])
        {
            case 'f':
                return element;
            case 'i':
                if (!int.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    throw new FormatException($"invalid field path element \"{element}\": the index is not a non-negative integer");
                }
                return Index(index);
            case 'k':
                if (ParseJson(element, body) is not JsonObject key || key.Count == 0)
                {
                    throw new FormatException($"invalid field path element \"{element}\": a key must be a non-empty JSON object");
                }
                var sorted = new JsonObject();
                foreach (var (name, value) in key.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sorted[name] = value?.DeepClone();
                }
                return "k:" + sorted.ToJsonString(Obj.Wire);
            case 'v':
                return Value(ParseJson(element, body));
            default:
                throw new FormatException($"invalid field path element \"{element}\": expected a f:, k:, v: or i: prefix");
        }
    }

    /// <summary>
    /// Renders a path the way upstream prints it in apply conflicts, e.g.
    /// <c>.spec.template.spec.containers[name="nginx"].image</c>, <c>.metadata.finalizers[="a"]</c>, <c>.x[2]</c>.
    /// </summary>
    public static string Describe(IReadOnlyList<string> path)
    {
        var text = new StringBuilder();
        foreach (var element in path)
        {
            var body = element[2..];
            switch (element[0])
            {
                case 'f':
                    text.Append('.').Append(body);
                    break;
                case 'k':
                    var key = JsonNode.Parse(body)!.AsObject();
                    text.Append('[').AppendJoin(',', key.Select(p => $"{p.Key}={Compact(p.Value)}")).Append(']');
                    break;
                case 'v':
                    text.Append("[=").Append(body).Append(']');
                    break;
                default:
                    text.Append('[').Append(body).Append(']');
                    break;
            }
        }
        return text.ToString();
    }

    private static JsonNode? ParseJson(string element, string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            throw new FormatException($"invalid field path element \"{element}\": {e.Message}", e);
        }
    }
}
