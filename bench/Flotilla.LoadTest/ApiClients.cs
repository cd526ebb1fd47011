using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace Flotilla.LoadTest;

/// <summary>
/// HTTP clients for the server under test: real HTTPS sockets trusting only the kubeconfig's CA, with its bearer
/// token, one connection per client (as separate client processes would have).
/// </summary>
internal sealed class ApiClients(ServerProcess server, Version httpVersion)
{
    /// <summary>The size of every ConfigMap request body the load test sends.</summary>
    public const int ObjectBytes = 1024;

    private static readonly string Padding = new('x', ObjectBytes);

    public Version HttpVersion => httpVersion;

    public string ProtocolName => httpVersion.Major == 2 ? "HTTP/2" : "HTTP/1.1";

    public HttpClient Create()
    {
        var handler = new SocketsHttpHandler
        {
            // One client is one connection: a second one opens only if the first is busy, which a client that
            // waits for each response before sending the next never makes it.
            MaxConnectionsPerServer = 1,
            EnableMultipleHttp2Connections = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateChainPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    CustomTrustStore = { server.CertificateAuthority },
                    RevocationMode = X509RevocationMode.NoCheck,
                },
            },
        };
        var client = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = server.Url,
            DefaultRequestVersion = httpVersion,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(120),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", server.Token);
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("flotilla-loadtest", "1.0"));
        return client;
    }

    public HttpClient[] Create(int count) => [.. Enumerable.Range(0, count).Select(_ => Create())];

    /// <summary>A ConfigMap whose JSON body is exactly <see cref="ObjectBytes"/> long (a data value pads it).</summary>
    public static ByteArrayContent ConfigMap(string name)
    {
        const string Head = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"";
        const string Middle = "\",\"labels\":{\"app\":\"loadtest\"}},\"data\":{\"payload\":\"";
        const string Tail = "\"}}";
        var padding = ObjectBytes - Head.Length - name.Length - Middle.Length - Tail.Length;
        var body = Encoding.UTF8.GetBytes(Head + name + Middle + Padding[..padding] + Tail);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static string ConfigMaps(string ns) => $"/api/v1/namespaces/{ns}/configmaps";

    public static async Task CreateNamespaceAsync(HttpClient client, string name, CancellationToken cancellationToken)
    {
        using var content = new StringContent($"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{name}\"}}}}", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/api/v1/namespaces", content, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates <paramref name="count"/> ConfigMaps named <c>{prefix}{i}</c> with <paramref name="clients"/> in parallel.</summary>
    public static async Task<TimeSpan> FillAsync(HttpClient[] clients, string ns, string prefix, int count, CancellationToken cancellationToken)
    {
        var next = -1;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async client =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var content = ConfigMap(prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                using var response = await client.PostAsync(ConfigMaps(ns), content, cancellationToken).ConfigureAwait(false);
                await EnsureAsync(response, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
            }
        })).ConfigureAwait(false);
        return started.Elapsed;
    }

    /// <summary>The current resourceVersion of a collection (from a one-item list).</summary>
    public static async Task<string> ResourceVersionAsync(HttpClient client, string path, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(path + "?limit=1", cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        return document.RootElement.GetProperty("metadata").GetProperty("resourceVersion").GetString()!;
    }

    public static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }
}
