using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Flotilla.LoadBalancer;

/// <summary>
/// The host's instruments. All are observable: connections bump plain <see cref="Interlocked"/> counters, and the
/// meter reads them only when a listener collects, so the hot path never pays for tag lookups.
/// </summary>
internal sealed class LoadBalancerMetrics : IDisposable
{
    private const string ServiceTag = "service";

    private readonly ConcurrentDictionary<string, ServiceRuntime> _services;
    private readonly bool _ownsMeter;

    public LoadBalancerMetrics(IMeterFactory? meterFactory, ConcurrentDictionary<string, ServiceRuntime> services)
    {
        _services = services;
        // A factory hands out one meter per name, version and scope; scoping to this instance keeps two hosts' instruments apart.
        Meter = meterFactory?.Create(new MeterOptions(LoadBalancerHost.MeterName) { Scope = this }) ?? new Meter(LoadBalancerHost.MeterName);
        _ownsMeter = meterFactory is null;

        Meter.CreateObservableCounter("flotilla.loadbalancer.connections.accepted", () => Observe(static c => c.Accepted),
            "{connection}", "Client connections accepted");
        Meter.CreateObservableUpDownCounter("flotilla.loadbalancer.connections.active", () => Observe(static c => c.Active),
            "{connection}", "Client connections open now");
        Meter.CreateObservableCounter("flotilla.loadbalancer.bytes.received", () => Observe(static c => c.BytesReceived),
            "By", "Bytes received from clients");
        Meter.CreateObservableCounter("flotilla.loadbalancer.bytes.sent", () => Observe(static c => c.BytesSent),
            "By", "Bytes sent to clients");
        Meter.CreateObservableCounter("flotilla.loadbalancer.connect.failures", () => Observe(static c => c.ConnectFailures),
            "{failure}", "Failed or timed-out connects to backends");
        Meter.CreateObservableCounter("flotilla.loadbalancer.ejections", () => Observe(static c => c.Ejections),
            "{ejection}", "Endpoints taken out of balancing by passive or active health");
    }

    public Meter Meter { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private List<Measurement<long>> Observe(Func<ServiceCounters, long> read)
    {
        var measurements = new List<Measurement<long>>(_services.Count);
        foreach (var (key, service) in _services)
        {
            measurements.Add(new Measurement<long>(read(service.Counters), new KeyValuePair<string, object?>(ServiceTag, key)));
        }
        return measurements;
    }
}
