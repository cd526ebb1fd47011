using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Crd;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub;
using Flotilla.Member.Membership;
using Microsoft.Extensions.Logging;

namespace Flotilla.LoadTest;

/// <summary>
/// A fleet in the load-test process, composed as <c>flotilla hub</c> and <c>flotilla member-agent</c> compose it: the
/// hub API server (fleet CRDs and admission) with the hub controllers, and "light" members, each its own API server
/// (memory storage, member CRDs) with a member agent, but no local cluster runtime (no nodes or pods). Every agent
/// and controller talks to its servers over HTTPS on loopback through <see cref="KubernetesClient"/>, as in production.
/// </summary>
/// <remarks>
/// The hub controllers can be stopped and started again on the same hub API server (<see cref="RestartControllersAsync"/>),
/// which is what a hub-agent restart is: the API server and the members keep running.
/// </remarks>
internal sealed class PropagationFleet : IAsyncDisposable
{
    /// <summary>Members carry <c>placement-group=&lt;k&gt;</c>, as in upstream's 1000placements harness.</summary>
    public const string GroupLabel = "placement-group";

    private const string FieldManager = "flotilla-loadtest";

    private readonly string _directory;
    private readonly double _hubQps;
    private readonly ILoggerFactory _loggers;
    private HubControllers? _controllers;

    private PropagationFleet(string directory, ApiServerHost hub, KubernetesClient admin, List<LightMember> members, double hubQps, ILoggerFactory loggers)
    {
        _directory = directory;
        Hub = hub;
        Admin = admin;
        Members = members;
        _hubQps = hubQps;
        _loggers = loggers;
    }

    public ApiServerHost Hub { get; }

    /// <summary>
    /// The load test's own client of the hub (a user's: creates namespaces and placements, observes), without a
    /// client-side rate limit so that it never holds back what it measures.
    /// </summary>
    public KubernetesClient Admin { get; }

    public IReadOnlyList<LightMember> Members { get; }

    /// <summary>The running hub controllers' informers (null while stopped): what the hub agent has seen.</summary>
    public SharedInformerFactory? HubInformers => _controllers?.Informers;

