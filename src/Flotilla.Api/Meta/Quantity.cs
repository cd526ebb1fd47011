using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>
/// A Kubernetes resource quantity (<c>4</c>, <c>500m</c>, <c>16Gi</c>, <c>1e3</c>): parsed with upstream's grammar and
/// errors (<c>resource.ParseQuantity</c>), held exactly as <c>mantissa × 10^exponent</c> so <c>1Ki</c> equals
/// <c>1024</c>, <c>0.1</c> equals <c>100m</c> and even <c>1e100000</c> compares correctly, and keeping the suffix
/// family it was written in, so sums and differences print the way kubectl users expect.
/// </summary>
[JsonConverter(typeof(QuantityConverter))]
public readonly record struct Quantity : IComparable<Quantity>
{
    /// <summary>Upstream's <c>ErrFormatWrong</c> text: the quantity does not have the shape of a number and a suffix.</summary>
    public const string FormatWrongError = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    /// <summary>Upstream's <c>ErrSuffix</c> text: the suffix has the right characters but is not a known one.</summary>
    public const string SuffixError = "unable to parse quantity's suffix";

    private const string SuffixChars = "eEinumkKMGTP";

    // Amounts are printed through suffixes, which means writing out all their digits; beyond this many decimal digits
    // above the largest suffix (E) they print as mantissa and exponent instead. Only TryParse with an error can make
    // such amounts; every decimal is far below.
    private const long MaxSuffixDigits = 1000;

    private static readonly (string Suffix, int Shift)[] Binary = [("Ei", 60), ("Pi", 50), ("Ti", 40), ("Gi", 30), ("Mi", 20), ("Ki", 10)];

    private static readonly BigInteger DecimalMax = new(decimal.MaxValue);

    // Invariant: normalized. The mantissa has no factor of ten unless it is zero, and zero has exponent 0, so equal
    // amounts have equal fields and the record's equality is equality of amount and format.
    private readonly BigInteger _mantissa;
    private readonly long _exponent;

    public Quantity(decimal value, QuantityFormat format = QuantityFormat.DecimalSI)
    {
        // A decimal is a 96-bit unsigned integer, a sign, and a scale of 0 to 28 decimal places.
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var unscaled = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        (_mantissa, _exponent) = Normalize(bits[3] < 0 ? -unscaled : unscaled, -((bits[3] >> 16) & 0xFF));
        Format = format;
    }

    private Quantity(BigInteger mantissa, long exponent, QuantityFormat format)
    {
        (_mantissa, _exponent) = Normalize(mantissa, exponent);
        Format = format;
    }

    /// <summary>The amount in base units (cores, bytes), exactly.</summary>
    /// <exception cref="OverflowException">
    /// The amount is beyond a decimal's range or precision. <see cref="TryParse(string?, out Quantity)"/> and
    /// <see cref="Parse"/> never return such a quantity; only <see cref="TryParse(string?, out Quantity, out string?)"/>
    /// (upstream's grammar, which admits <c>1e100000</c>) does.
    /// </exception>
    public decimal Value => TryGetDecimal(out var value) ? value : throw new OverflowException($"the quantity {this} does not fit a decimal");

    /// <summary>
    /// The amount as the nearest double, as upstream's <c>AsApproximateFloat64</c>: what the scheduler interpolates
    /// property values with (placement spec §3.5.2). Huge amounts become infinities.
    /// </summary>
    public double ToDouble() => _mantissa.IsZero ? 0 : (double)_mantissa * Math.Pow(10, _exponent);

    /// <summary>The suffix family used when printing.</summary>
    public QuantityFormat Format { get; }

    public static Quantity Zero => default;

    /// <summary>
    /// Parses the Kubernetes quantity syntax, requiring at least one digit and an amount a decimal holds exactly (see
    /// <see cref="TryParse(string?, out Quantity)"/>).
    /// </summary>
    /// <exception cref="FormatException">Not a quantity; the message says why.</exception>
    public static Quantity Parse(string text) =>
        TryParseStrict(text, out var quantity, out var error) ? quantity : throw new FormatException($"\"{text}\" is not a quantity: {error}");

    /// <summary>
    /// Parses the Kubernetes quantity syntax for a value Flotilla computes with: upstream's grammar, and in addition at
    /// least one digit (upstream reads a bare suffix such as <c>Gi</c> as zero, which in a resource list is a typo)
    /// and an amount within a decimal's range and precision, so <see cref="Value"/> is exact.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity) => TryParseStrict(text, out quantity, out _);

    /// <summary>
    /// Parses exactly as upstream's <c>resource.ParseQuantity</c> does: the same grammar, and on failure
    /// <paramref name="error"/> is upstream's error text (<see cref="FormatWrongError"/> or <see cref="SuffixError"/>).
    /// Amounts are exact, so comparisons agree with upstream's even for very large or very small quantities.
    /// </summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity, [NotNullWhen(false)] out string? error)
    {
        quantity = default;
        error = null;
        if (string.IsNullOrEmpty(text))
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
        // An exponent so large that the fraction's digits cannot be taken off it is no int64 upstream could hold either.
        if (!TryInterpretSuffix(text[suffixStart..], out var exp10, out var exp2, out var format) || exp10 < long.MinValue + fraction.Length)
        {
            error = SuffixError;
            return false;
        }

        var digits = (integer + fraction).TrimStart('0');
        var mantissa = digits.Length == 0 ? BigInteger.Zero : BigInteger.Parse(digits, CultureInfo.InvariantCulture) << exp2;
        quantity = new Quantity(positive ? mantissa : -mantissa, exp10 - fraction.Length, format);
        return true;
    }

    public static Quantity operator +(Quantity left, Quantity right) => Combine(left, right, BigInteger.One);

    public static Quantity operator -(Quantity left, Quantity right) => Combine(left, right, BigInteger.MinusOne);

    public static bool operator <(Quantity left, Quantity right) => left.CompareTo(right) < 0;

    public static bool operator >(Quantity left, Quantity right) => left.CompareTo(right) > 0;

    public static bool operator <=(Quantity left, Quantity right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Quantity left, Quantity right) => left.CompareTo(right) >= 0;

    /// <summary>Compares the amounts exactly, whatever suffixes they were written with.</summary>
    public int CompareTo(Quantity other)
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
        var exponent = Math.Min(_exponent, other._exponent);
        return Scale(_mantissa, _exponent - exponent).CompareTo(Scale(other._mantissa, other._exponent - exponent));
    }

    /// <summary>This amount, never below zero.</summary>
    public Quantity AtLeastZero() => _mantissa.Sign < 0 ? new Quantity(BigInteger.Zero, 0, Format) : this;

    /// <summary>
    /// The canonical text: the largest suffix of the quantity's family that keeps the amount whole (<c>65280Mi</c>,
    /// <c>3500m</c>, <c>4</c>); amounts a binary suffix cannot express exactly fall back to decimal suffixes, and amounts
    /// finer than a nanounit round up to one, as upstream's do.
    /// </summary>
    public override string ToString()
    {
        if (_mantissa.IsZero)
        {
            return "0";
        }
        if (_exponent > 18 + MaxSuffixDigits)
        {
            return Text(_mantissa) + "e" + _exponent.ToString(CultureInfo.InvariantCulture);
        }
        if (Format == QuantityFormat.BinarySI && _exponent >= 0)
        {
            var whole = Scale(_mantissa, _exponent);
            foreach (var (suffix, shift) in Binary)
            {
                if ((whole & ((BigInteger.One << shift) - 1)).IsZero)
                {
                    return Text(whole >> shift) + suffix;
                }
            }
            if (BigInteger.Abs(whole) < 1024)
            {
                return Text(whole);
            }
        }
        if (_exponent >= -9)
        {
            // Normalized, the amount is whole in a suffix exactly when the suffix's power is at most the exponent.
            var power = _exponent >= 18 ? 18 : _exponent >= 0 ? _exponent / 3 * 3 : -((2 - _exponent) / 3 * 3);
            return Text(Scale(_mantissa, _exponent - power)) + DecimalSuffix(power);
        }
        // Finer than a nanounit: upstream rounds away from zero to the nearest nano.
        var places = -9 - _exponent;
        var magnitude = BigInteger.Abs(_mantissa);
        BigInteger nanos;
        if (places > (long)BigInteger.Log10(magnitude) + 2)
        {
            nanos = BigInteger.One;
        }
        else
        {
            nanos = BigInteger.DivRem(magnitude, BigInteger.Pow(10, (int)places), out var remainder);
            nanos += remainder.IsZero ? 0 : 1;
        }
        return Text(_mantissa.Sign * nanos) + "n";
    }

    private static Quantity Combine(Quantity left, Quantity right, BigInteger sign)
    {
        var exponent = Math.Min(left._exponent, right._exponent);
        var amount = Scale(left._mantissa, left._exponent - exponent) + (sign * Scale(right._mantissa, right._exponent - exponent));
        return new Quantity(amount, exponent, left._mantissa.IsZero ? right.Format : left.Format);
    }

    private static (BigInteger Mantissa, long Exponent) Normalize(BigInteger mantissa, long exponent)
    {
        if (mantissa.IsZero)
        {
            return (BigInteger.Zero, 0);
        }
        while (exponent < long.MaxValue)
        {
            var quotient = BigInteger.DivRem(mantissa, 10, out var remainder);
            if (!remainder.IsZero)
            {
                break;
            }
            mantissa = quotient;
            exponent++;
        }
        return (mantissa, exponent);
    }

    private static BigInteger Scale(BigInteger value, long exp10) => exp10 == 0 ? value : value * BigInteger.Pow(10, checked((int)exp10));

    private double Log10Abs() => BigInteger.Log10(BigInteger.Abs(_mantissa)) + _exponent;

    private bool TryGetDecimal(out decimal value)
    {
        value = 0;
        var unscaled = BigInteger.Abs(_mantissa);
        byte scale = 0;
        if (_exponent > 28 || _exponent < -28)
        {
            return false;
        }
        if (_exponent >= 0)
        {
            unscaled *= BigInteger.Pow(10, (int)_exponent);
        }
        else
        {
            scale = (byte)-_exponent;
        }
        if (unscaled > DecimalMax)
        {
            return false;
        }
        value = new decimal((int)(uint)(unscaled & uint.MaxValue), (int)(uint)((unscaled >> 32) & uint.MaxValue), (int)(uint)(unscaled >> 64), _mantissa.Sign < 0, scale);
        return true;
    }

    private static bool TryParseStrict([NotNullWhen(true)] string? text, out Quantity quantity, [NotNullWhen(false)] out string? error)
    {
        if (!TryParse(text, out quantity, out error))
        {
            return false;
        }
        if (!text.Any(char.IsAsciiDigit))
        {
            error = FormatWrongError;
        }
        else if (!quantity.TryGetDecimal(out _))
        {
            error = "the amount must be within ±" + decimal.MaxValue.ToString(CultureInfo.InvariantCulture) + " with at most 28 decimal places";
        }
        if (error is null)
        {
            return true;
        }
        quantity = default;
        return false;
    }

    private static bool TryInterpretSuffix(string suffix, out long exp10, out int exp2, out QuantityFormat format)
    {
        exp2 = 0;
        exp10 = 0;
        format = QuantityFormat.DecimalSI;
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
        }
        format = QuantityFormat.BinarySI;
        foreach (var (name, shift) in Binary)
        {
            if (suffix == name)
            {
                exp2 = shift;
                return true;
            }
        }
        // A decimal exponent: e or E and a base-10 int64 (what strconv.ParseInt accepts).
        format = QuantityFormat.DecimalExponent;
        return suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && long.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exp10);
    }

    private static string DecimalSuffix(long power) => power switch
    {
        18 => "E",
        15 => "P",
        12 => "T",
        9 => "G",
        6 => "M",
        3 => "k",
        0 => "",
        -3 => "m",
        -6 => "u",
        _ => "n",
    };

    private static string Text(BigInteger value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>How a quantity prints: binary suffixes (<c>Ki</c>, <c>Mi</c>…), decimal ones (<c>m</c>, <c>k</c>, <c>M</c>…) or an exponent.</summary>
public enum QuantityFormat
{
    DecimalSI,
    BinarySI,
    DecimalExponent,
}

internal sealed class QuantityConverter : JsonConverter<Quantity>
{
    public override Quantity Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.Number
            ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan)
            : reader.GetString();
        return Quantity.TryParse(text, out var quantity) ? quantity : throw new JsonException($"\"{text}\" is not a quantity");
    }

    public override void Write(Utf8JsonWriter writer, Quantity value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
