using Flotilla.ApiServer;

namespace Flotilla.Testing;

/// <summary>An API server on a free loopback port with its own data directory and kubectl wiring, for tests.</summary>
public sealed class TestApiServer : IAsyncDisposable
{
    private readonly TemporaryDirectory _directory;
    private readonly bool _ownsDirectory;

    private TestApiServer(ApiServerHost host, TemporaryDirectory directory, bool ownsDirectory)
    {
        Host = host;
        _directory = directory;
        _ownsDirectory = ownsDirectory;
        Kubectl = new Kubectl(host.KubeconfigPath, directory.Combine("kube-cache"));
    }

    public ApiServerHost Host { get; }

    public Kubectl Kubectl { get; }

    public string DataDirectory => _directory.Path;

    /// <summary>
    /// Starts a server. Pass the <paramref name="directory"/> (and <see cref="StorageBackend.Sqlite"/>) of a server
    /// that was disposed to restart it on its data, and its <paramref name="port"/> to restart it at the same URL, as
    /// a real API server comes back: clients then reconnect without being told anything.
    /// </summary>
    public static async Task<TestApiServer> StartAsync(
        StorageBackend storage = StorageBackend.Memory, TemporaryDirectory? directory = null, TimeSpan? bookmarkInterval = null,
        Flotilla.Storage.ResourceStoreOptions? storeOptions = null, int port = 0, TestServerFeatures? features = null)
    {
        var dir = directory ?? new TemporaryDirectory("flotilla-apiserver");
        var host = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            DataDirectory = dir.Path,
            Port = port,
            Storage = storage,
            WatchBookmarkInterval = bookmarkInterval ?? TimeSpan.FromMinutes(1),
            StoreOptions = storeOptions,
            CustomResourceDefinitions = features?.CustomResourceDefinitions ?? [],
            FleetAdmission = features?.FleetAdmission ?? false,
            ServiceClusterIpRange = features?.ServiceClusterIpRange,
        });
        return new TestApiServer(host, dir, directory is null);
    }

    /// <summary>
    /// An HttpClient for raw requests: trusts the server's CA (and nothing else), sends the admin token, and has
    /// <see cref="HttpClient.BaseAddress"/> set to the server URL.
    /// </summary>
    public HttpClient CreateHttpClient(bool authenticated = true)
    {
        var ca = Host.CertificateAuthority.Certificate;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new System.Net.Security.SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }
                    using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                    chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                    return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
                },
            },
            MaxConnectionsPerServer = 256,
        };
        var client = new HttpClient(handler) { BaseAddress = Host.Url, Timeout = TimeSpan.FromSeconds(100) };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Host.Token);
        }
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (_ownsDirectory)
        {
            _directory.Dispose();
        }
    }
}

/// <summary>What a test server serves beyond the built-ins: CRDs installed at start, fleet admission, ClusterIP allocation.</summary>
public sealed record TestServerFeatures
{
    public IReadOnlyList<System.Text.Json.Nodes.JsonObject> CustomResourceDefinitions { get; init; } = [];

    public bool FleetAdmission { get; init; }

    public string? ServiceClusterIpRange { get; init; }

    /// <summary>A fleet hub: every fleet CRD and the hub's admission webhooks.</summary>
    public static TestServerFeatures Hub => new() { CustomResourceDefinitions = Flotilla.Api.Crd.FleetCrds.Hub, FleetAdmission = true };

    /// <summary>A member cluster: the member CRDs and ClusterIPs from <c>127.201.0.0/16</c>.</summary>
    public static TestServerFeatures Member => new() { CustomResourceDefinitions = Flotilla.Api.Crd.FleetCrds.Member, ServiceClusterIpRange = "127.201.0.0/16" };
}
