using Flotilla.Testing;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>The official Python client (Debian's python3-kubernetes) against the API server.</summary>
public sealed class PythonClientTests
{
    /// <summary>Debian's interpreter, where python3-kubernetes is installed (not a pyenv shim).</summary>
    private const string Python = "/usr/bin/python3";

    [Theory]
    [InlineData("core_v1.py")]
    [InlineData("custom_objects.py")]
    public async Task Script_AgainstServer_Succeeds(string script)
    {
        await using var server = await TestApiServer.StartAsync();
        var path = Path.Combine(AppContext.BaseDirectory, "ApiServer", "python", script);
        var result = await ProcessRunner.RunAsync(Python, [path], new Dictionary<string, string> { ["KUBECONFIG"] = server.Kubectl.Kubeconfig }, timeout: TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(script.Replace(".py", " ok", StringComparison.Ordinal), result.StandardOutput);
    }
}
