using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Schema;

/// <summary>The JSON type of a value, with integers told apart from other numbers as OpenAPI needs.</summary>
internal enum JsonKind
{
    Null,
    Object,
    Array,
    String,

    /// <summary>A number with an integral value that fits in 64 bits (<c>1</c>, and also <c>1.0</c>, as upstream accepts it for integers).</summary>
    Integer,

    /// <summary>Any other number.</summary>
    Number,
    Boolean,
}

/// <summary>
/// Classifies <see cref="JsonNode"/> values whatever backs them: nodes parsed from a body hold a JsonElement, nodes
/// built in code hold a CLR primitive (int, long, double, …), and <c>TryGetValue&lt;long&gt;</c> alone does not see
/// through an int-backed value.
/// </summary>
internal static class JsonKinds
{
    public static JsonKind Of(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return JsonKind.Null;
            case JsonObject:
                return JsonKind.Object;
            case JsonArray:
                return JsonKind.Array;
        }
        var value = (JsonValue)node;
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                return JsonKind.String;
            case JsonValueKind.True:
            case JsonValueKind.False:
                return JsonKind.Boolean;
            case JsonValueKind.Number:
                return TryGetInt64(value, out _) ? JsonKind.Integer : JsonKind.Number;
            default:
                return JsonKind.Null;
        }
    }

    /// <summary>The OpenAPI type name of a value (<c>string</c>, <c>integer</c>, <c>number</c>, …, <c>null</c>), as type errors quote it.</summary>
    public static string TypeName(JsonNode? node) => Of(node) switch
    {
        JsonKind.Object => "object",
        JsonKind.Array => "array",
        JsonKind.String => "string",
        JsonKind.Integer => "integer",
        JsonKind.Number => "number",
        JsonKind.Boolean => "boolean",
        _ => "null",
    };

    /// <summary>The string value, or "" when the node is absent or not a string.</summary>
    public static string Text(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : "";

    public static bool IsTrue(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    /// <summary>The value as an Int64 when it is a number with an integral value in range.</summary>
    public static bool TryGetInt64(JsonNode? node, out long result)
    {
        result = 0;
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }
        return value.GetValue<object>() switch
        {
            JsonElement element => element.TryGetInt64(out result) || element.TryGetDouble(out var d) && TryIntegral(d, out result),
            long l => Assign(l, out result),
            ulong ul => ul <= long.MaxValue && Assign((long)ul, out result),
            double or float or decimal => TryIntegral(GetDouble(value), out result),
            IConvertible integer => Assign(integer.ToInt64(CultureInfo.InvariantCulture), out result),
            _ => false,
        };

        static bool Assign(long value, out long result)
        {
            result = value;
            return true;
        }
    }

    /// <summary>The value as a double (any number); NaN when it is not a number.</summary>
    public static double GetDouble(JsonNode? node)
    {
        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number)
        {
            return double.NaN;
        }
        // Parsed values hold a JsonElement; values built in code hold whichever CLR number they were created from.
        return value.GetValue<object>() switch
        {
            JsonElement element => element.TryGetDouble(out var d) ? d : double.NaN,
            IConvertible number => number.ToDouble(CultureInfo.InvariantCulture),
            _ => double.NaN,
        };
    }

    private static bool TryIntegral(double d, out long result)
    {
        // 2^63 is exactly representable; anything at or beyond it does not fit.
        if (!double.IsFinite(d) || Math.Floor(d) != d || d < -9.2233720368547758E18 || d >= 9.2233720368547758E18)
        {
            result = 0;
            return false;
        }
        result = (long)d;
        return true;
    }
}
