using Flotilla.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.LeaderElection;

/// <summary>
/// Runs a component (typically a <see cref="Controllers.ControllerManager"/>) only while this process leads an
/// election, so that of several replicas exactly one reconciles at a time. Each term of leadership gets a fresh
/// component from the factory (controllers run once), started when the term begins and stopped, without a grace
/// period, the moment it ends: level-triggered controllers lose nothing by being cut short. After a term ends the
/// service competes again, until it is stopped.
/// </summary>
/// <remarks>
/// Stopping ends the current term, stops the component, and (with
/// <see cref="LeaderElectionOptions.ReleaseOnCancel"/>) releases the lease so that another replica takes over at
/// once. A component that fails to start ends its term; the service then waits one
/// <see cref="LeaderElectionOptions.LeaseDuration"/> before competing again, leaving the lease to others.
/// </remarks>
public sealed class LeaderElectedService : IHostedService, IAsyncDisposable
{
    private const string LoggerCategory = "Flotilla.Runtime.LeaderElection";

    private readonly LeaderElector _elector;
    private readonly Func<IHostedService> _createComponent;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private Task? _loop;
    private Task? _work;

    /// <param name="client">The client of the API server holding the Lease.</param>
    /// <param name="options">The election.</param>
    /// <param name="createComponent">Creates the component to run for one term; the service owns (stops and
    /// disposes) what it returns.</param>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public LeaderElectedService(KubernetesClient client, LeaderElectionOptions options, Func<IHostedService> createComponent)
    {
        ArgumentNullException.ThrowIfNull(createComponent);
        _createComponent = createComponent;
        _options = options;
        _elector = new LeaderElector(client, options, Callbacks());
        _logger = options.LoggerFactory.CreateLogger(LoggerCategory);
    }

    internal LeaderElectedService(ILeaseLock lease, LeaderElectionOptions options, Func<IHostedService> createComponent)
    {
        ArgumentNullException.ThrowIfNull(createComponent);
        _createComponent = createComponent;
        _options = options;
        _elector = new LeaderElector(lease, options, Callbacks());
        _logger = options.LoggerFactory.CreateLogger(LoggerCategory);
    }

    /// <summary>True while this service leads (and so runs its component).</summary>
    public bool IsLeader => _elector.IsLeader;

    /// <summary>The holder this service last saw; null before it has seen one.</summary>
    public string? Leader => _elector.Leader;

    /// <summary>Starts competing and returns; the component starts when leadership is acquired.</summary>
    /// <exception cref="InvalidOperationException">Already started, or stopped.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_loop is not null || _stopping.IsCancellationRequested)
            {
                throw new InvalidOperationException($"The leader-elected service {_options.Identity} was already started; it runs once.");
            }
            _loop = Task.Run(CompeteAsync, CancellationToken.None);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops competing: ends the current term (stopping the component) and releases the lease if configured,
    /// waiting for that until <paramref name="cancellationToken"/> is cancelled. Idempotent.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? loop;
        lock (_lock)
        {
            loop = _loop;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops, waiting as long as stopping takes.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private LeaderElectionCallbacks Callbacks() => new()
    {
        OnStartedLeading = leading =>
        {
            var work = RunComponentAsync(leading);
            _work = work;
            return work;
        },
    };

    private async Task CompeteAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            _work = null;
            await _elector.RunAsync(_stopping.Token).ConfigureAwait(false);
            if (_work is not { } work)
            {
                continue;
            }
            // One component at a time: the last term's must be gone before the next term may start one.
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Logged by the elector, which ended the term. Leave the lease to others for a while.
                try
                {
                    await Task.Delay(_options.LeaseDuration, _options.Time, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RunComponentAsync(CancellationToken leading)
    {
        // Yield first: the elector calls this inline and must not wait for the component to start.
        await Task.Yield();
        var component = _createComponent();
        try
        {
            await component.StartAsync(leading).ConfigureAwait(false);
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (leading.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), ended))
            {
                await ended.Task.ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (leading.IsCancellationRequested)
        {
            // The term ended while the component was starting.
        }
        finally
        {
            // No grace period: the lease may pass to another replica soon, and its component must not overlap ours.
            await component.StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
            switch (component)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
            LeaderElectionLog.ComponentStopped(_logger, _options.Identity);
        }
    }
}
