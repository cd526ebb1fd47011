using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.LocalCluster.Common;

/// <summary>
/// Upstream's <c>GetScaledValueFromIntOrPercent</c>: an int is itself; <c>"25%"</c> is that share of
/// <c>total</c>, rounded up or down as asked; a string of digits is taken as an int.
/// </summary>
internal static class IntOrPercent
{
    public static int Scaled(JsonNode? value, int total, bool roundUp, int fallback = 0)
    {
        if (Json.Long(value) is { } number)
        {
            return (int)number;
        }
        var text = Json.Str(value);
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }
        if (text.EndsWith('%'))
        {
            try
            {
                return IntOrString.FromString(text).Scaled(total, roundUp);
            }
            catch (FormatException)
            {
                return fallback;
            }
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var plain) ? plain : fallback;
    }
}
