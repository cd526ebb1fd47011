using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Informers;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Informers;

/// <summary>Informers against the in-process API server: list then watch, handlers, listers, indexes, sharing, typed objects.</summary>
public sealed class InformerTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    internal static readonly InformerOptions Fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    [Fact]
    public async Task Informer_SeededByList_SeesEveryLaterChangeExactlyOnceInOrder()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var seeded = await configMaps.CreateAsync(Fixtures.ConfigMap("seeded", data: new() { ["v"] = "0" }));
        await using var factory = new SharedInformerFactory(fixture.Client, Fast);
        var informer = factory.For(Resources.ConfigMaps, ns);
        var model = new ModelHandler();
        informer.AddEventHandler(model);
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the informer's first list");

        // Every kind of change, on several keys, interleaved; the expected calls are the writes' own versions.
        var expected = new List<Seen> { new("add", $"{ns}/seeded", seeded.ResourceVersion(), true) };
        var first = await configMaps.CreateAsync(Fixtures.ConfigMap("first", data: new() { ["v"] = "1" }));
        expected.Add(new("add", $"{ns}/first", first.ResourceVersion(), false));
        for (var i = 2; i <= 4; i++)
        {
            first["data"]!["v"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            first = await configMaps.UpdateAsync(first);
            expected.Add(new("update", $"{ns}/first", first.ResourceVersion(), false));
        }
        seeded["data"]!["v"] = "changed";
        seeded = await configMaps.UpdateAsync(seeded);
        expected.Add(new("update", $"{ns}/seeded", seeded.ResourceVersion(), false));
        await configMaps.DeleteAsync("first");
        var again = await configMaps.CreateAsync(Fixtures.ConfigMap("first", data: new() { ["v"] = "reborn" }));
        await configMaps.DeleteAsync("seeded");
        // A sentinel after everything: once it arrives, anything duplicated would have arrived too.
        var sentinel = await configMaps.CreateAsync(Fixtures.ConfigMap("sentinel"));
        await Eventually.WaitAsync("the sentinel's add", () => model.Seen.Any(s => s.Key == $"{ns}/sentinel"));

        var seen = model.Seen;
        var deletes = seen.Where(s => s.Kind == "delete").ToList();
        Assert.Equal([$"{ns}/first", $"{ns}/seeded"], deletes.Select(d => d.Key));
        expected.Insert(6, deletes[0]);
        expected.Add(new("add", $"{ns}/first", again.ResourceVersion(), false));
        expected.Add(deletes[1]);
        expected.Add(new("add", $"{ns}/sentinel", sentinel.ResourceVersion(), false));
        Assert.Equal(expected, seen);
        Assert.Empty(model.Violations);
        AssertEqualToList(await configMaps.ListAsync(), informer, model);
    }

    [Fact]
    public async Task Lister_ByNamespaceSelectorKeyAndCustomIndex_ReadsTheCache()
    {
        var a = await fixture.NewNamespaceAsync();
        var b = await fixture.NewNamespaceAsync();
        var client = fixture.Client.Resource(Resources.ConfigMaps);
        await client.CreateAsync(Fixtures.ConfigMap("web", a, labels: new() { ["app"] = "web", ["team"] = "red" }));
        await client.CreateAsync(Fixtures.ConfigMap("db", a, labels: new() { ["app"] = "db", ["team"] = "red" }));
        await client.CreateAsync(Fixtures.ConfigMap("web", b, labels: new() { ["app"] = "web", ["team"] = "blue" }));
        await using var factory = new SharedInformerFactory(fixture.Client, Fast);
        var informer = factory.For(Resources.ConfigMaps);
        informer.AddIndex("team", cm => cm.Labels()?["team"]?.GetValue<string>() is { } team ? [team] : []);
        factory.Start();
        await factory.WaitForCacheSyncAsync().Within("the all-namespaces informer's first list");
        var lister = informer.Lister;

        Assert.Equal("db", lister.Get(a, "db")?.Name());
        Assert.Null(lister.Get(b, "db"));
        Assert.Equal(b, lister.GetByKey($"{b}/web")?.Namespace());
        Assert.Equal(["db", "web"], lister.List(a).Select(o => o.Name()).Order());
        Assert.Equal(new[] { a, b }.Order(), lister.List(selector: LabelSelector.Parse("app=web")).Where(o => o.Namespace() == a || o.Namespace() == b).Select(o => o.Namespace()).Order());
        Assert.Equal(["web"], lister.List(a, LabelSelector.Parse("team=red,app!=db")).Select(o => o.Name()));
        Assert.Equal([$"{a}/db", $"{a}/web"], lister.ByIndex("team", "red").Select(o => $"{o.Namespace()}/{o.Name()}").Order());

        // Indexes follow changes: web in a moves from red to blue.
        var web = (await client.InNamespace(a).GetAsync("web")).DeepClone().AsObject();
        web.Labels()!["team"] = "blue";
        await client.UpdateAsync(web);
        await Eventually.WaitAsync("a/web to move to the blue index", () => lister.ByIndex("team", "blue").Count == 2);
        Assert.Equal([$"{a}/db"], lister.ByIndex("team", "red").Select(o => $"{o.Namespace()}/{o.Name()}"));
        Assert.Throws<ArgumentException>(() => lister.ByIndex("no-such-index", "x"));
    }

    [Fact]
    public async Task Factory_SameScopeTwice_SharesOneInformerAndReplaysTheCacheToLateHandlers()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        await configMaps.CreateAsync(Fixtures.ConfigMap("one", labels: new() { ["app"] = "x" }));
        await configMaps.CreateAsync(Fixtures.ConfigMap("two"));
        await using var factory = new SharedInformerFactory(fixture.Client, Fast);
        var informer = factory.For(Resources.ConfigMaps, ns, "app = x");
        var early = new ModelHandler();
        var earlyRegistration = informer.AddEventHandler(early);
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the selected informer's first list");

        Assert.Same(informer, factory.For(Resources.ConfigMaps, ns, "app=x"));
        Assert.NotSame(informer, factory.For(Resources.ConfigMaps, ns));
        var late = new ModelHandler();
        var lateRegistration = informer.AddEventHandler(late);
        await Eventually.WaitAsync("both registrations to have their initial state", () => earlyRegistration.HasSynced && lateRegistration.HasSynced);
        Assert.Equal([new Seen("add", $"{ns}/one", (await configMaps.GetAsync("one")).ResourceVersion(), true)], late.Seen);

        // An object entering the selection is an add; leaving it, a delete.
        var two = await configMaps.GetAsync("two");
        two.Metadata()["labels"] = new JsonObject { ["app"] = "x" };
        await configMaps.UpdateAsync(two);
        var one = await configMaps.GetAsync("one");
        one.Metadata().Remove("labels");
        await configMaps.UpdateAsync(one);
        await Eventually.WaitAsync("two to enter and one to leave the selection", () => late.Snapshot().Keys.SequenceEqual([$"{ns}/two"]));
        Assert.Equal(early.Seen, late.Seen);
        Assert.Empty(late.Violations);
        Assert.Equal(["two"], informer.Lister.List().Select(o => o.Name()));

        lateRegistration.Dispose();
        await configMaps.DeleteAsync("two");
        await Eventually.WaitAsync("the early handler to see the delete", () => early.Snapshot().Count == 0);
        Assert.DoesNotContain(late.Seen, s => s.Kind == "delete" && s.Key == $"{ns}/two");
    }

    [Fact]
    public async Task Informer_TypedModel_CachesDecodedObjects()
    {
        var ns = await fixture.NewNamespaceAsync();
        await fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns).CreateAsync(Fixtures.ConfigMap("typed", data: new() { ["k"] = "v" }, labels: new() { ["app"] = "t" }));
        var accessor = new ObjectAccessor<ConfigMap>
        {
            Namespace = cm => cm.Metadata.Namespace,
            Name = cm => cm.Metadata.Name,
            ResourceVersion = cm => cm.Metadata.ResourceVersion,
            Uid = cm => cm.Metadata.Uid,
            MatchesLabels = (cm, selector) => selector.Matches(cm.Metadata.Labels),
        };
        await using var factory = new SharedInformerFactory(fixture.Client, Fast);
        var informer = factory.For(Resources.ConfigMaps, TestJson.Default.ConfigMap, accessor, ns);
        var added = new TaskCompletionSource<ConfigMap>(TaskCreationOptions.RunContinuationsAsynchronously);
        informer.AddEventHandler(onAdd: cm => added.TrySetResult(cm));
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the typed informer's first list");

        var cached = informer.Lister.Get(ns, "typed");
        Assert.Equal("v", cached?.Data?["k"]);
        await added.Task.Within("the typed add");
        Assert.Same(cached, await added.Task);
        Assert.Single(informer.Lister.List(ns, LabelSelector.Parse("app=t")));
        Assert.Empty(informer.Lister.List(ns, LabelSelector.Parse("app=other")));
    }

    [Fact]
    public async Task Factory_Disposed_StopsInformersAndFailsWaitsForSync()
    {
        var factory = new SharedInformerFactory(fixture.Client, Fast);
        var informer = factory.For(Resources.ConfigMaps, "never-started");
        await factory.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => informer.WaitForCacheSyncAsync());
        Assert.Throws<ObjectDisposedException>(() => factory.For(Resources.Namespaces));
        Assert.Throws<ObjectDisposedException>(() => informer.AddEventHandler(onAdd: _ => { }));
    }

    /// <summary>Cache and handler model both equal the list: same keys, and whole objects equal.</summary>
    internal static void AssertEqualToList(ResourceList<JsonObject> list, SharedInformer<JsonObject> informer, ModelHandler model)
    {
        var expected = list.Items.ToDictionary(o => informer.Accessor.KeyOf(o), StringComparer.Ordinal);
        var cache = informer.Lister.List().ToDictionary(o => informer.Accessor.KeyOf(o), StringComparer.Ordinal);
        var handlers = model.Snapshot();
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), cache.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), handlers.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, obj) in expected)
        {
            Assert.True(JsonNode.DeepEquals(obj, cache[key]), $"cache differs for {key}: {cache[key].ToJsonString()} vs {obj.ToJsonString()}");
            Assert.True(JsonNode.DeepEquals(obj, handlers[key]), $"handler model differs for {key}: {handlers[key].ToJsonString()} vs {obj.ToJsonString()}");
        }
    }
}
