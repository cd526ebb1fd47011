using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>
/// A Kubernetes resource quantity (<c>4</c>, <c>500m</c>, <c>16Gi</c>, <c>1e3</c>): an exact decimal amount and the
/// suffix family it was written in, so sums and differences print the way kubectl users expect.
/// </summary>
[JsonConverter(typeof(QuantityConverter))]
public readonly record struct Quantity : IComparable<Quantity>
{
    private static readonly (string Suffix, decimal Factor)[] Binary =
    [
        ("Ei", 1152921504606846976m), ("Pi", 1125899906842624m), ("Ti", 1099511627776m), ("Gi", 1073741824m), ("Mi", 1048576m), ("Ki", 1024m),
    ];

    private static readonly (string Suffix, decimal Factor)[] Decimal =
    [
        ("E", 1e18m), ("P", 1e15m), ("T", 1e12m), ("G", 1e9m), ("M", 1e6m), ("k", 1e3m), ("", 1m), ("m", 1e-3m), ("u", 1e-6m), ("n", 1e-9m),
    ];

    public Quantity(decimal value, QuantityFormat format = QuantityFormat.DecimalSI)
    {
        Value = value;
        Format = format;
    }

    /// <summary>The amount in base units (cores, bytes).</summary>
    public decimal Value { get; }

    /// <summary>The suffix family used when printing.</summary>
    public QuantityFormat Format { get; }

    public static Quantity Zero => default;

    /// <summary>Parses the Kubernetes quantity syntax.</summary>
    /// <exception cref="FormatException">Not a quantity; the message says what the syntax is.</exception>
    public static Quantity Parse(string text) =>
        TryParse(text, out var quantity) ? quantity
            : throw new FormatException($"quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$', not \"{text}\"");

    public static bool TryParse([NotNullWhen(true)] string? text, out Quantity quantity)
    {
        quantity = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64)
        {
            return false;
        }
        var end = 0;
        if (end < text.Length && text[end] is '+' or '-')
        {
            end++;
        }
        var digits = 0;
        while (end < text.Length && (char.IsAsciiDigit(text[end]) || text[end] == '.'))
        {
            digits += text[end] == '.' ? 0 : 1;
            end++;
        }
        if (digits == 0 || text.AsSpan(0, end).Count('.') > 1
            || !decimal.TryParse(text.AsSpan(0, end), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }
        var suffix = text[end..];
        foreach (var (name, factor) in Binary)
        {
            if (suffix == name)
            {
                quantity = new Quantity(number * factor, QuantityFormat.BinarySI);
                return true;
            }
        }
        foreach (var (name, factor) in Decimal)
        {
            if (suffix == name)
            {
                quantity = new Quantity(number * factor, QuantityFormat.DecimalSI);
                return true;
            }
        }
        if (suffix.Length > 1 && suffix[0] is 'e' or 'E'
            && int.TryParse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var exponent) && exponent is >= -18 and <= 18)
        {
            var scale = 1m;
            for (var i = 0; i < Math.Abs(exponent); i++)
            {
                scale *= 10;
            }
            quantity = new Quantity(exponent >= 0 ? number * scale : number / scale, QuantityFormat.DecimalExponent);
            return true;
        }
        return false;
    }

    public static Quantity operator +(Quantity left, Quantity right) => new(left.Value + right.Value, left.Value == 0 ? right.Format : left.Format);

    public static Quantity operator -(Quantity left, Quantity right) => new(left.Value - right.Value, left.Value == 0 ? right.Format : left.Format);

    public static bool operator <(Quantity left, Quantity right) => left.Value < right.Value;

    public static bool operator >(Quantity left, Quantity right) => left.Value > right.Value;

    public static bool operator <=(Quantity left, Quantity right) => left.Value <= right.Value;

    public static bool operator >=(Quantity left, Quantity right) => left.Value >= right.Value;

    public int CompareTo(Quantity other) => Value.CompareTo(other.Value);

    /// <summary>This amount, never below zero.</summary>
    public Quantity AtLeastZero() => Value < 0 ? new Quantity(0, Format) : this;

    /// <summary>
    /// The canonical text: the largest suffix of the quantity's family that keeps the amount whole (<c>65280Mi</c>,
    /// <c>3500m</c>, <c>4</c>); amounts a binary suffix cannot express exactly fall back to decimal suffixes.
    /// </summary>
    public override string ToString()
    {
        if (Value == 0)
        {
            return "0";
        }
        if (Format == QuantityFormat.BinarySI && decimal.Truncate(Value) == Value)
        {
            foreach (var (suffix, factor) in Binary)
            {
                if (Value % factor == 0)
                {
                    return Whole(Value / factor) + suffix;
                }
            }
            if (Math.Abs(Value) < 1024)
            {
                return Whole(Value);
            }
        }
        foreach (var (suffix, factor) in Decimal)
        {
            var scaled = Value / factor;
            if (decimal.Truncate(scaled) == scaled)
            {
                return Whole(scaled) + suffix;
            }
        }
        // Finer than a nanounit: upstream rounds up to the nearest nano.
        return Whole(decimal.Ceiling(Value / 1e-9m)) + "n";
    }

    // Parsed decimals keep trailing zeros in their scale (1.5 × 1024 is 1536.0); the text must not.
    private static string Whole(decimal value) => value.ToString("0", CultureInfo.InvariantCulture);
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
