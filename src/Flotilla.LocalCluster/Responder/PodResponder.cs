using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Responder;

/// <summary>Who a pod's responder speaks for: the pod's namespace, name and IP, and the version its page reports.</summary>
internal sealed record PodIdentity(string Namespace, string Name, string Ip, string Version);

/// <summary>
/// The stand-in for a pod's containers: on every TCP container port of a running pod it listens on
/// <c>&lt;podIP&gt;:&lt;port&gt;</c> and answers HTTP/1.1 like kuard (see <see cref="KuardPage"/>). Raw sockets and a
/// minimal parser with keep-alive: one pending accept per port and no thread per connection, so thousands of pod
/// ports cost little. Listeners close when the pod stops.
/// </summary>
internal sealed class PodResponder(TimeProvider time, ILogger logger)
{
    /// <summary>How long a keep-alive connection may sit idle before it is closed.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Listens on each of <paramref name="ports"/>; ports that cannot be bound are reported, not thrown.</summary>
    public PodListeners Listen(PodIdentity pod, IEnumerable<int> ports)
    {
        var listeners = new List<PortListener>();
        var failures = new List<string>();
        foreach (var port in ports.Distinct())
        {
            var endpoint = $"{pod.Ip}:{port.ToString(CultureInfo.InvariantCulture)}";
            try
            {
                listeners.Add(PortListener.Start(pod, port, time, logger));
            }
            catch (SocketException e)
            {
                var reason = e.SocketErrorCode switch
                {
                    SocketError.AccessDenied => $"{e.Message} (ports below 1024 need CAP_NET_BIND_SERVICE or a lower net.ipv4.ip_unprivileged_port_start)",
                    SocketError.AddressNotAvailable => $"{e.Message} ({pod.Ip} is not configured on this host; on Linux all of 127.0.0.0/8 is, elsewhere add it to the loopback interface)",
                    SocketError.AddressAlreadyInUse => $"{e.Message} (another process listens on this port on all addresses, or on {pod.Ip})",
                    _ => e.Message,
                };
                LocalClusterLog.ListenFailed(logger, $"{pod.Namespace}/{pod.Name}", endpoint, reason);
                failures.Add($"cannot listen on {endpoint}: {reason}");
            }
        }
        return new PodListeners(listeners, failures);
    }
}

/// <summary>The listeners of one pod. Disposing closes them and their connections.</summary>
internal sealed class PodListeners(List<PortListener> listeners, List<string> failures) : IAsyncDisposable
{
    /// <summary>Why some ports could not be listened on; empty when all are.</summary>
    public IReadOnlyList<string> Failures => failures;

    public IReadOnlyList<int> Ports => listeners.Select(l => l.Port).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in listeners)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
        listeners.Clear();
    }
}

/// <summary>One listening socket and the connections it accepted.</summary>
internal sealed class PortListener : IAsyncDisposable
{
    private const int MaxHeaderBytes = 16 * 1024;
    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly Socket _socket;
    private readonly PodIdentity _pod;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Socket, byte> _connections = new();
    private Task _accepting = Task.CompletedTask;

