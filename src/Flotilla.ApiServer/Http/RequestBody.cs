using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Protobuf;
using Flotilla.ApiServer.Schema;
using Microsoft.AspNetCore.Http;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

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
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }
            buffer.Write(chunk, 0, read);
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

    public static JsonNode? ParseJson(byte[] body, string what)
    {
        if (body.Length == 0)
        {
            throw ApiException.BadRequest($"{what}: the request body is empty; send a JSON object");
        }
        try
        {
            return JsonNode.Parse(body, Obj.NodeOptions, new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest($"{what}: the request body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>JSON that remembers duplicate keys (the last one wins, as upstream's decoder does).</summary>
    private static JsonNode? ParseStrictJson(byte[] body, string what, RequestOptions? options)
    {
        if (body.Length == 0)
        {
            throw ApiException.BadRequest($"{what}: the request body is empty; send a JSON object");
        }
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
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(Encoding.UTF8.GetString(body)));
            if (stream.Documents.Count != 1)
            {
                throw ApiException.BadRequest($"{what}: the request body must hold exactly one YAML document, found {stream.Documents.Count}");
            }
            return Convert(stream.Documents[0].RootNode, 0);
        }
        catch (YamlException e)
        {
            throw ApiException.BadRequest($"{what}: the request body is not valid YAML: {e.Message}");
        }
    }

    private static JsonNode? Convert(YamlNode node, int depth)
    {
        if (depth > 256)
        {
            throw ApiException.BadRequest("the request body nests deeper than 256 levels");
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

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        _ => "a " + node.GetValueKind().ToString().ToLowerInvariant(),
    };

    private static ApiException TooLarge() =>
        new(413, "RequestEntityTooLarge", $"Request entity too large: limit is {MaxBytes}");
}
