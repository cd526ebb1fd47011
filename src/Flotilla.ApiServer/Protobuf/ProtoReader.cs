using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Protobuf;

/// <summary>Protobuf wire types (the low three bits of a field tag).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    StartGroup = 3,
    EndGroup = 4,
    Fixed32 = 5,
}

/// <summary>
/// A forward-only reader of the protobuf wire format over one message's bytes. It never allocates from a length
/// prefix: a length-delimited field is returned as a slice of the input, after checking that the input really holds
/// that many bytes. Every failure is an <see cref="ApiException"/> 400 that names the message, the field and the
/// absolute byte offset in the request body, so a client author can find the bad byte.
/// </summary>
internal ref struct ProtoReader
{
    /// <summary>A varint never needs more than 10 bytes for 64 bits; more means corrupt input.</summary>
    private const int MaxVarintBytes = 10;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Offset of <see cref="_buffer"/>[0] in the whole request body, for error messages.</summary>
    private readonly int _origin;

    /// <summary>Name of the message being read, for error messages.</summary>
    private readonly string _message;

    private int _position;

    private int _tagOffset;

    public ProtoReader(ReadOnlySpan<byte> buffer, int origin, string message)
    {
        _buffer = buffer;
        _origin = origin;
        _message = message;
        _position = 0;
        _tagOffset = origin;
    }

    public readonly bool AtEnd => _position >= _buffer.Length;

    /// <summary>Absolute offset of the next unread byte in the request body.</summary>
    public readonly int Offset => _origin + _position;

    /// <summary>Name of the message being read.</summary>
    public readonly string MessageName => _message;

    /// <summary>Absolute offset of the last tag read: where a field starts, for error messages.</summary>
    public readonly int TagOffset => _tagOffset;

    /// <summary>Reads a field tag. Field number 0 and the reserved wire types 6 and 7 are rejected here.</summary>
    public void ReadTag(out int field, out WireType wireType)
    {
        var at = Offset;
        _tagOffset = at;
        var tag = ReadVarintCore(0);
        var number = tag >> 3;
        var type = (int)(tag & 7);
        if (number == 0 || number > 536_870_911)
        {
            throw Malformed($"a field tag of {_message} at byte {at} has field number {number}, which is not valid");
        }
        if (type > 5)
        {
            throw Malformed($"field {number} of {_message} at byte {at} has wire type {type}, which is not valid");
        }
        field = (int)number;
        wireType = (WireType)type;
    }

    public ulong ReadVarint(int field) => ReadVarintCore(field);

    /// <summary>
    /// Reads a length-delimited payload and returns it as a slice, with the absolute offset of its first byte.
    /// </summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(int field, out int payloadOffset)
    {
        var at = _tagOffset;
        var length = ReadVarintCore(field);
        var remaining = (ulong)(_buffer.Length - _position);
        if (length > remaining)
        {
            // Compared as ulong so that a hostile 2^63 prefix can neither overflow nor reach an allocation.
            throw Malformed($"field {field} of {_message} at byte {at} declares {length} bytes but only {remaining} remain");
        }
        payloadOffset = Offset;
        var slice = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Skips a field the schema does not know, by its wire type alone.</summary>
    public void Skip(int field, WireType wireType)
    {
        switch (wireType)
        {
            case WireType.Varint:
                ReadVarintCore(field);
                break;
            case WireType.Fixed64:
                Take(field, 8);
                break;
            case WireType.LengthDelimited:
                ReadLengthDelimited(field, out _);
                break;
            case WireType.Fixed32:
                Take(field, 4);
                break;
            default:
                // Kubernetes' generated code never emits groups; refusing them keeps skipping non-recursive.
                throw Malformed($"field {field} of {_message} at byte {_tagOffset} uses the group wire type {(int)wireType}, which Kubernetes objects never use");
        }
    }

    /// <summary>The 400 every wire-level problem becomes.</summary>
    public static ApiException Malformed(string detail) => ApiException.BadRequest("invalid protobuf body: " + detail);

    private ulong ReadVarintCore(int field)
    {
        var start = Offset;
        ulong result = 0;
        for (var i = 0; i < MaxVarintBytes; i++)
        {
            if (_position >= _buffer.Length)
            {
                throw Malformed(field == 0
                    ? $"a field tag of {_message} is truncated at byte {Offset}"
                    : $"field {field} of {_message} is truncated at byte {Offset}");
            }
            var b = _buffer[_position++];
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return result;
            }
        }
        throw Malformed($"field {field} of {_message} has a varint longer than {MaxVarintBytes} bytes at byte {start}");
    }

    private ReadOnlySpan<byte> Take(int field, int count)
    {
        if (_buffer.Length - _position < count)
        {
            throw Malformed($"field {field} of {_message} is truncated at byte {_origin + _buffer.Length}: it needs {count} bytes at byte {Offset}");
        }
        var slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }
}
