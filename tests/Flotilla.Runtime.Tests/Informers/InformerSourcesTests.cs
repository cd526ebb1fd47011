using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Tests.Controllers;
using Flotilla.Runtime.WorkQueue;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.Informers;

/// <summary>The glue between informers and controllers: which keys reach the queue, and starting only once caches have synced.</summary>
public sealed class InformerSourcesTests : IAsyncLifetime
{
    private TestApiServer _server = null!;
    private KubernetesClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestApiServer.StartAsync();
        _client = KubernetesClient.FromKubeConfigFile(_server.Host.KubeconfigPath);
        await Cluster.CreateNamespaceAsync(_client, "owners");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EnqueueObjectsAndOwners_ObjectsChange_QueueGetsTheirKeysAndTheirControllersKeys()
    {
        var configMaps = _client.Resource(Cluster.ConfigMaps).InNamespace("owners");
        var parent = await configMaps.CreateAsync(Cluster.ConfigMap("owners", "parent"));
        JsonObject OwnerReference(string name, string uid, bool controller, string kind = "ConfigMap") => new()
        {
            ["apiVersion"] = "v1", ["kind"] = kind, ["name"] = name, ["uid"] = uid, ["controller"] = controller,
        };
        await using var factory = new SharedInformerFactory(_client, Cluster.FastInformers);
        var informer = factory.For(Cluster.ConfigMaps, "owners");
        var objects = new WorkQueue<NamespacedName>();
        var owners = new WorkQueue<NamespacedName>();
        objects.EnqueueObjects(informer, cm => cm.Name() != "ignored");
        owners.EnqueueOwners(informer, Cluster.ConfigMaps);
        factory.Start();
        await informer.WaitForCacheSyncAsync().Within("the owners informer");
        Assert.Equal([new NamespacedName("owners", "parent")], await DrainAsync(objects, 1));

        await configMaps.CreateAsync(Cluster.ConfigMap("owners", "child", metadata: new JsonObject
        {
            ["ownerReferences"] = new JsonArray(OwnerReference("parent", parent.Uid(), controller: true), OwnerReference("bystander", "u2", controller: false)),
        }));
        await configMaps.CreateAsync(Cluster.ConfigMap("owners", "ignored", metadata: new JsonObject
        {
            ["ownerReferences"] = new JsonArray(OwnerReference("not-a-configmap", "u3", controller: true, kind: "Secret")),
        }));
        await configMaps.DeleteAsync("child");
        // Handlers see changes in order, so once the sentinel's keys arrive, everything before it has.
        await configMaps.CreateAsync(Cluster.ConfigMap("owners", "sentinel", metadata: new JsonObject
        {
            ["ownerReferences"] = new JsonArray(OwnerReference("sentinel-owner", "u4", controller: true)),
        }));

        Assert.Equal(["child", "sentinel"], (await DrainUntilAsync(objects, "sentinel")).Select(k => k.Name).Distinct());
        Assert.Equal(["parent", "sentinel-owner"], (await DrainUntilAsync(owners, "sentinel-owner")).Select(k => k.Name).Distinct());
        Assert.All((await DrainUntilAsync(owners, null)).Concat(await DrainUntilAsync(objects, null)), k => Assert.Equal("owners", k.Namespace));
    }

    [Fact]
    public async Task CacheSyncedController_Start_StartsWorkersOnlyOnceEveryCacheIsFull()
    {
        var configMaps = _client.Resource(Cluster.ConfigMaps).InNamespace("owners");
        for (var i = 0; i < 30; i++)
        {
            await configMaps.CreateAsync(Cluster.ConfigMap("owners", $"cm-{i}"));
        }
        await using var factory = new SharedInformerFactory(_client, Cluster.FastInformers);
        var informer = factory.For(Cluster.ConfigMaps, "owners");
        var seen = new ConcurrentQueue<int>();
        var controller = new Controller<NamespacedName>("counting", new DelegateReconciler<NamespacedName>((key, _) =>
        {
            seen.Enqueue(informer.Lister.Count);
            return Task.FromResult(ReconcileResult.Done);
        }));
        controller.Queue.EnqueueObjects(informer);
        await using var host = new CacheSyncedController<NamespacedName>(controller, [informer]);

        await host.StartAsync(CancellationToken.None).Within("the controller to start");

        Assert.True(informer.HasSynced);
        await Eventually.WaitAsync("every object to be reconciled", () => seen.Count >= 30);
        Assert.All(seen, count => Assert.Equal(30, count));
    }

    [Fact]
    public async Task CacheSyncedController_CacheNeverSyncs_StartFailsNamingTheInformer()
    {
        await using var factory = new SharedInformerFactory(_client, Cluster.FastInformers);
        var missing = factory.For(new ResourceMapping("nope.example.io", "v1", "widgets", "Widget", namespaced: true));
        var time = new ManualTimeProvider();
        var reconciled = false;
        var controller = new Controller<NamespacedName>("never", new DelegateReconciler<NamespacedName>((_, _) =>
        {
            reconciled = true;
            return Task.FromResult(ReconcileResult.Done);
        }));
        await using var host = new CacheSyncedController<NamespacedName>(controller, [missing], TimeSpan.FromMinutes(2), time);

        var start = host.StartAsync(CancellationToken.None);
        await time.WaitForTimersAsync(1);
        time.Advance(TimeSpan.FromMinutes(2));

        // The start fails with a TimeoutException of its own, so bound the wait without one.
        await Task.WhenAny(start, Task.Delay(TestWaits.Limit));
        Assert.True(start.IsCompleted, "the start should fail once the sync timeout has passed");
        var error = await Assert.ThrowsAsync<TimeoutException>(() => start);
        Assert.Contains("widgets.nope.example.io", error.Message);
        Assert.False(reconciled);
    }

    /// <summary>Takes keys off the queue until <paramref name="last"/> (or, when null, while any are queued).</summary>
    private static async Task<List<NamespacedName>> DrainUntilAsync(WorkQueue<NamespacedName> queue, string? last)
    {
        var keys = new List<NamespacedName>();
        while (last is not null || queue.Count > 0)
        {
            var (key, _) = await queue.GetAsync().Within($"the key {last}");
            queue.Done(key);
            keys.Add(key);
            if (key.Name == last)
            {
                break;
            }
        }
        return keys;
    }

    /// <summary>Takes <paramref name="count"/> keys off the queue (marking each done), failing if they do not come.</summary>
    private static async Task<List<NamespacedName>> DrainAsync(WorkQueue<NamespacedName> queue, int count)
    {
        var keys = new List<NamespacedName>();
        for (var i = 0; i < count; i++)
        {
            var (key, _) = await queue.GetAsync().Within($"key {i + 1} of {count}");
            queue.Done(key);
            keys.Add(key);
        }
        return keys;
    }
}
