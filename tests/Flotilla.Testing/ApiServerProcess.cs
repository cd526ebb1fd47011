using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Flotilla.Testing;

/// <summary>
/// What a client needs from a kubeconfig the server wrote: the server URL, the CA to trust and the bearer token
/// (the first cluster and user, which is all <c>flotilla apiserver</c> writes).
/// </summary>
public sealed record KubeconfigFile(Uri Server, X509Certificate2 CertificateAuthority, string Token)
{
    public static KubeconfigFile Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var cluster = (YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)root["clusters"])[0])["cluster"];
        var user = (YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)root["users"])[0])["user"];
        var server = new Uri(Scalar(cluster, "server"));
        var caPem = Encoding.UTF8.GetString(Convert.FromBase64String(Scalar(cluster, "certificate-authority-data")));
        return new KubeconfigFile(server, X509Certificate2.CreateFromPem(caPem), Scalar(user, "token"));
    }

    /// <summary>An HttpClient that trusts only this kubeconfig's CA, sends its token, and has the server as base address.</summary>
    public HttpClient CreateHttpClient()
    {
        var ca = CertificateAuthority;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(ca);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
            MaxConnectionsPerServer = 64,
        };
        var client = new HttpClient(handler) { BaseAddress = Server, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return client;
    }

    private static string Scalar(YamlMappingNode node, string key) =>
        ((YamlScalarNode)node[key]).Value ?? throw new InvalidDataException($"kubeconfig field '{key}' is empty");
}

/// <summary>
/// The real <c>flotilla apiserver</c> executable run as a child process on port 0, for tests of what only a process
/// shows: signals, SIGKILL, restarts on the same data directory. <see cref="StartAsync"/> returns once the server
/// printed <c>Serving on https://…</c>.
/// </summary>
public sealed class ApiServerProcess : IAsyncDisposable
{
    private const string ServingPrefix = "Serving on ";

    private readonly FlotillaProcess _process;

    private ApiServerProcess(FlotillaProcess process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
        Url = new Uri(process.ReadyLine[ServingPrefix.Length..].Trim());
        Kubeconfig = KubeconfigFile.Load(KubeconfigPath);
    }

    public static string FlotillaDll => FlotillaProcess.FlotillaDll;

    public string DataDirectory { get; }

    public string KubeconfigPath => Path.Combine(DataDirectory, "kubeconfig");

    public Uri Url { get; }

    public KubeconfigFile Kubeconfig { get; }

    public int ProcessId => _process.ProcessId;

    public bool HasExited => _process.HasExited;

    public string StandardOutput => _process.StandardOutput;

    public string StandardError => _process.StandardError;

    /// <summary>Starts <c>flotilla apiserver --data-dir DIR --port 0</c> plus <paramref name="extraArguments"/>.</summary>
    public static async Task<ApiServerProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var process = await FlotillaProcess.StartAsync(["apiserver", "--data-dir", dataDirectory, "--port", "0", .. extraArguments], ServingPrefix, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return new ApiServerProcess(process, dataDirectory);
    }

    public HttpClient CreateHttpClient() => Kubeconfig.CreateHttpClient();

    public Kubectl CreateKubectl(string cacheDirectory) => new(KubeconfigPath, cacheDirectory);

    public Task KillAsync() => _process.KillAsync();

    public Task SignalAsync(string signal) => _process.SignalAsync(signal);

    public Task<int> WaitForExitAsync(string phase, TimeSpan? timeout = null) => _process.WaitForExitAsync(phase, timeout);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
