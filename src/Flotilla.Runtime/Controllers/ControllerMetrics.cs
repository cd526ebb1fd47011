using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Flotilla.Runtime.Controllers;

/// <summary>
/// The controllers' metrics, on the meter <see cref="MeterName"/>; every measurement is tagged with
/// <c>controller</c> (its name).
/// </summary>
public static class ControllerMetrics
{
    /// <summary>The meter's name, for a listener or exporter to subscribe to.</summary>
    public const string MeterName = "Flotilla.Runtime";

    /// <summary>Counter: reconciles finished, tagged <c>result</c> (<c>done</c>, <c>requeue</c>,
    /// <c>requeue_after</c>, <c>error</c> or <c>cancelled</c>).</summary>
    public const string Reconciles = "flotilla.controller.reconciles";

    /// <summary>Counter: reconciles that threw.</summary>
    public const string ReconcileErrors = "flotilla.controller.reconcile.errors";

    /// <summary>Histogram, seconds: how long reconciles took, tagged <c>result</c>.</summary>
    public const string ReconcileDuration = "flotilla.controller.reconcile.duration";

    /// <summary>Gauge: keys waiting for a worker, per running controller.</summary>
    public const string QueueDepth = "flotilla.workqueue.depth";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> ReconcileCounter = Meter.CreateCounter<long>(Reconciles, "{reconcile}", "Reconciles finished.");
    private static readonly Counter<long> ErrorCounter = Meter.CreateCounter<long>(ReconcileErrors, "{reconcile}", "Reconciles that threw.");
    private static readonly Histogram<double> DurationHistogram = Meter.CreateHistogram<double>(ReconcileDuration, "s", "How long reconciles took.");
    private static readonly ConcurrentDictionary<object, Func<Measurement<int>>> Depths = new();
    private static readonly ObservableGauge<int> DepthGauge = Meter.CreateObservableGauge(QueueDepth, ObserveDepths, "{item}", "Keys waiting for a worker.");

    internal static void RecordReconcile(string controller, string result, TimeSpan elapsed, bool failed)
    {
        var tags = new TagList { { "controller", controller }, { "result", result } };
        ReconcileCounter.Add(1, tags);
        DurationHistogram.Record(elapsed.TotalSeconds, tags);
        if (failed)
        {
            ErrorCounter.Add(1, new KeyValuePair<string, object?>("controller", controller));
        }
    }

    /// <summary>Reports <paramref name="depth"/> under <paramref name="controller"/> until the result is disposed.</summary>
    internal static IDisposable TrackQueueDepth(string controller, Func<int> depth)
    {
        var registration = new DepthRegistration();
        var tag = new KeyValuePair<string, object?>("controller", controller);
        Depths[registration] = () => new Measurement<int>(depth(), tag);
        return registration;
    }

    private static IEnumerable<Measurement<int>> ObserveDepths() => Depths.Values.Select(observe => observe()).ToArray();

    private sealed class DepthRegistration : IDisposable
    {
        public void Dispose() => Depths.TryRemove(this, out _);
    }
}
