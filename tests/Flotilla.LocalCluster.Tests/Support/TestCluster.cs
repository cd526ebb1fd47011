using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.LocalCluster.Common;
using Flotilla.Testing;

namespace Flotilla.LocalCluster.Tests.Support;

/// <summary>An API server on port 0 with a local cluster runtime on it, and the reads and waits the tests share.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public const string Namespace = "default";

    /// <summary>Each cluster of the test run gets its own /24 of loopback addresses, so parallel tests never share a pod IP.</summary>
    private static int _clusters;

    private TestCluster(TestApiServer server, KubernetesClient client, LocalClusterRuntime runtime)
    {
        Server = server;
        Client = client;
        Runtime = runtime;
    }

    public TestApiServer Server { get; }

    public KubernetesClient Client { get; }

    public LocalClusterRuntime Runtime { get; private set; }

    public static async Task<TestCluster> StartAsync(Func<LocalClusterOptions, LocalClusterOptions>? configure = null)
    {
        var server = await TestApiServer.StartAsync();
        try
        {
            var client = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });
            var runtime = new LocalClusterRuntime(Options(configure));
            await runtime.StartAsync(client, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            return new TestCluster(server, client, runtime);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public static LocalClusterOptions Options(Func<LocalClusterOptions, LocalClusterOptions>? configure = null)
    {
        var n = Interlocked.Increment(ref _clusters) % 250;
        var options = new LocalClusterOptions
        {
            ClusterName = "member",
            PodCidr = string.Create(CultureInfo.InvariantCulture, $"127.231.{n}.0/24"),
            NodeAddressCidr = string.Create(CultureInfo.InvariantCulture, $"127.232.{n}.0/24"),
            JobPodRunDuration = TimeSpan.FromMilliseconds(200),
        };
        return configure is null ? options : configure(options);
    }

    /// <summary>Stops the runtime and starts a new one on the same server, as a restarted process would.</summary>
    public async Task RestartRuntimeAsync()
    {
        var options = Runtime.Options;
        await Runtime.DisposeAsync();
        Runtime = new LocalClusterRuntime(options);
        await Runtime.StartAsync(Client, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public ResourceClient<JsonObject> Resource(ResourceMapping mapping) => Client.Resource(mapping).InNamespace(Namespace);

    public async Task<JsonObject> CreateAsync(JsonObject obj)
    {
        var mapping = Mapping(obj.GetString("kind")!);
        return await Client.Resource(mapping).InNamespace(mapping.Namespaced ? Namespace : null).CreateAsync(obj);
    }

    public Task<JsonObject> GetAsync(ResourceMapping mapping, string name) => Client.Resource(mapping).InNamespace(mapping.Namespaced ? Namespace : null).GetAsync(name);

    public async Task<List<JsonObject>> ListAsync(ResourceMapping mapping, string? labelSelector = null) =>
        [.. (await Client.Resource(mapping).InNamespace(mapping.Namespaced ? Namespace : null).ListAsync(new ListOptions { LabelSelector = labelSelector })).Items];

    /// <summary>A merge patch, as <c>kubectl patch</c> sends it.</summary>
    public Task<JsonObject> PatchAsync(ResourceMapping mapping, string name, JsonObject patch) =>
        Resource(mapping).PatchAsync(name, Patch.Merge(patch));

    /// <summary>Polls until <paramref name="probe"/> holds, failing with <paramref name="phase"/> in the message.</summary>
    public static Task WaitAsync(string phase, Func<Task<bool>> probe, TimeSpan? timeout = null) =>
        Eventually.WaitAsync(phase, async () => await probe() ? true : (bool?)null, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>Waits until the app's pods are exactly <paramref name="count"/> Running, Ready pods with IPs; returns them.</summary>
    public async Task<List<JsonObject>> WaitForReadyPodsAsync(string labelSelector, int count, string phase)
    {
        List<JsonObject> pods = [];
        await WaitAsync(phase, async () =>
        {
            pods = await ListAsync(Kinds.Pods, labelSelector);
            return pods.Count == count && pods.All(p => Pods.Phase(p) == "Running" && Pods.IsReady(p) && Pods.PodIp(p).Length > 0);
        });
        return pods;
    }

    public async ValueTask DisposeAsync()
    {
        await Runtime.DisposeAsync();
        await Server.DisposeAsync();
    }

    private static ResourceMapping Mapping(string kind) => kind switch
    {
        "Pod" => Kinds.Pods,
        "Service" => Kinds.Services,
        "Deployment" => Kinds.Deployments,
        "ReplicaSet" => Kinds.ReplicaSets,
        "StatefulSet" => Kinds.StatefulSets,
        "DaemonSet" => Kinds.DaemonSets,
        "Job" => Kinds.Jobs,
        "Node" => Kinds.Nodes,
        _ => throw new ArgumentException($"no mapping for {kind} in the tests"),
    };
}
