using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Protobuf;
using Flotilla.ApiServer.Schema;
using Microsoft.AspNetCore.Http;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Flotilla.ApiServer.Http;

/// <summary>Reads request bodies: size limit, then JSON, YAML or Kubernetes protobuf into a JSON node.</summary>
internal static class RequestBody
{
    /// <summary>Upstream's limit on a request body (3 MiB).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>How deep a YAML body may nest (JSON bodies have their reader's limit).</summary>
    private const int MaxYamlDepth = 256;

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
        var stream = new YamlStream();
        try
        {
            var text = Encoding.UTF8.GetString(body);
            CheckYamlShape(text, what);
            stream.Load(new StringReader(text));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner also throws InvalidOperationException on some malformed input, and
            // ArgumentOutOfRangeException on an escaped surrogate pair in the wrong order.
            throw ApiException.BadRequest($"{what}: the request body is not valid YAML: {e.Message}");
        }
        if (stream.Documents.Count != 1)
        {
            throw ApiException.BadRequest($"{what}: the request body must hold exactly one YAML document, found {stream.Documents.Count}");
        }
        return Convert(stream.Documents[0].RootNode, 0);
    }

    /// <summary>
    /// Runs YamlDotNet's parser (a state machine) over the events before the representation model is built:
    /// that model nests one call per level, so a body nested deep enough overflows the stack, which no catch
    /// stops; and it resolves aliases to shared nodes, which a billion-laughs body would expand exponentially.
    /// </summary>
    private static void CheckYamlShape(string text, string what)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case MappingStart or SequenceStart when ++depth > MaxYamlDepth:
                    throw ApiException.BadRequest($"{what}: the request body nests deeper than {MaxYamlDepth} levels");
                case MappingEnd or SequenceEnd:
                    depth--;
                    break;
                case AnchorAlias alias:
                    throw ApiException.BadRequest($"{what}: YAML aliases are not supported in request bodies (found *{alias.Value})");
            }
        }
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > MaxYamlDepth)
        {
            throw ApiException.BadRequest($"the request body nests deeper than {MaxYamlDepth} levels");
        }
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (key, value) in map.Children)
                {
                    var name = (key as YamlScalarNode)?.Value ?? throw ApiException.BadRequest("YAML mapping keys must be strings");
                    if (!obj.TryAdd(name, Convert(value, depth + 1)))
                    {
                        throw ApiException.BadRequest($"duplicate field \"{name}\"");
                    }
                }
                return obj;
            case YamlSequenceNode sequence:
                return new JsonArray([.. sequence.Children.Select(c => Convert(c, depth + 1))]);
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw ApiException.BadRequest("YAML aliases are not supported in request bodies");
        }
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (text.Length > 0 && (char.IsDigit(text[0]) || text[0] is '-' or '+' or '.') &&
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            return JsonValue.Create(real);
        }
        return JsonValue.Create(text);
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
