using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer;
using Flotilla.Client.Informers;
using Flotilla.Client.Tests.Support;
using Flotilla.Storage;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Informers;

/// <summary>
/// Informers through what goes wrong: a watch that falls out of the server's window (410), a silent watch, a
/// server restart, and thousands of writes meanwhile; plus resync. Each test has its own server.
/// </summary>
public sealed class InformerRecoveryTests
{
    [Fact]
    public async Task Relist_AfterGone_SynthesizesDeletesAndUpdatesAndEqualsTheList()
    {
        await using var server = await TestApiServer.StartAsync(storeOptions: new ResourceStoreOptions { EventWindowSize = 5 });
        WatchFaults faults = null!;
        var client = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: new KubernetesClientOptions { WrapHandler = inner => faults = new WatchFaults(inner) });
        var ns = await Fixtures.NewNamespaceAsync(client);
        var other = await Fixtures.NewNamespaceAsync(client);
        var configMaps = client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var keep = await configMaps.CreateAsync(Fixtures.ConfigMap("keep"));
        var change = await configMaps.CreateAsync(Fixtures.ConfigMap("change", data: new() { ["v"] = "old" }));
        var gone = await configMaps.CreateAsync(Fixtures.ConfigMap("gone"));
        var reborn = await configMaps.CreateAsync(Fixtures.ConfigMap("reborn"));
        await using var factory = new SharedInformerFactory(client, InformerTests.Fast);
        var informer = factory.For(Resources.ConfigMaps, ns);
        var model = new ModelHandler();
        informer.AddEventHandler(model);
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the first list");
        await Eventually.WaitAsync("the watch to open", () => faults.Watches >= 1);

        // While the informer cannot watch: a delete, an update, a create, a delete and re-create (new uid), and
        // more writes than the server's window of 5 events retains, so its resourceVersion expires.
        faults.Partition();
        await configMaps.DeleteAsync("gone");
        change["data"]!["v"] = "new";
        change = await configMaps.UpdateAsync(change);
        var fresh = await configMaps.CreateAsync(Fixtures.ConfigMap("fresh"));
        await configMaps.DeleteAsync("reborn");
        var reborn2 = await configMaps.CreateAsync(Fixtures.ConfigMap("reborn"));
        for (var i = 0; i < 8; i++)
        {
            await client.Resource(Resources.ConfigMaps).InNamespace(other).CreateAsync(Fixtures.ConfigMap($"filler-{i}"));
        }
        faults.Heal();
        await Eventually.WaitAsync("the re-list after 410 to reach the handler", () => model.Seen.Any(s => s.Key == $"{ns}/fresh"));

