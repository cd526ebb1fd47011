using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>One raw HTTP exchange: the status code, the headers and the body bytes as received.</summary>
internal sealed record RawResponse(int Code, HttpResponseHeaders Headers, string? ContentType, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    /// <summary>Objects may nest deeper than System.Text.Json's default of 64 levels.</summary>
    public static readonly JsonDocumentOptions Deep = new() { MaxDepth = 2048 };

    public JsonObject Json() => JsonNode.Parse(Body, documentOptions: Deep)!.AsObject();
}

/// <summary>Raw requests against a test API server, and the checks every error response must pass.</summary>
internal static class RawApi
{
    /// <summary>A namespaced CRD with a schema exercising every structural feature: list maps, sets, int-or-string, preserved fields, scale.</summary>
    public const string GadgetCrd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"gadgets.fuzz.flotilla.io"},
         "spec":{"group":"fuzz.flotilla.io","scope":"Namespaced",
          "names":{"kind":"Gadget","plural":"gadgets","singular":"gadget","listKind":"GadgetList","shortNames":["gd"]},
          "versions":[{"name":"v1","served":true,"storage":true,
           "subresources":{"status":{},"scale":{"specReplicasPath":".spec.replicas","statusReplicasPath":".status.replicas"}},
           "additionalPrinterColumns":[{"name":"Size","type":"integer","jsonPath":".spec.size"},{"name":"Port","type":"string","jsonPath":".spec.ports[0].name"}],
           "schema":{"openAPIV3Schema":{"type":"object","properties":{
            "spec":{"type":"object","properties":{
             "size":{"type":"integer","minimum":0,"maximum":1000},
             "replicas":{"type":"integer","minimum":0},
             "color":{"type":"string","enum":["red","green","blue"],"default":"red"},
             "ratio":{"type":"number"},
             "enabled":{"type":"boolean"},
             "quantity":{"x-kubernetes-int-or-string":true},
             "tags":{"type":"array","x-kubernetes-list-type":"set","items":{"type":"string"}},
             "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"port":{"type":"integer"}}}},
             "settings":{"type":"object","additionalProperties":{"type":"string"}},
             "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
            "status":{"type":"object","properties":{"replicas":{"type":"integer"},
             "conditions":{"type":"array","items":{"type":"object","properties":{"type":{"type":"string"},"status":{"type":"string"}}}}}}}}}}]}}
        """;

    public static string Gadget(string ns, string name, int size = 3) => """
        {"apiVersion":"fuzz.flotilla.io/v1","kind":"Gadget","metadata":{"name":"$NAME","namespace":"$NS","labels":{"app":"gadget","tier":"back"}},
         "spec":{"size":$SIZE,"replicas":1,"color":"blue","ratio":0.5,"enabled":true,"quantity":"10Gi","tags":["a","b"],
          "ports":[{"name":"http","port":80},{"name":"grpc","port":9090}],"settings":{"k":"v"},"extra":{"free":{"form":[1,2]}}}}
        """.Replace("$NAME", name, StringComparison.Ordinal).Replace("$NS", ns, StringComparison.Ordinal)
        .Replace("$SIZE", size.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    public static string ConfigMap(string ns, string name) => $$$"""
        {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"{{{name}}}","namespace":"{{{ns}}}","labels":{"app":"cm","tier":"front"}},"data":{"key":"value","other":"x"}}
        """;

    public static string Namespace(string name) => $$$"""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{{name}}}"}}""";

    public static async Task<RawResponse> SendAsync(
        HttpClient client, HttpMethod method, string path, string? contentType = null, byte[]? body = null, string? accept = null,
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is { Length: > 1024 * 1024 })
        {
            // A server may answer a large body early (413) and stop reading: over HTTP/1.1 the client would then fail
            // writing the rest, over HTTP/2 the stream is reset and the answer still arrives.
            request.Version = System.Net.HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }
        using var response = await client.SendAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return new RawResponse((int)response.StatusCode, response.Headers, response.Content.Headers.ContentType?.MediaType, bytes);
    }

    public static Task<RawResponse> SendAsync(HttpClient client, HttpMethod method, string path, string contentType, string body, string? accept = null) =>
        SendAsync(client, method, path, contentType, Encoding.UTF8.GetBytes(body), accept);

    /// <summary>Sends and fails unless the answer is <paramref name="code"/>; returns the body as JSON.</summary>
    public static async Task<JsonObject> ExpectAsync(HttpClient client, int code, HttpMethod method, string path, string? contentType = null, string? body = null)
    {
        var response = await SendAsync(client, method, path, contentType, body is null ? null : Encoding.UTF8.GetBytes(body));
        Assert.True(response.Code == code, $"{method} {path}: expected {code}, got {response.Code}: {response.Text}");
        return response.Json();
    }

    /// <summary>
    /// Null when <paramref name="response"/> is a well-formed Kubernetes failure Status matching its HTTP code
    /// (JSON content type, <c>kind: Status</c>, <c>apiVersion: v1</c>, <c>status: Failure</c>, <c>code</c>, a reason and
    /// a message); otherwise what is wrong with it.
    /// </summary>
    public static string? StatusProblem(RawResponse response)
    {
        if (response.ContentType != "application/json")
        {
            return $"content type is {response.ContentType ?? "(none)"}, not application/json";
        }
        JsonObject status;
        try
        {
            status = response.Json();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return $"body is not a JSON object: {e.Message}";
        }
        if ((string?)status["kind"] != "Status" || (string?)status["apiVersion"] != "v1")
        {
            return "kind/apiVersion is not Status/v1";
        }
        if ((string?)status["status"] != "Failure")
        {
            return "status is not Failure";
        }
        if (status["code"] is not JsonValue code || !code.TryGetValue<int>(out var value) || value != response.Code)
        {
            return $"code {status["code"]?.ToJsonString() ?? "(missing)"} does not match the HTTP code {response.Code}";
        }
        if (status["reason"] is not JsonValue reason || ((string?)reason)?.Length is null or 0)
        {
            return "reason is missing";
        }
        if (status["message"] is not JsonValue message || ((string?)message)?.Length is null or 0)
        {
            return "message is missing";
        }
        return null;
    }

    /// <summary>Asserts a failure Status with this code and reason whose message contains <paramref name="message"/>.</summary>
    public static JsonObject AssertStatus(RawResponse response, int code, string reason, string message)
    {
        Assert.True(response.Code == code, $"expected {code} {reason}, got {response.Code}: {response.Text}");
        Assert.Null(StatusProblem(response));
        var status = response.Json();
        Assert.Equal(reason, (string?)status["reason"]);
        Assert.Contains(message, (string?)status["message"], StringComparison.Ordinal);
        return status;
    }
}
