using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// Renders values the way upstream's Go formatting does inside validation messages (<c>%q</c> for strings,
/// <c>%v</c> for numbers, <c>%#v</c> for small maps), because clients and users compare these messages with what a
/// real kube-apiserver prints. Structured values Go would dump as Go syntax are rendered as compact JSON instead.
/// </summary>
internal static class GoFormat
{
    /// <summary>A JSON value as Go's <c>%v</c>/<c>%q</c> would print the decoded value.</summary>
    public static string Value(JsonNode? value)
    {
        switch (JsonKinds.Of(value))
        {
            case JsonKind.Null:
                return "null";
            case JsonKind.String:
                return Quote(value!.GetValue<string>());
            case JsonKind.Boolean:
                return JsonKinds.IsTrue(value) ? "true" : "false";
            case JsonKind.Integer:
                return JsonKinds.TryGetInt64(value, out var l)
                    ? l.ToString(CultureInfo.InvariantCulture)
                    : Float(JsonKinds.GetDouble(value));
            case JsonKind.Number:
                return Float(JsonKinds.GetDouble(value));
            default:
                return Json(value);
        }
    }

    /// <summary>Compact JSON with readable (unescaped) quotes.</summary>
    public static string Json(JsonNode? value) => value is null ? "null" : value.ToJsonString(Obj.Wire);

    /// <summary>Go's <c>strconv.Quote</c>: double quotes, backslash escapes for quotes and control characters.</summary>
    public static string Quote(string s)
    {
        var sb = new StringBuilder(s.Length + 2);
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\v': sb.Append("\\v"); break;
                default:
                    if (c < 0x20 || c == 0x7f)
                    {
                        sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
        return sb.ToString();
    }

    /// <summary>
    /// Go's <c>%v</c> for a float64: the shortest round-trip digits, in exponent form when the decimal exponent is
    /// below -4 or at least 6 (so <c>1e+06</c>, <c>1.5</c>, <c>1e-05</c>).
    /// </summary>
    public static string Float(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }
        if (double.IsInfinity(d))
        {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0)
        {
            return double.IsNegative(d) ? "-0" : "0";
        }
        var negative = d < 0;
        var (digits, exp) = ShortestDigits(Math.Abs(d));
        var sb = new StringBuilder();
        if (negative)
        {
            sb.Append('-');
        }
        if (exp < -4 || exp >= 6)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }
            sb.Append('e').Append(exp < 0 ? '-' : '+');
            sb.Append(Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (exp < 0)
        {
            sb.Append("0.").Append('0', -exp - 1).Append(digits);
        }
        else if (digits.Length <= exp + 1)
        {
            sb.Append(digits).Append('0', exp + 1 - digits.Length);
        }
        else
        {
            sb.Append(digits, 0, exp + 1).Append('.').Append(digits, exp + 1, digits.Length - exp - 1);
        }
        return sb.ToString();
    }

    /// <summary>Go's <c>%#v</c> of a <c>map[string]string</c>: keys sorted, <c>map[string]string{"a":"b", "c":"d"}</c>.</summary>
    public static string StringMap(IEnumerable<KeyValuePair<string, string>> map) =>
        "map[string]string{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + Quote(p.Value))) + "}";

    /// <summary>Go's <c>%#v</c> of a <c>map[string]interface {}</c> holding JSON scalars.</summary>
    public static string InterfaceMap(IEnumerable<KeyValuePair<string, JsonNode?>> map) =>
        "map[string]interface {}{" + string.Join(", ", map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + Value(p.Value))) + "}";

    private static (string Digits, int Exponent) ShortestDigits(double positive)
    {
        // "R" is the shortest round-trip form in .NET Core 3.0+, e.g. "1E+21", "1.5", "1E-05", "123456789".
        var r = positive.ToString("R", CultureInfo.InvariantCulture);
        var ePos = r.IndexOfAny(['E', 'e']);
        var mantissa = ePos >= 0 ? r[..ePos] : r;
        var exp = ePos >= 0 ? int.Parse(r[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : 0;
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fracPart = dot >= 0 ? mantissa[(dot + 1)..] : "";
        var all = intPart + fracPart;
        var leadingZeros = 0;
        while (leadingZeros < all.Length - 1 && all[leadingZeros] == '0')
        {
            leadingZeros++;
        }
        var digits = all[leadingZeros..].TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }
        // Decimal exponent of the first significant digit.
        var decimalExp = intPart.Length - 1 - leadingZeros + exp;
        return (digits, decimalExp);
    }
}
