using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Tests;
using Flotilla.Member.Membership;
using Flotilla.Member.Properties;
using Flotilla.Testing;

namespace Flotilla.Member.Tests;

/// <summary>
/// A hub API server (with the fleet CRDs) and a member API server, their clients, a manual clock for the agent, and
/// helpers to give the member nodes and pods and to drive heartbeats.
/// </summary>
internal sealed class MemberHarness : IAsyncDisposable
{
    public const string Name = "member-1";
    public const string Namespace = "fleet-member-member-1";

    private static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    private static readonly ResourceMapping Nodes = new("", "v1", "nodes", "Node", namespaced: false);
    private static readonly ResourceMapping Pods = new("", "v1", "pods", "Pod", namespaced: true);

    private readonly List<MemberAgent> _agents = [];
    private bool _memberDisposed;

    private MemberHarness(TestApiServer hub, TestApiServer member)
    {
        HubServer = hub;
        MemberServer = member;
        HubClient = NewClient(hub);
        MemberClient = NewClient(member);
        Imcs = HubClient.Resource(HubHarness.InternalMemberClusters, ClusterJsonContext.Default.InternalMemberCluster).InNamespace(Namespace);
    }

    public TestApiServer HubServer { get; }

    public TestApiServer MemberServer { get; }

    public KubernetesClient HubClient { get; }

    public KubernetesClient MemberClient { get; }

    public ResourceClient<InternalMemberCluster> Imcs { get; }

    /// <summary>The agent's clock.</summary>
    public ManualTimeProvider Time { get; } = new();

