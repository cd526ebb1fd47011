using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Client.Informers;

namespace Flotilla.LoadTest;

/// <summary>
/// Scenarios of Flotilla's own client (<c>Flotilla.Client</c>) against the server process: an informer under a steady
/// write rate, and GETs through one shared <see cref="KubernetesClient"/>.
/// </summary>
internal static class ClientScenarios
{
    private static readonly ResourceMapping ConfigMaps = new("", "v1", "configmaps", "ConfigMap", namespaced: true);

    /// <summary>
    /// One informer on a namespace's ConfigMaps while <see cref="LoadTestOptions.Clients"/> writers create 1 KiB
    /// ConfigMaps at <see cref="LoadTestOptions.InformerRate"/> per second (open loop: write i is sent at
    /// start + i / rate, whatever the server's latency), for <see cref="LoadTestOptions.Warmup"/> unmeasured, then
    /// <see cref="LoadTestOptions.Duration"/> measured. Lag per write: the informer's handler receiving the ADDED
    /// event minus the writer receiving the 201.
    /// </summary>
    public static async Task<List<Figure>> InformerLagAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await Scenarios.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        var writers = api.Create(options.Clients);
        const string Ns = "bench-informer";
        try
        {
            await ApiClients.CreateNamespaceAsync(writers[0], Ns, cancellationToken).ConfigureAwait(false);
            var client = KubernetesClient.FromKubeConfigFile(server.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });
            await using var factory = new SharedInformerFactory(client);
            var informer = factory.For(ConfigMaps, Ns);
            var total = (int)(options.InformerRate * options.Duration.TotalSeconds);
            var receipts = new long[total];
            var received = 0;
            var warmupReceived = 0;
            var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            informer.AddEventHandler(onAdd: obj =>
            {
                // Stamped first: the lag includes nothing of the measurement's own.
                var now = Stopwatch.GetTimestamp();
                var name = (obj["metadata"] as JsonObject)?["name"]?.GetValue<string>() ?? "";
                if (name.StartsWith("lag-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out var i))
                {
                    receipts[i] = now;
                    if (Interlocked.Increment(ref received) == total)
                    {
                        allReceived.TrySetResult();
                    }
                }
                else
                {
                    Interlocked.Increment(ref warmupReceived);
                }
            });
            factory.Start();
            await informer.WaitForCacheSyncAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);

            var warmupWrites = (int)(options.InformerRate * options.Warmup.TotalSeconds);
            var warmup = await OpenLoopAsync(writers, Ns, "warm-", warmupWrites, options.InformerRate, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  warm-up: {warmupWrites:N0} writes at {warmup.Rate:N0}/s, errors {warmup.Errors}"));

            var cpuBefore = server.CpuTime();
            var ownCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var run = await OpenLoopAsync(writers, Ns, "lag-", total, options.InformerRate, cancellationToken).ConfigureAwait(false);
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                timeout.CancelAfter(TimeSpan.FromSeconds(60));
                try
                {
                    await allReceived.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new TimeoutException($"the informer received {Volatile.Read(ref received):N0} of {total:N0} events within 60 s of the last write");
                }
            }
            var serverCpu = server.CpuTime() - cpuBefore;
            var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuBefore;
            var lastReceipt = receipts.Max();
            var eventRate = total / Scenarios.Milliseconds(run.Start, lastReceipt) * 1000;
            var fromAck = Enumerable.Range(0, total).Select(i => Scenarios.Milliseconds(run.Acks[i], receipts[i])).ToList();
            var fromSend = Enumerable.Range(0, total).Select(i => Scenarios.Milliseconds(run.Sends[i], receipts[i])).ToList();
            var lag = Percentiles.Of(fromAck.Select(l => Math.Max(0, l)));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {total:N0} writes offered at {options.InformerRate:N0}/s, sent at {run.Rate:N0}/s (errors {run.Errors}); the informer received all {total:N0}, {eventRate:N0} events/s from the first send to the last receipt"));
            Console.WriteLine($"  write latency (send to 201): {Percentiles.Of(Enumerable.Range(0, total).Select(i => Scenarios.Milliseconds(run.Sends[i], run.Acks[i])))}");
            Console.WriteLine($"  lag, acknowledgement to handler (raw, negative = before the ack): {Percentiles.Of(fromAck)}");
            Console.WriteLine($"  lag, acknowledgement to handler (before the ack counts as 0): {lag}");
            Console.WriteLine($"  send to handler: {Percentiles.Of(fromSend)}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  server CPU {serverCpu.TotalMicroseconds / total:N0} µs/write; load test (writers + informer) CPU {ownCpu.TotalMicroseconds / total:N0} µs/write; informer cache {informer.Lister.Count:N0} objects"));
            var keptUp = run.Errors == 0 && run.Rate >= options.InformerRate * 0.98;
            return
            [
                new("informer-lag", "events/s delivered to the handler", $"{eventRate:N0}/s", $"≥ {options.InformerRate:N0}/s ± 2 %", keptUp && eventRate >= options.InformerRate * 0.98),
                new("informer-lag", "lag ack→handler p50", Scenarios.Ms(lag.P50), "", true),
                new("informer-lag", "lag ack→handler p99", Scenarios.Ms(lag.P99), "≤ 50 ms", lag.P99 <= 50),
                new("informer-lag", "send→handler p99 (upper bound)", Scenarios.Ms(Percentiles.Of(fromSend).P99), "", true),
            ];
        }
        finally
        {
            Scenarios.Dispose(writers);
        }
    }

    /// <summary>
    /// <see cref="LoadTestOptions.Clients"/> concurrent callers GET 1 KiB ConfigMaps through one shared
    /// <see cref="KubernetesClient"/> (its connection pool: HTTP/2 over TLS, as negotiated; client-side rate limit
    /// off), each decoding the response into a <see cref="JsonObject"/>; 10 s warm-up, 10 s measured.
    /// </summary>
    public static async Task<List<Figure>> ClientGetsAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        await using var server = await Scenarios.StartAsync(options, cancellationToken).ConfigureAwait(false);
        var api = new ApiClients(server, options.Http);
        var fillers = api.Create(options.Clients);
        const string Ns = "bench-client-gets";
        try
        {
            await ApiClients.CreateNamespaceAsync(fillers[0], Ns, cancellationToken).ConfigureAwait(false);
            var filled = await ApiClients.FillAsync(fillers, Ns, "cm-", options.GetObjects, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"  created {options.GetObjects:N0} objects in {filled.TotalSeconds:F1} s");
        }
        finally
        {
            Scenarios.Dispose(fillers);
        }
        var client = KubernetesClient.FromKubeConfigFile(server.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });
        var configMaps = client.Resource(ConfigMaps).InNamespace(Ns);
        var objects = options.GetObjects;
        var names = Enumerable.Range(0, objects).Select(i => "cm-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        async Task<bool> Get(int index, long sequence)
        {
            try
            {
                var obj = await configMaps.GetAsync(names[(sequence * 7919 + index) % objects], cancellationToken).ConfigureAwait(false);
                return obj["data"] is not null;
            }
            catch (ApiException error)
            {
                Console.Error.WriteLine($"  GET failed: {error.Code} {error.Message}");
                return false;
            }
        }
        var warmup = await ClosedLoop.RunAsync(server, options.Clients, Get, options.Warmup, long.MaxValue, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  warm-up: {warmup}");
        var result = await ClosedLoop.RunAsync(server, options.Clients, Get, options.Duration, long.MaxValue, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"  measured: {result}");
        return
        [
            new("client-gets", $"throughput ({options.Clients} callers, 1 client)", $"{result.Throughput:N0}/s", "≥ 10,000/s", result.Throughput >= 10_000 && result.Errors == 0),
            new("client-gets", "latency p50", Scenarios.Ms(result.Latency.P50), "", true),
            new("client-gets", "latency p99", Scenarios.Ms(result.Latency.P99), "", true),
        ];
    }

    /// <summary>
    /// Sends <paramref name="count"/> creates named <c>{prefix}{i}</c>, write i at start + i / rate (or at once when
    /// behind), spread over the writers; each writer sends one request at a time, so the rate holds as long as
    /// writers × (1 / latency) exceeds it.
    /// </summary>
    private static async Task<OpenLoopRun> OpenLoopAsync(HttpClient[] writers, string ns, string prefix, int count, int rate, CancellationToken cancellationToken)
    {
        var sends = new long[count];
        var acks = new long[count];
        var next = -1;
        var errors = 0;
        var path = ApiClients.ConfigMaps(ns);
        var start = Stopwatch.GetTimestamp();
        await Task.WhenAll(writers.Select(writer => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait > TimeSpan.FromMilliseconds(1))
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                sends[i] = Stopwatch.GetTimestamp();
                using var content = ApiClients.ConfigMap(prefix + i.ToString(CultureInfo.InvariantCulture));
                using var response = await writer.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
                acks[i] = Stopwatch.GetTimestamp();
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }, cancellationToken))).ConfigureAwait(false);
        var elapsed = Scenarios.Milliseconds(start, acks.Max()) / 1000;
        return new OpenLoopRun(start, sends, acks, errors, count / elapsed);
    }

    private sealed record OpenLoopRun(long Start, long[] Sends, long[] Acks, int Errors, double Rate);
}
