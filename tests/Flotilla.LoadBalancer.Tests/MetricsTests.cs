using System.Diagnostics.Metrics;
using System.Net;
using Flotilla.LoadBalancer.Tests.Support;

namespace Flotilla.LoadBalancer.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Statistics_TrafficFlows_CountersMoveAndPrometheusTextContainsThem()
    {
        await using var backend = TestBackend.Start("ab");
        await using var host = new LoadBalancerHost();
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/metrics", [backend.EndPoint]))).GetListenEndPoint(0);

        var (client, _) = await TestClient.ConnectAndGreetAsync(listen, "client greeted");
        using (client)
        {
            Assert.Equal("ping", await client.EchoAsync("ping", "echo"));
        }

        // In: "ping" (4). Out: "ab\n" (3) and "ping" (4).
        var statistics = await host.StatisticsAsync("ns/metrics", s => s.ActiveConnections == 0 && s.BytesSent == 7, "connection ended and counted");
        Assert.Equal(
            new ServiceStatistics("ns/metrics", 1, 0, 4, 7, 0, 0, statistics.Endpoints),
            statistics);
        Assert.Equal([new EndpointStatistics(0, backend.EndPoint, true, false, 0, 1)], statistics.Endpoints);

        var text = PrometheusText.Render(host);
        Assert.Contains("# TYPE flotilla_loadbalancer_connections_accepted_total counter\n", text);
        Assert.Contains("flotilla_loadbalancer_connections_accepted_total{service=\"ns/metrics\"} 1\n", text);
        Assert.Contains("# TYPE flotilla_loadbalancer_connections_active gauge\n", text);
        Assert.Contains("flotilla_loadbalancer_connections_active{service=\"ns/metrics\"} 0\n", text);
        Assert.Contains("flotilla_loadbalancer_received_bytes_total{service=\"ns/metrics\"} 4\n", text);
        Assert.Contains("flotilla_loadbalancer_sent_bytes_total{service=\"ns/metrics\"} 7\n", text);
        Assert.Contains("flotilla_loadbalancer_connect_failures_total{service=\"ns/metrics\"} 0\n", text);
        Assert.Contains("flotilla_loadbalancer_ejections_total{service=\"ns/metrics\"} 0\n", text);
        Assert.Contains($"flotilla_loadbalancer_endpoint_connections_total{{service=\"ns/metrics\",port=\"0\",endpoint=\"{backend.EndPoint}\"}} 1\n", text);
    }

    [Fact]
    public async Task Meter_TrafficFlows_InstrumentsReportPerService()
    {
        await using var backend = TestBackend.Start("backend");
        await using var host = new LoadBalancerHost();
        var listen = (await host.AddOrUpdateAsync(Services.Define("ns/meter", [backend.EndPoint]))).GetListenEndPoint(0);
        await TestClient.GreetAsync(listen, "client greeted");
        await host.StatisticsAsync("ns/meter", s => s.ActiveConnections == 0, "connection ended");
        var readings = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                // Only this host's meter: other tests' hosts publish on meters of the same name.
                if (instrument.Meter == host.Meter)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "service", Value: "ns/meter" })
                {
                    readings[instrument.Name] = value;
                }
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["flotilla.loadbalancer.connections.accepted"] = 1,
                ["flotilla.loadbalancer.connections.active"] = 0,
                ["flotilla.loadbalancer.bytes.received"] = 0,
                ["flotilla.loadbalancer.bytes.sent"] = "backend\n".Length,
                ["flotilla.loadbalancer.connect.failures"] = 0,
                ["flotilla.loadbalancer.ejections"] = 0,
            },
            readings);
    }

    [Fact]
    public void Render_Statistics_WritesFamiliesWithEscapedLabels()
    {
        var endPoint = new IPEndPoint(IPAddress.Parse("127.101.0.5"), 8080);
        ServiceStatistics[] services =
        [
            new("ns/a", 10, 2, 300, 4000, 1, 1, [new EndpointStatistics(80, endPoint, false, false, 2, 9)]),
            new("odd\"key\\with\nbreaks", 0, 0, 0, 0, 0, 0, []),
        ];

        var text = PrometheusText.Render(services);

        Assert.Equal(
            """
            # HELP flotilla_loadbalancer_connections_accepted_total Client connections accepted.
            # TYPE flotilla_loadbalancer_connections_accepted_total counter
            flotilla_loadbalancer_connections_accepted_total{service="ns/a"} 10
            flotilla_loadbalancer_connections_accepted_total{service="odd\"key\\with\nbreaks"} 0
            # HELP flotilla_loadbalancer_connections_active Client connections open now.
            # TYPE flotilla_loadbalancer_connections_active gauge
            flotilla_loadbalancer_connections_active{service="ns/a"} 2
            flotilla_loadbalancer_connections_active{service="odd\"key\\with\nbreaks"} 0
            # HELP flotilla_loadbalancer_received_bytes_total Bytes received from clients.
            # TYPE flotilla_loadbalancer_received_bytes_total counter
            flotilla_loadbalancer_received_bytes_total{service="ns/a"} 300
            flotilla_loadbalancer_received_bytes_total{service="odd\"key\\with\nbreaks"} 0
            # HELP flotilla_loadbalancer_sent_bytes_total Bytes sent to clients.
            # TYPE flotilla_loadbalancer_sent_bytes_total counter
            flotilla_loadbalancer_sent_bytes_total{service="ns/a"} 4000
            flotilla_loadbalancer_sent_bytes_total{service="odd\"key\\with\nbreaks"} 0
            # HELP flotilla_loadbalancer_connect_failures_total Failed or timed-out connects to backends.
            # TYPE flotilla_loadbalancer_connect_failures_total counter
            flotilla_loadbalancer_connect_failures_total{service="ns/a"} 1
            flotilla_loadbalancer_connect_failures_total{service="odd\"key\\with\nbreaks"} 0
            # HELP flotilla_loadbalancer_ejections_total Endpoints taken out of balancing by passive or active health.
            # TYPE flotilla_loadbalancer_ejections_total counter
            flotilla_loadbalancer_ejections_total{service="ns/a"} 1
            flotilla_loadbalancer_ejections_total{service="odd\"key\\with\nbreaks"} 0
            # HELP flotilla_loadbalancer_endpoint_healthy 1 while the endpoint takes new connections, 0 while ejected or draining.
            # TYPE flotilla_loadbalancer_endpoint_healthy gauge
            flotilla_loadbalancer_endpoint_healthy{service="ns/a",port="80",endpoint="127.101.0.5:8080"} 0
            # HELP flotilla_loadbalancer_endpoint_connections_active Connections to the endpoint open now.
            # TYPE flotilla_loadbalancer_endpoint_connections_active gauge
            flotilla_loadbalancer_endpoint_connections_active{service="ns/a",port="80",endpoint="127.101.0.5:8080"} 2
            # HELP flotilla_loadbalancer_endpoint_connections_total Connections established to the endpoint.
            # TYPE flotilla_loadbalancer_endpoint_connections_total counter
            flotilla_loadbalancer_endpoint_connections_total{service="ns/a",port="80",endpoint="127.101.0.5:8080"} 9

            """,
            text);
    }
}
