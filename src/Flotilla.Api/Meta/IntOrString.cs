using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>intstr.IntOrString: <c>3</c> or <c>"25%"</c> on the wire.</summary>
[JsonConverter(typeof(IntOrStringConverter))]
public readonly record struct IntOrString
{
    private IntOrString(int? intValue, string? stringValue)
    {
        IntValue = intValue;
        StringValue = stringValue;
    }

    /// <summary>The integer form; null when this is a string.</summary>
    public int? IntValue { get; }

    /// <summary>The string form; null when this is an integer.</summary>
    public string? StringValue { get; }

    public static IntOrString FromInt(int value) => new(value, null);

    public static IntOrString FromString(string value) => new(null, value);

    public static implicit operator IntOrString(int value) => FromInt(value);

    public static implicit operator IntOrString(string value) => FromString(value);

    public override string ToString() => IntValue?.ToString(CultureInfo.InvariantCulture) ?? StringValue ?? "";

    /// <summary>
    /// The absolute value against <paramref name="total"/>: an integer as is; a percentage scaled and rounded up
    /// (<paramref name="roundUp"/>) or down, as upstream's <c>GetScaledValueFromIntOrPercent</c>.
    /// </summary>
    /// <exception cref="FormatException">A string that is not an integer percentage such as <c>25%</c>.</exception>
    public int Scaled(int total, bool roundUp)
    {
        if (IntValue is int value)
        {
            return value;
        }
        var text = StringValue ?? "";
        if (!text.EndsWith('%') || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent))
        {
            throw new FormatException($"invalid value for IntOrString: invalid value \"{text}\": must be an integer or a percentage such as \"25%\"");
        }
        var product = (long)percent * total;
        return (int)(roundUp ? (product + 99) / 100 : product / 100);
    }
}

internal sealed class IntOrStringConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => IntOrString.FromInt(reader.GetInt32()),
            JsonTokenType.String => IntOrString.FromString(reader.GetString() ?? ""),
            _ => throw new JsonException($"an int or string was expected, not {reader.TokenType}"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.IntValue is int number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteStringValue(value.StringValue);
        }
    }
}
