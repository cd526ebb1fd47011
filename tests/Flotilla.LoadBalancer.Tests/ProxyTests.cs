using Flotilla.LoadBalancer.Tests.Support;

namespace Flotilla.LoadBalancer.Tests;

public sealed class ProxyTests
{
    [Fact]
    public async Task HalfClose_ClientShutsDownSend_StillReceivesResponse()
    {
        await using var backend = TestBackend.Start("backend", BackendBehavior.ReplyAfterEndOfStream);
        await using var host = new LoadBalancerHost();
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/half-close", [backend.EndPoint]))).GetListenEndPoint(0);
        using var client = await TestClient.ConnectAsync(listen, "client connected");

        await client.SendAsync("hello world"u8.ToArray(), "request sent");
        client.ShutdownSend();

        Assert.Equal("backend got 11 bytes\n", await client.ReadToEndAsync("response after the client's half-close"));
    }

    [Fact]
    public async Task Proxy_LargePayloadBothWays_ArrivesIntact()
    {
        await using var backend = TestBackend.Start("backend");
        await using var host = new LoadBalancerHost();
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/large", [backend.EndPoint]))).GetListenEndPoint(0);
        var (client, _) = await TestClient.ConnectAndGreetAsync(listen, "client greeted");
        using var _ = client;
        var payload = new byte[1 << 20];
        new Random(7).NextBytes(payload);
        var echoed = new byte[payload.Length];

        // Send and receive at once: a megabyte outgrows the socket buffers, so a proxy that only did one at a time
        // would stall.
        await Task.WhenAll(
            client.SendAsync(payload, "payload sent"),
            client.ReadExactlyAsync(echoed, "payload echoed"));

        Assert.True(payload.AsSpan().SequenceEqual(echoed), "the echoed payload differs from the one sent");
    }

    [Fact]
    public async Task Connect_NoEndpoints_ClosesClient()
    {
        await using var host = new LoadBalancerHost();
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/empty", []))).GetListenEndPoint(0);
        using var client = await TestClient.ConnectAsync(listen, "client connected");

        await client.AssertClosedAsync("client closed for want of endpoints");

        var statistics = await host.StatisticsAsync("ns/empty", s => s.ActiveConnections == 0, "connection ended");
        Assert.Equal((1L, 0L), (statistics.ConnectionsAccepted, statistics.ConnectFailures));
    }

    [Fact]
    public async Task BackendCloses_ClientStillSending_ClientSeesEndOfStream()
    {
        await using var backend = TestBackend.Start("backend");
        await using var host = new LoadBalancerHost();
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/backend-closes", [backend.EndPoint]))).GetListenEndPoint(0);
        var (client, _) = await TestClient.ConnectAndGreetAsync(listen, "client greeted");
        using var _ = client;

        backend.Stop();

        await client.AssertClosedAsync("client saw the backend's close");
        await host.StatisticsAsync("ns/backend-closes", s => s.ActiveConnections == 0, "connection ended");
    }
}
