using System.Net;
using Microsoft.Extensions.Logging;

namespace Flotilla.LoadBalancer;

/// <summary>
/// One running virtual service: its settings, ports (each a backend pool and a listener), counters and health
/// checker. Changed only by <see cref="LoadBalancerHost"/> under its mutex; read by connections without locks.
/// </summary>
internal sealed class ServiceRuntime(string key, TimeProvider timeProvider, ILogger logger)
{
    private ServicePortRuntime[] _ports = [];
    private ServiceSettings? _settings;
    private ActiveHealthChecker? _healthChecker;
    private IPAddress? _listenAddress;

    public string Key { get; } = key;

    public TimeProvider TimeProvider { get; } = timeProvider;

    public ILogger Logger { get; } = logger;

    public ServiceCounters Counters { get; } = new();

    /// <summary>What new connections use; set before any listener starts.</summary>
    public ServiceSettings Settings => Volatile.Read(ref _settings)!;

    /// <summary>The current ports, in definition order; an immutable snapshot.</summary>
    public ServicePortRuntime[] Ports => Volatile.Read(ref _ports);

    /// <summary>
    /// Applies a validated definition. Listeners that must be (re)bound are bound first, so a failed bind throws with
    /// the service unchanged; then settings and endpoints are swapped in, new listeners start and old ones stop.
    /// Established connections are never cut here: removed endpoints, ports and old listeners only drain.
    /// </summary>
    public async Task ApplyAsync(ServiceDefinition definition)
    {
        var address = definition.ListenAddress;
        var rebindAll = _listenAddress is null || !_listenAddress.Equals(address);
        var current = new Dictionary<int, ServicePortRuntime>();
        foreach (var port in _ports)
        {
            current[port.Port] = port;
        }

        var next = new ServicePortRuntime[definition.Ports.Count];
        var bound = new List<(ServicePortRuntime Port, Listener Listener)>();
        try
        {
            for (var i = 0; i < next.Length; i++)
            {
                var number = definition.Ports[i].Port;
                var port = current.Remove(number, out var existing) ? existing : new ServicePortRuntime(this, number);
                next[i] = port;
                if (port.Listener is null || rebindAll)
                {
                    bound.Add((port, Listener.Bind(address, port)));
                }
            }
        }
        catch
        {
            foreach (var (_, listener) in bound)
            {
                listener.DisposeUnstarted();
            }
            throw;
        }

        // Committed from here on: nothing below fails on bad input.
        Volatile.Write(ref _settings, ServiceSettings.From(definition));
        _listenAddress = address;
        for (var i = 0; i < next.Length; i++)
        {
            next[i].Pool.Update(definition.Ports[i].Endpoints, definition.DrainTimeout);
        }
        var retired = new List<Listener>();
        foreach (var (port, listener) in bound)
        {
            if (port.Listener is { } old)
            {
                retired.Add(old);
            }
            port.Listener = listener;
            listener.Start();
        }
        Volatile.Write(ref _ports, next);
        // What is left in current are ports the definition dropped; no longer published above.
        foreach (var removed in current.Values)
        {
            if (removed.Listener is { } old)
            {
                retired.Add(old);
            }
            removed.Listener = null;
            removed.Pool.DrainAll(definition.DrainTimeout);
        }
        foreach (var listener in retired)
        {
            await listener.StopAsync().ConfigureAwait(false);
        }

        if (_healthChecker?.Options != definition.ActiveHealthCheck)
        {
            if (_healthChecker is not null)
            {
                await _healthChecker.StopAsync().ConfigureAwait(false);
            }
            _healthChecker = definition.ActiveHealthCheck is { } options ? new ActiveHealthChecker(this, options) : null;
        }
    }

    /// <summary>The service as applied, for callers.</summary>
    public VirtualService Describe()
    {
        var listeners = new List<ServiceListener>();
        foreach (var port in Ports)
        {
            // Null only while a concurrent remove stops the service.
            if (port.Listener is { } listener)
            {
                listeners.Add(new ServiceListener(port.Port, listener.LocalEndPoint));
            }
        }
        return new VirtualService(Key, _listenAddress!, listeners);
    }

    public ServiceStatistics GetStatistics()
    {
        var endpoints = new List<EndpointStatistics>();
        foreach (var port in Ports)
        {
            port.Pool.AddStatistics(endpoints);
        }
        var counters = Counters;
        return new ServiceStatistics(Key, counters.Accepted, counters.Active, counters.BytesReceived, counters.BytesSent,
            counters.ConnectFailures, counters.Ejections, endpoints);
    }

    /// <summary>
    /// Stops the service: listeners close at once (new connects are refused), health checks stop, and established
    /// connections drain for the drain timeout, or close at once when <paramref name="closeConnections"/>.
    /// </summary>
    public async Task StopAsync(bool closeConnections)
    {
        if (_healthChecker is not null)
        {
            await _healthChecker.StopAsync().ConfigureAwait(false);
            _healthChecker = null;
        }
        var ports = Ports;
        foreach (var port in ports)
        {
            if (port.Listener is { } listener)
            {
                port.Listener = null;
                await listener.StopAsync().ConfigureAwait(false);
            }
        }
        foreach (var port in ports)
        {
            if (closeConnections)
            {
                port.Pool.CloseAll();
            }
            else
            {
                port.Pool.DrainAll(Settings.DrainTimeout);
            }
        }
    }
}
