using Flotilla.Client.Config;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Config;

/// <summary>In-cluster configuration from a service-account directory, with token rotation.</summary>
public sealed class InClusterTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new("flotilla-incluster");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task InCluster_ServiceAccountFiles_ConnectsAndPicksUpRotatedToken()
    {
        var pki = TestPki.Create();
        await using var server = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, "{}"), pki.IssueServer());
        File.WriteAllText(_dir.Combine("ca.crt"), pki.CertificatePem);
        File.WriteAllText(_dir.Combine("token"), "sa-token-1");
        File.WriteAllText(_dir.Combine("namespace"), "fleet-system\n");
        var time = new ManualTimeProvider();

        var connection = ClusterConnection.InCluster(new InClusterOptions { ServiceAccountDirectory = _dir.Path, Host = "127.0.0.1", Port = server.Url.Port.ToString() });
        var client = new KubernetesClient(connection, new KubernetesClientOptions { Time = time });
        await client.GetVersionAsync();
        // The kubelet rotates the projected token; the client keeps the old one until it is a minute old.
        File.WriteAllText(_dir.Combine("token"), "sa-token-2");
        time.Advance(TimeSpan.FromSeconds(59));
        await client.GetVersionAsync();
        time.Advance(TimeSpan.FromSeconds(1));
        await client.GetVersionAsync();

        Assert.Equal(new Uri($"https://127.0.0.1:{server.Url.Port}"), connection.Server);
        Assert.Equal("fleet-system", client.DefaultNamespace);
        Assert.Equal(["Bearer sa-token-1", "Bearer sa-token-1", "Bearer sa-token-2"], server.Requests.Select(r => r.Headers["Authorization"]));
    }

    [Fact]
    public void InCluster_TokenFileBrieflyMissing_KeepsLastToken()
    {
        File.WriteAllText(_dir.Combine("token"), "kept");
        var time = new ManualTimeProvider();
        var token = Flotilla.Client.Http.BearerToken.For(new ClusterConnection { Server = new Uri("https://x"), TokenFile = _dir.Combine("token") }, time)!;
        Assert.Equal("kept", token.Current());

        File.Delete(_dir.Combine("token"));
        time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal("kept", token.Current());
    }

    [Fact]
    public void InCluster_NoServiceEnvironment_ThrowsNotInCluster()
    {
        var error = Assert.Throws<KubeConfigException>(() => ClusterConnection.InCluster(new InClusterOptions { ServiceAccountDirectory = _dir.Path, Host = null, Port = null }));

        Assert.Equal("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set", error.Message);
    }

    [Fact]
    public void InCluster_Ipv6Host_BracketedInUrl()
    {
        File.WriteAllText(_dir.Combine("token"), "t");
        File.WriteAllText(_dir.Combine("ca.crt"), TestPki.Create().CertificatePem);

        var connection = ClusterConnection.InCluster(new InClusterOptions { ServiceAccountDirectory = _dir.Path, Host = "fd00::1", Port = "443" });

        Assert.Equal(new Uri("https://[fd00::1]:443"), connection.Server);
        Assert.Equal("default", connection.Namespace);
    }

    [Fact]
    public void Default_KubeconfigVariableBeatsInClusterWhichBeatsHome()
    {
        File.WriteAllText(_dir.Combine("token"), "t");
        File.WriteAllText(_dir.Combine("ca.crt"), TestPki.Create().CertificatePem);
        var kubeconfig = _dir.Combine("kubeconfig");
        File.WriteAllText(kubeconfig, """
            clusters: [{name: k, cluster: {server: "https://from-kubeconfig:6443"}}]
            contexts: [{name: k, context: {cluster: k}}]
            current-context: k
            """);
        var inCluster = new InClusterOptions { ServiceAccountDirectory = _dir.Path, Host = "10.0.0.1", Port = "443" };

        var withVariable = ClusterConnection.Default(null, name => name == "KUBECONFIG" ? kubeconfig : null, inCluster);
        var inPod = ClusterConnection.Default(null, _ => null, inCluster);

        Assert.Equal("from-kubeconfig", withVariable.Server.Host);
        Assert.Equal("10.0.0.1", inPod.Server.Host);
    }
}
