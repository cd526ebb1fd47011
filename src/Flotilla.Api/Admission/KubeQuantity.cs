using System.Numerics;

namespace Flotilla.Api.Admission;

/// <summary>
/// A Kubernetes resource quantity (<c>4</c>, <c>1.5Gi</c>, <c>500m</c>, <c>2e3</c>), parsed with upstream's grammar
/// and errors (<c>resource.ParseQuantity</c>) and compared exactly: the value is held as
/// <c>mantissa × 10^exp10 × 2^exp2</c>, so <c>1Ki</c> equals <c>1024</c> and <c>0.1</c> equals <c>100m</c>.
/// </summary>
internal readonly struct KubeQuantity : IComparable<KubeQuantity>
{
    public const string FormatWrongError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public const string SuffixError = "unable to parse quantity's suffix";

    private const string SuffixChars = "eEinumkKMGTP";

    private readonly BigInteger _mantissa;
    private readonly long _exp10;
    private readonly long _exp2;

    private KubeQuantity(BigInteger mantissa, long exp10, long exp2)
    {
        _mantissa = mantissa;
        _exp10 = exp10;
        _exp2 = exp2;
    }

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> is upstream's error text.</summary>
    public static bool TryParse(string text, out KubeQuantity quantity, out string? error)
    {
        quantity = default;
        error = null;
        if (text.Length == 0)
        {
            error = FormatWrongError;
            return false;
        }

        var pos = 0;
        var positive = true;
        if (text[0] is '-' or '+')
        {
            positive = text[0] == '+';
            pos++;
        }
        var numberStart = pos;
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }
        var integer = text[numberStart..pos];
        var fraction = "";
        if (pos < text.Length && text[pos] == '.')
        {
            pos++;
            var fractionStart = pos;
            while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            {
                pos++;
            }
            fraction = text[fractionStart..pos];
        }

        // The suffix: letters from the suffix alphabet, then an optional sign and digits (a decimal exponent).
        var suffixStart = pos;
        while (pos < text.Length && SuffixChars.Contains(text[pos], StringComparison.Ordinal))
        {
            pos++;
        }
        if (pos < text.Length && text[pos] is '-' or '+')
        {
            pos++;
        }
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }
        if (pos < text.Length)
        {
            error = FormatWrongError;
            return false;
        }
        if (!TryInterpretSuffix(text[suffixStart..], out var exp10, out var exp2))
        {
            error = SuffixError;
            return false;
        }

        var digits = (integer + fraction).TrimStart('0');
        var mantissa = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        quantity = new KubeQuantity(positive ? mantissa : -mantissa, exp10 - fraction.Length, exp2);
        return true;
    }

    public int CompareTo(KubeQuantity other)
    {
        var sign = _mantissa.Sign.CompareTo(other._mantissa.Sign);
        if (sign != 0 || _mantissa.IsZero)
        {
            return sign;
        }
        // Far apart magnitudes are decided by their logarithms, which keeps huge exponents (1e100000) cheap.
        var log = Log10Abs() - other.Log10Abs();
        if (Math.Abs(log) > 2)
        {
            return _mantissa.Sign * Math.Sign(log);
        }
        var exp10 = Math.Min(_exp10, other._exp10);
        var exp2 = Math.Min(_exp2, other._exp2);
        var left = Scale(_mantissa, _exp10 - exp10, _exp2 - exp2);
        var right = Scale(other._mantissa, other._exp10 - exp10, other._exp2 - exp2);
        return left.CompareTo(right);
    }

    public override string ToString() => $"{_mantissa}e{_exp10}*2^{_exp2}";

    private double Log10Abs() => BigInteger.Log10(BigInteger.Abs(_mantissa)) + _exp10 + (_exp2 * Math.Log10(2));

    private static BigInteger Scale(BigInteger value, long exp10, long exp2) =>
        value * BigInteger.Pow(10, (int)exp10) * BigInteger.Pow(2, (int)exp2);

    private static bool TryInterpretSuffix(string suffix, out long exp10, out long exp2)
    {
        exp2 = 0;
        exp10 = 0;
        switch (suffix)
        {
            case "": return true;
            case "n": exp10 = -9; return true;
            case "u": exp10 = -6; return true;
            case "m": exp10 = -3; return true;
            case "k": exp10 = 3; return true;
            case "M": exp10 = 6; return true;
            case "G": exp10 = 9; return true;
            case "T": exp10 = 12; return true;
            case "P": exp10 = 15; return true;
            case "E": exp10 = 18; return true;
            case "Ki": exp2 = 10; return true;
            case "Mi": exp2 = 20; return true;
            case "Gi": exp2 = 30; return true;
            case "Ti": exp2 = 40; return true;
            case "Pi": exp2 = 50; return true;
            case "Ei": exp2 = 60; return true;
        }
        // A decimal exponent: e or E and a base-10 int64 (what strconv.ParseInt accepts).
        return suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && long.TryParse(suffix.AsSpan(1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out exp10);
    }
}
