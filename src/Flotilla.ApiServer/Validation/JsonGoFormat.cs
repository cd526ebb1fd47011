using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// <see cref="GoFormat"/> for decoded JSON values, which only the server sees: how Go's <c>%v</c>/<c>%q</c> print the
/// value a request body decodes to. Structured values Go would dump as Go syntax are rendered as compact JSON instead.
/// </summary>
internal static class JsonGoFormat
{
    /// <summary>A JSON value as Go's <c>%v</c>/<c>%q</c> would print the decoded value.</summary>
    public static string Value(JsonNode? value)
    {
        switch (JsonKinds.Of(value))
        {
            case JsonKind.Null:
                return "null";
            case JsonKind.String:
                return GoFormat.Quote(value!.GetValue<string>());
            case JsonKind.Boolean:
                return JsonKinds.IsTrue(value) ? "true" : "false";
            case JsonKind.Integer:
                return JsonKinds.TryGetInt64(value, out var l)
                    ? l.ToString(CultureInfo.InvariantCulture)
                    : GoFormat.Float(JsonKinds.GetDouble(value));
            case JsonKind.Number:
                return GoFormat.Float(JsonKinds.GetDouble(value));
            default:
                return Json(value);
        }
    }

    /// <summary>Compact JSON with readable (unescaped) quotes.</summary>
    public static string Json(JsonNode? value) => value is null ? "null" : value.ToJsonString(Obj.Wire);

    /// <summary>Go's <c>%#v</c> of a <c>map[string]interface {}</c> holding JSON scalars.</summary>
    public static string InterfaceMap(IEnumerable<KeyValuePair<string, JsonNode?>> map) =>
        "map[string]interface {}{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => GoFormat.Quote(p.Key) + ":" + Value(p.Value))) + "}";
}
