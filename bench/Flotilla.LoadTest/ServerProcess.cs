using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Flotilla.LoadTest;

/// <summary>
/// <c>flotilla apiserver</c> as a separate process on a temporary data directory and a free port, as a user
/// would run it: the load test learns the URL from what it prints and the CA and token from
/// <c>DIR/kubeconfig</c>, and measures the process from outside (<c>/proc/&lt;pid&gt;</c>).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const string ServingPrefix = "Serving on ";

    private readonly Process _process;
    private readonly string _dataDirectory;

    private ServerProcess(Process process, string dataDirectory, Uri url, X509Certificate2 ca, string token)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Url = url;
        CertificateAuthority = ca;
        Token = token;
    }

    public Uri Url { get; }

    public X509Certificate2 CertificateAuthority { get; }

    public string Token { get; }

    public int Pid => _process.Id;

    /// <summary>DIR/kubeconfig, which a client (Flotilla's own, or kubectl) connects with.</summary>
    public string KubeconfigPath => Path.Combine(_dataDirectory, "kubeconfig");

    /// <summary>Starts the server and waits (bounded) until it serves and has written its kubeconfig.</summary>
    public static async Task<ServerProcess> StartAsync(string serverDll, string storage, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException($"flotilla.dll not found at '{serverDll}'; build the load test (it copies the CLI next to itself) or pass --server-dll.", serverDll);
        }
        var dataDirectory = Path.Combine(Path.GetTempPath(), "flotilla-loadtest-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { serverDll, "apiserver", "--data-dir", dataDirectory, "--port", "0", "--storage", storage })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var serving = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(ServingPrefix, StringComparison.Ordinal))
            {
                serving.TrySetResult(new Uri(line[ServingPrefix.Length..].Trim()));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (errors)
                {
                    errors.AppendLine(line);
                }
                Console.Error.WriteLine($"  [server] {line}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(60));
            var exited = process.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(serving.Task, exited).ConfigureAwait(false) != serving.Task)
            {
                await exited.ConfigureAwait(false);
                throw new InvalidOperationException($"flotilla apiserver exited with code {process.ExitCode} before serving:\n{errors}");
            }
            var url = await serving.Task.ConfigureAwait(false);
            var (ca, token) = ReadKubeconfig(Path.Combine(dataDirectory, "kubeconfig"));
            return new ServerProcess(process, dataDirectory, url, ca, token);
        }
        catch
        {
            Stop(process);
            TryDelete(dataDirectory);
            throw;
        }
    }

    /// <summary>Peak resident set size (VmHWM) and current RSS (VmRSS) of the server, in bytes.</summary>
    public (long Peak, long Current) Memory()
    {
        long peak = 0, current = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) * 1024;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = Kilobytes(line) * 1024;
            }
        }
        return (peak, current);

        static long Kilobytes(string line) =>
            long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
    }

    /// <summary>CPU time (user + system) the server process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        // Fields 14 and 15 of /proc/<pid>/stat, counted after the parenthesized command name.
        var stat = File.ReadAllText($"/proc/{Pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        // USER_HZ is 100 on every Linux this runs on.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public ValueTask DisposeAsync()
    {
        Stop(_process);
        _process.Dispose();
        CertificateAuthority.Dispose();
        TryDelete(_dataDirectory);
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                // The data directory is thrown away, so there is nothing to shut down cleanly for.
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is in the temp directory.
        }
    }

    /// <summary>The kubeconfig the server writes has one cluster and one user; the fields are read by name.</summary>
    private static (X509Certificate2 Ca, string Token) ReadKubeconfig(string path)
    {
        string? caData = null, token = null;
        foreach (var raw in File.ReadLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("certificate-authority-data:", StringComparison.Ordinal))
            {
                caData = line["certificate-authority-data:".Length..].Trim();
            }
            else if (line.StartsWith("token:", StringComparison.Ordinal))
            {
                token = line["token:".Length..].Trim();
            }
        }
        if (caData is null || token is null)
        {
            throw new InvalidDataException($"'{path}' has no certificate-authority-data or token.");
        }
        var pem = Encoding.UTF8.GetString(Convert.FromBase64String(caData));
        return (X509Certificate2.CreateFromPem(pem), token);
    }
}
