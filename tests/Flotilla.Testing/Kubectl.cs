namespace Flotilla.Testing;

/// <summary>
/// Runs the real <c>/usr/bin/kubectl</c> against a server, with its own discovery cache directory so that runs
/// against different server builds never share cached discovery.
/// </summary>
public sealed class Kubectl(string kubeconfig, string cacheDirectory)
{
    public const string Executable = "/usr/bin/kubectl";

    public string Kubeconfig => kubeconfig;

    public Task<ProcessResult> RunAsync(params string[] arguments) => RunAsync(arguments, null);

    public Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string? standardInput, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var env = new Dictionary<string, string> { ["KUBECONFIG"] = kubeconfig };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }
        return ProcessRunner.RunAsync(Executable, ["--cache-dir", cacheDirectory, .. arguments], env, standardInput, timeout ?? TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs kubectl and fails the test with its output unless it exits 0; returns stdout.</summary>
    public async Task<string> SucceedAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.StandardOutput : throw new Xunit.Sdk.XunitException($"kubectl {string.Join(' ', arguments)} failed: {result}");
    }

    /// <summary>Pipes <paramref name="manifest"/> to <c>kubectl apply -f -</c> (plus extra flags).</summary>
    public async Task<string> ApplyAsync(string manifest, params string[] flags)
    {
        var result = await RunAsync(["apply", "-f", "-", .. flags], manifest).ConfigureAwait(false);
        return result.ExitCode == 0 ? result.StandardOutput : throw new Xunit.Sdk.XunitException($"kubectl apply {string.Join(' ', flags)} failed: {result}");
    }
}
