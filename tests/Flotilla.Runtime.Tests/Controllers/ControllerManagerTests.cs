using System.Threading.Channels;
using Flotilla.Runtime.Controllers;
using Flotilla.Testing;
using Microsoft.Extensions.Hosting;

namespace Flotilla.Runtime.Tests.Controllers;

public sealed class ControllerManagerTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task StartAsync_ControllersOfDifferentKeyTypes_AllReconcileAndStopTogether()
    {
        var seen = Channel.CreateUnbounded<string>();
        var byName = new Controller<string>("by-name", new DelegateReconciler<string>((key, _) =>
        {
            seen.Writer.TryWrite($"by-name {key}");
            return Task.FromResult(ReconcileResult.Done);
        }), new ControllerOptions { Time = _time });
        var byObject = new Controller<NamespacedName>("by-object", new DelegateReconciler<NamespacedName>((key, _) =>
        {
            seen.Writer.TryWrite($"by-object {key}");
            return Task.FromResult(ReconcileResult.Done);
        }), new ControllerOptions { Time = _time, Workers = 2 });
        await using var manager = new ControllerManager([byName, byObject]);

        await manager.StartAsync(default);
        byName.Queue.Add("a");
        byObject.Queue.Add(new NamespacedName("fleet-system", "hub"));
        var first = await seen.Reader.ReadAsync().Within("the first reconcile");
        var second = await seen.Reader.ReadAsync().Within("the second reconcile");
        await manager.StopAsync(default).Within("the manager to stop");

        Assert.Equal(["by-name a", "by-object fleet-system/hub"], new[] { first, second }.Order());
        Assert.True(byName.Queue.IsShuttingDown);
        Assert.True(byObject.Queue.IsShuttingDown);
    }

    [Fact]
    public async Task StartAsync_ComponentFails_StopsStartedOnesAndThrows()
    {
        var started = new Controller<string>("started", new DelegateReconciler<string>((_, _) => Task.FromResult(ReconcileResult.Done)), new ControllerOptions { Time = _time });
        var neverStarted = new Controller<string>("never-started", new DelegateReconciler<string>((_, _) => Task.FromResult(ReconcileResult.Done)), new ControllerOptions { Time = _time });
        await using var manager = new ControllerManager([started, new FailingService(), neverStarted]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => manager.StartAsync(default));

        Assert.True(started.Queue.IsShuttingDown);
        Assert.False(neverStarted.Queue.IsShuttingDown);
    }

    private sealed class FailingService : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("cannot start");

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
