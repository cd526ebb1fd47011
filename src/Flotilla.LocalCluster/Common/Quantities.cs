using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.LocalCluster.Common;

/// <summary>
/// Kubernetes resource quantities as the kubelet and scheduler read them: parsed by <see cref="Quantity"/>, then
/// taken as millis (cpu) or whole units (memory, storage, pods) rounded up as upstream does, and printed the kubelet's way.
/// </summary>
internal static class Quantities
{
    /// <summary>Parses a quantity; false when it is not one.</summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0;
        if (!Quantity.TryParse(text?.Trim(), out var quantity))
        {
            return false;
        }
        value = quantity.Value;
        return true;
    }

    /// <summary>Parses a quantity or throws with a message naming <paramref name="what"/>.</summary>
    public static decimal Parse(string text, string what) =>
        TryParse(text, out var value) ? value : throw new ArgumentException($"{what}: '{text}' is not a Kubernetes quantity (e.g. 4, 500m, 16Gi)");

    /// <summary>A quantity in thousandths, rounded up (cpu: millicores).</summary>
    public static long Milli(decimal value) => (long)Math.Ceiling(value * 1000m);

    /// <summary>A quantity in whole units, rounded up (memory: bytes).</summary>
    public static long Units(decimal value) => (long)Math.Ceiling(value);

    /// <summary>Reads a quantity from JSON: a string (<c>"500m"</c>) or a number; 0 when absent or malformed.</summary>
    public static decimal Read(JsonNode? node) =>
        Json.Str(node) is { } s ? (TryParse(s, out var v) ? v : 0) : Json.Long(node) is { } l ? l : 0;

    /// <summary>Millicores as a quantity: <c>4</c> for whole cores, <c>1500m</c> otherwise.</summary>
    public static string FormatCpu(long millis) =>
        millis % 1000 == 0 ? (millis / 1000).ToString(CultureInfo.InvariantCulture) : millis.ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>Bytes as a kubelet reports them: in <c>Ki</c> when whole kibibytes, else plain bytes.</summary>
    public static string FormatBytes(long bytes) =>
        bytes % 1024 == 0 ? (bytes / 1024).ToString(CultureInfo.InvariantCulture) + "Ki" : bytes.ToString(CultureInfo.InvariantCulture);
}
