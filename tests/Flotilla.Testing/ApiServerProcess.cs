using System.Diagnostics;
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
/// The real <c>flotilla apiserver</c> executable run as a child process (<c>dotnet flotilla.dll</c> from the test
/// output directory) on port 0, for tests of what only a process shows: signals, SIGKILL, restarts on the same
/// data directory. <see cref="StartAsync"/> returns once the server printed <c>Serving on https://…</c>.
/// </summary>
public sealed class ApiServerProcess : IAsyncDisposable
{
    private const string ServingPrefix = "Serving on ";

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _serving = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ApiServerProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    /// <summary>The flotilla assembly next to the test assembly (the test project references the CLI).</summary>
    public static string FlotillaDll => Path.Combine(AppContext.BaseDirectory, "flotilla.dll");

    public string DataDirectory { get; }

    public string KubeconfigPath => Path.Combine(DataDirectory, "kubeconfig");

    /// <summary>The URL from the <c>Serving on</c> line.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>DIR/kubeconfig as it was when the server said it was serving.</summary>
    public KubeconfigFile Kubeconfig { get; private set; } = null!;

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardOutput
    {
        get { lock (_stdout) return _stdout.ToString(); }
    }

    public string StandardError
    {
        get { lock (_stderr) return _stderr.ToString(); }
    }

    /// <summary>
    /// Starts <c>flotilla apiserver --data-dir DIR --port 0</c> plus <paramref name="extraArguments"/>, and waits for
    /// the <c>Serving on</c> line (failing with the process output if it exits first or takes too long).
    /// </summary>
    public static async Task<ApiServerProcess> StartAsync(string dataDirectory, params string[] extraArguments)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[FlotillaDll, "apiserver", "--data-dir", dataDirectory, "--port", "0", .. extraArguments])
        {
            info.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var server = new ApiServerProcess(process, dataDirectory);
        process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (server._stderr) server._stderr.AppendLine(e.Data);
            }
        };
        process.Exited += (_, _) => server._serving.TrySetException(new InvalidOperationException("the server exited before serving"));
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {info.FileName}");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var line = await server._serving.Task.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            server.Url = new Uri(line[ServingPrefix.Length..].Trim());
            server.Kubeconfig = KubeconfigFile.Load(server.KubeconfigPath);
        }
        catch (Exception error) when (error is TimeoutException or InvalidOperationException)
        {
            var output = $"--- stdout ---\n{server.StandardOutput}\n--- stderr ---\n{server.StandardError}";
            await server.DisposeAsync().ConfigureAwait(false);
            throw new Xunit.Sdk.XunitException($"waiting for 'flotilla apiserver' to print '{ServingPrefix}https://…': {error.Message}\n{output}");
        }
        return server;
    }

    /// <summary>An HttpClient built from DIR/kubeconfig: trusts its CA only, sends its token.</summary>
    public HttpClient CreateHttpClient() => Kubeconfig.CreateHttpClient();

    /// <summary>kubectl with DIR/kubeconfig and its own cache directory.</summary>
    public Kubectl CreateKubectl(string cacheDirectory) => new(KubeconfigPath, cacheDirectory);

    /// <summary>SIGKILL: the process gets no chance to flush or close anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await WaitForExitAsync("the server to die after SIGKILL").ConfigureAwait(false);
    }

    /// <summary>Sends a signal (TERM, INT, …) with <c>/bin/kill</c>, as an operator or a service manager would.</summary>
    public async Task SignalAsync(string signal)
    {
        var result = await ProcessRunner.RunAsync("/bin/kill", ["-s", signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
        if (result.ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"kill -s {signal} {_process.Id} failed: {result}");
        }
    }

    /// <summary>Waits for the process to exit (and its output to drain), failing with <paramref name="phase"/> on timeout; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(string phase, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"timed out after {limit.TotalSeconds:0}s waiting for: {phase}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the process if it still runs (a failed test must not leave servers behind).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_stdout)
        {
            _stdout.AppendLine(line);
        }
        if (line.StartsWith(ServingPrefix, StringComparison.Ordinal))
        {
            _serving.TrySetResult(line);
        }
    }

    /// <summary>The dotnet host running the tests (the SDK sets DOTNET_HOST_PATH for its children), else PATH's.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
