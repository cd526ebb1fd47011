using System.Globalization;
using System.Net;

namespace Flotilla.LocalCluster.Common;

/// <summary>An IPv4 block, <c>127.100.0.0/16</c>: its first address and prefix length.</summary>
internal readonly record struct Ipv4Cidr(uint First, int Prefix)
{
    /// <summary>How many addresses the block holds.</summary>
    public long Size => 1L << (32 - Prefix);

    public uint Last => (uint)(First + Size - 1);

    public static Ipv4Cidr Parse(string text, string what)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0
            || !IPAddress.TryParse(text[..slash], out var address)
            || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            || prefix is < 1 or > 32)
        {
            throw new ArgumentException($"{what}: '{text}' is not an IPv4 CIDR such as 127.100.0.0/16");
        }
        var value = ToUInt(address);
        var mask = prefix == 32 ? uint.MaxValue : ~(uint.MaxValue >> prefix);
        if ((value & mask) != value)
        {
            throw new ArgumentException($"{what}: '{text}' has host bits set; did you mean {Format(value & mask)}/{prefix}?");
        }
        return new Ipv4Cidr(value, prefix);
    }

    public bool Contains(uint address) => address >= First && address <= Last;

    public bool Contains(string address) => TryParseAddress(address, out var value) && Contains(value);

    /// <summary>The <paramref name="index"/>-th sub-block of prefix <paramref name="prefix"/>.</summary>
    public Ipv4Cidr Subnet(int prefix, int index) => new((uint)(First + ((long)index << (32 - prefix))), prefix);

    public override string ToString() => $"{Format(First)}/{Prefix.ToString(CultureInfo.InvariantCulture)}";

    public static string Format(uint address) =>
        string.Create(CultureInfo.InvariantCulture, $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}");

    public static bool TryParseAddress(string? text, out uint value)
    {
        value = 0;
        if (string.IsNullOrEmpty(text) || !IPAddress.TryParse(text, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }
        value = ToUInt(address);
        return true;
    }

    private static uint ToUInt(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}
