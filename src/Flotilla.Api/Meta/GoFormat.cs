using System.Globalization;
using System.Text;
using Flotilla.Api.Admission;

namespace Flotilla.Api.Meta;

/// <summary>
/// Renders values as upstream's Go formatting does inside validation and webhook messages (<c>%q</c> of strings,
/// <c>%v</c> of numbers and slices, <c>%#v</c> of slices and small maps, the generated <c>String()</c> of
/// <c>*metav1.LabelSelector</c>, <c>schema.GroupVersionKind</c>), and reproduces <c>metav1.LabelSelectorAsSelector</c>'s
/// errors, because clients and users compare these texts with what a real kube-apiserver or hub prints.
/// </summary>
public static class GoFormat
{
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

    /// <summary><c>%v</c> of a <c>[]string</c>: <c>[a b]</c>; nil prints <c>[]</c>.</summary>
    public static string Slice(IEnumerable<string>? values) => "[" + string.Join(' ', values ?? []) + "]";

    /// <summary><c>%#v</c> of a <c>[]string</c>: <c>[]string{"a", "b"}</c>; nil prints <c>[]string(nil)</c>.</summary>
    public static string GoSyntaxSlice(IReadOnlyCollection<string>? values) =>
        values is null || values.Count == 0 ? "[]string(nil)" : "[]string{" + string.Join(", ", values.Select(Quote)) + "}";

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

    /// <summary><c>%v</c> of an <c>*intstr.IntOrString</c>: its <c>String()</c>, <c>3</c> or <c>25%</c>.</summary>
    public static string IntOrString(IntOrString? value) => value?.ToString() ?? "<nil>";

    /// <summary><c>schema.GroupVersionKind.String()</c>: <c>apps/v1, Kind=Deployment</c>, <c>/v1, Kind=ConfigMap</c> for the core group.</summary>
    public static string Gvk(string group, string version, string kind) => group + "/" + version + ", Kind=" + kind;

    /// <summary><c>schema.GroupVersion.String()</c>: <c>apps/v1</c>, or just <c>v1</c> for the core group.</summary>
    public static string GroupVersion(string group, string version) => group.Length == 0 ? version : group + "/" + version;

    /// <summary>The REST mapper's error for a kind nobody serves (<c>meta.NoKindMatchError</c> with one version).</summary>
    public static string NoKindMatch(string group, string version, string kind) =>
        $"no matches for kind {Quote(kind)} in version {Quote(GroupVersion(group, version))}";

    /// <summary>
    /// The generated <c>String()</c> of <c>*metav1.LabelSelector</c>, which <c>%v</c> and <c>%+v</c> print:
    /// <c>&amp;LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},}</c>;
    /// <c>nil</c> for a missing selector. Map keys are sorted, as the generated code does.
    /// </summary>
    public static string LabelSelector(StructuredLabelSelector? selector)
    {
        if (selector is null)
        {
            return "nil";
        }
        var text = new StringBuilder("&LabelSelector{MatchLabels:map[string]string{");
        foreach (var (key, value) in (selector.MatchLabels ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append(key).Append(": ").Append(value).Append(',');
        }
        text.Append("},MatchExpressions:[]LabelSelectorRequirement{");
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            text.Append("LabelSelectorRequirement{Key:").Append(expression.Key)
                .Append(",Operator:").Append(expression.Operator)
                .Append(",Values:").Append(Slice(expression.Values))
                .Append(",},");
        }
        return text.Append("},}").ToString();
    }

    /// <summary>
    /// The error <c>metav1.LabelSelectorAsSelector</c> returns for <paramref name="selector"/>, or null when it is
    /// valid (a missing selector is valid: it selects nothing).
    /// </summary>
    /// <remarks>
    /// Go walks <c>matchLabels</c> in random map order and stops at the first bad requirement; here the keys are walked
    /// in sorted order so the message is deterministic.
    /// </remarks>
    public static string? LabelSelectorError(StructuredLabelSelector? selector)
    {
        if (selector is null)
        {
            return null;
        }
        foreach (var (key, value) in (selector.MatchLabels ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (RequirementError(key, "Equals", [value]) is { } error)
            {
                return error;
            }
        }
        foreach (var expression in selector.MatchExpressions ?? [])
        {
            if (expression.Operator is not ("In" or "NotIn" or "Exists" or "DoesNotExist"))
            {
                return $"{Quote(expression.Operator)} is not a valid label selector operator";
            }
            if (RequirementError(expression.Key, expression.Operator, expression.Values) is { } error)
            {
                return error;
            }
        }
        return null;
    }

    // labels.NewRequirement's checks: an aggregate of field errors on "key" and "values".
    private static string? RequirementError(string key, string op, IReadOnlyList<string>? values)
    {
        var errors = new GoErrorList();
        var keyErrors = NameValidation.IsQualifiedName(key);
        if (keyErrors.Count > 0)
        {
            errors.Add($"key: Invalid value: {Quote(key)}: {string.Join("; ", keyErrors)}");
        }
        var count = values?.Count ?? 0;
        switch (op)
        {
            case "In" or "NotIn" when count == 0:
                errors.Add($"values: Invalid value: {GoSyntaxSlice(values)}: for 'in', 'notin' operators, values set can't be empty");
                break;
            case "Equals" when count != 1:
                errors.Add($"values: Invalid value: {GoSyntaxSlice(values)}: exact-match compatibility requires one single value");
                break;
            case "Exists" or "DoesNotExist" when count != 0:
                errors.Add($"values: Invalid value: {GoSyntaxSlice(values)}: values set must be empty for exists and does not exist");
                break;
        }
        for (var i = 0; i < count; i++)
        {
            var valueErrors = NameValidation.IsValidLabelValue(values![i]);
            if (valueErrors.Count > 0)
            {
                errors.Add($"values[{i.ToString(CultureInfo.InvariantCulture)}][{key}]: Invalid value: {Quote(values[i])}: {string.Join("; ", valueErrors)}");
            }
        }
        return errors.ToAggregate()?.Message;
    }

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
