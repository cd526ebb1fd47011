using System.Net;
using System.Net.Sockets;

namespace Flotilla.LoadBalancer;

/// <summary>The backends and the listener of one service port. The pool lives as long as the port is defined; the
/// listener is replaced when the service's listen address changes.</summary>
internal sealed class ServicePortRuntime(ServiceRuntime service, int port)
{
    public ServiceRuntime Service { get; } = service;

    /// <summary>The port as defined (0 for a system-assigned one).</summary>
    public int Port { get; } = port;

    public BackendPool Pool { get; } = new(service, port);

    /// <summary>Swapped only under the host's mutex.</summary>
    public Listener? Listener { get; set; }
}

/// <summary>A listening socket and its accept loop, which hands each client to a <see cref="ProxyConnection"/> on the
/// thread pool.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync (or DisposeUnstarted) disposes the socket and token source; the service that bound the listener always calls one.")]
internal sealed class Listener
{
    /// <summary>How long to wait after an accept failure that is not the client's doing (e.g. out of file descriptors),
    /// so the loop does not spin while the condition lasts.</summary>
    private static readonly TimeSpan AcceptFailureBackoff = TimeSpan.FromMilliseconds(50);

    private readonly Socket _socket;
    private readonly ServicePortRuntime _port;
    private readonly CancellationTokenSource _stop = new();
    private Task _acceptLoop = Task.CompletedTask;

    private Listener(Socket socket, ServicePortRuntime port)
    {
        _socket = socket;
        _port = port;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds and listens (without accepting yet), or throws naming the service and address.</summary>
    /// <exception cref="InvalidOperationException">The address cannot be bound, e.g. it is in use or not local.</exception>
    public static Listener Bind(IPAddress address, ServicePortRuntime port)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(address, port.Port));
            socket.Listen();
            return new Listener(socket, port);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            var endpoint = new IPEndPoint(address, port.Port);
            var hint = e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "another listener (another service or process) holds it; pick another IP or port",
                SocketError.AddressNotAvailable => "the address is not on this machine; use a local IP (any 127.x address works on Linux)",
                SocketError.AccessDenied => "ports below 1024 need privileges; use a higher port or grant CAP_NET_BIND_SERVICE",
                _ => "check the address and port",
            };
            throw new InvalidOperationException($"Service {port.Service.Key} cannot listen on {endpoint}: {e.SocketErrorCode} ({e.Message}); {hint}", e);
        }
    }

    public void Start() => _acceptLoop = AcceptLoopAsync();

    /// <summary>Closes the socket (new connects are refused from here on) and waits for the accept loop to end.
    /// Connections already accepted are not touched.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>Disposes a listener that was bound but never started (its update was abandoned).</summary>
    public void DisposeUnstarted()
    {
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var service = _port.Service;
        var stopping = _stop.Token;
        LoadBalancerLog.Listening(service.Logger, service.Key, LocalEndPoint);
        while (true)
        {
            Socket client;
            try
            {
                // The CancellationToken overload returns a ValueTask over the socket's cached event args: no allocation
                // per accept beyond the accepted socket. Stopping closes the socket, which ends the pending accept.
                client = await _socket.AcceptAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted)
            {
                // The client gave up between its connect and our accept: its problem, not the listener's.
                continue;
            }
            catch (Exception e)
            {
                LoadBalancerLog.AcceptFailed(service.Logger, e, service.Key, LocalEndPoint);
                try
                {
                    await Task.Delay(AcceptFailureBackoff, service.TimeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            service.Counters.AddAccepted();
            // preferLocal: false puts connections on the global queue, so they spread across threads instead of
            // queueing behind the accept loop's own.
            ThreadPool.UnsafeQueueUserWorkItem(new ProxyConnection(client, _port), preferLocal: false);
        }
        LoadBalancerLog.ListenerStopped(service.Logger, service.Key, LocalEndPoint);
    }
}
