using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Flotilla.LoadTest;

/// <summary>What the load test was asked to do.</summary>
internal sealed record LoadTestOptions(
    string ServerDll,
    string Storage,
    Version Http,
    int Clients,
    TimeSpan Duration,
    TimeSpan Warmup,
    int GetObjects,
    int ListObjects,
    int ListRepetitions,
    int Watchers,
    int WatchWrites,
    int MemoryObjects,
    TimeSpan MemoryTimeLimit,
    int InformerRate,
    int Members,
    int Placements,
    int ClustersPerPlacement,
    int NamespaceObjects,
    TimeSpan StepTimeLimit,
    double HubQps,
    LogLevel LogLevel);

/// <summary>One reported figure and its target.</summary>
internal sealed record Figure(string Scenario, string Name, string Value, string Target, bool Met)
{
    public override string ToString() => Target.Length == 0
        ? $"{Scenario,-13} {Name,-34} {Value}"
        : $"{Scenario,-13} {Name,-34} {Value,-16} target {Target,-12} {(Met ? "met" : "MISSED")}";
}

/// <summary>The scenarios. Each starts its own server on a fresh data directory, so none sees another's objects.</summary>
internal static class Scenarios
{
    public static readonly string[] Names = ["creates", "gets", "list", "watch-fanout", "memory", "informer-lag", "client-gets"];

    /// <summary>Scenarios that take many minutes, run only by name (not by <c>all</c>).</summary>
    public static readonly string[] LongNames = ["propagation"];

    public static Task<List<Figure>> RunAsync(string name, LoadTestOptions options, CancellationToken cancellationToken) => name switch
    {
        "creates" => CreatesAsync(options, cancellationToken),
        "gets" => GetsAsync(options, cancellationToken),
        "list" => ListAsync(options, cancellationToken),
        "watch-fanout" => WatchFanoutAsync(options, cancellationToken),
        "memory" => MemoryAsync(options, cancellationToken),
        "informer-lag" => ClientScenarios.InformerLagAsync(options, cancellationToken),
        "client-gets" => ClientScenarios.ClientGetsAsync(options, cancellationToken),
        "propagation" => PropagationScenario.RunAsync(options, cancellationToken),
        _ => throw new ArgumentException($"unknown scenario '{name}'; use one of {string.Join(", ", [.. Names, .. LongNames])} or all", nameof(name)),
    };

