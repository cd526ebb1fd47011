using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Config;
using Flotilla.Runtime.Events;
using Flotilla.Runtime.Tests.Controllers;
using Flotilla.Testing;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Tests.Events;

/// <summary>Events as upstream writes them, against a real API server: aggregation, spam limits, namespaces, kubectl.</summary>
public sealed class EventRecorderTests
{
    private const string Component = "flotilla-test";

    /// <summary>Unix nanoseconds of <see cref="ManualTimeProvider.DefaultStart"/> (2025-01-01T00:00:00Z), in hex.</summary>
    private const string StartNanosHex = "1816687ec0570000";

    private static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    private static readonly ResourceMapping ConfigMaps = new("", "v1", "configmaps", "ConfigMap", namespaced: true);
    private static readonly ResourceMapping Events = new("", "v1", "events", "Event", namespaced: true);

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public async Task Record_SameEventThreeTimes_OneEventCountingThem()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = Client(server);
        var configMap = await CreateConfigMapAsync(client, "demo", "x");
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, Host = "node-1", Time = _time });

        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        _time.Advance(TimeSpan.FromSeconds(10));
        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        _time.Advance(TimeSpan.FromSeconds(10));
        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        await recorder.FlushAsync().Within("the recorder to write");

        var written = Assert.Single(await ListEventsAsync(client, "demo"));
        var expected = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = $"x.{StartNanosHex}", ["namespace"] = "demo" },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = "ConfigMap",
                ["namespace"] = "demo",
                ["name"] = "x",
                ["uid"] = configMap.Uid(),
                ["apiVersion"] = "v1",
                ["resourceVersion"] = configMap.ResourceVersion(),
            },
            ["reason"] = "Synced",
            ["message"] = "config synced",
            ["source"] = new JsonObject { ["component"] = Component, ["host"] = "node-1" },
            ["firstTimestamp"] = "2025-01-01T00:00:00Z",
            ["lastTimestamp"] = "2025-01-01T00:00:20Z",
            ["count"] = 3,
            ["type"] = "Normal",
            ["reportingComponent"] = Component,
            ["reportingInstance"] = "node-1",
        };
        Assert.Equal(expected, WithoutServerMetadata(written), JsonNode.DeepEquals);
    }

    [Fact]
    public async Task Record_DifferentMessages_SeparateEventsWithUniqueNames()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = Client(server);
        var configMap = await CreateConfigMapAsync(client, "demo", "x");
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, Time = _time });

        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        recorder.Record(configMap, EventType.Warning, "Synced", "config synced");
        recorder.Record(configMap, EventType.Normal, "Synced", "config synced to 3 clusters");
        await recorder.FlushAsync().Within("the recorder to write");

        var written = await ListEventsAsync(client, "demo");
        // The clock did not move: names stay unique by counting the nanoseconds on.
        Assert.Equal(
            [($"x.{StartNanosHex}", "Normal", "config synced", 1), ($"x.{StartNanosHex[..^1]}1", "Warning", "config synced", 1), ($"x.{StartNanosHex[..^1]}2", "Normal", "config synced to 3 clusters", 1)],
            written.Select(e => (e.Name(), e.GetString("type"), e.GetString("message"), (int)e["count"]!)).Order());
    }

    [Fact]
    public async Task Record_RepeatAfterAggregationWindow_CreatesNewEvent()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = Client(server);
        var configMap = await CreateConfigMapAsync(client, "demo", "x");
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, Time = _time, AggregationWindow = TimeSpan.FromMinutes(10) });

        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        _time.Advance(TimeSpan.FromMinutes(10));
        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        _time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        await recorder.FlushAsync().Within("the recorder to write");

        var written = await ListEventsAsync(client, "demo");
        Assert.Equal(
            [("2025-01-01T00:00:00Z", "2025-01-01T00:10:00Z", 2), ("2025-01-01T00:20:01Z", "2025-01-01T00:20:01Z", 1)],
            written.Select(e => (e.GetString("firstTimestamp"), e.GetString("lastTimestamp"), (int)e["count"]!)).Order());
    }

    [Fact]
    public async Task Record_MoreThanBurstAboutOneObject_DropsTheRestUntilATokenRefills()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = Client(server);
        var noisy = await CreateConfigMapAsync(client, "demo", "noisy");
        var quiet = await CreateConfigMapAsync(client, "demo", "quiet");
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, Time = _time });

        for (var i = 0; i < 30; i++)
        {
            recorder.Record(noisy, EventType.Warning, "SyncFailed", $"attempt {i} failed");
        }
        recorder.Record(quiet, EventType.Normal, "Synced", "config synced");
        await recorder.FlushAsync().Within("the burst to be written");
        var afterBurst = (await ListEventsAsync(client, "demo", "noisy")).Count;
        _time.Advance(TimeSpan.FromMinutes(5));
        recorder.Record(noisy, EventType.Warning, "SyncFailed", "attempt 30 failed");
        recorder.Record(noisy, EventType.Warning, "SyncFailed", "attempt 31 failed");
        await recorder.FlushAsync().Within("the refilled token to be used");

        var noisyEvents = await ListEventsAsync(client, "demo", "noisy");
        Assert.Equal(25, afterBurst);
        Assert.Equal([.. Enumerable.Range(0, 25).Select(i => $"attempt {i} failed"), "attempt 30 failed"], noisyEvents.Select(e => e.GetString("message")!).OrderBy(m => int.Parse(m.Split(' ')[1])));
        Assert.Single(await ListEventsAsync(client, "demo", "quiet"));
    }

    [Fact]
    public async Task Record_ClusterScopedObject_EventGoesToDefaultNamespace()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = Client(server);
        var ns = await client.Resource(Namespaces).CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = "team-a" } });
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, Time = _time });

        recorder.Record(ns, EventType.Normal, "Joined", "namespace joined the fleet");
        await recorder.FlushAsync().Within("the recorder to write");

        var written = Assert.Single(await ListEventsAsync(client, "default"));
        Assert.Equal($"team-a.{StartNanosHex}", written.Name());
        Assert.Equal(new JsonObject { ["kind"] = "Namespace", ["name"] = "team-a", ["uid"] = ns.Uid(), ["apiVersion"] = "v1", ["resourceVersion"] = ns.ResourceVersion() }, written["involvedObject"], JsonNode.DeepEquals);
    }

    [Fact]
    public async Task Record_EventsAboutConfigMap_ShownByKubectlDescribe()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = Client(server);
        var configMap = await CreateConfigMapAsync(client, "demo", "x");
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component });

        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        recorder.Record(configMap, EventType.Normal, "Synced", "config synced");
        recorder.Record(configMap, EventType.Warning, "SyncFailed", "config could not reach member-2");
        await recorder.FlushAsync().Within("the recorder to write");
        var described = await server.Kubectl.SucceedAsync("describe", "configmap", "x", "-n", "demo");

        Assert.Matches(new Regex(@"^Events:\s*\n\s+Type\s+Reason\s+Age\s+From\s+Message\s*$", RegexOptions.Multiline), described);
        Assert.Matches(new Regex(@"^\s+Normal\s+Synced\s+\S+ \(x2 over \S+\)\s+flotilla-test\s+config synced\s*$", RegexOptions.Multiline), described);
        Assert.Matches(new Regex(@"^\s+Warning\s+SyncFailed\s+\S+\s+flotilla-test\s+config could not reach member-2\s*$", RegexOptions.Multiline), described);
    }

    [Fact]
    public async Task Record_ServerUnreachable_ReturnsAtOnceAndLogsTheFailure()
    {
        using var logs = new CapturingLoggerFactory();
        var client = new KubernetesClient(new ClusterConnection { Server = new Uri("http://127.0.0.1:1") }, new KubernetesClientOptions { MaxRetries = 0 });
        await using var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, Time = _time, LoggerFactory = logs });
        var reference = new ObjectReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "x", Namespace = "demo" };

        recorder.Record(reference, EventType.Normal, "Synced", "config synced");
        await recorder.FlushAsync().Within("the recorder to give up on the write");

        var entry = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal($"Could not write event demo/x.{StartNanosHex} (Synced for ConfigMap demo/x); dropping it", entry.Message);
        Assert.IsType<HttpRequestException>(entry.Exception);
    }

    [Fact]
    public async Task Record_QueueFull_DropsWithoutBlockingAndWarnsOnce()
    {
        // A server that accepts connections and never answers holds the writer on its first event.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var logs = new CapturingLoggerFactory();
        var client = new KubernetesClient(new ClusterConnection { Server = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}") }, new KubernetesClientOptions { MaxRetries = 0 });
        var recorder = new EventRecorder(client, new EventRecorderOptions { Component = Component, QueueCapacity = 1, ShutdownTimeout = TimeSpan.FromMilliseconds(100), LoggerFactory = logs });
        var reference = new ObjectReference { ApiVersion = "v1", Kind = "ConfigMap", Name = "x", Namespace = "demo" };

        recorder.Record(reference, EventType.Normal, "Synced", "sync 0");
        using var stuck = await silent.AcceptTcpClientAsync().Within("the writer to send the first event");
        for (var i = 1; i < 10; i++)
        {
            recorder.Record(reference, EventType.Normal, "Synced", $"sync {i}");
        }
        await recorder.DisposeAsync().AsTask().Within("the recorder to abandon the stuck write");

        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        var dropped = logs.Entries.Count(e => e.Message.StartsWith("Dropped event Synced for ConfigMap x: the queue is full", StringComparison.Ordinal));
        Assert.Equal("Event queue full (1); dropping events, starting with Synced for ConfigMap demo/x", warnings[0]);
        // Event 0 is being written and event 1 waits (both abandoned); the first drop (event 2) warned, the other seven were logged quietly.
        Assert.Equal(7, dropped);
        Assert.Equal("Abandoning 2 unwritten event(s) at shutdown", warnings[^1]);
        Assert.Equal(2, warnings.Count);
    }

    private static KubernetesClient Client(TestApiServer server) => KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath);

    private static async Task<JsonObject> CreateConfigMapAsync(KubernetesClient client, string ns, string name)
    {
        try
        {
            await client.Resource(Namespaces).CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        }
        catch (Flotilla.Api.Meta.ApiException e) when (e.IsAlreadyExists())
        {
        }
        return await client.Resource(ConfigMaps).CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["data"] = new JsonObject { ["k"] = "v" },
        });
    }

    private static async Task<List<JsonObject>> ListEventsAsync(KubernetesClient client, string ns, string? about = null)
    {
        var options = about is null ? null : new ListOptions { FieldSelector = $"involvedObject.name={about}" };
        return [.. (await client.Resource(Events).InNamespace(ns).ListAsync(options)).Items];
    }

    /// <summary>The Event without what the server adds to every object's metadata.</summary>
    private static JsonObject WithoutServerMetadata(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        var metadata = copy.Metadata();
        foreach (var field in new[] { "uid", "resourceVersion", "creationTimestamp", "managedFields", "generation" })
        {
            metadata.Remove(field);
        }
        return copy;
    }
}
