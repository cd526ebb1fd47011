using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Flotilla.LoadBalancer;

/// <summary>
/// One proxied client connection: picks a backend, connects (retrying other endpoints on failure), then copies bytes
/// both ways until both directions have ended.
/// </summary>
/// <remarks>
/// This is the hot path. Per connection it allocates this object, its run task, the backend socket and one connect
/// timer; buffers are pooled, the copy loops run on pooled <see cref="ValueTask"/> builders, and socket operations use
/// the sockets' cached awaitable event args. No locks: the endpoint set is an immutable snapshot and every counter
/// is an <see cref="Interlocked"/> field.
/// </remarks>
internal sealed class ProxyConnection : IThreadPoolWorkItem
{
    /// <summary>Per direction; HAProxy's default buffer size, large enough that a typical response is one read.</summary>
    private const int BufferSize = 16 * 1024;

    private const int ConnectTimedOut = -1;

    // Abortive close (RST), so neither peer takes a connection cut by a drain timeout or a reset for a complete one.
    private static readonly LingerOption ResetOnClose = new(true, 0);

    private readonly Socket _client;
    private readonly ServicePortRuntime _port;
    private Socket? _upstream;

    // While connecting: the attempt number; ConnectTimedOut once that attempt's timer fired first; 0 otherwise.
    private int _connectState;
    private int _closed;

    public ProxyConnection(Socket client, ServicePortRuntime port)
    {
        _client = client;
        _port = port;
    }

