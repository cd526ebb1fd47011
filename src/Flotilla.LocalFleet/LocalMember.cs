using System.Globalization;
using Flotilla.Api.Crd;
using Flotilla.ApiServer;
using Flotilla.Client;
using Flotilla.LocalCluster;
using Flotilla.Member.Membership;
using Flotilla.Member.Properties;

namespace Flotilla.LocalFleet;

/// <summary>One member of a local fleet: its API server, the local cluster runtime that gives it nodes and pods, and its member agent.</summary>
public sealed class LocalMember : IAsyncDisposable
{
    private readonly LocalClusterRuntime _runtime;
    private readonly MemberAgent _agent;
    private int _disposed;

    private LocalMember(MemberSpec spec, ApiServerHost server, KubernetesClient client, LocalClusterRuntime runtime, MemberAgent agent)
    {
        Spec = spec;
        Server = server;
        Client = client;
        _runtime = runtime;
        _agent = agent;
    }

    public string Name => Spec.Name;

    public MemberSpec Spec { get; }

    public ApiServerHost Server { get; }

    /// <summary>An admin client of the member's API server.</summary>
    public KubernetesClient Client { get; }

    public IReadOnlyList<LocalNode> Nodes => _runtime.Nodes;

    internal static async Task<LocalMember> StartAsync(
        LocalFleetOptions options, FleetDirectory directory, MemberSpec spec, Dictionary<string, int> ports, CancellationToken cancellationToken)
    {
        var server = await LocalFleetHost.StartServerAsync(options, directory, spec.Name, spec.Port, ports, FleetCrds.Member, spec.ServiceCidr, hub: false, cancellationToken).ConfigureAwait(false);
        LocalClusterRuntime? runtime = null;
        try
        {
            // The runtime plays every kubelet and kube-controller-manager of the cluster, which upstream run with
            // clients of their own; one rate limit for all of them would throttle pod start-up.
            var client = KubernetesClient.FromKubeConfigFile(directory.Kubeconfig(spec.Name), options: new KubernetesClientOptions { QueriesPerSecond = 0 });
            runtime = new LocalClusterRuntime(new LocalClusterOptions
            {
                ClusterName = spec.Name,
                ClusterIndex = spec.Index,
                NodeCount = spec.Nodes.Count,
                NodeCpu = spec.Nodes.Cpu.ToString(),
                NodeMemory = spec.Nodes.Memory.ToString(),
                InstanceType = spec.Nodes.InstanceType,
                Region = spec.Labels.TryGetValue(Api.Cluster.ClusterApi.LocationLabel, out var region) ? region : null,
                PodCidr = spec.PodCidr,
                Time = options.Time,
                LoggerFactory = options.LoggerFactory,
            });
            await runtime.StartAsync(client, cancellationToken).ConfigureAwait(false);
            var hourlyCost = spec.Nodes.HourlyCost ?? AzureListPrices.HourlyCost(spec.Nodes.InstanceType);
            var agent = new MemberAgent(new MemberAgentOptions
            {
                MemberName = spec.Name,
                // Its own hub client with the client's default limits, as a member agent in its own cluster has: sharing
                // the hub agent's would spend the hub controllers' request budget on heartbeats and Work status.
                HubClient = KubernetesClient.FromKubeConfigFile(directory.Kubeconfig(FleetDirectory.HubName)),
                MemberClient = client,
                // As on AKS, where the Azure property provider reports costs from the node SKUs' prices.
                PropertyProvider = new AzurePropertyProvider(new AzurePropertyProviderOptions
                {
                    HourlyPrices = hourlyCost is decimal cost
                        ? new Dictionary<string, double> { [spec.Nodes.InstanceType] = (double)cost }
                        : new Dictionary<string, double>(),
                }),
                Time = options.Time,
                LoggerFactory = options.LoggerFactory,
            });
            await agent.StartAsync(cancellationToken).ConfigureAwait(false);
            return new LocalMember(spec, server, client, runtime, agent);
        }
        catch
        {
            if (runtime is not null)
            {
                await runtime.DisposeAsync().ConfigureAwait(false);
            }
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops the agent, then the runtime (pods' responders close), then the API server.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _agent.DisposeAsync().ConfigureAwait(false);
        await _runtime.DisposeAsync().ConfigureAwait(false);
        await Server.DisposeAsync().ConfigureAwait(false);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({Server.Url})");
}
