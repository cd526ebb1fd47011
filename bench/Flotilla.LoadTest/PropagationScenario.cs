using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Flotilla.LoadTest;

/// <summary>
/// The <c>propagation</c> scenario: a hub and <see cref="LoadTestOptions.Members"/> light members in this process,
/// then (1) join, (2) one placement of a namespace of 10 objects on every member, (3)
/// <see cref="LoadTestOptions.Placements"/> placements created at once, each of its own namespace on
/// <see cref="LoadTestOptions.ClustersPerPlacement"/> members, (4) a hub-agent restart with that state.
/// </summary>
internal static class PropagationScenario
{
    private const string Scenario = "propagation";
    private const string LoadTestLabel = "flotilla-loadtest";
    private const string LoadTestValue = "propagation";
    private const int CreateConcurrency = 32;
    private const int SingleNamespaceObjects = 10;
    private const string ManyPrefix = "bench-many-";

    /// <summary>When step 3's bounded figure is taken, whatever <c>--step-time-limit</c> says.</summary>
    private static readonly TimeSpan Mark = TimeSpan.FromMinutes(10);

    public static async Task<List<Figure>> RunAsync(LoadTestOptions options, CancellationToken cancellationToken)
    {
        if (options.Members < options.ClustersPerPlacement)
        {
            throw new ArgumentException($"--members {options.Members} is fewer than --clusters-per-placement {options.ClustersPerPlacement}");
        }
        // As upstream's 1000placements harness: members are split into placement groups of at least
        // clusters-per-placement members, and placement i asks for group i mod groups. Without it every PickN placement
        // would pick the same clusters (the scheduler breaks score ties by name).
        var groups = Math.Max(1, options.Members / options.ClustersPerPlacement);
        var hubStorage = options.Storage == "memory" ? StorageBackend.Memory : StorageBackend.Sqlite;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {options.Members} light members (memory storage), hub on {options.Storage}, hub agent client QPS {(options.HubQps > 0 ? options.HubQps.ToString("N0", CultureInfo.InvariantCulture) : "unlimited")}; {options.Placements:N0} placements × PickN {options.ClustersPerPlacement} over {groups} placement groups, {options.NamespaceObjects} objects per namespace"));
        using var loggers = LoggerFactory.Create(logging => logging
            .AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            })
            .SetMinimumLevel(options.LogLevel));
        using var activity = new ControllerActivity();
        using var requests = new HubAgentRequests();
        var figures = new List<Figure>();

        // Step 1: start and join.
        var startClock = Stopwatch.GetTimestamp();
        await using var fleet = await PropagationFleet.StartAsync(options.Members, groups, hubStorage, options.HubQps, loggers, cancellationToken).ConfigureAwait(false);
        var started = Stopwatch.GetElapsedTime(startClock);
        using (var joinLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            joinLimit.CancelAfter(TimeSpan.FromMinutes(5));
            await fleet.WaitUntilJoinedAsync(joinLimit.Token).ConfigureAwait(false);
        }
        var joined = Stopwatch.GetElapsedTime(startClock);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step 1: hub and {options.Members} members started in {started.TotalSeconds:F1} s, all Joined after {joined.TotalSeconds:F1} s; process RSS {Environment.WorkingSet / 1048576.0:N0} MiB; load {Program.LoadAverage()}"));
        figures.Add(new(Scenario, $"start + join, {options.Members} members", Seconds(joined), "", true));

        await using var writes = await HubWriteCounter.StartAsync(fleet.Admin, cancellationToken).ConfigureAwait(false);
        await using var observer = await PlacementObserver.StartAsync(fleet.Admin, $"{LoadTestLabel}={LoadTestValue}", cancellationToken).ConfigureAwait(false);

        figures.AddRange(await OnePlacementAsync(fleet, observer, writes, activity, requests, options, cancellationToken).ConfigureAwait(false));
        var (manyFigures, allAvailable) = await ManyPlacementsAsync(fleet, observer, writes, activity, requests, options, groups, cancellationToken).ConfigureAwait(false);
        figures.AddRange(manyFigures);
        figures.AddRange(await PropagationProbe.RunAsync(fleet.Admin, ManyPrefix + "0000", cancellationToken).ConfigureAwait(false));
        if (allAvailable)
        {
            figures.AddRange(await PropagationResync.RunAsync(fleet, writes, activity, requests, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            Console.WriteLine("  step 4 skipped: not every placement reached Available, so there is no settled state to restart with");
        }
        return figures;
    }

    /// <summary>Step 2: one PickN placement of a namespace of 10 objects on every member.</summary>
    private static async Task<List<Figure>> OnePlacementAsync(
        PropagationFleet fleet, PlacementObserver observer, HubWriteCounter writes, ControllerActivity activity, HubAgentRequests requests, LoadTestOptions options,
        CancellationToken cancellationToken)
    {
        const string Name = "bench-one";
        var clusters = options.Members;
        var objects = NamespaceWithObjects(Name, SingleNamespaceObjects).ToList();
        await CreateAllAsync(fleet.Admin, objects, cancellationToken).ConfigureAwait(false);
        await WaitUntilHubSeesAsync(fleet, objects, cancellationToken).ConfigureAwait(false);

        var writesBefore = writes.Counts();
        var reconcilesBefore = activity.Reconciles();
        var requestsBefore = requests.Counts();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var placements = fleet.Admin.Resource(PlacementMappings.Placements);
        var created = Stopwatch.GetTimestamp();
        observer.Creating(Name, created);
        await placements.CreateAsync(Placement(Name, Name, clusters, group: null), cancellationToken: cancellationToken).ConfigureAwait(false);
        var createReturned = Stopwatch.GetTimestamp();

        var limit = TimeSpan.FromSeconds(120);
        PlacementTimes times;
        await using (PropagationProgress.Start(
            () => $"bench-one: {observer.Snapshot(Name).ClusterAvailable.Count}/{clusters} clusters Available", writes, activity, requests, TimeSpan.FromSeconds(5), cancellationToken))
        {
            while (true)
            {
                times = observer.Snapshot(Name);
                if ((times.ClusterAvailable.Count == clusters && times.Available != 0) || Stopwatch.GetElapsedTime(created) > limit)
                {
                    break;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(created);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var perCluster = Percentiles.Of(times.ClusterAvailable.Values.Select(at => Scenarios.Milliseconds(created, at)));
        var complete = times.ClusterAvailable.Count == clusters;
        var placementAvailable = times.Available == 0 ? double.NaN : Scenarios.Milliseconds(created, times.Available);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step 2: one placement of {SingleNamespaceObjects} objects + the namespace, PickN {clusters}: create call {Scenarios.Milliseconds(created, createReturned):F0} ms; {times.ClusterAvailable.Count}/{clusters} clusters Available; per cluster, create → Available: {perCluster}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          ClusterResourcePlacementAvailable after {placementAvailable:F0} ms; CPU {cpu.TotalSeconds / elapsed.TotalSeconds:F2} cores over {elapsed.TotalSeconds:F1} s; load {Program.LoadAverage()}"));
        Console.WriteLine($"          hub writes: {HubWriteCounter.Describe(writesBefore, writes.Counts())}");
        Console.WriteLine($"          hub agent requests: {HubAgentRequests.Describe(requestsBefore, requests.Counts(), elapsed.TotalSeconds, top: 20)}");
        Console.WriteLine($"          reconciles: {ControllerActivity.Describe(reconcilesBefore, activity.Reconciles())}");
        // The order clusters became Available in: the rollout binds one binding after another, in name order.
        var order = times.ClusterAvailable.OrderBy(p => p.Value).Select(p => p.Key).ToList();
        Console.WriteLine($"          first Available: {string.Join(", ", order.Take(5))}; last: {string.Join(", ", order.TakeLast(5))}");
        var label = $"one CRP → {clusters} clusters";
        return
        [
            new(Scenario, $"{label}: p50", Seconds(perCluster.P50), "≤ 2 s", complete && perCluster.P50 <= 2000),
            new(Scenario, $"{label}: p90", Seconds(perCluster.P90), "≤ 5 s", complete && perCluster.P90 <= 5000),
            new(Scenario, $"{label}: max", Seconds(perCluster.Max), "", true),
            new(Scenario, $"{label}: CRP Available", Seconds(placementAvailable), "", true),
        ];
    }

    /// <summary>Step 3: many placements, each of its own namespace, created at once.</summary>
    private static async Task<(List<Figure> Figures, bool AllAvailable)> ManyPlacementsAsync(
        PropagationFleet fleet, PlacementObserver observer, HubWriteCounter writes, ControllerActivity activity, HubAgentRequests requests, LoadTestOptions options,
        int groups, CancellationToken cancellationToken)
    {
        var count = options.Placements;
        var names = Enumerable.Range(0, count).Select(i => ManyPrefix + i.ToString("D4", CultureInfo.InvariantCulture)).ToArray();
        var objects = names.SelectMany(n => NamespaceWithObjects(n, options.NamespaceObjects)).ToList();
        var fillStart = Stopwatch.GetTimestamp();
        await CreateAllAsync(fleet.Admin, objects, cancellationToken).ConfigureAwait(false);
        await WaitUntilHubSeesAsync(fleet, objects, cancellationToken).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step 3: created {count:N0} namespaces with {options.NamespaceObjects} objects each ({objects.Count:N0} hub objects) in {Stopwatch.GetElapsedTime(fillStart).TotalSeconds:F1} s (not measured)"));

        var writesBefore = writes.Counts();
        var reconcilesBefore = activity.Reconciles();
        var requestsBefore = requests.Counts();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var gcBefore = GC.GetTotalPauseDuration();
        var placements = fleet.Admin.Resource(PlacementMappings.Placements);
        var start = Stopwatch.GetTimestamp();
        long createsDone = 0;
        var allAvailable = false;
        // Whatever the step's limit (a longer one lets step 4 start from a settled state), the count at the
        // 10-minute mark is the bounded figure.
        int? atMark = null;
        await using (PropagationProgress.Start(
            () => string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Read(ref createsDone):N0}/{count:N0} created, {observer.AvailableWithPrefix(ManyPrefix):N0} Available"),
            writes, activity, requests, TimeSpan.FromSeconds(10), cancellationToken))
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = CreateConcurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var placement = Placement(names[i], names[i], options.ClustersPerPlacement, group: i % groups);
                    observer.Creating(names[i], Stopwatch.GetTimestamp());
                    await placements.CreateAsync(placement, cancellationToken: ct).ConfigureAwait(false);
                    Interlocked.Increment(ref createsDone);
                }).ConfigureAwait(false);
            var created = Stopwatch.GetElapsedTime(start);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {count:N0} placements created in {created.TotalSeconds:F1} s ({count / created.TotalSeconds:N0}/s, {CreateConcurrency} at a time)"));
            while (!(allAvailable = observer.AvailableWithPrefix(ManyPrefix) >= count) && Stopwatch.GetElapsedTime(start) < options.StepTimeLimit)
            {
                if (atMark is null && Stopwatch.GetElapsedTime(start) >= Mark)
                {
                    atMark = observer.AvailableWithPrefix(ManyPrefix);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Mark.TotalMinutes:F0} minutes after the first create: {atMark:N0}/{count:N0} Available"));
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var snapshots = names.Select(observer.Snapshot).ToList();
        var latencies = Percentiles.Of(snapshots.Where(t => t.Available != 0).Select(t => Scenarios.Milliseconds(t.Created, t.Available)));
        var availableCount = snapshots.Count(t => t.Available != 0);
        var last = snapshots.Where(t => t.Available != 0).Select(t => t.Available).DefaultIfEmpty(start).Max();
        var writesAfter = writes.Counts();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  step 3: {availableCount:N0}/{count:N0} placements Available after {elapsed.TotalSeconds:F1} s{(allAvailable ? "" : $" (the step's limit of {options.StepTimeLimit.TotalSeconds:F0} s)")}; create → ClusterResourcePlacementAvailable: {latencies}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          CPU {cpu.TotalSeconds / elapsed.TotalSeconds:F2} cores ({cpu.TotalSeconds:F0} s), GC pauses {(GC.GetTotalPauseDuration() - gcBefore).TotalSeconds:F1} s, RSS {Environment.WorkingSet / 1048576.0:N0} MiB; load {Program.LoadAverage()}"));
        Console.WriteLine($"          hub writes: {HubWriteCounter.Describe(writesBefore, writesAfter)}");
        Console.WriteLine($"          hub writes per second: {HubWriteCounter.Describe(writesBefore, writesAfter, elapsed.TotalSeconds)}");
        Console.WriteLine($"          hub agent requests: {HubAgentRequests.Describe(requestsBefore, requests.Counts(), elapsed.TotalSeconds, top: 20)}");
        Console.WriteLine($"          reconciles: {ControllerActivity.Describe(reconcilesBefore, activity.Reconciles())}");
        var errors = activity.Errors();
        if (errors.Count > 0)
        {
            Console.WriteLine($"          reconcile errors so far: {ControllerActivity.DescribeErrors(errors)}");
        }
        var label = $"{count:N0} CRPs × {options.ClustersPerPlacement}";
        var p90Met = allAvailable && latencies.P90 <= 60_000;
        return (
        [
            new(Scenario, $"{label}: Available at {Mark.TotalMinutes:F0} min", string.Create(CultureInfo.InvariantCulture, $"{atMark ?? availableCount:N0}/{count:N0}"),
                "all", (atMark ?? availableCount) == count),
            new(Scenario, $"{label}: Available at the end", string.Create(CultureInfo.InvariantCulture, $"{availableCount:N0}/{count:N0} in {elapsed.TotalSeconds:F0} s"), "", true),
            new(Scenario, $"{label}: p50", Seconds(latencies.P50), "", true),
            new(Scenario, $"{label}: p90", Seconds(latencies.P90), "≤ 60 s", p90Met),
            new(Scenario, $"{label}: max", Seconds(latencies.Max), "", true),
            new(Scenario, $"{label}: first create → last", Seconds(Scenarios.Milliseconds(start, last)), "", true),
        ], allAvailable);
    }

    /// <summary>Creates the objects, <see cref="CreateConcurrency"/> at a time; a namespace is created before its objects.</summary>
    private static async Task CreateAllAsync(KubernetesClient client, List<(ResourceMapping Mapping, JsonObject Object)> objects, CancellationToken cancellationToken)
    {
        var namespaces = objects.Where(o => !o.Mapping.Namespaced).ToList();
        var rest = objects.Where(o => o.Mapping.Namespaced).ToList();
        foreach (var batch in new[] { namespaces, rest })
        {
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = CreateConcurrency, CancellationToken = cancellationToken },
                async (o, ct) => await client.Resource(o.Mapping).InNamespace(o.Mapping.Namespaced ? o.Object.Namespace() : null)
                    .CreateAsync(o.Object, cancellationToken: ct).ConfigureAwait(false))
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits (bounded) until the hub controllers' caches hold every object, so that a placement created next selects all
    /// of them in its first resource snapshot, as it would for objects created long before it.
    /// </summary>
    private static async Task WaitUntilHubSeesAsync(PropagationFleet fleet, List<(ResourceMapping Mapping, JsonObject Object)> objects, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 60;
        while (true)
        {
            var informers = fleet.HubInformers?.Informers.OfType<SharedInformer<JsonObject>>()
                .Where(i => i.Namespace is null && i.LabelSelector is null && i.FieldSelector is null)
                .GroupBy(i => i.Mapping.Resource)
                .ToDictionary(g => g.Key, g => g.First()) ?? [];
            var missing = objects.Count(o => !informers.TryGetValue(o.Mapping.Resource, out var informer)
                || informer.Lister.Get(o.Mapping.Namespaced ? o.Object.Namespace() : null, o.Object.Name()) is null);
            if (missing == 0)
            {
                return;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the hub controllers' caches still miss {missing} of {objects.Count} objects after 60 s");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A namespace and <paramref name="count"/> objects in it that are available as soon as applied (no workloads: light
    /// members run no pods): ConfigMaps with 1 KiB of data, Secrets, ServiceAccounts, a Role and a RoleBinding.
    /// </summary>
    internal static IEnumerable<(ResourceMapping Mapping, JsonObject Object)> NamespaceWithObjects(string ns, int count)
    {
        yield return (PlacementMappings.Namespaces, new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = ns, ["labels"] = new JsonObject { [LoadTestLabel] = LoadTestValue } },
        });
        // Ten objects: 4 ConfigMaps, 2 Secrets, 2 ServiceAccounts, a Role, a RoleBinding; fewer take a prefix.
        string[] kinds = ["ConfigMap", "Secret", "ServiceAccount", "ConfigMap", "Role", "RoleBinding", "ConfigMap", "Secret", "ServiceAccount", "ConfigMap"];
        for (var i = 0; i < count; i++)
        {
            var kind = kinds[i % kinds.Length];
            var name = $"bench-{kind.ToLowerInvariant()}-{i}";
            var metadata = new JsonObject { ["name"] = name, ["namespace"] = ns };
            yield return kind switch
            {
                "ConfigMap" => (PlacementMappings.ConfigMaps, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = kind,
                    ["metadata"] = metadata,
                    ["data"] = new JsonObject { ["payload"] = new string('x', 1024) },
                }),
                "Secret" => (PlacementMappings.Secrets, new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = kind,
                    ["metadata"] = metadata,
                    ["type"] = "Opaque",
                    ["data"] = new JsonObject { ["token"] = Convert.ToBase64String(new byte[256]) },
                }),
                "ServiceAccount" => (PlacementMappings.ServiceAccounts, new JsonObject { ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = metadata }),
                "Role" => (PlacementMappings.Roles, new JsonObject
                {
                    ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                    ["kind"] = kind,
                    ["metadata"] = metadata,
                    ["rules"] = new JsonArray(new JsonObject
                    {
                        ["apiGroups"] = new JsonArray(""),
                        ["resources"] = new JsonArray("configmaps"),
                        ["verbs"] = new JsonArray("get", "list", "watch"),
                    }),
                }),
                _ => (PlacementMappings.RoleBindings, new JsonObject
                {
                    ["apiVersion"] = "rbac.authorization.k8s.io/v1",
                    ["kind"] = kind,
                    ["metadata"] = metadata,
                    ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = "bench-role-4" },
                    ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "bench-serviceaccount-2", ["namespace"] = ns }),
                }),
            };
        }
    }

    /// <summary>A ClusterResourcePlacement of namespace <paramref name="ns"/>: PickN <paramref name="clusters"/>, in placement group <paramref name="group"/> when given.</summary>
    private static JsonObject Placement(string name, string ns, int clusters, int? group)
    {
        var policy = new JsonObject { ["placementType"] = "PickN", ["numberOfClusters"] = clusters };
        if (group is { } g)
        {
            policy["affinity"] = new JsonObject
            {
                ["clusterAffinity"] = new JsonObject
                {
                    ["requiredDuringSchedulingIgnoredDuringExecution"] = new JsonObject
                    {
                        ["clusterSelectorTerms"] = new JsonArray(new JsonObject
                        {
                            ["labelSelector"] = new JsonObject
                            {
                                ["matchLabels"] = new JsonObject { [PropagationFleet.GroupLabel] = g.ToString(CultureInfo.InvariantCulture) },
                            },
                        }),
                    },
                },
            };
        }
        return new JsonObject
        {
            ["apiVersion"] = PlacementApi.ApiVersion,
            ["kind"] = "ClusterResourcePlacement",
            ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { [LoadTestLabel] = LoadTestValue } },
            ["spec"] = new JsonObject
            {
                ["resourceSelectors"] = new JsonArray(new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Namespace", ["name"] = ns }),
                ["policy"] = policy,
            },
        };
    }

    internal static string Seconds(double milliseconds) =>
        double.IsNaN(milliseconds) ? "n/a" : string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:F2} s");

    internal static string Seconds(TimeSpan time) => Seconds(time.TotalMilliseconds);
}
