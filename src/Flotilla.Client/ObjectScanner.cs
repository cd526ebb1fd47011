using System.Text.Json;

namespace Flotilla.Client;

/// <summary>The fields of an object's header a client needs without decoding the object.</summary>
internal readonly record struct ObjectHeader(string? ApiVersion, string? Kind, string? Name, string? Namespace, string? ResourceVersion, string? Uid)
{
    public bool IsStatus => Kind == "Status" && ApiVersion == "v1";
}

/// <summary>
/// Reads what the client needs (names, resourceVersions, kinds) straight from UTF-8 JSON with
/// <see cref="Utf8JsonReader"/>, whatever the model type: nothing is materialized, and the scan stops as soon as
/// <c>metadata</c> has been read.
/// </summary>
internal static class ObjectScanner
{
    public static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = Flotilla.Api.Unstructured.Obj.MaxDepth };

    public static ObjectHeader Header(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        return reader.Read() && reader.TokenType == JsonTokenType.StartObject ? Header(ref reader) : default;
    }

    /// <summary>Reads the header of the object whose StartObject the reader is on, leaving the reader somewhere inside it.</summary>
    public static ObjectHeader Header(ref Utf8JsonReader reader)
    {
        string? apiVersion = null, kind = null, name = null, ns = null, resourceVersion = null, uid = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader);
                    else if (reader.ValueTextEquals("namespace"u8)) ns = ReadString(ref reader);
                    else if (reader.ValueTextEquals("resourceVersion"u8)) resourceVersion = ReadString(ref reader);
                    else if (reader.ValueTextEquals("uid"u8)) uid = ReadString(ref reader);
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
                // apiVersion and kind precede metadata in everything Kubernetes writes; stop here rather than skim the spec.
                if (apiVersion is not null && kind is not null)
                {
                    break;
                }
                continue;
            }
            if (reader.ValueTextEquals("apiVersion"u8)) apiVersion = ReadString(ref reader);
            else if (reader.ValueTextEquals("kind"u8)) kind = ReadString(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return new ObjectHeader(apiVersion, kind, name, ns, resourceVersion, uid);
    }

    /// <summary>
    /// Reads only <c>metadata.resourceVersion</c> of the object whose StartObject the reader is on (what a watch needs of
    /// every event), leaving the reader somewhere inside it; no other string is made.
    /// </summary>
    public static string? ResourceVersion(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("resourceVersion"u8))
                {
                    return ReadString(ref reader);
                }
                reader.Read();
                reader.Skip();
            }
            return null;
        }
        return null;
    }

    /// <summary>
    /// True when a JSON patch (RFC 6902) is guarded by the object's resourceVersion: it tests or sets
    /// <c>/metadata/resourceVersion</c>, so the server answers 409 instead of applying it to a newer object.
    /// </summary>
    public static bool JsonPatchGuardsResourceVersion(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? op = null, path = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("op"u8)) op = ReadString(ref reader);
                else if (reader.ValueTextEquals("path"u8)) path = ReadString(ref reader);
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
            if (path == "/metadata/resourceVersion" && op is "test" or "replace" or "add")
            {
                return true;
            }
        }
        return false;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }
        reader.Skip();
        return null;
    }
}