    public static async Task<MemberHarness> StartAsync()
    {
        var hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);
        var member = await TestApiServer.StartAsync(features: TestServerFeatures.Member);
        return new MemberHarness(hub, member);
    }

    public static KubernetesClient NewClient(TestApiServer server) =>
        KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0, MaxRetries = 1 });

    /// <summary>What the hub controller would create: the cluster namespace and an IMC in state Join.</summary>
    public async Task CreateImcAsync(int heartbeatPeriodSeconds = 60)
    {
        await HubClient.Resource(Namespaces).CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = Namespace },
        });
        await Imcs.CreateAsync(new InternalMemberCluster
        {
            ApiVersion = ClusterApi.ApiVersion,
            Kind = "InternalMemberCluster",
            Metadata = new ObjectMeta { Name = Name, Namespace = Namespace },
            Spec = new InternalMemberClusterSpec { State = ClusterState.Join, HeartbeatPeriodSeconds = heartbeatPeriodSeconds },
        });
    }

    public async Task<MemberAgent> StartAgentAsync(IPropertyProvider? provider = null, IMemberWorkApplier? workApplier = null, IClusterHealthProbe? healthProbe = null)
    {
        var agent = new MemberAgent(new MemberAgentOptions
        {
            MemberName = Name,
            HubClient = HubClient,
            MemberClient = MemberClient,
            PropertyProvider = provider,
            WorkApplier = workApplier,
            HealthProbe = healthProbe,
            Time = Time,
            Informers = new InformerOptions { Time = Time, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) },
        });
        _agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        return agent;
    }

    public async Task<InternalMemberCluster?> GetImcAsync()
    {
        try
        {
            return await Imcs.GetAsync(Name);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    public static AgentStatus? MemberAgentStatus(InternalMemberCluster? imc) => imc?.Status?.AgentStatus?.FirstOrDefault(a => a.Type == "MemberAgent");

    /// <summary>Waits for the member agent's first report (a heartbeat with Joined True) and returns the IMC.</summary>
    public Task<InternalMemberCluster> WaitForJoinedAsync() =>
        Eventually.WaitAsync("the member agent to report Joined", async () =>
        {
            var imc = await GetImcAsync();
            return Conditions.Find(MemberAgentStatus(imc)?.Conditions, "Joined") is { IsTrue: true } ? imc : null;
        });

    /// <summary>
    /// Waits until the agent has scheduled its next heartbeat (a timer at the period ± 5%), moves the clock past it and
    /// waits for the new heartbeat on the hub; returns the IMC with it.
    /// </summary>
    public async Task<InternalMemberCluster> NextHeartbeatAsync(int periodSeconds = 60)
    {
        var before = MemberAgentStatus(await GetImcAsync())?.LastReceivedHeartbeat;
        await WaitForHeartbeatTimerAsync(periodSeconds);
        Time.Advance(TimeSpan.FromSeconds(periodSeconds * 1.05));
        return await Eventually.WaitAsync("a new heartbeat", async () =>
        {
            var imc = await GetImcAsync();
            return MemberAgentStatus(imc)?.LastReceivedHeartbeat > before ? imc : null;
        });
    }

    public Task WaitForHeartbeatTimerAsync(int periodSeconds = 60) =>
        Eventually.WaitAsync($"the next heartbeat to be scheduled in {periodSeconds}s ± 5%", () =>
            Time.PendingDelays().Any(d => d >= TimeSpan.FromSeconds(periodSeconds * 0.95) - TimeSpan.FromMilliseconds(1) && d <= TimeSpan.FromSeconds(periodSeconds * 1.05)));

    /// <summary>Heartbeats until <paramref name="done"/> holds for the IMC (the agent's informers may need a moment to see a change).</summary>
    public async Task<InternalMemberCluster> HeartbeatUntilAsync(string phase, Func<InternalMemberCluster, bool> done)
    {
        for (var i = 0; i < 20; i++)
        {
            var imc = await NextHeartbeatAsync();
            if (done(imc))
            {
                return imc;
            }
        }
        throw new TimeoutException($"20 heartbeats without: {phase}");
    }

    public async Task CreateNodeAsync(string name, string cpu, string memory, string allocatableCpu, string allocatableMemory, string? instanceType = null)
    {
        var nodes = MemberClient.Resource(Nodes);
        var metadata = new JsonObject { ["name"] = name };
        if (instanceType is not null)
        {
            metadata["labels"] = new JsonObject { ["node.kubernetes.io/instance-type"] = instanceType };
        }
        var created = await nodes.CreateAsync(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Node", ["metadata"] = metadata });
        created["status"] = new JsonObject
        {
            ["capacity"] = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = "110" },
            ["allocatable"] = new JsonObject { ["cpu"] = allocatableCpu, ["memory"] = allocatableMemory, ["pods"] = "110" },
        };
        await nodes.UpdateStatusAsync(created);
    }

    /// <summary>A pod in <c>default</c> with one container per request, scheduled to <paramref name="nodeName"/> (null: unscheduled), in <paramref name="phase"/>.</summary>
    public async Task CreatePodAsync(string name, string? nodeName, string phase, params (string Cpu, string Memory)[] requests)
    {
        var pods = MemberClient.Resource(Pods).InNamespace("default");
        var spec = new JsonObject
        {
            ["restartPolicy"] = "Always",
            ["containers"] = new JsonArray([.. requests.Select((r, i) => (JsonNode)new JsonObject
            {
                ["name"] = $"c{i}",
                ["image"] = "kuard",
                ["resources"] = new JsonObject { ["requests"] = new JsonObject { ["cpu"] = r.Cpu, ["memory"] = r.Memory } },
            })]),
        };
        if (nodeName is not null)
        {
            spec["nodeName"] = nodeName;
        }
        var created = await pods.CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default" },
            ["spec"] = spec,
        });
        created["status"] = new JsonObject { ["phase"] = phase };
        await pods.UpdateStatusAsync(created);
    }

    /// <summary>Stops the member API server (its /readyz stops answering).</summary>
    public async Task StopMemberServerAsync()
    {
        _memberDisposed = true;
        await MemberServer.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }
        if (!_memberDisposed)
        {
            await MemberServer.DisposeAsync();
        }
        await HubServer.DisposeAsync();
    }
}

/// <summary>Records the agent's calls to the work applier.</summary>
internal sealed class RecordingWorkApplier : IMemberWorkApplier
{
    private int _joins;
    private int _leaves;

    public int Joins => Volatile.Read(ref _joins);

    public int Leaves => Volatile.Read(ref _leaves);

    public Task JoinAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _joins);
        return Task.CompletedTask;
    }

    public Task LeaveAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _leaves);
        return Task.CompletedTask;
    }
}

/// <summary>A member API server that is always healthy, so that tests about timers see no probe timeout.</summary>
internal sealed class HealthyProbe : IClusterHealthProbe
{
    public Task CheckAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
