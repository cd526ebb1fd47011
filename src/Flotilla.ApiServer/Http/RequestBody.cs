using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Protobuf;
using Flotilla.ApiServer.Schema;
using Microsoft.AspNetCore.Http;

namespace Flotilla.ApiServer.Http;

/// <summary>Reads request bodies: size limit, then JSON, YAML or Kubernetes protobuf into a JSON node.</summary>
internal static class RequestBody
{
    /// <summary>Upstream's limit on a request body (3 MiB).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }
        // A declared length (nearly every client sends one) is read straight into an array of that size; the
        // server enforces it, so the body can be neither longer nor (without failing the read) shorter. A fresh
        // 80 KiB chunk per request was most of what the server allocated under write load.
        if (request.ContentLength is { } length)
        {
            var body = new byte[length];
            var filled = 0;
            int got;
            while (filled < body.Length && (got = await request.Body.ReadAsync(body.AsMemory(filled), cancellationToken).ConfigureAwait(false)) > 0)
            {
                filled += got;
            }
            return filled == body.Length ? body : body[..filled];
        }
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > MaxBytes)
                {
                    throw TooLarge();
                }
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// Decodes an object body (create, update, apply, delete options) by its content type; duplicate fields go to
    /// <paramref name="options"/> for the fieldValidation check.
    /// </summary>
    public static JsonObject ParseObject(byte[] body, string contentType, string what, RequestOptions? options = null)
    {
        var node = contentType switch
        {
            Negotiation.Protobuf => ProtobufDecoder.Decode(body),
            Negotiation.Yaml or Negotiation.ApplyPatch or "application/x-yaml" or "text/yaml" => ParseYamlOrJson(body, what, options),
            Negotiation.Json or "" => ParseStrictJson(body, what, options),
            _ => throw ApiException.UnsupportedMediaType(
                $"the body of the request was in an unknown format - accepted media types include: {Negotiation.Json}, {Negotiation.Yaml}, {Negotiation.Protobuf}"),
        };
        return node as JsonObject ?? throw ApiException.BadRequest($"{what}: the request body must be a JSON object, not {Describe(node)}");
    }

    /// <summary>
    /// A patch body. Read like object bodies (a repeated key: the last one wins), never with JsonNode.Parse: its lazily
    /// built objects throw ArgumentException on a repeated key, and its strings on an unpaired surrogate, only
    /// when the patch is applied.
    /// </summary>
    public static JsonNode? ParseJson(byte[] body, string what) => ParseStrictJson(body, what, null);

    /// <summary>JSON that remembers duplicate keys (the last one wins, as upstream's decoder does).</summary>
    private static JsonNode? ParseStrictJson(byte[] body, string what, RequestOptions? options)
    {
        if (body.Length == 0)
        {
            throw ApiException.BadRequest($"{what}: the request body is empty; send a JSON object");
        }
        RequireUtf8(body, what);
        try
        {
            var result = StrictJson.Parse(body);
            if (options is not null)
            {
                options.DuplicateFields = result.DuplicateFields;
            }
            return result.Root;
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"{what}: the request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>YAML (a superset of JSON) into JSON nodes, with YAML's plain-scalar typing (ints, floats, booleans, null).</summary>
    public static JsonNode? ParseYamlOrJson(byte[] body, string what, RequestOptions? options = null)
    {
        var trimmed = body.AsSpan().TrimStart(" \t\r\n"u8);
        if (trimmed.Length > 0 && trimmed[0] is (byte)'{' or (byte)'[')
        {
            return ParseStrictJson(body, what, options);
        }
        IReadOnlyList<JsonNode?> documents;
        try
        {
            documents = YamlJson.ParseDocuments(Encoding.UTF8.GetString(body));
        }
        catch (FormatException e)
        {
            throw ApiException.BadRequest($"{what}: the request body {e.Message}");
        }
        return documents.Count == 1
            ? documents[0]
            : throw ApiException.BadRequest($"{what}: the request body must hold exactly one YAML document, found {documents.Count}");
    }

    /// <summary>
    /// The JSON reader checks UTF-8 only when a string is decoded, which may happen long after parsing (as an
    /// InvalidOperationException deep in a patch); reject such bodies up front instead.
    /// </summary>
    private static void RequireUtf8(byte[] body, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw ApiException.BadRequest($"{what}: the request body is not valid JSON: it is not valid UTF-8");
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        _ => "a " + node.GetValueKind().ToString().ToLowerInvariant(),
    };

    private static ApiException TooLarge() =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBytes}");
}
