using System.Net.Sockets;

namespace Flotilla.LoadBalancer;

/// <summary>
/// Active TCP health checks for one service: each round connects to every current endpoint of every port and closes
/// again; one failed check ejects an endpoint and one successful check readmits it. The first round runs at once.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync disposes the token source; the service that started the checker always stops it.")]
internal sealed class ActiveHealthChecker
{
    private readonly ServiceRuntime _service;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ActiveHealthChecker(ServiceRuntime service, ActiveHealthCheckOptions options)
    {
        _service = service;
        Options = options;
        // Off the caller's thread (and any synchronization context), so AddOrUpdateAsync never waits on a check.
        _loop = Task.Run(RunAsync);
    }

    public ActiveHealthCheckOptions Options { get; }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var stopping = _stop.Token;
        try
        {
            while (true)
            {
                await CheckAllAsync(stopping).ConfigureAwait(false);
                await Task.Delay(Options.Interval, _service.TimeProvider, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped: the service was removed, its checks changed, or the host is disposed.
        }
    }

    private Task CheckAllAsync(CancellationToken stopping)
    {
        var checks = new List<Task>();
        foreach (var port in _service.Ports)
        {
            foreach (var backend in port.Pool.Current.All)
            {
                checks.Add(CheckAsync(port.Pool, backend, stopping));
            }
        }
        return Task.WhenAll(checks);
    }

    private async Task CheckAsync(BackendPool pool, Backend backend, CancellationToken stopping)
    {
        bool succeeded;
        using (var socket = new Socket(backend.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp))
        using (var timeout = new CancellationTokenSource(Options.Timeout, _service.TimeProvider))
        using (stopping.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timeout))
        {
            try
            {
                await socket.ConnectAsync(backend.EndPoint, timeout.Token).ConfigureAwait(false);
                succeeded = true;
            }
            catch (Exception e) when (!stopping.IsCancellationRequested && e is SocketException or OperationCanceledException)
            {
                LoadBalancerLog.ActiveCheckFailed(_service.Logger, _service.Key, pool.ServicePort, backend.EndPoint,
                    e is SocketException s ? s.SocketErrorCode.ToString() : "timed out");
                succeeded = false;
            }
        }
        pool.ReportActiveCheck(backend, succeeded);
    }
}
