using Microsoft.Extensions.Hosting;

namespace Flotilla.Runtime.Controllers;

/// <summary>
/// Runs a set of components as one: the controllers of a hub or of a member agent, with whatever feeds them.
/// Starts them in order (a failed start stops those already started) and stops them all at once, so many
/// controllers shut down within one grace period rather than one after another. An
/// <see cref="IHostedService"/>, so the CLI can compose a hub, members and a load balancer in one process.
/// </summary>
public sealed class ControllerManager : IHostedService, IAsyncDisposable
{
    private readonly IHostedService[] _components;
    private readonly Lock _lock = new();
    private readonly List<IHostedService> _started = [];

    /// <param name="components">What to run, in start order; the manager owns them (disposes them).</param>
    public ControllerManager(IEnumerable<IHostedService> components)
    {
        ArgumentNullException.ThrowIfNull(components);
        _components = [.. components];
    }

    /// <summary>Starts every component in order.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var component in _components)
        {
            try
            {
                await component.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await StopAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            lock (_lock)
            {
                _started.Add(component);
            }
        }
    }

    /// <summary>Stops every started component concurrently, sharing <paramref name="cancellationToken"/> as
    /// the end of their grace periods.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        IHostedService[] started;
        lock (_lock)
        {
            started = [.. _started];
            _started.Clear();
        }
        return Task.WhenAll(started.Select(component => component.StopAsync(cancellationToken)));
    }

    /// <summary>Stops without a grace period, then disposes the components.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync(new CancellationToken(canceled: true)).ConfigureAwait(false);
        foreach (var component in _components)
        {
            switch (component)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }
}
