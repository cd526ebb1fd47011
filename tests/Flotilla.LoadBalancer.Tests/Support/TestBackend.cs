using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flotilla.LoadBalancer.Tests.Support;

/// <summary>What a <see cref="TestBackend"/> does with each connection.</summary>
internal enum BackendBehavior
{
    /// <summary>Sends its name and a line feed at once (so a client learns which backend it reached), then echoes
    /// until the client ends its stream, then ends its own.</summary>
    GreetThenEcho,

    /// <summary>Reads until the client ends its stream, then answers "name got N bytes" and closes: only a client whose
    /// half-close reached the backend, and whose receive side stayed open, gets the answer.</summary>
    ReplyAfterEndOfStream,
}

/// <summary>A tiny TCP server on a loopback address that can be stopped (refusing connects) and started again on the
/// same endpoint.</summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<Socket> _connections = [];
    private readonly BackendBehavior _behavior;
    private Socket? _listener;
    private int _accepted;

    private TestBackend(string name, IPEndPoint endPoint, BackendBehavior behavior)
    {
        Name = name;
        EndPoint = endPoint;
        _behavior = behavior;
    }

    public string Name { get; }

    /// <summary>Where it listens (or listened, while stopped).</summary>
    public IPEndPoint EndPoint { get; private set; }

    /// <summary>Connections accepted so far, health checks included.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    public static TestBackend Start(string name, BackendBehavior behavior = BackendBehavior.GreetThenEcho) =>
        Start(name, new IPEndPoint(IPAddress.Loopback, 0), behavior);

    public static TestBackend Start(string name, IPEndPoint endPoint, BackendBehavior behavior = BackendBehavior.GreetThenEcho)
    {
        var backend = new TestBackend(name, endPoint, behavior);
        backend.Listen();
        return backend;
    }

    /// <summary>An endpoint nothing listens on: bound for a moment to learn a free port, then closed. The address
    /// should be one no other test uses, so the port stays free.</summary>
    public static IPEndPoint ReserveClosedEndPoint(IPAddress address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(address, 0));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>Closes the listener and every connection: from now on connects are refused.</summary>
    public void Stop()
    {
        Socket[] open;
        lock (_gate)
        {
            _listener?.Dispose();
            _listener = null;
            open = [.. _connections];
            _connections.Clear();
        }
        foreach (var socket in open)
        {
            socket.Dispose();
        }
    }

    /// <summary>Listens again on the same endpoint.</summary>
    public void Restart() => Listen();

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Listen()
    {
        var listener = new Socket(EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(EndPoint);
        listener.Listen();
        EndPoint = (IPEndPoint)listener.LocalEndPoint!;
        lock (_gate)
        {
            _listener = listener;
        }
        _ = AcceptLoopAsync(listener);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _accepted);
            lock (_gate)
            {
                _connections.Add(client);
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        try
        {
            var buffer = new byte[8192];
            if (_behavior == BackendBehavior.GreetThenEcho)
            {
                await client.SendAsync(Encoding.ASCII.GetBytes(Name + "\n"));
                int read;
                while ((read = await client.ReceiveAsync(buffer)) > 0)
                {
                    await client.SendAsync(buffer.AsMemory(0, read));
                }
            }
            else
            {
                var total = 0;
                int read;
                while ((read = await client.ReceiveAsync(buffer)) > 0)
                {
                    total += read;
                }
                await client.SendAsync(Encoding.ASCII.GetBytes($"{Name} got {total} bytes\n"));
            }
            client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The peer (the load balancer, or a health check) went away.
        }
        finally
        {
            lock (_gate)
            {
                _connections.Remove(client);
            }
            client.Dispose();
        }
    }
}
