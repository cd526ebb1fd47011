using Flotilla.Runtime.WorkQueue;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Controllers;

/// <summary>
/// Runs one reconciler: <see cref="ControllerOptions.Workers"/> workers take keys from <see cref="Queue"/> and
/// reconcile them, never the same key twice at once, each reconcile in its own logging scope (controller and
/// key). After a reconcile: <see cref="ReconcileAction.Done"/> forgets the key's retries,
/// <see cref="ReconcileAction.Requeue"/> and exceptions add it back with backoff,
/// <see cref="ReconcileAction.RequeueAfter"/> adds it back after the delay.
/// </summary>
/// <remarks>
/// Event sources (informers, other controllers) feed it through <see cref="Queue"/>. Start once and stop once:
/// <see cref="StopAsync"/> stops taking keys, lets in-flight reconciles finish within
/// <see cref="ControllerOptions.ShutdownTimeout"/>, then cancels them and waits for them to return. As an
/// <see cref="IHostedService"/> it runs under a generic host directly or in a <see cref="ControllerManager"/>.
/// </remarks>
/// <typeparam name="TKey">The key type; <see cref="NamespacedName"/> for most controllers.</typeparam>
public sealed class Controller<TKey> : IHostedService, IAsyncDisposable
    where TKey : notnull, IEquatable<TKey>
{
    private const string LoggerCategory = "Flotilla.Runtime.Controllers.Controller";

    private readonly IReconciler<TKey> _reconciler;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _cancelReconciles = new();
    private readonly Lock _lock = new();
    private Task? _workers;
    private Task? _stopping;
    private IDisposable? _depthTracking;
    private int _inFlight;

    /// <param name="name">The controller's name, in logs and metrics: <c>placement</c>, say.</param>
    /// <param name="reconciler">What to run for each key.</param>
    /// <param name="options">How to run; defaults when null.</param>
    /// <param name="rateLimiter">The backoff for retries; <see cref="RateLimiters.CreateDefault{TKey}"/> when null.</param>
    public Controller(string name, IReconciler<TKey> reconciler, ControllerOptions? options = null, IRateLimiter<TKey>? rateLimiter = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(reconciler);
        options ??= new ControllerOptions();
        options.Validate();
        Name = name;
        _reconciler = reconciler;
        _options = options;
        _logger = options.LoggerFactory.CreateLogger(LoggerCategory);
        Queue = new WorkQueue<TKey>(rateLimiter ?? RateLimiters.CreateDefault<TKey>(options.Time), options.Time);
    }

    /// <summary>The controller's name.</summary>
    public string Name { get; }

    /// <summary>The keys to reconcile: add to it from event handlers.</summary>
    public WorkQueue<TKey> Queue { get; }

    /// <summary>Starts the workers and returns; they run until <see cref="StopAsync"/>.</summary>
    /// <exception cref="InvalidOperationException">Already started, or stopped.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_workers is not null || _stopping is not null)
            {
                throw new InvalidOperationException($"Controller {Name} was already started; a controller runs once.");
            }
            ControllerLog.Starting(_logger, Name, _options.Workers);
            _depthTracking = ControllerMetrics.TrackQueueDepth(Name, () => Queue.Count);
            _workers = Task.WhenAll(Enumerable.Range(0, _options.Workers).Select(_ => Task.Run(RunWorkerAsync, CancellationToken.None)));
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops taking keys (queued keys are dropped: level-triggered controllers resync on the next start), waits
    /// for in-flight reconciles until <see cref="ControllerOptions.ShutdownTimeout"/> has passed or
    /// <paramref name="cancellationToken"/> is cancelled, then cancels them and waits for them to return.
    /// Idempotent.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // StopCoreAsync shuts the queue down before its first await, so once StopAsync returns no key is
            // taken any more. Only Start and Stop take _lock; workers never do.
            return _stopping ??= StopCoreAsync(cancellationToken);
        }
    }

    /// <summary>Stops without a grace period: in-flight reconciles are cancelled at once, also when a graceful
    /// stop is already under way.</summary>
    public async ValueTask DisposeAsync()
    {
        var stop = StopAsync(new CancellationToken(canceled: true));
        if (!stop.IsCompleted)
        {
            await _cancelReconciles.CancelAsync().ConfigureAwait(false);
        }
        await stop.ConfigureAwait(false);
        _cancelReconciles.Dispose();
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        Queue.ShutDown();
        var workers = _workers;
        if (workers is null)
        {
            return;
        }
        if (!workers.IsCompleted)
        {
            using var graceOver = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var grace = Task.Delay(_options.ShutdownTimeout, _options.Time, graceOver.Token);
            await Task.WhenAny(workers, grace).ConfigureAwait(false);
            // Release the grace timer whichever finished first.
            await graceOver.CancelAsync().ConfigureAwait(false);
            if (!workers.IsCompleted)
            {
                // Idle workers may simply not have seen the shutdown yet, and a stop without grace (DisposeAsync) means
                // to interrupt: only reconciles cut short by an expired grace period are worth a warning.
                if (Volatile.Read(ref _inFlight) is var inFlight and > 0 && !cancellationToken.IsCancellationRequested)
                {
                    ControllerLog.CancellingInFlight(_logger, Name, inFlight);
                }
                await _cancelReconciles.CancelAsync().ConfigureAwait(false);
            }
        }
        // Workers never throw; they return once their reconcile has.
        await workers.ConfigureAwait(false);
        _depthTracking?.Dispose();
        ControllerLog.Stopped(_logger, Name);
    }

    private async Task RunWorkerAsync()
    {
        while (true)
        {
            var (key, shutDown) = await Queue.GetAsync().ConfigureAwait(false);
            if (shutDown)
            {
                return;
            }
            Interlocked.Increment(ref _inFlight);
            try
            {
                await ReconcileAsync(key).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
                Queue.Done(key);
            }
        }
    }

    private async Task ReconcileAsync(TKey key)
    {
        var keyText = key.ToString() ?? string.Empty;
        using var scope = ControllerLog.BeginReconcileScope(_logger, Name, keyText);
        var started = _options.Time.GetTimestamp();
        string outcome;
        var failed = false;
        try
        {
            var result = await _reconciler.ReconcileAsync(key, _cancelReconciles.Token).ConfigureAwait(false);
            outcome = Apply(key, result);
            var elapsedMilliseconds = _options.Time.GetElapsedTime(started).TotalMilliseconds;
            ControllerLog.Reconciled(_logger, keyText, result, elapsedMilliseconds);
        }
        catch (OperationCanceledException) when (_cancelReconciles.IsCancellationRequested)
        {
            // Stopping: the queue takes no more keys, so there is nothing to retry.
            outcome = "cancelled";
            ControllerLog.ReconcileCancelled(_logger, keyText);
        }
        catch (Exception exception)
        {
            outcome = "error";
            failed = true;
            var retry = Queue.NumRequeues(key) + 1;
            ControllerLog.ReconcileFailed(_logger, exception, keyText, retry);
            Queue.AddRateLimited(key);
        }
        ControllerMetrics.RecordReconcile(Name, outcome, _options.Time.GetElapsedTime(started), failed);
    }

    private string Apply(TKey key, ReconcileResult result)
    {
        switch (result.Action)
        {
            case ReconcileAction.Requeue:
                Queue.AddRateLimited(key);
                return "requeue";
            case ReconcileAction.RequeueAfter:
                Queue.Forget(key);
                Queue.AddAfter(key, result.Delay);
                return "requeue_after";
            default:
                Queue.Forget(key);
                return "done";
        }
    }
}
