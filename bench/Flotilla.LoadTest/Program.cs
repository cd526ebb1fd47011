using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Flotilla.LoadTest;

/// <summary>
/// Whole-system figures for the API server over real HTTPS sockets:
/// <c>dotnet run -c Release --project bench/Flotilla.LoadTest -- &lt;scenario|all&gt; [options]</c>.
/// Every scenario is bounded in requests and time and talks to loopback only.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var scenario = new Argument<string>("scenario") { Description = "creates, gets, list, watch-fanout, memory, informer-lag, client-gets, or all" };
        scenario.AcceptOnlyFromAmong([.. Scenarios.Names, "all"]);
        var serverDll = new Option<string>("--server-dll")
        {
            Description = "Path to flotilla.dll (default: the one built next to the load test)",
            DefaultValueFactory = _ => Path.Combine(AppContext.BaseDirectory, "flotilla.dll"),
        };
        var storage = new Option<string>("--storage") { Description = "Server storage backend: sqlite or memory", DefaultValueFactory = _ => "sqlite" };
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

        var root = new RootCommand("Flotilla load test: runs flotilla apiserver as a separate process and measures it over HTTPS.")
        {
            scenario, serverDll, storage, http, clients, duration, warmup, getObjects, listObjects, listRepetitions,
            watchers, watchWrites, memoryObjects, memoryLimit, informerRate,
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
                parse.GetValue(informerRate));
            var chosen = parse.GetValue(scenario)!;
            var names = chosen == "all" ? Scenarios.Names : [chosen];

            Console.WriteLine($"Flotilla load test, {DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
            Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
            Console.WriteLine($"Server: {options.ServerDll} --storage {options.Storage}; clients over {(options.Http.Major == 2 ? "HTTP/2" : "HTTP/1.1")} + TLS on loopback");
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
    private static string LoadAverage()
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
