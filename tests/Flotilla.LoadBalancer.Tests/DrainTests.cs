using System.Net;
using System.Net.Sockets;
using Flotilla.LoadBalancer.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.LoadBalancer.Tests;

public sealed class DrainTests
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Update_RemovesConnectedEndpoint_ConnectionSurvivesUntilDrainTimeout()
    {
        var time = new ManualTimeProvider();
        await using var old = TestBackend.Start("old");
        await using var replacement = TestBackend.Start("replacement");
        await using var host = new LoadBalancerHost(time);
        var definition = Services.Define("ns/drain", [old.EndPoint]) with { DrainTimeout = Drain };
        var listen = (await host.AddOrUpdateAsync(definition)).GetListenEndPoint(0);
        var (established, name) = await TestClient.ConnectAndGreetAsync(listen, "established connection greeted");
        using var _ = established;
        Assert.Equal("old", name);

        await host.AddOrUpdateAsync(Services.Define("ns/drain", [replacement.EndPoint]) with { DrainTimeout = Drain });

        Assert.Equal("still here", await established.EchoAsync("still here", "echo right after the update"));
        Assert.Equal("replacement", await TestClient.GreetAsync(listen, "new connection after the update greeted"));
        var draining = host.GetStatistics().Single().Endpoint(old.EndPoint)!;
        Assert.Equal((true, 1L), (draining.Draining, draining.ActiveConnections));

        time.Advance(Drain - TimeSpan.FromSeconds(1));
        Assert.Equal("almost", await established.EchoAsync("almost", "echo just before the drain timeout"));

        time.Advance(TimeSpan.FromSeconds(1));
        await established.AssertClosedAsync("connection closed at the drain timeout");
        await host.StatisticsAsync("ns/drain", s => s.Endpoint(old.EndPoint) is null && s.ActiveConnections == 0, "drained endpoint gone");
    }

    [Fact]
    public async Task Update_UnrelatedEndpointChange_EstablishedConnectionSurvives()
    {
        var time = new ManualTimeProvider();
        await using var kept = TestBackend.Start("kept");
        await using var added = TestBackend.Start("added");
        await using var other = TestBackend.Start("other");
        await using var host = new LoadBalancerHost(time);
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/unrelated", [kept.EndPoint]))).GetListenEndPoint(0);
        var (established, name) = await TestClient.ConnectAndGreetAsync(listen, "established connection greeted");
        using var _ = established;
        Assert.Equal("kept", name);

        await host.AddOrUpdateAsync(Services.Define("ns/unrelated", [kept.EndPoint, added.EndPoint]));
        await host.AddOrUpdateAsync(Services.Define("ns/unrelated", [other.EndPoint, kept.EndPoint]) with
        {
            Policy = LoadBalancingPolicy.PowerOfTwoLeastConnections,
        });
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("unaffected", await established.EchoAsync("unaffected", "echo after unrelated updates and drains"));
        var endpoint = host.GetStatistics().Single().Endpoint(kept.EndPoint)!;
        Assert.Equal((false, 1L, 1L), (endpoint.Draining, endpoint.ActiveConnections, endpoint.Connections));
    }

    [Fact]
    public async Task Remove_Service_RefusesNewConnectionsAndClosesEstablishedAfterDrain()
    {
        var time = new ManualTimeProvider();
        await using var backend = TestBackend.Start("backend");
        await using var host = new LoadBalancerHost(time);
        var definition = Services.Define("ns/removed", [backend.EndPoint], Services.Loopback(111, 1)) with { DrainTimeout = Drain };
        var listen = (await host.AddOrUpdateAsync(definition)).GetListenEndPoint(0);
        var (established, _) = await TestClient.ConnectAndGreetAsync(listen, "established connection greeted");
        using var client = established;

        Assert.True(await host.RemoveAsync("ns/removed"));

        var refused = await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(listen, "connect after removal"));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Null(host.GetService("ns/removed"));
        Assert.Empty(host.GetStatistics());
        Assert.Equal("draining", await established.EchoAsync("draining", "echo after removal"));

        time.Advance(Drain);
        await established.AssertClosedAsync("connection closed at the drain timeout");
        Assert.False(await host.RemoveAsync("ns/removed"));
    }

    [Fact]
    public async Task AddOrUpdate_ListenAddressChanged_RebindsAndKeepsConnections()
    {
        await using var backend = TestBackend.Start("backend");
        await using var host = new LoadBalancerHost(new ManualTimeProvider());
        var first = (await host.AddOrUpdateAsync(Services.Define("ns/moved", [backend.EndPoint], Services.Loopback(112, 1)))).GetListenEndPoint(0);
        var (established, _) = await TestClient.ConnectAndGreetAsync(first, "connection to the first address greeted");
        using var client = established;

        var moved = await host.AddOrUpdateAsync(Services.Define("ns/moved", [backend.EndPoint], Services.Loopback(112, 2)));
        var second = moved.GetListenEndPoint(0);

        Assert.Equal(Services.Loopback(112, 2), second.Address);
        Assert.Equal(Services.Loopback(112, 2), moved.ListenAddress);
        var refused = await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(first, "connect to the old address"));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal("backend", await TestClient.GreetAsync(second, "connection to the new address greeted"));
        Assert.Equal("kept", await established.EchoAsync("kept", "echo on the connection made before the move"));
    }

    [Fact]
    public async Task AddOrUpdate_PortSetChanged_OpensNewAndClosesDroppedListeners()
    {
        await using var backend = TestBackend.Start("backend");
        await using var host = new LoadBalancerHost(new ManualTimeProvider());
        var address = Services.Loopback(113, 1);
        var reserved = TestBackend.ReserveClosedEndPoint(address).Port;
        ServiceDefinition Define(params int[] ports) => new()
        {
            Key = "ns/ports",
            ListenAddress = address,
            Ports = [.. ports.Select(port => new ServicePortDefinition { Port = port, Endpoints = [backend.EndPoint] })],
        };
        var before = await host.AddOrUpdateAsync(Define(0));
        var dropped = before.GetListenEndPoint(0);

        var after = await host.AddOrUpdateAsync(Define(reserved));

        Assert.Equal([new ServiceListener(reserved, new IPEndPoint(address, reserved))], after.Listeners);
        Assert.Equal("backend", await TestClient.GreetAsync(after.GetListenEndPoint(reserved), "connection to the added port greeted"));
        var refused = await Assert.ThrowsAsync<SocketException>(() => TestClient.ConnectAsync(dropped, "connect to the dropped port"));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
