using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>
/// metav1.Time on the wire: RFC 3339 in UTC with whole seconds (<c>2026-11-22T01:50:00Z</c>), which is what every
/// Kubernetes client prints and parses. Sub-second input is accepted and truncated, as upstream does.
/// </summary>
public sealed class KubeTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            throw new JsonException($"\"{text}\" is not an RFC 3339 time");
        }
        return Truncate(time);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Truncate(value).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary>The time as the wire keeps it: UTC, whole seconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
    }
}
