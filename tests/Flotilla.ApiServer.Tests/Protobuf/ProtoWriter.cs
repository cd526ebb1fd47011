using System.Text;

namespace Flotilla.ApiServer.Tests.Protobuf;

/// <summary>
/// A minimal protobuf encoder for building test bodies that kubectl's typed commands cannot produce (env, probes,
/// volumes, explicit zeros, malformed bytes). It writes exactly what it is told, including invalid encodings.
/// </summary>
internal sealed class ProtoWriter
{
    private readonly List<byte> _bytes = [];

    public ProtoWriter Varint(int field, ulong value)
    {
        Tag(field, 0);
        WriteVarint(value);
        return this;
    }

    public ProtoWriter Varint(int field, long value) => Varint(field, unchecked((ulong)value));

    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtoWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _bytes.AddRange(value);
        return this;
    }

    public ProtoWriter Message(int field, Action<ProtoWriter> build)
    {
        var inner = new ProtoWriter();
        build(inner);
        return Bytes(field, inner.ToArray());
    }

    public ProtoWriter Entry(int field, string key, string value) => Message(field, e => e.String(1, key).String(2, value));

    /// <summary>A <c>map&lt;string, Quantity&gt;</c> entry: the value is a Quantity message {1 string}.</summary>
    public ProtoWriter QuantityEntry(int field, string key, string quantity) =>
        Message(field, e => e.String(1, key).Message(2, q => q.String(1, quantity)));

    public ProtoWriter Fixed64(int field, ulong value)
    {
        Tag(field, 1);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    public ProtoWriter Fixed32(int field, uint value)
    {
        Tag(field, 5);
        _bytes.AddRange(BitConverter.GetBytes(value));
        return this;
    }

    /// <summary>Writes a tag with any wire type, valid or not.</summary>
    public ProtoWriter Tag(int field, int wireType)
    {
        WriteVarint(((ulong)(uint)field << 3) | (uint)wireType);
        return this;
    }

    public ProtoWriter RawVarint(ulong value)
    {
        WriteVarint(value);
        return this;
    }

    public ProtoWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];

    /// <summary>A full request body: magic, then runtime.Unknown {1 typeMeta {1 apiVersion, 2 kind}, 2 raw}.</summary>
    public static byte[] Body(string apiVersion, string kind, Action<ProtoWriter> buildObject)
    {
        var body = new ProtoWriter()
            .Raw("k8s\0"u8.ToArray())
            .Message(1, t => t.String(1, apiVersion).String(2, kind))
            .Message(2, buildObject);
        return body.ToArray();
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.Add((byte)value);
    }
}
