using System.Diagnostics;
using System.Globalization;

namespace Flotilla.LoadTest;

/// <summary>Order statistics of a set of latencies, in milliseconds (nearest-rank percentiles).</summary>
internal sealed record Percentiles(int Count, double Min, double P50, double P90, double P99, double Max)
{
    public static Percentiles Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        return new Percentiles(sorted.Length, sorted[0], Rank(sorted, 0.50), Rank(sorted, 0.90), Rank(sorted, 0.99), sorted[^1]);

        static double Rank(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"p50 {P50:F1} ms, p90 {P90:F1} ms, p99 {P99:F1} ms, min {Min:F1} ms, max {Max:F1} ms (n={Count:N0})");
}

/// <summary>The outcome of a closed-loop run: every client sends its next request when the previous one returns.</summary>
internal sealed record LoadResult(long Requests, long Errors, TimeSpan Elapsed, Percentiles Latency, TimeSpan ServerCpu, TimeSpan ClientCpu)
{
    public double Throughput => Requests / Elapsed.TotalSeconds;

    /// <summary>How much of one core the server used on average over the run (1.0 = one core busy).</summary>
    public double ServerCores => ServerCpu / Elapsed;

    /// <summary>
    /// CPU time per request, server and load test: on a shared machine these say more about cost than the
    /// throughput does, since they do not depend on how much CPU the run got.
    /// </summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Requests:N0} requests in {Elapsed.TotalSeconds:F1} s = {Throughput:N0}/s, errors {Errors}; latency {Latency}; " +
        $"server CPU {ServerCores:F2} cores = {ServerCpu.TotalMicroseconds / Math.Max(1, Requests):N0} µs/request; " +
        $"load test CPU {ClientCpu.TotalMicroseconds / Math.Max(1, Requests):N0} µs/request");
}

internal static class ClosedLoop
{
    /// <summary>
    /// Runs one request loop per client until <paramref name="duration"/> passes or <paramref name="maxRequests"/>
    /// were issued. <paramref name="send"/> gets the client index and a sequence number unique across clients, and
    /// returns whether the request succeeded.
    /// </summary>
    public static Task<LoadResult> RunAsync(
        ServerProcess server, HttpClient[] clients, Func<HttpClient, int, long, Task<bool>> send,
        TimeSpan duration, long maxRequests, CancellationToken cancellationToken) =>
        RunAsync(server, clients.Length, (index, sequence) => send(clients[index], index, sequence), duration, maxRequests, cancellationToken);

    /// <summary>As above, for <paramref name="callers"/> loops that share whatever client <paramref name="send"/> uses.</summary>
    public static async Task<LoadResult> RunAsync(
        ServerProcess server, int callers, Func<int, long, Task<bool>> send,
        TimeSpan duration, long maxRequests, CancellationToken cancellationToken)
    {
        var issued = -1L;
        var errors = 0L;
        var latencies = new List<double>[callers];
        var cpuBefore = server.CpuTime();
        var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(index => Task.Run(async () =>
        {
            var mine = latencies[index] = new List<double>(4096);
            long sequence;
            while (clock.Elapsed < duration && (sequence = Interlocked.Increment(ref issued)) < maxRequests)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var start = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    ok = await send(index, sequence).ConfigureAwait(false);
                }
                catch (HttpRequestException error)
                {
                    Console.Error.WriteLine($"  request failed: {error.Message}");
                    ok = false;
                }
                if (ok)
                {
                    mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var cpu = server.CpuTime() - cpuBefore;
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore;
        var all = latencies.SelectMany(l => l).ToList();
        return new LoadResult(all.Count, errors, elapsed, Percentiles.Of(all), cpu, clientCpu);
    }
}
