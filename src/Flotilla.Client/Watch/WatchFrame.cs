using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Meta;

namespace Flotilla.Client.Watch;

/// <summary>
/// Decodes one watch frame, <c>{"type":"…","object":{…}}</c>, straight from its UTF-8 bytes: one reader pass
/// over the frame, the object materialized once (with the caller's <see cref="JsonTypeInfo{T}"/>, or as a Status
/// for ERROR), and its resourceVersion read from a copy of the reader that stops at it. The type is compared in
/// place, so the object and the resourceVersion string are all a frame allocates (see the WatchFrame benchmark).
/// </summary>
internal static class WatchFrame
{
    public static WatchEvent<T> Decode<T>(ReadOnlySpan<byte> frame, JsonTypeInfo<T> typeInfo)
    {
        var reader = new Utf8JsonReader(frame, ObjectScanner.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a watch event must be a JSON object");
        }
        WatchEventType? type = null;
        var isError = false;
        T? obj = default;
        string? resourceVersion = null;
        JsonObject? status = null;
        var sawObject = false;
        Utf8JsonReader objectStart = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException("a watch event's type must be a string");
                }
                // Compared in place: no string is made for the type of every event.
                if (reader.ValueTextEquals("ADDED"u8)) type = WatchEventType.Added;
                else if (reader.ValueTextEquals("MODIFIED"u8)) type = WatchEventType.Modified;
                else if (reader.ValueTextEquals("DELETED"u8)) type = WatchEventType.Deleted;
                else if (reader.ValueTextEquals("BOOKMARK"u8)) type = WatchEventType.Bookmark;
                else if (reader.ValueTextEquals("ERROR"u8)) isError = true;
                else throw new JsonException($"unknown watch event type \"{reader.GetString()}\"");
            }
            else if (reader.ValueTextEquals("object"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException("a watch event's object must be a JSON object");
                }
                sawObject = true;
                objectStart = reader;
                if (isError)
                {
                    status = JsonNode.Parse(ref reader, Api.Unstructured.Obj.NodeOptions) as JsonObject;
                }
                else
                {
                    var scan = reader;
                    resourceVersion = ObjectScanner.ResourceVersion(ref scan);
                    obj = JsonSerializer.Deserialize(ref reader, typeInfo);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if ((type is null && !isError) || !sawObject)
        {
            throw new JsonException("a watch event needs both type and object");
        }
        if (isError)
        {
            // "type" came after "object" (no server does this, but JSON allows it): decode the Status now.
            status ??= JsonNode.Parse(ref objectStart, Api.Unstructured.Obj.NodeOptions) as JsonObject;
            throw ApiException.FromStatus(status?["code"] is JsonValue code && code.TryGetValue<int>(out var c) ? c : 500, status, "the watch ended with an error event");
        }
        return new WatchEvent<T>(type!.Value, obj ?? throw new JsonException("a watch event's object is null"), resourceVersion ?? "");
    }
}
