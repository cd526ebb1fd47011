using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Informers;
using Flotilla.Client;
using Flotilla.Hub.Membership;
using Flotilla.Testing;

namespace Flotilla.Hub.Tests;

/// <summary>A hub API server with the fleet CRDs, a client of it, and (once started) the hub controllers.</summary>
internal sealed class HubHarness : IAsyncDisposable
{
    public static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    public static readonly ResourceMapping Roles = new("rbac.authorization.k8s.io", "v1", "roles", "Role", namespaced: true);
    public static readonly ResourceMapping RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", namespaced: true);
    public static readonly ResourceMapping Events = new("", "v1", "events", "Event", namespaced: true);
    public static readonly ResourceMapping MemberClusters = CustomResourceMappings.Of<MemberCluster>();
    public static readonly ResourceMapping InternalMemberClusters = CustomResourceMappings.Of<InternalMemberCluster>();
    public static readonly ResourceMapping Works = CustomResourceMappings.Of<Work>();

    private readonly bool _ownsServer;

    private HubHarness(TestApiServer server, KubernetesClient client, bool ownsServer = true)
    {
        _ownsServer = ownsServer;
        Server = server;
        Client = client;
        Clusters = client.Resource(MemberClusters, ClusterJsonContext.Default.MemberCluster);
    }

    public TestApiServer Server { get; }

    public KubernetesClient Client { get; }

    public HubControllers? Controllers { get; private set; }

    public ResourceClient<MemberCluster> Clusters { get; }

    /// <summary>A hub server serving every fleet CRD (generated from the API types) with the hub's admission, unless told otherwise.</summary>
    public static async Task<HubHarness> StartServerAsync(TestServerFeatures? features = null)
    {
        var server = await TestApiServer.StartAsync(features: features ?? TestServerFeatures.Hub);
        return new HubHarness(server, NewClient(server));
    }

    /// <summary>A hub server with the controllers running on <paramref name="time"/>.</summary>
    public static async Task<HubHarness> StartAsync(TimeProvider? time = null, MemberClusterControllerOptions? options = null, TestServerFeatures? features = null)
    {
        var hub = await StartServerAsync(features);
        await hub.StartControllersAsync(time, options);
        return hub;
    }

    /// <summary>Hub controllers on a server someone else started (and disposes), serving the fleet CRDs.</summary>
    public static async Task<HubHarness> AttachAsync(TestApiServer server, KubernetesClient client, TimeProvider? time = null)
    {
        var hub = new HubHarness(server, client, ownsServer: false);
        await hub.StartControllersAsync(time);
        return hub;
    }

    public static KubernetesClient NewClient(TestApiServer server) =>
        KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });

    public static InformerOptions FastInformers(TimeProvider time) => new()
    {
        Time = time,
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
    };

    public async Task StartControllersAsync(TimeProvider? time = null, MemberClusterControllerOptions? options = null)
    {
        time ??= TimeProvider.System;
        Controllers = new HubControllers(new HubControllerOptions
        {
            Client = Client,
            MemberClusters = options ?? new MemberClusterControllerOptions(),
            Time = time,
            Informers = FastInformers(time),
        });
        await Controllers.StartAsync(CancellationToken.None);
    }

    public ResourceClient<InternalMemberCluster> Imcs(string cluster) =>
        Client.Resource(InternalMemberClusters, ClusterJsonContext.Default.InternalMemberCluster).InNamespace(ClusterApi.MemberNamespace(cluster));

    public static MemberCluster NewMemberCluster(string name, int? heartbeatPeriodSeconds = 60) => new()
    {
        ApiVersion = ClusterApi.ApiVersion,
        Kind = "MemberCluster",
        Metadata = new ObjectMeta { Name = name },
        Spec = new MemberClusterSpec
        {
            Identity = new Subject { Kind = "ServiceAccount", Name = "fleet-member-agent-" + name, Namespace = "fleet-system" },
            HeartbeatPeriodSeconds = heartbeatPeriodSeconds,
        },
    };

    public async Task<MemberCluster?> GetClusterAsync(string name)
    {
        try
        {
            return await Clusters.GetAsync(name);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    public async Task<InternalMemberCluster?> GetImcAsync(string name)
    {
        try
        {
            return await Imcs(name).GetAsync(name);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    public async Task<JsonObject?> GetNamespaceAsync(string name)
    {
        try
        {
            return await Client.Resource(Namespaces).GetAsync(name);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>Writes the IMC's status as its agents would (re-reading on a conflict).</summary>
    public async Task UpdateImcStatusAsync(string cluster, Action<InternalMemberClusterStatus> mutate)
    {
        for (var attempt = 0; ; attempt++)
        {
            var imc = await Imcs(cluster).GetAsync(cluster);
            imc.Status ??= new InternalMemberClusterStatus();
            mutate(imc.Status);
            try
            {
                await Imcs(cluster).UpdateStatusAsync(imc);
                return;
            }
            catch (ApiException e) when (e.IsConflict() && attempt < 5)
            {
            }
        }
    }

    /// <summary>An agent's status with its Joined condition (none when <paramref name="joined"/> is null).</summary>
    public static AgentStatus Agent(string type, string? joined, long observedGeneration = 1, DateTimeOffset? heartbeat = null) => new()
    {
        Type = type,
        LastReceivedHeartbeat = heartbeat ?? new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        Conditions = joined is null ? [] :
        [
            new Condition
            {
                Type = "Joined",
                Status = joined,
                Reason = joined == "True" ? "AgentJoined" : "AgentLeft",
                ObservedGeneration = observedGeneration,
                LastTransitionTime = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            },
        ],
    };

    /// <summary>Waits until the MemberCluster's condition of <paramref name="type"/> matches, and returns the MemberCluster.</summary>
    public Task<MemberCluster> WaitForConditionAsync(string cluster, string type, string status, string reason, TimeSpan? timeout = null) =>
        Eventually.WaitAsync($"MemberCluster {cluster} condition {type}={status} ({reason})", async () =>
        {
            var mc = await GetClusterAsync(cluster);
            return Conditions.Find(mc?.Status?.Conditions, type) is { } c && c.Status == status && c.Reason == reason ? mc : null;
        }, timeout);

    /// <summary>The reasons of the Events recorded about the MemberCluster.</summary>
    public async Task<List<string>> EventReasonsAsync(string cluster)
    {
        var events = await Client.Resource(Events).InNamespace("default").ListAsync();
        return [.. events.Items
            .Where(e => (e["involvedObject"] as JsonObject)?.GetString("name") == cluster && (e["involvedObject"] as JsonObject)?.GetString("kind") == "MemberCluster")
            .Select(e => e.GetString("reason") ?? "")];
    }

    public async ValueTask DisposeAsync()
    {
        if (Controllers is not null)
        {
            await Controllers.DisposeAsync();
        }
        if (_ownsServer)
        {
            await Server.DisposeAsync();
        }
    }
}
