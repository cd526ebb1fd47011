using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.LoadBalancer;

/// <summary>
/// A layer-4 TCP load balancer: holds virtual services, each listening on a virtual IP and forwarding every accepted
/// connection to one of its backend endpoints.
/// </summary>
/// <remarks>
/// <para>Updates are applied one at a time and are cheap for traffic: new endpoints, policies and timeouts take effect
/// for new connections at once, while established connections keep running. A connection whose endpoint (or port, or
/// service) is removed may finish within the service's drain timeout and is closed after it.</para>
/// <para>Counters are published on the meter named <see cref="MeterName"/> and, as Prometheus text, through
/// <see cref="GetStatistics"/> and <see cref="PrometheusText"/>.</para>
/// </remarks>
public sealed class LoadBalancerHost : IAsyncDisposable
{
    /// <summary>The name of the <see cref="Meter"/> the host publishes its instruments on.</summary>
    public const string MeterName = "Flotilla.LoadBalancer";

    private readonly SemaphoreSlim _mutex = new(1, 1);
    private readonly ConcurrentDictionary<string, ServiceRuntime> _services = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly LoadBalancerMetrics _metrics;
    private bool _disposed;

    /// <summary>Creates a host with no services.</summary>
    /// <param name="timeProvider">The clock for connect timeouts, health checks, ejection periods and drain timeouts;
    /// <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where logs go; nowhere when null.</param>
    /// <param name="meterFactory">Creates the host's meter; when null the host creates (and disposes) its own.</param>
    public LoadBalancerHost(TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, IMeterFactory? meterFactory = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<LoadBalancerHost>() ?? NullLogger<LoadBalancerHost>.Instance;
        _metrics = new LoadBalancerMetrics(meterFactory, _services);
    }

    /// <summary>The meter this host's instruments are on; tests listen to this instance only.</summary>
    internal Meter Meter => _metrics.Meter;

    /// <summary>
    /// Adds the service, or updates the running service with the same key to match <paramref name="definition"/>.
    /// </summary>
    /// <returns>The service as applied, with the endpoints its listeners are bound to.</returns>
    /// <exception cref="ArgumentException">The definition is invalid (e.g. a UDP port); the message names each field
    /// and what to do. Nothing was changed.</exception>
    /// <exception cref="InvalidOperationException">A listener could not be bound (e.g. the address is in use); nothing
    /// was changed.</exception>
    /// <remarks><paramref name="cancellationToken"/> cancels only the wait for earlier updates; once applying starts,
    /// the update completes, so a service is never left half updated.</remarks>
    public async Task<VirtualService> AddOrUpdateAsync(ServiceDefinition definition, CancellationToken cancellationToken = default)
    {
        ServiceDefinitionValidator.Validate(definition);
        await _mutex.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_services.TryGetValue(definition.Key, out var service))
            {
                await service.ApplyAsync(definition).ConfigureAwait(false);
                LoadBalancerLog.ServiceUpdated(_logger, definition.Key, definition.ListenAddress, definition.Ports.Count);
            }
            else
            {
                service = new ServiceRuntime(definition.Key, _timeProvider, _logger);
                await service.ApplyAsync(definition).ConfigureAwait(false);
                _services[definition.Key] = service;
                LoadBalancerLog.ServiceAdded(_logger, definition.Key, definition.ListenAddress, definition.Ports.Count);
            }
            return service.Describe();
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>
    /// Removes a service: its listeners close at once, so new connects are refused, and its established connections
    /// are closed when its drain timeout ends.
    /// </summary>
    /// <returns>True if the service existed.</returns>
    public async Task<bool> RemoveAsync(string serviceKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        await _mutex.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_services.TryRemove(serviceKey, out var service))
            {
                return false;
            }
            await service.StopAsync(closeConnections: false).ConfigureAwait(false);
            LoadBalancerLog.ServiceRemoved(_logger, serviceKey, service.Settings.DrainTimeout.TotalSeconds);
            return true;
        }
        finally
        {
            _mutex.Release();
        }
    }

    /// <summary>The service with this key as applied, or null.</summary>
    public VirtualService? GetService(string serviceKey)
    {
        ArgumentNullException.ThrowIfNull(serviceKey);
        return _services.TryGetValue(serviceKey, out var service) ? service.Describe() : null;
    }

    /// <summary>A reading of every service's counters and endpoints, ordered by key.</summary>
    public IReadOnlyList<ServiceStatistics> GetStatistics()
    {
        var result = new List<ServiceStatistics>(_services.Count);
        foreach (var service in _services.Values)
        {
            result.Add(service.GetStatistics());
        }
        result.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    /// <summary>Closes every listener and every connection at once, and stops health checks.</summary>
    public async ValueTask DisposeAsync()
    {
        await _mutex.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var service in _services.Values)
            {
                await service.StopAsync(closeConnections: true).ConfigureAwait(false);
            }
            _services.Clear();
            _metrics.Dispose();
        }
        finally
        {
            _mutex.Release();
        }
    }
}