    private PortListener(Socket socket, PodIdentity pod, int port, TimeProvider time, ILogger logger)
    {
        _socket = socket;
        _pod = pod;
        Port = port;
        _time = time;
        _logger = logger;
        _endpoint = $"{pod.Ip}:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    public int Port { get; }

    /// <exception cref="SocketException">The address cannot be bound.</exception>
    public static PortListener Start(PodIdentity pod, int port, TimeProvider time, ILogger logger)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(IPAddress.Parse(pod.Ip), port));
            socket.Listen(512);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var listener = new PortListener(socket, pod, port, time, logger);
        listener._accepting = Task.Run(listener.AcceptLoopAsync);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        // _stop is not disposed: connection loops still finishing hold its (cancelled) token.
    }

    private async Task AcceptLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            Socket connection;
            try
            {
                connection = await _socket.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset or SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // The peer gave up before the accept, or the process is out of descriptors for a moment: keep accepting.
                continue;
            }
            catch (SocketException e)
            {
                LocalClusterLog.AcceptFailed(_logger, _endpoint, e.Message);
                return;
            }
            connection.NoDelay = true;
            _connections[connection] = 0;
            _ = ServeAsync(connection, token);
        }
    }

    private async Task ServeAsync(Socket connection, CancellationToken stopping)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxHeaderBytes);
        var remote = (connection.RemoteEndPoint as IPEndPoint)?.ToString() ?? "";
        try
        {
            var filled = 0;
            while (!stopping.IsCancellationRequested)
            {
                int headerEnd;
                while ((headerEnd = buffer.AsSpan(0, filled).IndexOf(HeaderEnd)) < 0)
                {
                    if (filled == MaxHeaderBytes)
                    {
                        await SendAsync(connection, HttpResponse.Simple(431, "Request Header Fields Too Large", "request headers too large\n", keepAlive: false, _time), stopping).ConfigureAwait(false);
                        return;
                    }
                    using var idle = new CancellationTokenSource(PodResponder.IdleTimeout, _time);
                    using var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping, idle.Token);
                    var read = await connection.ReceiveAsync(buffer.AsMemory(filled, MaxHeaderBytes - filled), SocketFlags.None, reading.Token).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }
                    filled += read;
                }
                var request = HttpRequest.Parse(buffer.AsSpan(0, headerEnd + HeaderEnd.Length));
                var consumed = headerEnd + HeaderEnd.Length;
                if (request is null || request.Chunked)
                {
                    await SendAsync(connection, HttpResponse.Simple(400, "Bad Request", "malformed or unsupported request\n", keepAlive: false, _time), stopping).ConfigureAwait(false);
                    return;
                }
                // Discard a request body: nothing here reads one.
                var body = request.ContentLength;
                var inBuffer = Math.Min(body, filled - consumed);
                consumed += (int)inBuffer;
                body -= inBuffer;
                while (body > 0)
                {
                    var read = await connection.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(body, MaxHeaderBytes)), SocketFlags.None, stopping).ConfigureAwait(false);
                    if (read == 0)
                    {
                        return;
                    }
                    body -= read;
                }
                filled -= consumed;
                if (filled > 0)
                {
                    Buffer.BlockCopy(buffer, consumed, buffer, 0, filled);
                }
                var response = KuardPage.Respond(request, _pod, remote, _time);
                await SendAsync(connection, response, stopping).ConfigureAwait(false);
                if (!request.KeepAlive)
                {
                    connection.Shutdown(SocketShutdown.Send);
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            LocalClusterLog.ConnectionEnded(_logger, _endpoint, e.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _connections.TryRemove(connection, out _);
            connection.Dispose();
        }
    }

    private static async Task SendAsync(Socket connection, byte[] response, CancellationToken cancellationToken)
    {
        var sent = 0;
        while (sent < response.Length)
        {
            sent += await connection.SendAsync(response.AsMemory(sent), SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>The parts of an HTTP/1.x request the responder uses.</summary>
internal sealed record HttpRequest(string Method, string Target, string Version, string Host, long ContentLength, bool Chunked, bool KeepAlive, string Head)
{
    /// <summary>Parses the request line and headers (through the blank line); null when malformed.</summary>
    public static HttpRequest? Parse(ReadOnlySpan<byte> head)
    {
        var text = Encoding.Latin1.GetString(head);
        var lines = text.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return null;
        }
        var version = parts[2];
        string host = "";
        long length = 0;
        var chunked = false;
        string? connection = null;
        foreach (var line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                host = value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length))
                {
                    return null;
                }
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                chunked = value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            }
            else if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value;
            }
        }
        var keepAlive = version == "HTTP/1.1"
            ? !string.Equals(connection, "close", StringComparison.OrdinalIgnoreCase)
            : string.Equals(connection, "keep-alive", StringComparison.OrdinalIgnoreCase);
        return new HttpRequest(parts[0], parts[1], version, host, length, chunked, keepAlive, text[..^2]);
    }
}

/// <summary>Serialized HTTP/1.1 responses.</summary>
internal static class HttpResponse
{
    public static byte[] Build(int status, string reason, string contentType, ReadOnlySpan<byte> body, bool keepAlive, bool headOnly, TimeProvider time)
    {
        var head = new StringBuilder(256)
            .Append("HTTP/1.1 ").Append(status.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(reason).Append("\r\n")
            .Append("Content-Type: ").Append(contentType).Append("\r\n")
            .Append("Content-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Date: ").Append(time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture)).Append("\r\n")
            .Append("Server: flotilla-pod-responder\r\n");
        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");
        var headBytes = Encoding.ASCII.GetBytes(head.ToString());
        if (headOnly)
        {
            return headBytes;
        }
        var response = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(response, 0);
        body.CopyTo(response.AsSpan(headBytes.Length));
        return response;
    }

    public static byte[] Simple(int status, string reason, string body, bool keepAlive, TimeProvider time) =>
        Build(status, reason, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(body), keepAlive, headOnly: false, time);
}
