using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Protobuf;

/// <summary>
/// Turns a <c>application/vnd.kubernetes.protobuf</c> request body into the object's JSON, for the kinds that
/// kubectl's typed <c>create</c> subcommands send that way (kube-api.md §1 item 2, §6.3): the 4-byte magic
/// <c>k8s\0</c>, then a <c>runtime.Unknown</c> envelope whose <c>raw</c> field is the object's own message.
/// <para>
/// The decode is driven by the tables in <see cref="KindSchemas"/>. Zero values are treated as absent, as Go's
/// generated marshaller writes every non-pointer scalar even when unset; fields marked
/// <see cref="ProtoField.KeepZero"/> (Go pointers) keep explicit zeros. Unknown field numbers are skipped.
/// </para>
/// <para>
/// Errors: malformed bytes are 400 BadRequest naming the message, field and byte offset; a kind without a schema is
/// 415 UnsupportedMediaType telling the client to send JSON. Nothing else is thrown, nothing loops without consuming
/// input, and nothing is allocated from a length prefix before the bytes are known to exist.
/// </para>
/// </summary>
internal static class ProtobufDecoder
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";

    /// <summary>
    /// Schemas are not recursive, so real nesting is bounded by the tables (a CronJob's container is about 10 deep);
    /// the guard stays in case a recursive schema is ever added.
    /// </summary>
    private const int MaxDepth = 32;

    /// <summary>Go's zero <c>time.Time</c> as Unix seconds; upstream marshals it as an empty Time message.</summary>
    private const long GoZeroTimeSeconds = -62_135_596_800;

    private const long MaxTimeSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z, the RFC 3339 limit

    private static ReadOnlySpan<byte> Magic => "k8s\0"u8;

    /// <summary>Decodes a protobuf request body into the object JSON, with <c>apiVersion</c> and <c>kind</c> first.</summary>
    /// <exception cref="ApiException">400 for malformed bytes, 415 for a kind this decoder has no schema for.</exception>
    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (body.Length < Magic.Length || !body[..Magic.Length].SequenceEqual(Magic))
        {
            var got = Convert.ToHexString(body[..Math.Min(body.Length, Magic.Length)]).ToLowerInvariant();
            throw ProtoReader.Malformed($"expected the 4-byte prefix 6b387300 (\"k8s\\0\") but got {(got.Length == 0 ? "an empty body" : got)}");
        }

        var envelope = ReadEnvelope(body[Magic.Length..], Magic.Length);
        if (envelope.ContentEncoding.Length > 0)
        {
            throw ApiException.UnsupportedMediaType(
                $"the body of the request was in an unknown format - runtime.Unknown contentEncoding \"{envelope.ContentEncoding}\" is not supported; send the object uncompressed or as application/json");
        }
        if (envelope.ContentType.Length > 0 && envelope.ContentType != MediaType)
        {
            throw ApiException.UnsupportedMediaType(
                $"the body of the request was in an unknown format - runtime.Unknown contentType \"{envelope.ContentType}\" is not supported; send the object as application/json");
        }
        if (envelope.ApiVersion.Length == 0 || envelope.Kind.Length == 0)
        {
            throw ProtoReader.Malformed("runtime.Unknown has no typeMeta apiVersion and kind; the object type cannot be known");
        }

        var schema = KindSchemas.Find(envelope.ApiVersion, envelope.Kind)
            ?? throw ApiException.UnsupportedMediaType(
                $"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, {MediaType} " +
                $"(protobuf only for {KindSchemas.SupportedKindsText}); send {envelope.ApiVersion} {envelope.Kind} as application/json");

        var result = new JsonObject
        {
            ["apiVersion"] = envelope.ApiVersion,
            ["kind"] = envelope.Kind,
        };
        var decoded = DecodeMessage(body.Slice(envelope.RawOffset, envelope.RawLength), envelope.RawOffset, schema, depth: 1);
        MoveProperties(decoded, result);
        return result;
    }

    private readonly record struct Envelope(string ApiVersion, string Kind, int RawOffset, int RawLength, string ContentEncoding, string ContentType);

    /// <summary>Reads <c>runtime.Unknown</c>: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType.</summary>
    private static Envelope ReadEnvelope(ReadOnlySpan<byte> bytes, int origin)
    {
        const string Name = "runtime.Unknown";
        string apiVersion = "", kind = "", contentEncoding = "", contentType = "";
        int rawOffset = origin + bytes.Length, rawLength = 0;
        var reader = new ProtoReader(bytes, origin, Name);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            if (number is < 1 or > 4)
            {
                reader.Skip(number, wire);
                continue;
            }
            RequireWireType(number, Name, wire, WireType.LengthDelimited, reader.TagOffset);
            var payload = reader.ReadLengthDelimited(number, out var payloadOffset);
            switch (number)
            {
                case 1:
                    var typeMeta = new ProtoReader(payload, payloadOffset, "runtime.TypeMeta");
                    while (!typeMeta.AtEnd)
                    {
                        typeMeta.ReadTag(out var tmNumber, out var tmWire);
                        if (tmNumber is not (1 or 2))
                        {
                            typeMeta.Skip(tmNumber, tmWire);
                            continue;
                        }
                        RequireWireType(tmNumber, "runtime.TypeMeta", tmWire, WireType.LengthDelimited, typeMeta.TagOffset);
                        var text = Encoding.UTF8.GetString(typeMeta.ReadLengthDelimited(tmNumber, out _));
                        if (tmNumber == 1)
                        {
                            apiVersion = text;
                        }
                        else
                        {
                            kind = text;
                        }
                    }
                    break;
                case 2:
                    // Kept as offsets into the body so the object's own bytes are never copied.
                    rawOffset = payloadOffset;
                    rawLength = payload.Length;
                    break;
                case 3:
                    contentEncoding = Encoding.UTF8.GetString(payload);
                    break;
                default:
                    contentType = Encoding.UTF8.GetString(payload);
                    break;
            }
        }
        // Offsets were absolute in the body; Decode slices the body again with them.
        return new Envelope(apiVersion, kind, rawOffset, rawLength, contentEncoding, contentType);
    }

    private static JsonObject DecodeMessage(ReadOnlySpan<byte> bytes, int origin, MessageSchema schema, int depth)
    {
        if (depth > MaxDepth)
        {
            throw ProtoReader.Malformed($"{schema.Name} at byte {origin} is nested more than {MaxDepth} messages deep");
        }

        // One slot per schema field, so output follows the schema (Go struct) order whatever the wire order was.
        var slots = new JsonNode?[schema.Fields.Count];
        var reader = new ProtoReader(bytes, origin, schema.Name);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            var slot = schema.SlotOf(number);
            if (slot < 0)
            {
                reader.Skip(number, wire);
                continue;
            }
            var field = schema.Fields[slot];

            if (field.Repeated)
            {
                var list = (JsonArray)(slots[slot] ??= new JsonArray());
                if (field.MayBePacked && wire == WireType.LengthDelimited)
                {
                    // proto2 writes repeated numbers unpacked, but a packed run is equally valid protobuf.
                    var packed = reader.ReadLengthDelimited(number, out var packedOffset);
                    var run = new ProtoReader(packed, packedOffset, schema.Name);
                    while (!run.AtEnd)
                    {
                        list.Add(Number(field, run.ReadVarint(number)));
                    }
                    continue;
                }
                RequireWireType(number, schema.Name, wire, field.ExpectedWireType, reader.TagOffset);
                list.Add(ReadValue(ref reader, field, number, inList: true, depth));
                continue;
            }

            RequireWireType(number, schema.Name, wire, field.ExpectedWireType, reader.TagOffset);
            if (field.Type is FieldType.StringMap or FieldType.BytesMap or FieldType.QuantityMap)
            {
                var map = (JsonObject)(slots[slot] ??= new JsonObject());
                var entry = reader.ReadLengthDelimited(number, out var entryOffset);
                ReadMapEntry(entry, entryOffset, schema.Name, field, map);
                continue;
            }

            // A repeated occurrence of a singular field replaces the earlier one (last one wins).
            slots[slot] = ReadValue(ref reader, field, number, inList: false, depth);
        }

        var result = new JsonObject();
        for (var i = 0; i < slots.Length; i++)
        {
            var node = slots[i];
            if (node is null || node is JsonArray { Count: 0 })
            {
                continue;
            }
            var field = schema.Fields[i];
            if (field.Inline)
            {
                MoveProperties((JsonObject)node, result);
                continue;
            }
            result[field.JsonName] = node;
        }
        return result;
    }

    /// <summary>
    /// Reads one value. Returns null for a value that counts as absent: empty strings always, zero numbers / false /
    /// empty objects unless the field keeps zeros or the value is a list item (dropping items would shift indices).
    /// </summary>
    private static JsonNode? ReadValue(ref ProtoReader reader, ProtoField field, int number, bool inList, int depth)
    {
        var keep = inList || field.KeepZero;
        switch (field.Type)
        {
            case FieldType.Bool:
                var flag = reader.ReadVarint(number) != 0;
                return flag || keep ? JsonValue.Create(flag) : null;
            case FieldType.Int32:
            case FieldType.Int64:
                var raw = reader.ReadVarint(number);
                return raw != 0 || keep ? Number(field, raw) : null;
        }

        // Errors inside special types name the field that holds them: "field 8 of ObjectMeta at byte 25 …".
        var parent = reader.MessageName;
        var tagOffset = reader.TagOffset;
        var payload = reader.ReadLengthDelimited(number, out var offset);
        switch (field.Type)
        {
            case FieldType.String:
                // Strings ignore KeepZero: kubectl writes "" for every unset string, and "" is never meaningful here.
                return payload.Length > 0 || inList ? JsonValue.Create(Encoding.UTF8.GetString(payload)) : null;
            case FieldType.Bytes:
                return payload.Length > 0 || inList ? JsonValue.Create(Convert.ToBase64String(payload)) : null;
            case FieldType.Message:
                var nested = DecodeMessage(payload, offset, field.Message!, depth + 1);
                return nested.Count > 0 || (keep && !field.Inline) ? nested : null;
            case FieldType.Time:
                return ReadTime(payload, offset, parent, number, tagOffset);
            case FieldType.IntOrString:
                return ReadIntOrString(payload, offset, keep, parent, number, tagOffset);
            case FieldType.Quantity:
                var quantity = ReadQuantity(payload, offset);
                return quantity.Length > 0 ? JsonValue.Create(quantity) : null;
            case FieldType.RawJson:
                return ReadRawJson(payload, offset, parent, number, tagOffset);
            default:
                throw new InvalidOperationException($"field type {field.Type} is not a single value");
        }
    }

    private static JsonValue Number(ProtoField field, ulong raw) =>
        // Go's generated code truncates an int32 varint to its low 32 bits; negative values arrive sign-extended.
        field.Type == FieldType.Int32 ? JsonValue.Create(unchecked((int)raw)) : JsonValue.Create(unchecked((long)raw));

    /// <summary>A map entry is a message {1 key, 2 value}; a missing key or value is the type's zero value.</summary>
    private static void ReadMapEntry(ReadOnlySpan<byte> entry, int origin, string parent, ProtoField field, JsonObject map)
    {
        var name = $"{parent}.{field.JsonName} entry";
        var key = "";
        JsonNode? value = null;
        var reader = new ProtoReader(entry, origin, name);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            if (number is not (1 or 2))
            {
                reader.Skip(number, wire);
                continue;
            }
            RequireWireType(number, name, wire, WireType.LengthDelimited, reader.TagOffset);
            var payload = reader.ReadLengthDelimited(number, out var payloadOffset);
            if (number == 1)
            {
                key = Encoding.UTF8.GetString(payload);
                continue;
            }
            value = field.Type switch
            {
                FieldType.StringMap => JsonValue.Create(Encoding.UTF8.GetString(payload)),
                FieldType.BytesMap => JsonValue.Create(Convert.ToBase64String(payload)),
                _ => JsonValue.Create(ReadQuantity(payload, payloadOffset) is { Length: > 0 } q ? q : "0"),
            };
        }
        // Map values are kept even when empty: "key with empty value" is data, unlike an unset scalar.
        map[key] = value ?? JsonValue.Create(field.Type == FieldType.QuantityMap ? "0" : "");
    }

    /// <summary><c>meta/v1.Time</c>: 1 seconds, 2 nanos. JSON is RFC 3339 in UTC at whole seconds, like upstream.</summary>
    private static JsonValue? ReadTime(ReadOnlySpan<byte> payload, int origin, string parent, int field, int fieldOffset)
    {
        if (payload.IsEmpty)
        {
            return null; // upstream encodes the zero time as an empty message; its JSON is null
        }
        long seconds = 0;
        var reader = new ProtoReader(payload, origin, "meta/v1.Time");
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            if (number is not (1 or 2))
            {
                reader.Skip(number, wire);
                continue;
            }
            RequireWireType(number, "meta/v1.Time", wire, WireType.Varint, reader.TagOffset);
            var raw = reader.ReadVarint(number);
            if (number == 1)
            {
                seconds = unchecked((long)raw);
            }
            // nanos (2) are read and dropped: Time's JSON form has whole-second precision.
        }
        if (seconds == GoZeroTimeSeconds)
        {
            return null;
        }
        if (seconds is < GoZeroTimeSeconds or > MaxTimeSeconds)
        {
            throw ProtoReader.Malformed($"field {field} of {parent} at byte {fieldOffset} is a Time of {seconds} seconds, outside years 0001 to 9999");
        }
        var time = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcDateTime;
        return JsonValue.Create(time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    /// <summary><c>intstr.IntOrString</c>: 1 type (0 int, 1 string), 2 intVal, 3 strVal.</summary>
    private static JsonValue? ReadIntOrString(ReadOnlySpan<byte> payload, int origin, bool keep, string parent, int field, int fieldOffset)
    {
        const string Name = "intstr.IntOrString";
        ulong type = 0;
        var intValue = 0;
        var stringValue = "";
        var reader = new ProtoReader(payload, origin, Name);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            switch (number)
            {
                case 1:
                    RequireWireType(number, Name, wire, WireType.Varint, reader.TagOffset);
                    type = reader.ReadVarint(number);
                    break;
                case 2:
                    RequireWireType(number, Name, wire, WireType.Varint, reader.TagOffset);
                    intValue = unchecked((int)reader.ReadVarint(number));
                    break;
                case 3:
                    RequireWireType(number, Name, wire, WireType.LengthDelimited, reader.TagOffset);
                    stringValue = Encoding.UTF8.GetString(reader.ReadLengthDelimited(number, out _));
                    break;
                default:
                    reader.Skip(number, wire);
                    break;
            }
        }
        return type switch
        {
            0 => intValue != 0 || keep ? JsonValue.Create(intValue) : null,
            1 => stringValue.Length > 0 || keep ? JsonValue.Create(stringValue) : null,
            _ => throw ProtoReader.Malformed($"field {field} of {parent} at byte {fieldOffset} is an IntOrString of type {type}; only 0 (int) and 1 (string) exist"),
        };
    }

    /// <summary><c>resource.Quantity</c>: 1 string. Returns "" when absent.</summary>
    private static string ReadQuantity(ReadOnlySpan<byte> payload, int origin)
    {
        const string Name = "resource.Quantity";
        var text = "";
        var reader = new ProtoReader(payload, origin, Name);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            if (number != 1)
            {
                reader.Skip(number, wire);
                continue;
            }
            RequireWireType(number, Name, wire, WireType.LengthDelimited, reader.TagOffset);
            text = Encoding.UTF8.GetString(reader.ReadLengthDelimited(number, out _));
        }
        return text;
    }

    /// <summary><c>FieldsV1</c> / <c>RawExtension</c>: 1 raw, which holds JSON.</summary>
    private static JsonNode? ReadRawJson(ReadOnlySpan<byte> payload, int origin, string parent, int field, int fieldOffset)
    {
        const string Name = "raw JSON holder";
        ReadOnlySpan<byte> raw = default;
        var reader = new ProtoReader(payload, origin, Name);
        while (!reader.AtEnd)
        {
            reader.ReadTag(out var number, out var wire);
            if (number != 1)
            {
                reader.Skip(number, wire);
                continue;
            }
            RequireWireType(number, Name, wire, WireType.LengthDelimited, reader.TagOffset);
            raw = reader.ReadLengthDelimited(number, out _);
        }
        if (raw.IsEmpty)
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(raw);
        }
        catch (JsonException e)
        {
            throw ProtoReader.Malformed($"field {field} of {parent} at byte {fieldOffset} does not hold valid JSON: {e.Message}");
        }
    }

    private static void RequireWireType(int number, string message, WireType actual, WireType expected, int offset)
    {
        if (actual != expected)
        {
            throw ProtoReader.Malformed($"field {number} of {message} at byte {offset} has wire type {(int)actual} ({Describe(actual)}), expected {(int)expected} ({Describe(expected)})");
        }

        static string Describe(WireType type) => type switch
        {
            WireType.Varint => "varint",
            WireType.Fixed64 => "64-bit",
            WireType.LengthDelimited => "length-delimited",
            WireType.Fixed32 => "32-bit",
            _ => "group",
        };
    }

    /// <summary>Moves every property of <paramref name="from"/> into <paramref name="to"/> (a node has one parent).</summary>
    private static void MoveProperties(JsonObject from, JsonObject to)
    {
        var properties = from.ToList();
        from.Clear();
        foreach (var (name, value) in properties)
        {
            to[name] = value;
        }
    }
}
