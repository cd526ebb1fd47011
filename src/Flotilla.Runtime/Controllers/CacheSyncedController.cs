using Flotilla.Client.Informers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Runtime.Controllers;

/// <summary>
/// Runs a <see cref="Controller{TKey}"/> whose reconciler reads informers' caches: starting it starts the informers
/// (shared ones that already run are left as they are), waits until every one has synced, and only then starts the
/// controller's workers, so no reconcile ever sees a cache that has not yet been filled (where "not found" would
/// mean "not listed yet"). Keys that the informers' handlers queue meanwhile wait in the controller's queue.
/// </summary>
/// <typeparam name="TKey">The controller's key type.</typeparam>
public sealed class CacheSyncedController<TKey> : IHostedService, IAsyncDisposable
    where TKey : notnull, IEquatable<TKey>
{
    private readonly SharedInformer[] _informers;
    private readonly TimeSpan _syncTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private int _disposed;

    /// <param name="controller">The controller to start once the caches are synced; owned (disposed) by this.</param>
    /// <param name="informers">The informers the reconciler reads (not owned: their factory stops them).</param>
    /// <param name="syncTimeout">How long to wait for the caches before failing the start; default 2 minutes.</param>
    /// <param name="time">The clock of the timeout; default the system's.</param>
    /// <param name="loggerFactory">Where to log; default nowhere.</param>
    public CacheSyncedController(
        Controller<TKey> controller, IEnumerable<SharedInformer> informers, TimeSpan? syncTimeout = null, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(informers);
        Controller = controller;
        _informers = [.. informers];
        _syncTimeout = syncTimeout ?? TimeSpan.FromMinutes(2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_syncTimeout, TimeSpan.Zero, nameof(syncTimeout));
        _time = time ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Flotilla.Runtime.Controllers.Controller");
    }

    /// <summary>The controller run.</summary>
    public Controller<TKey> Controller { get; }

    /// <summary>The informers waited for.</summary>
    public IReadOnlyList<SharedInformer> Informers => _informers;

    /// <summary>
    /// Starts the informers, waits for their caches, then starts the controller. Returns once the workers run; a
    /// <see cref="StopAsync"/> meanwhile abandons the start (and the controller never runs).
    /// </summary>
    /// <exception cref="TimeoutException">A cache did not sync within the timeout; the message names the informers.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var informer in _informers)
        {
            informer.Start();
        }
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        using var timeout = new CancellationTokenSource(_syncTimeout, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(wait.Token, timeout.Token);
        CacheSyncLog.Waiting(_logger, Controller.Name, _informers.Length);
        try
        {
            await Task.WhenAll(_informers.Select(informer => informer.WaitForCacheSyncAsync(bounded.Token))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !wait.IsCancellationRequested)
        {
            var pending = string.Join(", ", _informers.Where(i => !i.HasSynced).Select(i => i.Mapping.QualifiedResource + (i.Namespace is null ? "" : $" in {i.Namespace}")));
            throw new TimeoutException($"Controller {Controller.Name}: the caches of {pending} did not sync within {_syncTimeout}; is the server reachable and the resource served?");
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return;
        }
        CacheSyncLog.Synced(_logger, Controller.Name);
        await Controller.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the controller (see <see cref="Controller{TKey}.StopAsync"/>), or abandons a start still waiting for the caches.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        await Controller.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the controller without a grace period and disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Controller.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }
}

internal static partial class CacheSyncLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller}: waiting for {Count} informer cache(s) to sync")]
    public static partial void Waiting(ILogger logger, string controller, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller {Controller}: caches synced; starting workers")]
    public static partial void Synced(ILogger logger, string controller);
}
