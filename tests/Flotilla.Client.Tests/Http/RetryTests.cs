using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Config;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;
using Microsoft.AspNetCore.Http;

namespace Flotilla.Client.Tests.Http;

/// <summary>
/// Retries: which failures are retried (429, 5xx, connection failures), for which requests (idempotent ones, and
/// any request that provably never reached the server), and how long the client waits (Retry-After, backoff).
/// </summary>
public sealed class RetryTests
{
    private static readonly ResourceMapping ConfigMaps = Resources.ConfigMaps;
    private const string ConfigMapJson = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"ns","resourceVersion":"7"}}""";

    private static KubernetesClient Client(Uri server, TimeProvider? time = null, int maxRetries = 3, Func<HttpMessageHandler, HttpMessageHandler>? wrap = null) =>
        new(new ClusterConnection { Server = server, Token = "t" }, new KubernetesClientOptions
        {
            Time = time ?? TimeProvider.System,
            MaxRetries = maxRetries,
            // On the manual clock, backoff is visible as a timer; on the real one it must be short.
            InitialBackoff = TimeSpan.FromMilliseconds(time is null ? 2 : 100),
            MaxBackoff = TimeSpan.FromMilliseconds(time is null ? 8 : 400),
            // On the manual clock the only timers left are then the retry waits.
            RequestTimeout = time is null ? TimeSpan.FromSeconds(30) : Timeout.InfiniteTimeSpan,
            WrapHandler = wrap,
        });

    [Fact]
    public async Task GetAsync_429WithRetryAfter_WaitsExactlyRetryAfterThenSucceeds()
    {
        await using var stub = await StubServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                context.Response.Headers.RetryAfter = "3";
                await StubServer.JsonAsync(context, 429, StubServer.Status(429, "TooManyRequests", "slow down"));
                return;
            }
            await StubServer.JsonAsync(context, 200, ConfigMapJson);
        });
        var time = new ManualTimeProvider();
        var configMaps = Client(stub.Url, time).Resource(ConfigMaps).InNamespace("ns");

        var get = configMaps.GetAsync("x");
        await Eventually.WaitAsync("the client to wait after the 429", () => time.PendingDelays().Count > 0);
        Assert.Equal([TimeSpan.FromSeconds(3)], time.PendingDelays());
        Assert.Single(stub.Requests);
        Assert.False(get.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(3));
        var obj = await get.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("x", obj.Name());
        Assert.Equal(2, stub.Requests.Count);
    }

    [Theory]
    [InlineData(503, null)]
    [InlineData(502, null)]
    [InlineData(504, null)]
    [InlineData(500, "1")]
    public async Task GetAsync_TransientServerError_RetriedUntilSuccess(int status, string? retryAfter)
    {
        var time = new ManualTimeProvider();
        await using var stub = await StubServer.StartAsync(async (context, n) =>
        {
            if (n <= 2)
            {
                if (retryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = retryAfter;
                }
                await StubServer.JsonAsync(context, status, StubServer.Status(status, "InternalError", "try again"));
                return;
            }
            await StubServer.JsonAsync(context, 200, ConfigMapJson);
        });
        var configMaps = Client(stub.Url, time).Resource(ConfigMaps).InNamespace("ns");

        var get = configMaps.GetAsync("x");
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            // Backoff of attempt n is within [50, 100] ms * 2^n here; Retry-After says 1 s.
            await Eventually.WaitAsync($"retry wait after attempt {attempt}", () => stub.Requests.Count == attempt && time.PendingDelays().Count > 0);
            var wait = Assert.Single(time.PendingDelays());
            Assert.InRange(wait, TimeSpan.FromMilliseconds(50 << (attempt - 1)), retryAfter is null ? TimeSpan.FromMilliseconds(100 << (attempt - 1)) : TimeSpan.FromSeconds(1));
            // Exactly the wait: advancing further would also fire the next attempt's wait if it came back quickly.
            time.Advance(wait);
        }

        Assert.Equal("x", (await get.WaitAsync(TimeSpan.FromSeconds(20))).Name());
        Assert.Equal(3, stub.Requests.Count);
    }

    [Fact]
    public async Task GetAsync_500WithoutRetryAfter_NotRetried()
    {
        await using var stub = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 500, StubServer.Status(500, "InternalError", "boom")));
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        var error = await Assert.ThrowsAsync<ApiException>(() => configMaps.GetAsync("x"));

        Assert.True(error.IsInternalError());
        Assert.Equal("boom", error.Message);
        Assert.Single(stub.Requests);
    }

    [Fact]
    public async Task GetAsync_PersistentServiceUnavailable_GivesUpAfterMaxRetries()
    {
        await using var stub = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "down")));
        var configMaps = Client(stub.Url, maxRetries: 2).Resource(ConfigMaps).InNamespace("ns");

        var error = await Assert.ThrowsAsync<ApiException>(() => configMaps.GetAsync("x"));

        Assert.True(error.IsServiceUnavailable());
        Assert.Equal(3, stub.Requests.Count);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    public async Task CreateAsync_RetryableStatusAfterServerSawIt_NotRetried(int status)
    {
        await using var stub = await StubServer.StartAsync((context, _) =>
        {
            context.Response.Headers.RetryAfter = "0";
            return StubServer.JsonAsync(context, status, StubServer.Status(status, status == 429 ? "TooManyRequests" : "ServiceUnavailable", "not now"));
        });
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        var error = await Assert.ThrowsAsync<ApiException>(() => configMaps.CreateAsync(Obj.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigMapJson))));

        Assert.Equal(status, error.Code);
        Assert.Equal(["POST"], stub.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task CreateAsync_ConnectionDroppedAfterServerReadRequest_NotRetried()
    {
        await using var stub = await StubServer.StartAsync((context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => configMaps.CreateAsync(Obj.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigMapJson))));

        Assert.True(error is HttpRequestException or IOException, $"expected a transport error, got {error}");
        Assert.Single(stub.Requests);
        Assert.Equal("POST", stub.Requests.Single().Method);
    }

    [Fact]
    public async Task GetAsync_ConnectionDroppedAfterServerReadRequest_Retried()
    {
        await using var stub = await StubServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                context.Abort();
                return;
            }
            await StubServer.JsonAsync(context, 200, ConfigMapJson);
        });
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        Assert.Equal("x", (await configMaps.GetAsync("x")).Name());
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public async Task CreateAsync_FirstConnectionRefused_RetriedAndCreatedOnce()
    {
        await using var server = await TestApiServer.StartAsync();
        var closedPort = ClosedPort();
        RecordingHandler? recorder = null;
        var connection = ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(server.Host.KubeconfigPath));
        var client = new KubernetesClient(connection, new KubernetesClientOptions
        {
            InitialBackoff = TimeSpan.FromMilliseconds(1),
            WrapHandler = inner => recorder = new RecordingHandler(inner)
            {
                // The first attempt goes to a port nobody listens on: a real "connection refused".
                Rewrite = (request, attempt) =>
                {
                    if (attempt == 1)
                    {
                        request.RequestUri = new UriBuilder(request.RequestUri!) { Port = closedPort }.Uri;
                    }
                },
            },
        });
        var ns = await Fixtures.NewNamespaceAsync(KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath));
        var configMaps = client.Resource(ConfigMaps).InNamespace(ns);

        await configMaps.CreateAsync(Fixtures.ConfigMap("once"));

        var posts = recorder!.Attempts.Where(a => a.Method == HttpMethod.Post).ToList();
        Assert.Equal(2, posts.Count);
        Assert.NotNull(posts[0].Error);
        Assert.Null(posts[1].Error);
        Assert.Single((await configMaps.ListAsync()).Items);
    }

    [Fact]
    public async Task GetAsync_NothingListening_RetriesThenThrowsConnectionError()
    {
        var recorderHolder = new List<RecordingHandler>();
        var client = Client(new Uri($"http://127.0.0.1:{ClosedPort()}"), maxRetries: 2, wrap: inner =>
        {
            var recorder = new RecordingHandler(inner);
            recorderHolder.Add(recorder);
            return recorder;
        });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.Resource(ConfigMaps).InNamespace("ns").GetAsync("x"));

        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Equal(3, recorderHolder.Single().Attempts.Count);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task PatchAsync_503_RetriedOnlyWhenGuardedByResourceVersion(bool guarded, int expectedAttempts)
    {
        await using var stub = await StubServer.StartAsync((context, n) => n == 1
            ? StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "busy"))
            : StubServer.JsonAsync(context, 200, ConfigMapJson));
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");
        var metadata = guarded ? new JsonObject { ["resourceVersion"] = "7" } : new JsonObject();
        var patch = Patch.Merge(new JsonObject { ["metadata"] = metadata, ["data"] = new JsonObject { ["k"] = "v" } });

        try
        {
            await configMaps.PatchAsync("x", patch);
        }
        catch (ApiException e) when (!guarded && e.IsServiceUnavailable())
        {
        }

        Assert.Equal(expectedAttempts, stub.Requests.Count);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 1)]
    public async Task DeleteAsync_503_RetriedOnlyWithPrecondition(bool guarded, int expectedAttempts)
    {
        await using var stub = await StubServer.StartAsync((context, n) => n == 1
            ? StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "busy"))
            : StubServer.JsonAsync(context, 200, """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}"""));
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        try
        {
            var result = await configMaps.DeleteAsync("x", guarded ? new DeleteOptions { PreconditionUid = "u-1" } : null);
            Assert.Equal("Success", result.Status!.GetString("status"));
        }
        catch (ApiException e) when (!guarded && e.IsServiceUnavailable())
        {
        }

        Assert.Equal(expectedAttempts, stub.Requests.Count);
        Assert.All(stub.Requests, r => Assert.Equal("DELETE", r.Method));
    }

    [Fact]
    public async Task UpdateAsync_503_RetriedBecausePutIsIdempotent()
    {
        await using var stub = await StubServer.StartAsync((context, n) => n == 1
            ? StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "busy"))
            : StubServer.JsonAsync(context, 200, ConfigMapJson));
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        await configMaps.UpdateAsync(Obj.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigMapJson)));

        Assert.Equal(["PUT", "PUT"], stub.Requests.Select(r => r.Method));
        Assert.All(stub.Requests, r => Assert.Equal(ConfigMapJson, r.Body));
    }

    [Fact]
    public async Task ApplyAsync_503_RetriedBecauseApplyIsIdempotent()
    {
        await using var stub = await StubServer.StartAsync((context, n) => n == 1
            ? StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "busy"))
            : StubServer.JsonAsync(context, 200, ConfigMapJson));
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        await configMaps.ApplyAsync(Obj.Parse(System.Text.Encoding.UTF8.GetBytes(ConfigMapJson)), new ApplyOptions { FieldManager = "m", Force = true });

        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("/api/v1/namespaces/ns/configmaps/x?fieldManager=m&force=true", stub.Requests.First().PathAndQuery);
        Assert.Equal("application/apply-patch+yaml", stub.Requests.First().Headers["Content-Type"]);
    }

    [Fact]
    public async Task WatchAsync_503OnStart_RetriedThenStreams()
    {
        await using var stub = await StubServer.StartAsync(async (context, n) =>
        {
            if (n == 1)
            {
                await StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "starting"));
                return;
            }
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"type\":\"ADDED\",\"object\":" + ConfigMapJson + "}\n");
        });
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        var events = await Watch.WatchTests.Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = "5" }), 1, "ADDED after a retried watch start");

        Assert.Equal("7", events[0].ResourceVersion);
        Assert.Equal(2, stub.Requests.Count);
        Assert.Equal("/api/v1/namespaces/ns/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=5", stub.Requests.Last().PathAndQuery);
    }

    [Fact]
    public async Task GetAsync_NonStatusErrorBody_ApiExceptionFromCode()
    {
        await using var stub = await StubServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = 404;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html>nope</html>");
        });
        var configMaps = Client(stub.Url).Resource(ConfigMaps).InNamespace("ns");

        var error = await Assert.ThrowsAsync<ApiException>(() => configMaps.GetAsync("x"));

        Assert.True(error.IsNotFound());
        Assert.Contains("<html>nope</html>", error.Message);
    }

    [Fact]
    public void Backoff_Attempts_DoublesWithinJitterBoundsAndCaps()
    {
        var policy = new Flotilla.Client.Http.RetryPolicy(10, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.Backoff(0, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.Backoff(0, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.Backoff(2, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.Backoff(2, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(1000), policy.Backoff(8, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(500), policy.Backoff(30, 0));
    }

    [Fact]
    public void NeverSent_ConnectionRefused_TrueButNotForResponseErrors()
    {
        Assert.True(Flotilla.Client.Http.RetryPolicy.NeverSent(new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.True(Flotilla.Client.Http.RetryPolicy.NeverSent(new HttpRequestException(HttpRequestError.NameResolutionError, "no such host")));
        Assert.False(Flotilla.Client.Http.RetryPolicy.NeverSent(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        Assert.False(Flotilla.Client.Http.RetryPolicy.NeverSent(new HttpRequestException("unknown")));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
