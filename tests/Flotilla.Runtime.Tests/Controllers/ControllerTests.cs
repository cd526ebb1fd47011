using System.Threading.Channels;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.WorkQueue;
using Flotilla.Testing;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Tests.Controllers;

public sealed class ControllerTests : IAsyncDisposable
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private readonly ManualTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly Channel<(string Key, DateTimeOffset At)> _calls = Channel.CreateUnbounded<(string, DateTimeOffset)>();
    private readonly List<IAsyncDisposable> _owned = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }
    }

    private Controller<string> Create(Func<string, int, CancellationToken, Task<ReconcileResult>> reconcile, int workers = 1, TimeSpan? shutdownTimeout = null)
    {
        var attempts = new Dictionary<string, int>();
        var controller = new Controller<string>(
            "widgets",
            new DelegateReconciler<string>((key, cancellationToken) =>
            {
                int attempt;
                lock (attempts)
                {
                    attempt = attempts[key] = attempts.GetValueOrDefault(key) + 1;
                }
                _calls.Writer.TryWrite((key, _time.GetUtcNow()));
                return reconcile(key, attempt, cancellationToken);
            }),
            new ControllerOptions
            {
                Workers = workers,
                Time = _time,
                LoggerFactory = _logs,
                ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(30),
            },
            new ExponentialBackoffRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1)));
        _owned.Add(controller);
        return controller;
    }

    private async Task<(string Key, TimeSpan At)> NextCallAsync()
    {
        var (key, at) = await _calls.Reader.ReadAsync().Within("the next reconcile");
        return (key, at - ManualTimeProvider.DefaultStart);
    }

    private static Task<ReconcileResult> Done() => Task.FromResult(ReconcileResult.Done);

    /// <summary>Lets the workers finish everything queued or due to run again, so no further reconcile can come.</summary>
    private static Task QuiesceAsync(Controller<string> controller) => controller.Queue.ShutDownWithDrainAsync().Within("the controller's queue to drain");

    [Fact]
    public async Task Reconcile_KeyAdded_ReconciledOnceAndRetriesForgotten()
    {
        var controller = Create((_, _, _) => Done());
        await controller.StartAsync(default);

        controller.Queue.Add("a");
        var call = await NextCallAsync();
        await QuiesceAsync(controller);

        Assert.Equal(("a", TimeSpan.Zero), call);
        Assert.False(_calls.Reader.TryRead(out _), "reconciled more than once");
        Assert.Equal(0, controller.Queue.NumRequeues("a"));
    }

    [Fact]
    public async Task Reconcile_AddedHundredTimesWhileReconciling_RunsExactlyOnceMore()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var controller = Create(async (_, attempt, _) =>
        {
            if (attempt == 1)
            {
                await gate.Task;
            }
            return ReconcileResult.Done;
        }, workers: 4);
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await NextCallAsync();

        for (var i = 0; i < 100; i++)
        {
            controller.Queue.Add("a");
        }
        var startedWhileFirstRan = _calls.Reader.TryRead(out _);
        gate.SetResult();
        await NextCallAsync();
        await QuiesceAsync(controller);

        Assert.False(startedWhileFirstRan, "a second worker reconciled the key while the first still was");
        Assert.False(_calls.Reader.TryRead(out _), "reconciled a third time");
    }

    [Fact]
    public async Task Reconcile_ManyWorkersRandomAdds_NeverConcurrentForOneKeyAndEveryAddSeen()
    {
        const int Keys = 12;
        var active = new int[Keys];
        var lastAdded = new long[Keys];
        var lastStarted = new long[Keys];
        var sequence = 0L;
        var overlaps = 0;
        var controller = new Controller<int>(
            "stress",
            new DelegateReconciler<int>(async (key, _) =>
            {
                Volatile.Write(ref lastStarted[key], Interlocked.Increment(ref sequence));
                if (Interlocked.Increment(ref active[key]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }
                await Task.Yield();
                Interlocked.Decrement(ref active[key]);
                return ReconcileResult.Done;
            }),
            new ControllerOptions { Workers = 8, Time = _time });
        _owned.Add(controller);
        await controller.StartAsync(default);

        var random = new Random(424242);
        for (var i = 0; i < 10_000; i++)
        {
            var key = random.Next(Keys);
            Volatile.Write(ref lastAdded[key], Interlocked.Increment(ref sequence));
            controller.Queue.Add(key);
            if (random.Next(4) == 0)
            {
                await Task.Yield();
            }
        }
        await controller.Queue.ShutDownWithDrainAsync().Within("the stress run to drain");

        Assert.Equal(0, overlaps);
        for (var key = 0; key < Keys; key++)
        {
            Assert.True(lastStarted[key] > lastAdded[key], $"key {key} was added at {lastAdded[key]} but last reconciled from {lastStarted[key]}");
        }
    }

    [Fact]
    public async Task Reconcile_ReturnsRequeueAfter_ReconciledAgainExactlyAfterDelay()
    {
        var controller = Create((_, attempt, _) => Task.FromResult(attempt == 1 ? ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)) : ReconcileResult.Done));
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await NextCallAsync();
        await _time.WaitForTimersAsync(1);

        _time.Advance(TimeSpan.FromSeconds(30) - OneTick);
        var pendingJustBefore = _time.PendingTimerCount;
        _time.Advance(OneTick);

        Assert.Equal(1, pendingJustBefore);
        Assert.Equal(("a", TimeSpan.FromSeconds(30)), await NextCallAsync());
        await QuiesceAsync(controller);
        Assert.Equal(0, controller.Queue.NumRequeues("a"));
    }

    [Fact]
    public async Task Reconcile_ReturnsRequeue_RetriedWithDoublingBackoffThenForgotten()
    {
        var controller = Create((_, attempt, _) => Task.FromResult(attempt <= 3 ? ReconcileResult.Requeue : ReconcileResult.Done));
        await controller.StartAsync(default);
        controller.Queue.Add("a");

        var times = new List<double> { (await NextCallAsync()).At.TotalMilliseconds };
        foreach (var backoff in new[] { 5, 10, 20 })
        {
            await _time.WaitForTimersAsync(1);
            _time.Advance(TimeSpan.FromMilliseconds(backoff));
            times.Add((await NextCallAsync()).At.TotalMilliseconds);
        }
        await QuiesceAsync(controller);

        Assert.Equal([0, 5, 15, 35], times);
        Assert.Equal(0, controller.Queue.NumRequeues("a"));
    }

    [Fact]
    public async Task Reconcile_Throws_RetriedWithBackoffAndLoggedInScope()
    {
        var controller = Create((_, attempt, _) => attempt <= 2 ? throw new InvalidOperationException($"boom {attempt}") : Done());
        await controller.StartAsync(default);
        controller.Queue.Add("ns/a");

        var times = new List<double> { (await NextCallAsync()).At.TotalMilliseconds };
        foreach (var backoff in new[] { 5, 10 })
        {
            await _time.WaitForTimersAsync(1);
            _time.Advance(TimeSpan.FromMilliseconds(backoff));
            times.Add((await NextCallAsync()).At.TotalMilliseconds);
        }
        await QuiesceAsync(controller);

        Assert.Equal([0, 5, 15], times);
        var failures = _logs.Entries.Where(entry => entry.Level == LogLevel.Error).ToList();
        Assert.Equal(["boom 1", "boom 2"], failures.Select(entry => entry.Exception?.Message));
        Assert.Equal("Reconcile of ns/a failed (retry 1); retrying with backoff", failures[0].Message);
        Assert.All(failures, entry =>
        {
            Assert.Equal("widgets", entry.ScopeProperties["Controller"]);
            Assert.Equal("ns/a", entry.ScopeProperties["Key"]);
        });
        Assert.Equal(0, controller.Queue.NumRequeues("ns/a"));
    }

    [Fact]
    public async Task StopAsync_IdleWorkers_CompletesAndReleasesTimers()
    {
        var controller = Create((_, _, _) => Done(), workers: 3);
        await controller.StartAsync(default);

        await controller.StopAsync(default).Within("the stop");

        Assert.True(controller.Queue.IsShuttingDown);
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public async Task StopAsync_InFlightReconcile_WaitsForItWithoutCancelling()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelledInFlight = true;
        var controller = Create(async (_, _, cancellationToken) =>
        {
            await gate.Task;
            cancelledInFlight = cancellationToken.IsCancellationRequested;
            return ReconcileResult.Done;
        });
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await NextCallAsync();

        var stop = controller.StopAsync(default);
        await _time.WaitForTimersAsync(1);
        controller.Queue.Add("b");
        var stoppedEarly = stop.IsCompleted;
        gate.SetResult();
        await stop.Within("the stop after the in-flight reconcile finished");

        Assert.False(stoppedEarly);
        Assert.False(cancelledInFlight);
        Assert.False(_calls.Reader.TryRead(out _), "reconciled a key added while stopping");
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public async Task StopAsync_InFlightPastShutdownTimeout_CancelsReconcile()
    {
        var controller = Create(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return ReconcileResult.Done;
        }, shutdownTimeout: TimeSpan.FromSeconds(10));
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await NextCallAsync();

        var stop = controller.StopAsync(default);
        await _time.WaitForTimersAsync(1);
        _time.Advance(TimeSpan.FromSeconds(10) - OneTick);
        var stoppedEarly = stop.IsCompleted;
        _time.Advance(OneTick);
        await stop.Within("the stop after cancelling the reconcile");

        Assert.False(stoppedEarly);
        Assert.Contains(_logs.Entries, entry => entry.Level == LogLevel.Warning && entry.Message.Contains("1 reconcile(s) still running", StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, entry => entry.Message == "Reconcile of a cancelled: the controller is stopping");
    }

    [Fact]
    public async Task StopAsync_TokenAlreadyCancelled_CancelsInFlightAtOnce()
    {
        var controller = Create(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return ReconcileResult.Done;
        });
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await NextCallAsync();

        await controller.StopAsync(new CancellationToken(canceled: true)).Within("the stop");

        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public async Task DisposeAsync_DuringGracefulStop_CancelsInFlightWithoutWaitingForTimeout()
    {
        var controller = Create(async (_, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return ReconcileResult.Done;
        });
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await NextCallAsync();
        var stop = controller.StopAsync(default);
        await _time.WaitForTimersAsync(1);

        await controller.DisposeAsync().AsTask().Within("the dispose");

        Assert.True(stop.IsCompletedSuccessfully);
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public async Task StopAsync_CalledTwice_ReturnsSameStop()
    {
        var controller = Create((_, _, _) => Done());
        await controller.StartAsync(default);

        var first = controller.StopAsync(default);
        var second = controller.StopAsync(default);

        Assert.Same(first, second);
        await first.Within("the stop");
    }

    [Fact]
    public async Task StartAsync_Twice_Throws()
    {
        var controller = Create((_, _, _) => Done());
        await controller.StartAsync(default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => controller.StartAsync(default));
    }

    [Fact]
    public async Task StartAsync_AfterStop_Throws()
    {
        var controller = Create((_, _, _) => Done());
        await controller.StopAsync(default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => controller.StartAsync(default));
    }

    [Fact]
    public void Constructor_NoWorkers_ThrowsNamingOption()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new Controller<string>("widgets", new DelegateReconciler<string>((_, _) => Done()), new ControllerOptions { Workers = 0 }));

        Assert.Equal(nameof(ControllerOptions.Workers), error.ParamName);
    }
}
