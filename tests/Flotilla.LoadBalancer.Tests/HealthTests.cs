using System.Net;
using System.Net.Sockets;
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
    public async Task Connect_BackendNeverAnswers_TimesOutAndRetriesAnother()
    {
        var time = new ManualTimeProvider();
        // A listener with a backlog of 0 and one connection queued that it never accepts: Linux drops further SYNs,
        // so a connect to it hangs until the connect timeout.
        using var blackhole = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        blackhole.Bind(new IPEndPoint(Services.Loopback(105, 1), 0));
        blackhole.Listen(0);
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(blackhole.LocalEndPoint!).Within("filler queued on the blackhole");
        var blackholeEndPoint = (IPEndPoint)blackhole.LocalEndPoint!;
        await using var live = TestBackend.Start("live");
        await using var host = new LoadBalancerHost(time);
        var connectTimeout = TimeSpan.FromSeconds(2);
        var definition = Services.Define("ns/blackhole", [blackholeEndPoint, live.EndPoint]) with { ConnectTimeout = connectTimeout };
        var listen = (await host.AddOrUpdateAsync(definition)).GetListenEndPoint(0);

        // Round robin starts with the first endpoint: the blackhole.
        using var client = await TestClient.ConnectAsync(listen, "client connected");
        await time.WaitForTimersAsync(1, TestWaits.Limit);
        // The pending timer is the first connect's: had that connect been refused instead, this would already be 1.
        Assert.Equal(0, host.GetStatistics().Single().ConnectFailures);
        time.Advance(connectTimeout);

        Assert.Equal("live", await client.ReadLineAsync("greeting from the endpoint retried after the timeout"));
        var statistics = host.GetStatistics().Single();
        Assert.Equal((1L, 1L), (statistics.ConnectFailures, statistics.Ejections));
        Assert.False(statistics.Endpoint(blackholeEndPoint)!.Healthy);
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
        await using var checkedBackend = TestBackend.Start("checked", new IPEndPoint(Services.Loopback(104, 1), 0));
        await using var other = TestBackend.Start("other");
        await using var host = new LoadBalancerHost(time);
        // The test moves the manual clock in whole intervals while real connects may be in flight; a check timeout far
        // beyond anything the test advances keeps those jumps from failing a check that was about to succeed.
        var definition = Services.Define("ns/active", [checkedBackend.EndPoint, other.EndPoint]) with
        {
            ActiveHealthCheck = new ActiveHealthCheckOptions { Interval = interval, Timeout = TimeSpan.FromDays(1) },
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
