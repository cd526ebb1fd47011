using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Flotilla.Runtime.Controllers;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.Controllers;

public sealed class ControllerMetricsTests : IDisposable
{
    // Unique per test, since the meter is process-wide and other tests run alongside.
    private readonly string _name = $"metrics-{Guid.NewGuid():N}";
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Result)> _measurements = new();

    public ControllerMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ControllerMetrics.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? controller = null;
        string? result = null;
        foreach (var tag in tags)
        {
            switch (tag.Key)
            {
                case "controller":
                    controller = tag.Value as string;
                    break;
                case "result":
                    result = tag.Value as string;
                    break;
            }
        }
        if (controller == _name)
        {
            _measurements.Enqueue((instrument.Name, value, result));
        }
    }

    [Fact]
    public async Task Reconcile_FailsThenSucceeds_CountsResultsErrorsAndDurations()
    {
        var time = new ManualTimeProvider();
        var calls = Channel.CreateUnbounded<int>();
        var attempt = 0;
        await using var controller = new Controller<string>(
            _name,
            new DelegateReconciler<string>((_, _) =>
            {
                var current = Interlocked.Increment(ref attempt);
                calls.Writer.TryWrite(current);
                return current == 1 ? throw new InvalidOperationException("boom") : Task.FromResult(ReconcileResult.Done);
            }),
            new ControllerOptions { Time = time });
        await controller.StartAsync(default);

        controller.Queue.Add("a");
        await calls.Reader.ReadAsync().Within("the failing reconcile");
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromMilliseconds(5));
        await calls.Reader.ReadAsync().Within("the retry");
        await controller.Queue.ShutDownWithDrainAsync().Within("the retry to finish");

        var measured = _measurements.ToList();
        Assert.Equal(["error", "done"], measured.Where(m => m.Instrument == ControllerMetrics.Reconciles).Select(m => m.Result));
        Assert.Equal(1, measured.Where(m => m.Instrument == ControllerMetrics.ReconcileErrors).Sum(m => m.Value));
        Assert.Equal(2, measured.Count(m => m.Instrument == ControllerMetrics.ReconcileDuration));
    }

    [Fact]
    public async Task QueueDepth_KeysWaitingBehindBusyWorker_ReportedWhileRunning()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var controller = new Controller<string>(
            _name,
            new DelegateReconciler<string>(async (_, _) =>
            {
                started.TrySetResult();
                await gate.Task;
                return ReconcileResult.Done;
            }),
            new ControllerOptions { Time = new ManualTimeProvider() });
        await controller.StartAsync(default);
        controller.Queue.Add("a");
        await started.Task.Within("the first reconcile");
        controller.Queue.Add("b");
        controller.Queue.Add("c");

        _listener.RecordObservableInstruments();
        var whileRunning = _measurements.Where(m => m.Instrument == ControllerMetrics.QueueDepth).Select(m => m.Value).ToList();
        gate.SetResult();
        await controller.DisposeAsync();
        _measurements.Clear();
        _listener.RecordObservableInstruments();

        Assert.Equal([2], whileRunning);
        Assert.DoesNotContain(_measurements, m => m.Instrument == ControllerMetrics.QueueDepth);
    }
}