    /// <summary>Clients POST 1 KiB ConfigMaps as fast as the server acknowledges them.</summary>
    private static async Task<List<Figure>> CreatesAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        var clients = api.Create(options.Clients);
        try
        {
            const string Ns = "bench-creates";
            await ApiClients.CreateNamespaceAsync(clients[0], Ns, cancellationToken).ConfigureAwait(false);
            var path = ApiClients.ConfigMaps(Ns);
            Func<HttpClient, int, long, Task<bool>> Create(string prefix) => async (client, _, sequence) =>
            {
                using var content = ApiClients.ConfigMap(prefix + sequence.ToString(CultureInfo.InvariantCulture));
                using var response = await client.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
                return Check(response, HttpStatusCode.Created);
            };
            var warmup = await ClosedLoop.RunAsync(server, clients, Create("warmup-"), options.Warmup, long.MaxValue, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  warm-up: {warmup}");
            var result = await ClosedLoop.RunAsync(server, clients, Create("cm-"), options.Duration, long.MaxValue, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  measured: {result}");
            return
            [
                new("creates", $"throughput ({options.Clients} clients)", $"{result.Throughput:N0}/s", "≥ 3,000/s", result.Throughput >= 3000 && result.Errors == 0),
                new("creates", "latency p50", Ms(result.Latency.P50), "", true),
                new("creates", "latency p99", Ms(result.Latency.P99), "≤ 50 ms", result.Latency.P99 <= 50),
            ];
        }
        finally
        {
            Dispose(clients);
        }
    }

    /// <summary>Clients GET existing objects (spread over <see cref="LoadTestOptions.GetObjects"/> names).</summary>
    private static async Task<List<Figure>> GetsAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        var clients = api.Create(options.Clients);
        try
        {
            const string Ns = "bench-gets";
            await ApiClients.CreateNamespaceAsync(clients[0], Ns, cancellationToken).ConfigureAwait(false);
            var filled = await ApiClients.FillAsync(clients, Ns, "cm-", options.GetObjects, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  created {options.GetObjects:N0} objects in {filled.TotalSeconds:F1} s");
            var path = ApiClients.ConfigMaps(Ns) + "/cm-";
            var objects = options.GetObjects;
            async Task<bool> Get(HttpClient client, int index, long sequence)
            {
                // A fixed stride visits every object in turn, differently per client.
                var i = (sequence * 7919 + index) % objects;
                using var response = await client.GetAsync(path + i.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
                return Check(response, HttpStatusCode.OK);
            }
            var warmup = await ClosedLoop.RunAsync(server, clients, Get, options.Warmup, long.MaxValue, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  warm-up: {warmup}");
            var result = await ClosedLoop.RunAsync(server, clients, Get, options.Duration, long.MaxValue, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  measured: {result}");
            return
            [
                new("gets", $"throughput ({options.Clients} clients)", $"{result.Throughput:N0}/s", "≥ 10,000/s", result.Throughput >= 10_000 && result.Errors == 0),
                new("gets", "latency p50", Ms(result.Latency.P50), "", true),
                new("gets", "latency p99", Ms(result.Latency.P99), "", true),
            ];
        }
        finally
        {
            Dispose(clients);
        }
    }

    /// <summary>One client lists a collection of <see cref="LoadTestOptions.ListObjects"/> objects, repeatedly.</summary>
    private static async Task<List<Figure>> ListAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        var fillers = api.Create(options.Clients);
        using var client = api.Create();
        try
        {
            const string Ns = "bench-list";
            await ApiClients.CreateNamespaceAsync(client, Ns, cancellationToken).ConfigureAwait(false);
            var filled = await ApiClients.FillAsync(fillers, Ns, "cm-", options.ListObjects, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  created {options.ListObjects:N0} objects in {filled.TotalSeconds:F1} s");
        }
        finally
        {
            Dispose(fillers);
        }

        var path = ApiClients.ConfigMaps("bench-list");
        // Warm-up lists (also the correctness check: the list must hold every object).
        long bytes = 0;
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
            await ApiClients.EnsureAsync(response, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            bytes = body.Length;
            using var document = JsonDocument.Parse(body);
            var count = document.RootElement.GetProperty("items").GetArrayLength();
            if (count != options.ListObjects)
            {
                throw new InvalidDataException($"the list returned {count} items, expected {options.ListObjects}");
            }
        }

        var times = new List<double>(options.ListRepetitions);
        for (var i = 0; i < options.ListRepetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await client.GetAsync(path, cancellationToken).ConfigureAwait(false);
            // GetAsync has read the whole body by now: the time is to the last byte.
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            await ApiClients.EnsureAsync(response, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
        }
        var latency = Percentiles.Of(times);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  full list of {options.ListObjects:N0} objects ({bytes / 1024.0 / 1024.0:F1} MiB) x {options.ListRepetitions}: {latency}"));
        return
        [
            new("list", $"list {options.ListObjects:N0} median", Ms(latency.P50), "≤ 200 ms", latency.P50 <= 200),
            new("list", $"list {options.ListObjects:N0} p99", Ms(latency.P99), "≤ 200 ms", latency.P99 <= 200),
        ];
    }

    /// <summary>
    /// <see cref="LoadTestOptions.Watchers"/> watch streams on one collection (each its own connection), then
    /// writes one at a time; per write, the time from the write's acknowledgement to each watcher's receipt.
    /// </summary>
    private static async Task<List<Figure>> WatchFanoutAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        using var writer = api.Create();
        const string Ns = "bench-watch";
        await ApiClients.CreateNamespaceAsync(writer, Ns, cancellationToken).ConfigureAwait(false);
        var path = ApiClients.ConfigMaps(Ns);
        var resourceVersion = await ApiClients.ResourceVersionAsync(writer, path, cancellationToken).ConfigureAwait(false);

        var writes = options.WatchWrites;
        var watchers = options.Watchers;
        var receipts = new long[writes, watchers];
        var pending = new int[writes];
        var delivered = new TaskCompletionSource[writes];
        for (var k = 0; k < writes; k++)
        {
            pending[k] = watchers;
            delivered[k] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = api.Create(watchers);
        var streams = new Task[watchers];
        try
        {
            var connect = Stopwatch.StartNew();
            using (var connecting = new SemaphoreSlim(32))
            {
                var opened = new Task[watchers];
                for (var w = 0; w < watchers; w++)
                {
                    await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
                    var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _ = started.Task.ContinueWith(_ => connecting.Release(), TaskScheduler.Default);
                    opened[w] = started.Task;
                    streams[w] = WatchAsync(clients[w], w, $"{path}?watch=true&resourceVersion={resourceVersion}", started, receipts, pending, delivered, stop.Token);
                }
                await Task.WhenAll(opened).ConfigureAwait(false);
            }
            Console.WriteLine($"  {watchers:N0} watches open in {connect.Elapsed.TotalSeconds:F1} s");

            var fromAck = new List<double>(writes * watchers);
            var fromSend = new List<double>(writes * watchers);
            var lastWatcher = new List<double>(writes);
            for (var k = 0; k < writes; k++)
            {
                // Spaced writes: each is measured alone, not queued behind the previous one's fan-out.
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
                var send = Stopwatch.GetTimestamp();
                using (var content = ApiClients.ConfigMap($"fanout-{k}"))
                using (var response = await writer.PostAsync(path, content, cancellationToken).ConfigureAwait(false))
                {
                    await ApiClients.EnsureAsync(response, HttpStatusCode.Created, cancellationToken).ConfigureAwait(false);
                }
                var ack = Stopwatch.GetTimestamp();
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                try
                {
                    await delivered[k].Task.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"write {k} reached only {watchers - Volatile.Read(ref pending[k])} of {watchers} watchers within 30 s");
                }
                var last = 0.0;
                for (var w = 0; w < watchers; w++)
                {
                    var received = receipts[k, w];
                    fromAck.Add(Milliseconds(ack, received));
                    fromSend.Add(Milliseconds(send, received));
                    last = Math.Max(last, Milliseconds(ack, received));
                }
                lastWatcher.Add(last);
            }
            // The server publishes a write to watchers and acknowledges it to the writer at the same moment (after
            // the commit), so a watcher often has the event before the writer has its response: such a receipt
            // counts as no delay. Send-to-receipt bounds the latency from above.
            var ackLatency = Percentiles.Of(fromAck.Select(l => Math.Max(0, l)));
            var sendLatency = Percentiles.Of(fromSend);
            Console.WriteLine($"  {writes} writes x {watchers:N0} watchers, acknowledgement to receipt (raw, negative = before the ack): {Percentiles.Of(fromAck)}");
            Console.WriteLine($"  acknowledgement to receipt (before the ack counts as 0): {ackLatency}");
            Console.WriteLine($"  send to receipt: {sendLatency}");
            Console.WriteLine($"  acknowledgement to last watcher, per write: {Percentiles.Of(lastWatcher.Select(l => Math.Max(0, l)))}");
            return
            [
                new("watch-fanout", $"ack→receipt p50 ({watchers:N0} watchers)", Ms(ackLatency.P50), "", true),
                new("watch-fanout", $"ack→receipt p99 ({watchers:N0} watchers)", Ms(ackLatency.P99), "≤ 100 ms", ackLatency.P99 <= 100),
                new("watch-fanout", "send→receipt p99 (upper bound)", Ms(sendLatency.P99), "", true),
            ];
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(streams.Where(s => s is not null)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            Dispose(clients);
        }
    }

    /// <summary>Reads one watch stream, stamping each event's arrival before anything else is done with it.</summary>
    private static async Task WatchAsync(
        HttpClient client, int watcher, string url, TaskCompletionSource started,
        long[,] receipts, int[] pending, TaskCompletionSource[] delivered, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            await ApiClients.EnsureAsync(response, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
            // The server registers the watch before it sends the headers, so from here every write reaches us.
            started.TrySetResult();
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                var now = Stopwatch.GetTimestamp();
                using var document = JsonDocument.Parse(line);
                var name = document.RootElement.GetProperty("object").GetProperty("metadata").GetProperty("name").GetString();
                if (name is not null && name.StartsWith("fanout-", StringComparison.Ordinal)
                    && int.TryParse(name.AsSpan("fanout-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k < pending.Length)
                {
                    receipts[k, watcher] = now;
                    if (Interlocked.Decrement(ref pending[k]) == 0)
                    {
                        delivered[k].TrySetResult();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped by the scenario.
        }
        catch (Exception error)
        {
            // Before the headers: fails the scenario's wait for the watches to open. After: the write waiting
            // for this watcher times out and names how many watchers it reached.
            started.TrySetException(error);
            Console.Error.WriteLine($"  watcher {watcher} failed: {error.Message}");
        }
    }

    /// <summary>Creates <see cref="LoadTestOptions.MemoryObjects"/> ConfigMaps and reads the server's peak RSS.</summary>
    private static async Task<List<Figure>> MemoryAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        var clients = api.Create(options.Clients);
        try
        {
            const string Ns = "bench-memory";
            await ApiClients.CreateNamespaceAsync(clients[0], Ns, cancellationToken).ConfigureAwait(false);
            var (idlePeak, idle) = server.Memory();
            Console.WriteLine($"  after start: VmHWM {Mib(idlePeak)}, VmRSS {Mib(idle)}");
            var path = ApiClients.ConfigMaps(Ns);
            async Task<bool> Create(HttpClient client, int index, long sequence)
            {
                using var content = ApiClients.ConfigMap("cm-" + sequence.ToString(CultureInfo.InvariantCulture));
                using var response = await client.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
                return Check(response, HttpStatusCode.Created);
            }
            var result = await ClosedLoop.RunAsync(server, clients, Create, options.MemoryTimeLimit, options.MemoryObjects, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  created: {result}");
            var stored = result.Requests;
            // One full list of everything: what an informer's initial sync asks of the server.
            var listStart = Stopwatch.GetTimestamp();
            using (var response = await clients[0].GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
            {
                await ApiClients.EnsureAsync(response, HttpStatusCode.OK, cancellationToken).ConfigureAwait(false);
                await response.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
            }
            Console.WriteLine($"  full list of {stored:N0} objects: {Stopwatch.GetElapsedTime(listStart).TotalMilliseconds:N0} ms");
            var (peak, current) = server.Memory();
            Console.WriteLine($"  with {stored:N0} objects stored: VmHWM {Mib(peak)}, VmRSS {Mib(current)}");
            return
            [
                new("memory", $"peak RSS, {stored:N0} × 1 KiB objects", Mib(peak), "≤ 1 GiB", peak <= 1L << 30 && stored == options.MemoryObjects),
            ];
        }
        finally
        {
            Dispose(clients);
        }
    }

    internal static async Task<ServerProcess> StartAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        var server = await ServerProcess.StartAsync(options.ServerDll, options.Storage, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  server pid {server.Pid} at {server.Url} ({options.Storage})");
        return server;
    }

    private static bool Check(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode == expected)
        {
            return true;
        }
        Console.Error.WriteLine($"  {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode}");
        return false;
    }

    internal static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    internal static string Ms(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:F1} ms");

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:N0} MiB");

    internal static void Dispose(HttpClient[] clients)
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
