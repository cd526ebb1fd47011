using System.Globalization;
using System.Text.RegularExpressions;

namespace Flotilla.ApiServer.Schema;

/// <summary>
/// The string formats custom resource validation enforces (<c>date-time</c>, <c>date</c>, <c>uuid</c>, <c>byte</c>).
/// Other formats are documentation only, as for upstream clients that do not know them.
/// </summary>
internal static partial class Formats
{
    /// <summary>Whether <paramref name="format"/> constrains strings here.</summary>
    public static bool IsChecked(string format) => format is "date-time" or "date" or "uuid" or "byte";

    /// <summary>Whether <paramref name="value"/> is valid for <paramref name="format"/>; unknown formats accept everything.</summary>
    public static bool IsValid(string format, string value) => format switch
    {
        "date-time" => IsDateTime(value),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "uuid" => UuidRegex().IsMatch(value),
        "byte" => IsBase64(value),
        _ => true,
    };

    private static bool IsDateTime(string value)
    {
        // RFC 3339 and the relaxed forms upstream's strfmt accepts: 'T' or a space, optional seconds, fraction and offset.
        var match = DateTimeRegex().Match(value);
        if (!match.Success)
        {
            return false;
        }
        if (!DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return false;
        }
        var hour = int.Parse(match.Groups["h"].Value, CultureInfo.InvariantCulture);
        var minute = int.Parse(match.Groups["m"].Value, CultureInfo.InvariantCulture);
        var second = match.Groups["s"].Success ? int.Parse(match.Groups["s"].Value, CultureInfo.InvariantCulture) : 0;
        // 60 is a leap second, which RFC 3339 allows.
        return hour < 24 && minute < 60 && second <= 60;
    }

    private static bool IsBase64(string value)
    {
        if (value.Length % 4 != 0)
        {
            return false;
        }
        Span<byte> buffer = value.Length <= 1024 ? stackalloc byte[value.Length] : new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _) && !value.Any(char.IsWhiteSpace);
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<h>\d{2}):(?<m>\d{2})(:(?<s>\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex("^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex UuidRegex();
}
