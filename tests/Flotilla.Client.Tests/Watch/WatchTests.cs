using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Watch;

/// <summary>Watches against the API server: list-then-watch, resume, bookmarks, and 410 for an expired resourceVersion.</summary>
public sealed class WatchTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task WatchAsync_FromListResourceVersion_YieldsAddedModifiedDeletedInOrder()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var list = await configMaps.ListAsync();
        var watching = Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = list.ResourceVersion }), 3, "ADDED, MODIFIED and DELETED of cm");

        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("cm", data: new() { ["a"] = "1" }));
        var change = created.DeepClone().AsObject();
        change["data"]!["a"] = "2";
        var updated = await configMaps.UpdateAsync(change);
        await configMaps.DeleteAsync("cm");
        var events = await watching;

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
        Assert.True(JsonNode.DeepEquals(created, events[0].Object), $"ADDED carried {events[0].Object.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(updated, events[1].Object));
        Assert.Equal(updated.Uid(), events[2].Object.Uid());
        Assert.All(events, e => Assert.Equal(e.Object.ResourceVersion(), e.ResourceVersion));
        Assert.Equal(3, events.Select(e => e.ResourceVersion).Distinct().Count());
    }

    [Fact]
    public async Task WatchAsync_NoResourceVersion_StartsWithSyntheticAddedForExistingObjects()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        await configMaps.CreateAsync(Fixtures.ConfigMap("before-1"));
        await configMaps.CreateAsync(Fixtures.ConfigMap("before-2"));

        var events = await Collect(configMaps.WatchAsync(new WatchOptions { AllowBookmarks = false }), 2, "synthetic ADDED for existing ConfigMaps");

        Assert.Equal([(WatchEventType.Added, "before-1"), (WatchEventType.Added, "before-2")], events.Select(e => (e.Type, e.Object.Name())));
    }

    [Fact]
    public async Task WatchAsync_ResumeFromLastSeenResourceVersion_YieldsExactlyTheLaterChanges()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var start = (await configMaps.ListAsync()).ResourceVersion;
        var watching = Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = start }), 1, "ADDED of first");
        var first = await configMaps.CreateAsync(Fixtures.ConfigMap("first"));
        var seen = await watching;
        Assert.Equal(first.ResourceVersion(), seen[0].ResourceVersion);

        // Changes while no watch is open.
        first["data"] = new JsonObject { ["k"] = "v" };
        await configMaps.UpdateAsync(first);
        await configMaps.CreateAsync(Fixtures.ConfigMap("second"));

        var resumed = await Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = seen[^1].ResourceVersion }), 2, "MODIFIED first and ADDED second after resuming");
        Assert.Equal([(WatchEventType.Modified, "first"), (WatchEventType.Added, "second")], resumed.Select(e => (e.Type, e.Object.Name())));
    }

    [Fact]
    public async Task WatchAsync_TimeoutSecondsWithBookmarks_EndsWithBookmarkAtLastResourceVersion()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var start = (await configMaps.ListAsync()).ResourceVersion;
        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("marked"));

        var events = new List<WatchEvent<JsonObject>>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (var e in configMaps.WatchAsync(new WatchOptions { ResourceVersion = start, TimeoutSeconds = 1, AllowBookmarks = true }, deadline.Token))
        {
            events.Add(e);
        }

        Assert.Equal([WatchEventType.Added, WatchEventType.Bookmark], events.Select(e => e.Type));
        var bookmark = events[1];
        Assert.Equal(created.ResourceVersion(), bookmark.ResourceVersion);
        Assert.Equal(("ConfigMap", "v1"), (bookmark.Object.GetString("kind"), bookmark.Object.GetString("apiVersion")));
    }

    [Fact]
    public async Task WatchAsync_TypedModel_DecodesEvents()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps, TestJson.Default.ConfigMap).InNamespace(ns);
        var start = (await configMaps.ListAsync()).ResourceVersion;
        var watching = Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = start }), 1, "typed ADDED");

        var created = await configMaps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "typed" }, Data = new() { ["x"] = "y" } });
        var events = await watching;

        Assert.Equal(WatchEventType.Added, events[0].Type);
        Assert.Equal(("typed", "y", created.Metadata.ResourceVersion), (events[0].Object.Metadata.Name, events[0].Object.Data!["x"], events[0].ResourceVersion));
    }

    [Fact]
    public async Task WatchAsync_ResourceVersionOlderThanWindow_ThrowsGoneFromErrorEvent()
    {
        await using var server = await TestApiServer.StartAsync(storeOptions: new Flotilla.Storage.ResourceStoreOptions { EventWindowSize = 2 });
        var client = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath);
        var ns = await Fixtures.NewNamespaceAsync(client);
        var configMaps = client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var old = (await configMaps.ListAsync()).ResourceVersion;
        for (var i = 0; i < 5; i++)
        {
            await configMaps.CreateAsync(Fixtures.ConfigMap($"churn-{i}"));
        }

        var error = await Assert.ThrowsAsync<ApiException>(() => Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = old }), 1, "the 410 ERROR event"));

        Assert.True(error.IsGone());
        Assert.True(error.IsResourceExpired());
        Assert.Equal(410, error.Code);
        Assert.StartsWith($"too old resource version: {old}", error.Message);

        // The remedy: list again and watch from the new list.
        var relisted = await configMaps.ListAsync();
        Assert.Equal(5, relisted.Items.Count);
        var watching = Collect(configMaps.WatchAsync(new WatchOptions { ResourceVersion = relisted.ResourceVersion }), 1, "ADDED after relisting");
        await configMaps.CreateAsync(Fixtures.ConfigMap("after"));
        Assert.Equal("after", (await watching)[0].Object.Name());
    }

    /// <summary>Reads <paramref name="count"/> events (skipping bookmarks), failing with the phase's name if they do not come in time.</summary>
    internal static async Task<List<WatchEvent<T>>> Collect<T>(IAsyncEnumerable<WatchEvent<T>> stream, int count, string phase)
    {
        var events = new List<WatchEvent<T>>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            await foreach (var e in stream.WithCancellation(deadline.Token))
            {
                if (e.Type == WatchEventType.Bookmark)
                {
                    continue;
                }
                events.Add(e);
                if (events.Count == count)
                {
                    return events;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }
        throw new TimeoutException($"waiting for {phase}: got {events.Count} of {count} events ({string.Join(", ", events.Select(e => e.Type))})");
    }
}
