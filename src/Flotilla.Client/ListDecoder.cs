using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Flotilla.Client;

/// <summary>
/// Decodes a <c>…List</c> response in one pass with <see cref="Utf8JsonReader"/>: <c>metadata</c> is read by hand
/// and every element of <c>items</c> is deserialized in place with the caller's <see cref="JsonTypeInfo{T}"/>, so a
/// typed client needs no list type of its own.
/// </summary>
internal static class ListDecoder
{
    public static ResourceList<T> Decode<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> typeInfo)
    {
        var reader = new Utf8JsonReader(json, ObjectScanner.ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("a list response must be a JSON object");
        }
        var items = new List<T>();
        string resourceVersion = "";
        string? continueToken = null;
        long? remaining = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("items"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    throw new JsonException("a list's items must be an array");
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    items.Add(JsonSerializer.Deserialize(ref reader, typeInfo) ?? throw new JsonException("a list item is null"));
                }
            }
            else if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("resourceVersion"u8))
                    {
                        reader.Read();
                        resourceVersion = reader.TokenType == JsonTokenType.String ? reader.GetString()! : "";
                    }
                    else if (reader.ValueTextEquals("continue"u8))
                    {
                        reader.Read();
                        continueToken = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0 ? reader.GetString() : null;
                    }
                    else if (reader.ValueTextEquals("remainingItemCount"u8))
                    {
                        reader.Read();
                        remaining = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new ResourceList<T>(items, resourceVersion, continueToken, remaining);
    }
}