        var afterPartition = model.Seen.Skip(4).ToList();
        Assert.Equal(
            [
                new Seen("tombstone", $"{ns}/gone", gone.ResourceVersion(), true),
                new Seen("tombstone", $"{ns}/reborn", reborn.ResourceVersion(), true),
                new Seen("update", $"{ns}/change", change.ResourceVersion(), false),
                new Seen("add", $"{ns}/fresh", fresh.ResourceVersion(), false),
                new Seen("add", $"{ns}/reborn", reborn2.ResourceVersion(), false),
            ],
            afterPartition.OrderBy(s => s.Kind == "tombstone" ? 0 : 1).ThenBy(s => long.Parse(s.ResourceVersion, CultureInfo.InvariantCulture)));
        Assert.Empty(model.Violations);
        Assert.Equal(2, faults.Lists);
        Assert.Equal(keep.ResourceVersion(), informer.Lister.Get(ns, "keep")?.ResourceVersion());
        InformerTests.AssertEqualToList(await configMaps.ListAsync(), informer, model);
    }

    [Fact]
    public async Task Watchdog_WatchSilentForIdleTimeout_RestartsTheWatchFromTheLastVersion()
    {
        await using var server = await TestApiServer.StartAsync();
        WatchFaults faults = null!;
        var client = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: new KubernetesClientOptions { WrapHandler = inner => faults = new WatchFaults(inner) });
        var ns = await Fixtures.NewNamespaceAsync(client);
        var time = new ManualTimeProvider();
        await using var factory = new SharedInformerFactory(client, new InformerOptions { Time = time, WatchIdleTimeout = TimeSpan.FromMinutes(1) });
        var informer = factory.For(Resources.ConfigMaps, ns);
        var model = new ModelHandler();
        informer.AddEventHandler(model);
        faults.Silence = true;
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the first list");
        await Eventually.WaitAsync("the silent watch to open", () => faults.Watches == 1);

        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(1, faults.Watches);
        time.Advance(TimeSpan.FromSeconds(1));
        await Eventually.WaitAsync("the watchdog to restart the silent watch", () => faults.Watches == 2);

        // The network recovers; the next restart reaches the server and the informer is live again, with no re-list.
        faults.Silence = false;
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromMinutes(1));
        await Eventually.WaitAsync("a watch that reaches the server", () => faults.Watches == 3);
        var created = await client.Resource(Resources.ConfigMaps).InNamespace(ns).CreateAsync(Fixtures.ConfigMap("after-silence"));
        await Eventually.WaitAsync("the add after the silence", () => model.Snapshot().ContainsKey($"{ns}/after-silence"));
        Assert.Equal(1, faults.Lists);
        Assert.Equal(created.ResourceVersion(), informer.LastSyncResourceVersion);
        Assert.Empty(model.Violations);
    }

    [Fact]
    public async Task Resync_EachPeriod_RedeliversEveryCachedObjectAsAnUpdateToItself()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath);
        var ns = await Fixtures.NewNamespaceAsync(client);
        var configMaps = client.Resource(Resources.ConfigMaps).InNamespace(ns);
        await configMaps.CreateAsync(Fixtures.ConfigMap("a"));
        await configMaps.CreateAsync(Fixtures.ConfigMap("b"));
        var time = new ManualTimeProvider();
        await using var factory = new SharedInformerFactory(client, new InformerOptions { Time = time, ResyncPeriod = TimeSpan.FromSeconds(30) });
        var informer = factory.For(Resources.ConfigMaps, ns);
        var model = new ModelHandler();
        informer.AddEventHandler(model);
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the first list");
        await Eventually.WaitAsync("the initial adds", () => model.Seen.Count == 2);

        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.WaitAsync("the first resync", () => model.Seen.Count(s => s.Kind == "resync") == 2);
        time.Advance(TimeSpan.FromSeconds(30));
        await Eventually.WaitAsync("the second resync", () => model.Seen.Count(s => s.Kind == "resync") == 4);

        Assert.Equal([$"{ns}/a", $"{ns}/b"], model.Seen.Where(s => s.Kind == "resync").Select(s => s.Key).Distinct().Order());
        Assert.Empty(model.Violations);
        InformerTests.AssertEqualToList(await configMaps.ListAsync(), informer, model);
    }

    /// <summary>
    /// 5,000 random creates, updates and deletes (fixed seed) over three namespaces from four concurrent writers,
    /// with two network partitions long enough for the watch to expire (410, re-list; the second one ends the run, so
    /// the end state depends on that re-list), a shorter one it resumes from, and a server restart on the same data and address; watches also end every second or two (short
    /// timeoutSeconds) and the server sends bookmarks. At the end the informer's cache and a model built only
    /// from handler calls both equal a fresh list, whole objects compared, and no handler call was a duplicate,
    /// out of order or inconsistent with the one before.
    /// </summary>
    [Fact]
    public async Task Churn_5000WritesWithRestartAndGone_CacheAndHandlerModelEqualAFreshList()
    {
        using var directory = new TemporaryDirectory("flotilla-informer-churn");
        var storeOptions = new ResourceStoreOptions { EventWindowSize = 100 };
        var bookmarks = TimeSpan.FromMilliseconds(250);
        var server = await TestApiServer.StartAsync(StorageBackend.Sqlite, directory, bookmarks, storeOptions);
        var port = server.Host.Url.Port;
        try
        {
            WatchFaults faults = null!;
            KubernetesClientOptions ClientOptions(Func<HttpMessageHandler, HttpMessageHandler>? wrap) => new()
            {
                QueriesPerSecond = 0,
                InitialBackoff = TimeSpan.FromMilliseconds(10),
                MaxBackoff = TimeSpan.FromMilliseconds(100),
                WrapHandler = wrap,
            };
            var informerClient = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: ClientOptions(inner => faults = new WatchFaults(inner)));
            var writerClient = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: ClientOptions(null));
            string[] namespaces = ["churn-a", "churn-b", "churn-c"];
            foreach (var ns in namespaces)
            {
                await writerClient.Resource(Resources.Namespaces).CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
            }
            await using var factory = new SharedInformerFactory(informerClient, new InformerOptions
            {
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
                MinWatchTimeout = TimeSpan.FromSeconds(1),
            });
            var informer = factory.For(Resources.ConfigMaps, labelSelector: "churn=yes");
            var model = new ModelHandler();
            informer.AddEventHandler(model);
            factory.Start();
            await informer.WaitForCacheSyncAsync().Within("the first list");
            await Eventually.WaitAsync("the first watch to open", () => faults.Watches >= 1);

            var writers = Enumerable.Range(0, 4).Select(w => new ChurnWriter(writerClient, namespaces, w, 4, seed: 20261122 + w)).ToArray();
            async Task WriteAsync(int count, string phase)
            {
                await Task.WhenAll(writers.Select(writer => writer.WriteAsync(count / writers.Length))).Within(phase, TimeSpan.FromSeconds(60));
            }

            async Task ExpiringPartitionAsync(string when)
            {
                var listsBefore = faults.Lists;
                faults.Partition();
                await WriteAsync(500, $"500 writes during a partition longer than the window, {when}");
                faults.Heal();
                await Eventually.WaitAsync($"the re-list after the partition {when}", () => faults.Lists > listsBefore);
            }

            await WriteAsync(1_500, "1,500 writes while watching");
            await ExpiringPartitionAsync("after 1,500 writes");
            await WriteAsync(500, "500 writes after the partition");

            await server.DisposeAsync();
            server = await TestApiServer.StartAsync(StorageBackend.Sqlite, directory, bookmarks, storeOptions, port);
            await WriteAsync(1_000, "1,000 writes after the restart");

            faults.Partition();
            await WriteAsync(40, "40 writes during a partition shorter than the window");
            faults.Heal();
            await WriteAsync(960, "960 writes after the short partition");
            // Last, so the end state depends on the re-list: what it deletes is never written again.
            await ExpiringPartitionAsync("at the end");

            Assert.Equal(5_000, writers.Sum(w => w.Writes));
            var list = await writerClient.Resource(Resources.ConfigMaps).ListAsync(new ListOptions { LabelSelector = "churn=yes" });
            var expected = Versions(list.Items);
            await Eventually.WaitAsync(
                "the informer's cache and the handler model to reach the final list",
                () => Versions(informer.Lister.List()).SequenceEqual(expected) && Versions(model.Snapshot().Values).SequenceEqual(expected),
                TimeSpan.FromSeconds(30));
            InformerTests.AssertEqualToList(list, informer, model);
            Assert.Empty(model.Violations);
            Assert.True(model.Tombstones > 0, "the partition's deletes should have come as tombstones from the re-list");
            Assert.True(informer.Lists >= 3, $"the first list and one re-list per long partition were expected, not {informer.Lists} list(s)");
            Assert.True(informer.Watches > 5, $"watches should have ended and resumed many times (short timeouts, a restart), not {informer.Watches}");
            Assert.True(writers.Sum(w => w.Deletes) > 500 && writers.Sum(w => w.Updates) > 1_000, "the churn should mix deletes and updates");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static List<string> Versions(IEnumerable<JsonObject> objects) =>
        [.. objects.Select(o => $"{o.Namespace()}/{o.Name()}@{o.ResourceVersion()}").Order(StringComparer.Ordinal)];

    /// <summary>One writer: its own names (every <c>stride</c>-th), its own random sequence, so runs are reproducible.</summary>
    private sealed class ChurnWriter(KubernetesClient client, string[] namespaces, int index, int stride, int seed)
    {
        private const int NamesPerNamespace = 40;
        private readonly Random _random = new(seed);
        private readonly Dictionary<(string Ns, string Name), JsonObject> _live = [];

        public int Writes { get; private set; }

        public int Updates { get; private set; }

        public int Deletes { get; private set; }

        public async Task WriteAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var ns = namespaces[_random.Next(namespaces.Length)];
                var name = $"cm-{(_random.Next(NamesPerNamespace / stride) * stride) + index}";
                var configMaps = client.Resource(Resources.ConfigMaps).InNamespace(ns);
                if (!_live.TryGetValue((ns, name), out var current))
                {
                    _live[(ns, name)] = await configMaps.CreateAsync(Fixtures.ConfigMap(name, data: Data(), labels: new() { ["churn"] = "yes" }));
                }
                else if (_random.Next(10) < 6)
                {
                    var next = current.DeepClone().AsObject();
                    next["data"] = new JsonObject { ["v"] = Data()["v"] };
                    _live[(ns, name)] = await configMaps.UpdateAsync(next);
                    Updates++;
                }
                else
                {
                    await configMaps.DeleteAsync(name);
                    _live.Remove((ns, name));
                    Deletes++;
                }
                Writes++;
            }
        }

        private Dictionary<string, string> Data() => new() { ["v"] = _random.Next().ToString(CultureInfo.InvariantCulture) };
    }
}