    /// <summary>
    /// Starts the hub API server and its controllers, then <paramref name="memberCount"/> members (servers and agents,
    /// a few at a time), and declares their MemberClusters, member i in placement group i mod <paramref name="groups"/>.
    /// Returns once everything runs; the members are not joined yet (<see cref="WaitUntilJoinedAsync"/>).
    /// </summary>
    public static async Task<PropagationFleet> StartAsync(
        int memberCount, int groups, StorageBackend hubStorage, double hubQps, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var directory = Path.Combine(Path.GetTempPath(), "flotilla-propagation-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var hub = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            DataDirectory = Path.Combine(directory, "hub"),
            Port = 0,
            Storage = hubStorage,
            LoggerFactory = loggers,
            CustomResourceDefinitions = FleetCrds.Hub,
            FleetAdmission = true,
            KubeconfigName = "hub",
        }, cancellationToken).ConfigureAwait(false);
        var admin = KubernetesClient.FromKubeConfigFile(hub.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });
        var members = new List<LightMember>();
        var fleet = new PropagationFleet(directory, hub, admin, members, hubQps, loggers);
        try
        {
            await fleet.StartControllersAsync(cancellationToken).ConfigureAwait(false);
            var names = Enumerable.Range(0, memberCount).Select(i => "member-" + i.ToString("D3", CultureInfo.InvariantCulture)).ToArray();
            // A few at a time: each start generates a CA and a serving certificate and installs the member CRDs.
            await Parallel.ForEachAsync(Enumerable.Range(0, memberCount), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var member = await LightMember.StartAsync(names[i], directory, hub.KubeconfigPath, loggers, ct).ConfigureAwait(false);
                    // Listed at once, so that a failure elsewhere still stops it.
                    lock (members)
                    {
                        members.Add(member);
                    }
                })
                .ConfigureAwait(false);
            members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            var memberClusters = admin.Resource(CustomResourceMappings.Of<MemberCluster>());
            await Parallel.ForEachAsync(Enumerable.Range(0, memberCount), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) => await memberClusters.ApplyAsync(MemberClusterObject(names[i], i % groups), new ApplyOptions { FieldManager = FieldManager, Force = true }, ct)
                    .ConfigureAwait(false))
                .ConfigureAwait(false);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Polls the MemberClusters until every one reports Joined True.</summary>
    public async Task WaitUntilJoinedAsync(CancellationToken cancellationToken)
    {
        var memberClusters = Admin.Resource(CustomResourceMappings.Of<MemberCluster>());
        var wanted = Members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var list = await memberClusters.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var joined = list.Items.Count(mc => wanted.Contains(mc.Name()) && HasCondition(mc, MemberClusterConditionType.Joined));
            if (joined == wanted.Count)
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts the hub controllers with a client of their own, as the hub agent process has: upstream's hub client
    /// limits (QPS 250, burst 1000) unless <c>--hub-qps</c> says otherwise.
    /// </summary>
    public async Task StartControllersAsync(CancellationToken cancellationToken)
    {
        // Its own User-Agent tells its requests apart from the agents' (HubAgentRequests counts them).
        var clientOptions = _hubQps > 0
            ? new KubernetesClientOptions { QueriesPerSecond = _hubQps, Burst = (int)Math.Ceiling(_hubQps * 4), UserAgent = HubAgentRequests.UserAgent }
            : new KubernetesClientOptions { QueriesPerSecond = 0, UserAgent = HubAgentRequests.UserAgent };
        var client = KubernetesClient.FromKubeConfigFile(Hub.KubeconfigPath, options: clientOptions);
        var controllers = new HubControllers(new HubControllerOptions { Client = client, LoggerFactory = _loggers });
        _controllers = controllers;
        await controllers.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the hub controllers (the hub agent) at once, dropping their queues and caches.</summary>
    public async Task StopControllersAsync()
    {
        if (_controllers is { } controllers)
        {
            _controllers = null;
            await controllers.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops the hub controllers, then starts new ones: what a hub-agent restart does.</summary>
    public async Task RestartControllersAsync(CancellationToken cancellationToken)
    {
        await StopControllersAsync().ConfigureAwait(false);
        await StartControllersAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopControllersAsync().ConfigureAwait(false);
        // Agents first, a few at a time, so none keeps retrying against a server already gone.
        await Parallel.ForEachAsync(Members, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (m, _) => await m.DisposeAsync().ConfigureAwait(false))
            .ConfigureAwait(false);
        await Hub.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is in the temp directory.
        }
    }

    internal static bool HasCondition(JsonObject obj, string type) =>
        obj.At("status", "conditions") is JsonArray conditions
        && conditions.OfType<JsonObject>().Any(c => c.GetString("type") == type && c.GetString("status") == "True");

    /// <summary>The MemberCluster as <c>flotilla up</c> declares it: the agent signs in as a user of the member's name.</summary>
    private static JsonObject MemberClusterObject(string name, int group) => new()
    {
        ["apiVersion"] = ClusterApi.ApiVersion,
        ["kind"] = "MemberCluster",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = new JsonObject { [GroupLabel] = group.ToString(CultureInfo.InvariantCulture) },
        },
        ["spec"] = new JsonObject
        {
            ["identity"] = new JsonObject { ["kind"] = "User", ["apiGroup"] = "rbac.authorization.k8s.io", ["name"] = name },
        },
    };
}

/// <summary>
/// One light member: an API server (memory storage, member CRDs, no nodes or pods) and a member agent built as
/// <c>flotilla member-agent</c> builds it: its own hub client and member client with the client's default limits,
/// no property provider.
/// </summary>
internal sealed class LightMember : IAsyncDisposable
{
    private readonly MemberAgent _agent;

    private LightMember(string name, ApiServerHost server, KubernetesClient admin, MemberAgent agent)
    {
        Name = name;
        Server = server;
        Admin = admin;
        _agent = agent;
    }

    public string Name { get; }

    public ApiServerHost Server { get; }

    /// <summary>The load test's own client of the member (unlimited), for reading its state.</summary>
    public KubernetesClient Admin { get; }

    public static async Task<LightMember> StartAsync(string name, string directory, string hubKubeconfig, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var server = await ApiServerHost.StartAsync(new ApiServerOptions
        {
            DataDirectory = Path.Combine(directory, name),
            Port = 0,
            Storage = StorageBackend.Memory,
            LoggerFactory = loggers,
            CustomResourceDefinitions = FleetCrds.Member,
            KubeconfigName = name,
        }, cancellationToken).ConfigureAwait(false);
        var agent = new MemberAgent(new MemberAgentOptions
        {
            MemberName = name,
            HubClient = KubernetesClient.FromKubeConfigFile(hubKubeconfig),
            MemberClient = KubernetesClient.FromKubeConfigFile(server.KubeconfigPath),
            PropertyProvider = null,
            LoggerFactory = loggers,
        });
        try
        {
            await agent.StartAsync(cancellationToken).ConfigureAwait(false);
            var admin = KubernetesClient.FromKubeConfigFile(server.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });
            return new LightMember(name, server, admin, agent);
        }
        catch
        {
            await agent.DisposeAsync().ConfigureAwait(false);
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _agent.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }
}
