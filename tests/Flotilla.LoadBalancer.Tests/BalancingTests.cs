using Flotilla.LoadBalancer.Tests.Support;

namespace Flotilla.LoadBalancer.Tests;

public sealed class BalancingTests
{
    [Fact]
    public async Task Connect_RoundRobin_SpreadsConnectionsEvenlyOverBackends()
    {
        await using var a = TestBackend.Start("a");
        await using var b = TestBackend.Start("b");
        await using var c = TestBackend.Start("c");
        await using var host = new LoadBalancerHost();
        var service = await host.AddOrUpdateAsync(Services.Define("ns/rr", [a.EndPoint, b.EndPoint, c.EndPoint]));
        var listen = service.GetListenEndPoint(0);

        var served = new List<string>();
        for (var i = 0; i < 9; i++)
        {
            served.Add(await TestClient.GreetAsync(listen, $"connection {i} greeted"));
        }

        Assert.Equal(
            [("a", 3), ("b", 3), ("c", 3)],
            served.GroupBy(name => name).Select(g => (g.Key, g.Count())).OrderBy(p => p.Key).ToArray());
    }

    [Fact]
    public async Task Connect_PowerOfTwoLeastConnections_PrefersLessLoadedEndpoint()
    {
        await using var busy = TestBackend.Start("busy");
        await using var idle = TestBackend.Start("idle");
        await using var host = new LoadBalancerHost();
        var definition = Services.Define("ns/p2c", [busy.EndPoint]) with { Policy = LoadBalancingPolicy.PowerOfTwoLeastConnections };
        var listen = (await host.AddOrUpdateAsync(definition)).GetListenEndPoint(0);
        var open = new List<TestClient>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                var (client, name) = await TestClient.ConnectAndGreetAsync(listen, $"loading connection {i} greeted");
                open.Add(client);
                Assert.Equal("busy", name);
            }

            await host.AddOrUpdateAsync(definition with { Ports = [new ServicePortDefinition { Port = 0, Endpoints = [busy.EndPoint, idle.EndPoint] }] });

            // With two endpoints both are always the two choices, so each new connection goes to the one with fewer:
            // idle, until it has as many as busy.
            var served = new List<string>();
            for (var i = 0; i < 4; i++)
            {
                var (client, name) = await TestClient.ConnectAndGreetAsync(listen, $"new connection {i} greeted");
                open.Add(client);
                served.Add(name);
            }
            Assert.Equal(["idle", "idle", "idle", "idle"], served);
        }
        finally
        {
            open.ForEach(client => client.Dispose());
        }
    }
}
