using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Flotilla.LoadTest;

/// <summary>
/// Whole-system figures for the API server over real HTTPS sockets, and for propagation across a fleet:
/// <c>dotnet run -c Release --project bench/Flotilla.LoadTest -- &lt;scenario|all&gt; [options]</c>.
/// Every scenario is bounded in requests and time and talks to loopback only.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var scenario = new Argument<string>("scenario")
        {
            Description = "creates, gets, list, watch-fanout, memory, informer-lag, client-gets, or all of those; or propagation (minutes: a whole fleet in this process)",
        };
        scenario.AcceptOnlyFromAmong([.. Scenarios.Names, .. Scenarios.LongNames, "all"]);
        var serverDll = new Option<string>("--server-dll")
        {
            Description = "Path to flotilla.dll (default: the one built next to the load test)",
            DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "flotilla.dll"),
        };
        var storage = new Option<string>("--storage") { Description = "Server storage backend (the hub's for propagation): sqlite or memory", DefaultValueFactory = _ => "sqlite" };
        storage.AcceptOnlyFromAmong("sqlite", "memory");
        var http = new Option<string>("--http") { Description = "HTTP version over TLS: 1.1 or 2", DefaultValueFactory = _ => "1.1" };
        http.AcceptOnlyFromAmong("1.1", "2");
        var clients = new Option<int>("--clients") { Description = "Concurrent clients (one connection each) for creates, gets, memory", DefaultValueFactory = _ => 64 };
        var duration = new Option<int>("--duration") { Description = "Seconds measured for creates and gets", DefaultValueFactory = _ => 10 };
        var warmup = new Option<int>("--warmup")
        {
            // Tiered JIT (with PGO) keeps recompiling hot paths for about ten seconds of load on two cores.
            Description = "Seconds of unmeasured load before creates and gets",
            DefaultValueFactory = _ => 10,
        };
        var getObjects = new Option<int>("--get-objects") { Description = "Objects the gets scenario reads from", DefaultValueFactory = _ => 1_000 };
        var listObjects = new Option<int>("--list-objects") { Description = "Objects in the listed collection", DefaultValueFactory = _ => 10_000 };
        var listRepetitions = new Option<int>("--list-repetitions") { Description = "Timed full lists", DefaultValueFactory = _ => 20 };
        var watchers = new Option<int>("--watchers") { Description = "Concurrent watch streams (one connection each)", DefaultValueFactory = _ => 1_000 };
        var watchWrites = new Option<int>("--watch-writes") { Description = "Writes delivered to the watchers, one at a time", DefaultValueFactory = _ => 20 };
        var memoryObjects = new Option<int>("--memory-objects") { Description = "Objects stored before reading peak RSS", DefaultValueFactory = _ => 100_000 };
        var memoryLimit = new Option<int>("--memory-time-limit") { Description = "Most seconds spent creating objects for memory", DefaultValueFactory = _ => 60 };
        var informerRate = new Option<int>("--informer-rate") { Description = "Writes per second offered for informer-lag", DefaultValueFactory = _ => 2_000 };
        var members = new Option<int>("--members") { Description = "Light member clusters for propagation", DefaultValueFactory = _ => 100 };
        var placements = new Option<int>("--placements") { Description = "Placements created at once in propagation's step 3", DefaultValueFactory = _ => 1_000 };
        var clustersPerPlacement = new Option<int>("--clusters-per-placement") { Description = "PickN of each of step 3's placements", DefaultValueFactory = _ => 10 };
        var namespaceObjects = new Option<int>("--namespace-objects") { Description = "Objects in each of step 3's namespaces (besides the namespace)", DefaultValueFactory = _ => 3 };
        var stepTimeLimit = new Option<int>("--step-time-limit")
        {
            Description = "Most seconds propagation's step 3 waits for its placements (its bounded figure is taken at 10 minutes either way; a longer wait lets step 4 start from a settled state)",
            DefaultValueFactory = _ => 600,
        };
        var hubQps = new Option<double>("--hub-qps")
        {
            // Upstream's hub agent: QPS 250, burst 1000 (burst is 4 × QPS here); 0 measures without the client-side limit.
            Description = "Client-side QPS of propagation's hub controllers (burst 4 × QPS; 0: unlimited)",
            DefaultValueFactory = _ => 250,
        };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Console log level of propagation's hub, agents and servers", DefaultValueFactory = _ => LogLevel.Warning };

        var root = new RootCommand(
            "Flotilla load test: runs flotilla apiserver as a separate process and measures it over HTTPS; propagation runs a hub and members in this process.")
        {
            scenario, serverDll, storage, http, clients, duration, warmup, getObjects, listObjects, listRepetitions,
            watchers, watchWrites, memoryObjects, memoryLimit, informerRate,
            members, placements, clustersPerPlacement, namespaceObjects, stepTimeLimit, hubQps, logLevel,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var options = new LoadTestOptions(
                Path.GetFullPath(parse.GetValue(serverDll)!),
                parse.GetValue(storage)!,
                parse.GetValue(http) == "2" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11,
                parse.GetValue(clients),
                TimeSpan.FromSeconds(parse.GetValue(duration)),
                TimeSpan.FromSeconds(parse.GetValue(warmup)),
                parse.GetValue(getObjects),
                parse.GetValue(listObjects),
                parse.GetValue(listRepetitions),
                parse.GetValue(watchers),
                parse.GetValue(watchWrites),
                parse.GetValue(memoryObjects),
                TimeSpan.FromSeconds(parse.GetValue(memoryLimit)),
                parse.GetValue(informerRate),
                parse.GetValue(members),
                parse.GetValue(placements),
                parse.GetValue(clustersPerPlacement),
                parse.GetValue(namespaceObjects),
                TimeSpan.FromSeconds(parse.GetValue(stepTimeLimit)),
                parse.GetValue(hubQps),
                parse.GetValue(logLevel));
            var chosen = parse.GetValue(scenario)!;
            var names = chosen == "all" ? Scenarios.Names : [chosen];

            Console.WriteLine($"Flotilla load test, {DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
            if (names.Any(n => Scenarios.Names.Contains(n)))
            {
                Console.WriteLine($"Server: {options.ServerDll} --storage {options.Storage}; clients over {(options.Http.Major == 2 ? "HTTP/2" : "HTTP/1.1")} + TLS on loopback");
            }
            var figures = new List<Figure>();
            foreach (var name in names)
            {
                Console.WriteLine($"== {name} (load average before: {LoadAverage()})");
                figures.AddRange(await Scenarios.RunAsync(name, options, cancellationToken).ConfigureAwait(false));
                Console.WriteLine($"  load average after: {LoadAverage()}");
            }
            Console.WriteLine("== summary");
            foreach (var figure in figures)
            {
                Console.WriteLine(figure);
            }
            return 0;
        });
        return root.Parse(args).InvokeAsync();
    }

    /// <summary>The 1, 5 and 15 minute load averages: other work on the machine skews every figure.</summary>
    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown CPU" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
    }
}
