using System.Net;
using System.Text.RegularExpressions;
using Flotilla.Client.Config;
using Flotilla.Client.Http;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Http;

/// <summary>What every request carries, the shared connection pool, and HTTP/2 over TLS.</summary>
public sealed class TransportTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Requests_PlainHttpWithToken_CarryBearerUserAgentAndAccept()
    {
        await using var stub = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, """{"major":"1","minor":"32"}"""));
        var client = new KubernetesClient(new ClusterConnection { Server = stub.Url, Token = "sekret" });

        var version = await client.GetVersionAsync();

        Assert.Equal("32", version["minor"]!.GetValue<string>());
        var request = stub.Requests.Single();
        Assert.Equal("Bearer sekret", request.Headers["Authorization"]);
        Assert.Equal("application/json", request.Headers["Accept"]);
        Assert.Matches(new Regex(@"^flotilla/\d+\.\d+\.\d+[^ ]* \((linux|windows|darwin)/(amd64|arm64|386|arm)\)$"), request.Headers["User-Agent"]);
        Assert.Contains("gzip", request.Headers["Accept-Encoding"]);
    }

    [Fact]
    public async Task Requests_ServerWithPathPrefix_KeepPrefix()
    {
        await using var stub = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, """{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"9"},"items":[]}"""));
        var client = new KubernetesClient(new ClusterConnection { Server = new Uri(stub.Url, "/k8s/clusters/c-1/") });

        var list = await client.Resource(Resources.ConfigMaps).InNamespace("a b").ListAsync(new ListOptions { LabelSelector = "app in (web,api),!legacy" });

        Assert.Equal("9", list.ResourceVersion);
        Assert.Equal("/k8s/clusters/c-1/api/v1/namespaces/a%20b/configmaps?labelSelector=app%20in%20%28web%2Capi%29%2C%21legacy", stub.Requests.Single().PathAndQuery);
    }

    [Fact]
    public async Task Requests_OverTlsToApiServer_NegotiateHttp2()
    {
        await fixture.Client.GetVersionAsync();

        Assert.Contains(fixture.Recorder.Attempts, a => a.PathAndQuery == "/version" && a.ResponseVersion == HttpVersion.Version20);
    }

    [Fact]
    public async Task SharedHandlers_SameServerFromTwoLoads_OneHandlerPerServer()
    {
        var one = ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(fixture.Server.Host.KubeconfigPath));
        var two = ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(fixture.Server.Host.KubeconfigPath)) with { Token = "someone-else" };
        await using var stub = await StubServer.StartAsync((context, _) => Task.CompletedTask);
        var other = new ClusterConnection { Server = stub.Url };

        Assert.Same(SharedHandlers.For(one), SharedHandlers.For(two));
        Assert.NotSame(SharedHandlers.For(one), SharedHandlers.For(other));
        Assert.NotSame(SharedHandlers.For(one), SharedHandlers.For(one with { CertificateAuthorities = null, InsecureSkipTlsVerify = true }));
    }

    [Fact]
    public async Task Requests_NoToken_NoAuthorizationHeader()
    {
        await using var stub = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, "{}"));
        var client = new KubernetesClient(new ClusterConnection { Server = stub.Url });

        await client.GetVersionAsync();

        Assert.False(stub.Requests.Single().Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task Requests_UnauthenticatedAgainstApiServer_ThrowsUnauthorized()
    {
        var connection = ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(fixture.Server.Host.KubeconfigPath)) with { Token = "wrong" };
        var client = new KubernetesClient(connection);

        var error = await Assert.ThrowsAsync<Flotilla.Api.Meta.ApiException>(() => client.Resource(Resources.Namespaces).ListAsync());

        Assert.True(error.IsUnauthorized());
    }
}
