using System.Net;

namespace Flotilla.LoadBalancer;

/// <summary>A virtual service as applied: its key and the addresses it actually listens on. An immutable snapshot.</summary>
public sealed class VirtualService
{
    internal VirtualService(string key, IPAddress listenAddress, IReadOnlyList<ServiceListener> listeners)
    {
        Key = key;
        ListenAddress = listenAddress;
        Listeners = listeners;
    }

    /// <summary>The service's key, as in its <see cref="ServiceDefinition.Key"/>.</summary>
    public string Key { get; }

    /// <summary>The virtual IP the service listens on.</summary>
    public IPAddress ListenAddress { get; }

    /// <summary>One listener per port of the definition, in the definition's order.</summary>
    public IReadOnlyList<ServiceListener> Listeners { get; }

    /// <summary>Where the listener for the definition's <paramref name="port"/> is bound; for port 0 this holds the
    /// port the system picked.</summary>
    /// <exception cref="ArgumentException">The definition has no such port.</exception>
    public IPEndPoint GetListenEndPoint(int port)
    {
        foreach (var listener in Listeners)
        {
            if (listener.Port == port)
            {
                return listener.LocalEndPoint;
            }
        }
        throw new ArgumentException($"Service {Key} has no port {port}; its ports are {string.Join(", ", Listeners.Select(l => l.Port))}", nameof(port));
    }
}

/// <summary>A bound listener: the definition's port and the local address it is bound to.</summary>
/// <param name="Port">The port as written in the <see cref="ServicePortDefinition"/> (0 for a system-assigned one).</param>
/// <param name="LocalEndPoint">The address and port actually bound.</param>
public sealed record ServiceListener(int Port, IPEndPoint LocalEndPoint);
