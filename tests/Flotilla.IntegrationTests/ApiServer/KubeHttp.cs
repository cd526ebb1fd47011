using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>
/// Plain JSON calls for the watch, list and object-semantics tests: what curl would send, with the answer checked
/// against the expected HTTP code and returned as JSON (the object, the list or the failure Status).
/// </summary>
internal static class KubeHttp
{
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";

    public static async Task<(int Code, JsonObject Body)> CallAsync(HttpClient client, HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = JsonNode.Parse(text) as JsonObject
            ?? throw new InvalidOperationException($"{method} {path}: the answer ({(int)response.StatusCode}) is not a JSON object: {text}");
        return ((int)response.StatusCode, json);
    }

    /// <summary>Sends and fails unless the answer has <paramref name="code"/>; returns the body.</summary>
    public static async Task<JsonObject> ExpectAsync(HttpClient client, int code, HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        var (actual, json) = await CallAsync(client, method, path, body, contentType);
        Assert.True(actual == code, $"{method} {path}: expected {code}, got {actual}: {json.ToJsonString()}");
        return json;
    }

    public static Task<JsonObject> GetObjectAsync(HttpClient client, string path) => ExpectAsync(client, 200, HttpMethod.Get, path);

    public static Task<JsonObject> CreateObjectAsync(HttpClient client, string collection, JsonNode body) => ExpectAsync(client, 201, HttpMethod.Post, collection, body);

    public static Task<JsonObject> PutObjectAsync(HttpClient client, string path, JsonNode body) => ExpectAsync(client, 200, HttpMethod.Put, path, body);

    public static Task<JsonObject> PatchObjectAsync(HttpClient client, string path, JsonNode patch, string contentType = MergePatch) =>
        ExpectAsync(client, 200, HttpMethod.Patch, path, patch, contentType);

    public static Task<JsonObject> DeleteObjectAsync(HttpClient client, string path, JsonNode? options = null) => ExpectAsync(client, 200, HttpMethod.Delete, path, options);

    /// <summary>Sends, expects a failure Status with this code and reason, and returns the Status.</summary>
    public static async Task<JsonObject> ExpectFailureAsync(
        HttpClient client, int code, string reason, HttpMethod method, string path, JsonNode? body = null, string contentType = "application/json")
    {
        var status = await ExpectAsync(client, code, method, path, body, contentType);
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal(code, (int?)status["code"]);
        Assert.Equal(reason, (string?)status["reason"]);
        return status;
    }

    /// <summary>A ConfigMap body in <paramref name="ns"/>.</summary>
    public static JsonObject ConfigMap(string ns, string name, string value = "v", JsonObject? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
        if (labels is not null)
        {
            metadata["labels"] = labels;
        }
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = metadata,
            ["data"] = new JsonObject { ["value"] = value },
        };
    }

    public static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    public static string ResourceVersion(JsonNode obj) => (string)obj["metadata"]!["resourceVersion"]!;

    public static long Revision(JsonNode obj) => long.Parse(ResourceVersion(obj), CultureInfo.InvariantCulture);

    public static string Name(JsonNode obj) => (string)obj["metadata"]!["name"]!;

    /// <summary>Whole-object equality (member order aside), printing both sides on failure.</summary>
    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            Assert.Equal(expected?.ToJsonString(), actual?.ToJsonString());
            Assert.Fail($"JSON differs: expected {expected?.ToJsonString()}, got {actual?.ToJsonString()}");
        }
    }

    /// <summary>A copy without the metadata fields every write changes (resourceVersion, managedFields).</summary>
    public static JsonObject WithoutWriteStamps(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        var metadata = copy["metadata"]!.AsObject();
        metadata.Remove("resourceVersion");
        metadata.Remove("managedFields");
        return copy;
    }
}

/// <summary>One line of a watch stream.</summary>
internal sealed record WatchLine(string Type, JsonObject Object, string Raw)
{
    public string Name => KubeHttp.Name(Object);

    public long Revision => KubeHttp.Revision(Object);

    public static WatchLine Parse(string line)
    {
        var json = KubeHttp.Parse(line);
        return new WatchLine((string)json["type"]!, json["object"]!.AsObject(), line);
    }

    public override string ToString() => Raw;
}

/// <summary>
/// A watch over real HTTP, read line by line as clients do. Every read names its phase and has a timeout, so a
/// missing event fails the test with what was awaited instead of hanging it.
/// </summary>
internal sealed class HttpWatch : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private HttpWatch(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    /// <summary>
    /// Starts a watch; <paramref name="pathAndQuery"/> must carry <c>watch=true</c>. Fails unless the answer is 200.
    /// HTTP/1.1 by default (as the Python client); HTTP/2 is what client-go (kubectl, controllers) negotiates.
    /// </summary>
    public static async Task<HttpWatch> OpenAsync(HttpClient client, string pathAndQuery, Version? httpVersion = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery)
        {
            Version = httpVersion ?? HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if ((int)response.StatusCode != 200)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.Dispose();
            Assert.Fail($"GET {pathAndQuery}: expected a 200 watch, got {(int)response.StatusCode}: {body}");
        }
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var stream = await response.Content.ReadAsStreamAsync();
        return new HttpWatch(response, new StreamReader(stream, Encoding.UTF8));
    }

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<WatchLine?> NextAsync(string phase, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var cancel = new CancellationTokenSource(limit);
        string? line;
        try
        {
            line = await _reader.ReadLineAsync(cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"{phase}: no watch event within {limit.TotalSeconds:0.#}s");
        }
        return line is null ? null : WatchLine.Parse(line);
    }

    /// <summary>The next event; fails if the stream ends first.</summary>
    public async Task<WatchLine> ExpectAsync(string phase) =>
        await NextAsync(phase) ?? throw new InvalidOperationException($"{phase}: the server ended the watch");

    public async Task<List<WatchLine>> ReadAsync(int count, string phase)
    {
        var events = new List<WatchLine>(count);
        while (events.Count < count)
        {
            events.Add(await ExpectAsync($"{phase} (event {events.Count + 1} of {count})"));
        }
        return events;
    }

    /// <summary>Every event up to the end of the stream, which must come within <paramref name="timeout"/>.</summary>
    public async Task<List<WatchLine>> ReadToEndAsync(string phase, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        var events = new List<WatchLine>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"{phase}: the watch did not end within {limit.TotalSeconds:0.#}s (events so far: {string.Join(", ", events)})");
            }
            if (await NextAsync(phase, left) is not { } next)
            {
                return events;
            }
            events.Add(next);
        }
    }

    /// <summary>
    /// Leaves the watch. Over HTTP/2 this resets the stream at once; over HTTP/1.1 the client first drains what the
    /// server still sends (bounded by the handler's drain limits) before it closes the connection.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
