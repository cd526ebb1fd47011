using System.Diagnostics;
using System.Globalization;

namespace Flotilla.LoadTest;

/// <summary>
/// While a step runs, prints every interval what the fleet did in it: the step's own progress, hub writes per second
/// by kind, reconciles per controller, queue depths, the CPU the process used and the load average. This is the
/// time series a miss is diagnosed from, with the hub agent's requests per second (what its QPS limit applies to).
/// </summary>
internal sealed class PropagationProgress : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _loop;

    private PropagationProgress(CancellationTokenSource stop, Task loop)
    {
        _stop = stop;
        _loop = loop;
    }

    public static PropagationProgress Start(
        Func<string> status, HubWriteCounter writes, ControllerActivity activity, HubAgentRequests requests, TimeSpan interval,
        CancellationToken cancellationToken)
    {
        var stop = new CancellationTokenSource();
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        var loop = Task.Run(async () =>
        {
            var start = Stopwatch.GetTimestamp();
            var lastWrites = writes.Counts();
            var lastReconciles = activity.Reconciles();
            var lastRequests = requests.Counts();
            var lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var last = start;
            try
            {
                while (true)
                {
                    await Task.Delay(interval, linked.Token).ConfigureAwait(false);
                    var now = Stopwatch.GetTimestamp();
                    var seconds = Stopwatch.GetElapsedTime(last, now).TotalSeconds;
                    var currentWrites = writes.Counts();
                    var currentReconciles = activity.Reconciles();
                    var currentRequests = requests.Counts();
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  [{Stopwatch.GetElapsedTime(start, now).TotalSeconds,5:F0} s] {status()}; CPU {(cpu - lastCpu).TotalSeconds / seconds:F2} cores; load {Program.LoadAverage()}"));
                    Console.WriteLine($"          hub writes: {HubWriteCounter.Describe(lastWrites, currentWrites, seconds)}");
                    Console.WriteLine($"          hub agent requests: {HubAgentRequests.Describe(lastRequests, currentRequests, seconds, top: 8)}");
                    Console.WriteLine($"          reconciles: {ControllerActivity.Describe(lastReconciles, currentReconciles)}; queues: {ControllerActivity.DescribeDepths(activity.Depths())}");
                    (lastWrites, lastReconciles, lastRequests, lastCpu, last) = (currentWrites, currentReconciles, currentRequests, cpu, now);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped with the step.
            }
            finally
            {
                linked.Dispose();
            }
        }, CancellationToken.None);
        return new PropagationProgress(stop, loop);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