    /// <summary>Runs on the thread pool, so the accept loop goes straight back to accepting.</summary>
    public void Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        var service = _port.Service;
        var counters = service.Counters;
        counters.ConnectionOpened();
        Backend? backend = null;
        CancellationTokenRegistration closeRegistration = default;
        byte[]? buffer = null;
        try
        {
            _client.NoDelay = true;
            backend = await ConnectAsync(service.Settings).ConfigureAwait(false);
            if (backend is null)
            {
                return;
            }
            // Drain timeouts and host disposal close the connection through this; registering on an already cancelled
            // token runs the callback at once, so a connect that raced a drain's end still gets closed.
            closeRegistration = backend.CloseToken.UnsafeRegister(static state => ((ProxyConnection)state!).Abort(), this);

            buffer = ArrayPool<byte>.Shared.Rent(2 * BufferSize);
            var upload = PumpAsync(_client, _upstream!, buffer.AsMemory(0, BufferSize), fromClient: true);
            var download = PumpAsync(_upstream!, _client, buffer.AsMemory(BufferSize, BufferSize), fromClient: false);
            // Both run concurrently; neither throws. The buffer is only returned once both are done with it.
            await upload.ConfigureAwait(false);
            await download.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // E.g. the client reset before NoDelay could be set. Nothing to forward; just clean up.
            LoadBalancerLog.ConnectionFailed(service.Logger, e, service.Key, _port.Port);
            Abort();
        }
        finally
        {
            closeRegistration.Dispose();
            Close();
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            backend?.Exit();
            counters.ConnectionClosed();
        }
    }

    /// <summary>Connects to a backend picked by the policy, retrying others (each endpoint at most once) on failure.
    /// Returns the backend, entered and with <see cref="_upstream"/> connected; or null when no endpoint accepted the
    /// connection, and the caller closes the client.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Backend?> ConnectAsync(ServiceSettings settings)
    {
        var service = _port.Service;
        var pool = _port.Pool;
        var backend = pool.Pick(settings.Policy);
        if (backend is null)
        {
            LoadBalancerLog.NoEndpoints(service.Logger, service.Key, _port.Port);
            return null;
        }
        var attemptsLeft = pool.Current.All.Length;
        List<Backend>? tried = null;
        for (var attempt = 1; ; attempt++)
        {
            backend.Enter();
            Socket socket;
            try
            {
                socket = new Socket(backend.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            }
            catch
            {
                // Out of descriptors, say: our trouble, not the backend's, so no ejection; RunAsync closes the client.
                backend.Exit();
                throw;
            }
            _upstream = socket;
            Volatile.Write(ref _connectState, attempt);
            // The first attempt's timer needs no state of its own; retries are rare and may allocate.
            object timerState = attempt == 1 ? this : new RetryAttempt(this, attempt);
            var timer = service.TimeProvider.CreateTimer(
                static state =>
                {
                    if (state is ProxyConnection connection)
                    {
                        connection.ExpireConnect(1);
                    }
                    else
                    {
                        var retry = (RetryAttempt)state!;
                        retry.Connection.ExpireConnect(retry.Attempt);
                    }
                },
                timerState,
                settings.ConnectTimeout,
                Timeout.InfiniteTimeSpan);
            SocketError? error = null;
            try
            {
                // The token overload returns a ValueTask over the socket's cached event args; the other allocates a Task.
                await socket.ConnectAsync(backend.EndPoint, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // Refused, unreachable, or (ObjectDisposedException) closed under us by the timeout.
                error = e is SocketException socketError ? socketError.SocketErrorCode : SocketError.OperationAborted;
            }
            finally
            {
                timer.Dispose();
            }
            // The timer and the connect race; whoever moves the state first wins, so a connect the timer already
            // aborted counts as timed out even if it completed.
            var timedOut = Interlocked.Exchange(ref _connectState, 0) == ConnectTimedOut;
            if (error is null && !timedOut)
            {
                backend.CountConnection();
                return backend;
            }

            _upstream = null;
            socket.Dispose();
            backend.Exit();
            service.Counters.AddConnectFailure();
            LoadBalancerLog.ConnectFailed(service.Logger, service.Key, _port.Port, backend.EndPoint, timedOut ? "timed out" : error.GetValueOrDefault().ToString());
            pool.ReportConnectFailure(backend, settings.PassiveEjectionPeriod);
            (tried ??= []).Add(backend);
            if (--attemptsLeft <= 0 || (backend = pool.PickExcluding(settings.Policy, tried)) is null)
            {
                LoadBalancerLog.NoEndpointReachable(service.Logger, service.Key, _port.Port, tried.Count);
                return null;
            }
        }
    }

    private void ExpireConnect(int attempt)
    {
        // Only the attempt this timer was armed for: a late callback from an earlier attempt must not cut a later one.
        if (Interlocked.CompareExchange(ref _connectState, ConnectTimedOut, attempt) == attempt)
        {
            _upstream?.Dispose();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask PumpAsync(Socket from, Socket to, Memory<byte> buffer, bool fromClient)
    {
        var counters = _port.Service.Counters;
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    // Half-close: this side is done sending. Pass the FIN on and leave the other direction running,
                    // so a client that shuts down its send side still gets its response.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                if (fromClient)
                {
                    counters.AddBytesReceived(received);
                }
                var sent = 0;
                while (sent < received)
                {
                    sent += await to.SendAsync(buffer[sent..received], SocketFlags.None).ConfigureAwait(false);
                }
                if (!fromClient)
                {
                    counters.AddBytesSent(received);
                }
            }
        }
        catch (Exception)
        {
            // A reset on either side, or Abort closed the sockets under us: end both directions. Catching everything
            // keeps the invariant RunAsync relies on: a pump never throws, so both are awaited before the buffer goes.
            Abort();
        }
    }

    /// <summary>Closes both sockets abortively; idempotent and safe from any thread.</summary>
    private void Abort()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        Reset(_client);
        if (Volatile.Read(ref _upstream) is { } upstream)
        {
            Reset(upstream);
        }
    }

    /// <summary>Closes both sockets normally, after both directions ended (unless Abort got there first).</summary>
    private void Close()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _client.Dispose();
        _upstream?.Dispose();
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = ResetOnClose;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or closed: disposing is all that is left.
        }
        socket.Dispose();
    }

    private sealed class RetryAttempt(ProxyConnection connection, int attempt)
    {
        public ProxyConnection Connection { get; } = connection;

        public int Attempt { get; } = attempt;
    }
}
