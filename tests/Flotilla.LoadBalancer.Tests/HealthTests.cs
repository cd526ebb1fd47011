using Flotilla.LoadBalancer.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.LoadBalancer.Tests;

public sealed class HealthTests
{
    [Fact]
    public async Task Connect_DeadBackend_EjectsItAndServesClientFromAnother()
    {
        var dead = TestBackend.ReserveClosedEndPoint(Services.Loopback(101, 1));
        await using var live = TestBackend.Start("live");
        // A manual clock that never moves: the ejection cannot expire while the test runs.
        await using var host = new LoadBalancerHost(new ManualTimeProvider());
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/dead", [dead, live.EndPoint]))).GetListenEndPoint(0);

        var served = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            served.Add(await TestClient.GreetAsync(listen, $"connection {i} greeted"));
        }

        Assert.Equal(["live", "live", "live", "live"], served);
        var statistics = await host.StatisticsAsync("ns/dead", s => s.ActiveConnections == 0, "connections closed");
        Assert.Equal(1, statistics.ConnectFailures);
        Assert.Equal(1, statistics.Ejections);
        Assert.False(statistics.Endpoint(dead)!.Healthy);
        Assert.True(statistics.Endpoint(live.EndPoint)!.Healthy);
    }

    [Fact]
    public async Task Connect_AllBackendsDead_ClosesClientAfterTryingEach()
    {
        var first = TestBackend.ReserveClosedEndPoint(Services.Loopback(102, 1));
        var second = TestBackend.ReserveClosedEndPoint(Services.Loopback(102, 2));
        await using var host = new LoadBalancerHost(new ManualTimeProvider());
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/all-dead", [first, second]))).GetListenEndPoint(0);

        using var client = await TestClient.ConnectAsync(listen, "client connected");

        await client.AssertClosedAsync("client closed after every endpoint failed");
        var statistics = await host.StatisticsAsync("ns/all-dead", s => s.ActiveConnections == 0, "connection ended");
        Assert.Equal(2, statistics.ConnectFailures);
        Assert.All(statistics.Endpoints, e => Assert.False(e.Healthy));
    }

    [Fact]
    public async Task PassiveEjection_PeriodElapses_EndpointReadmitted()
    {
        var time = new ManualTimeProvider();
        var flakyEndPoint = TestBackend.ReserveClosedEndPoint(Services.Loopback(103, 1));
        await using var live = TestBackend.Start("live");
        await using var host = new LoadBalancerHost(time);
        var definition = Services.Define("ns/passive", [flakyEndPoint, live.EndPoint]) with { PassiveEjectionPeriod = TimeSpan.FromSeconds(10) };
        var listen = (await host.AddOrUpdateAsync(definition)).GetListenEndPoint(0);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("live", await TestClient.GreetAsync(listen, $"connection {i} before ejection greeted"));
        }
        await host.StatisticsAsync("ns/passive", s => s.Ejections == 1, "flaky endpoint ejected");
        await using var flaky = TestBackend.Start("flaky", flakyEndPoint);

        time.Advance(TimeSpan.FromSeconds(9));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("live", await TestClient.GreetAsync(listen, $"connection {i} while still ejected greeted"));
        }
        Assert.False(host.GetStatistics().Single().Endpoint(flakyEndPoint)!.Healthy);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(host.GetStatistics().Single().Endpoint(flakyEndPoint)!.Healthy);
        var served = new HashSet<string>();
        for (var i = 0; i < 2; i++)
        {
            served.Add(await TestClient.GreetAsync(listen, $"connection {i} after readmission greeted"));
        }
        Assert.Equal(["flaky", "live"], served.Order());
        Assert.Equal(1, host.GetStatistics().Single().ConnectFailures);
    }

    [Fact]
    public async Task ActiveHealthCheck_BackendStopsAndReturns_EjectedThenReadmitted()
    {
        var time = new ManualTimeProvider();
        var interval = TimeSpan.FromSeconds(5);
        await using var checkedBackend = TestBackend.Start("checked", new System.Net.IPEndPoint(Services.Loopback(104, 1), 0));
        await using var other = TestBackend.Start("other");
        await using var host = new LoadBalancerHost(time);
        var definition = Services.Define("ns/active", [checkedBackend.EndPoint, other.EndPoint]) with
        {
            ActiveHealthCheck = new ActiveHealthCheckOptions { Interval = interval, Timeout = TimeSpan.FromSeconds(1) },
        };
        var listen = (await host.AddOrUpdateAsync(definition)).GetListenEndPoint(0);
        await Eventually.WaitAsync("first round of checks reached the backend", () => checkedBackend.Accepted > 0, TestWaits.Limit);

        checkedBackend.Stop();
        // Each poll moves the clock one interval, which runs the next round once the checker is waiting for it.
        await Eventually.WaitAsync("active check ejected the stopped backend", () =>
        {
            time.Advance(interval);
            return host.GetStatistics().Single().Endpoint(checkedBackend.EndPoint) is { Healthy: false };
        }, TestWaits.Limit);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal("other", await TestClient.GreetAsync(listen, $"connection {i} while ejected greeted"));
        }

        checkedBackend.Restart();
        await Eventually.WaitAsync("active check readmitted the restarted backend", () =>
        {
            time.Advance(interval);
            return host.GetStatistics().Single().Endpoint(checkedBackend.EndPoint) is { Healthy: true };
        }, TestWaits.Limit);
        var served = new HashSet<string>();
        for (var i = 0; i < 2; i++)
        {
            served.Add(await TestClient.GreetAsync(listen, $"connection {i} after readmission greeted"));
        }

        Assert.Equal(["checked", "other"], served.Order());
        var statistics = host.GetStatistics().Single();
        Assert.Equal(0, statistics.ConnectFailures);
        Assert.Equal(1, statistics.Ejections);
    }
}
