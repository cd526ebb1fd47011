using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Properties;

/// <summary>
/// A property provider (placement spec §8.4): reports a member cluster's properties, resource usage and its own
/// conditions, which the member agent writes into the InternalMemberCluster status on every heartbeat. The agent
/// starts it once, on the first join, within 10 seconds (else it falls back to the built-in collection), and calls
/// <see cref="CollectAsync"/> with a 10-second deadline, never with more than 3 calls outstanding.
/// </summary>
public interface IPropertyProvider
{
    /// <summary>Gets ready to collect: starts informers, loads price data… Cancelled at the start deadline.</summary>
    Task StartAsync(PropertyProviderContext context, CancellationToken cancellationToken);

    /// <summary>The cluster's current properties. Cancelled at the collection deadline.</summary>
    Task<PropertyCollectionResponse> CollectAsync(CancellationToken cancellationToken);
}

/// <summary>What a provider may use: the member cluster's client and shared informers, the clock and logging.</summary>
public sealed class PropertyProviderContext
{
    /// <summary>The client of the member cluster's API server.</summary>
    public required KubernetesClient MemberClient { get; init; }

    /// <summary>The member cluster's shared informers (started by whoever asks for one).</summary>
    public required SharedInformerFactory MemberInformers { get; init; }

    /// <summary>The agent's clock: observation times and caches.</summary>
    public required TimeProvider Time { get; init; }

    /// <summary>Where the provider logs.</summary>
    public required ILoggerFactory LoggerFactory { get; init; }
}

/// <summary>What a provider collected.</summary>
public sealed class PropertyCollectionResponse
{
    /// <summary>Properties by name (e.g. <c>kubernetes-fleet.io/node-count</c>); values should parse as quantities to be usable for scheduling.</summary>
    public Dictionary<string, PropertyValue> Properties { get; init; } = [];

    /// <summary>Capacity, allocatable and available resources; null when the provider does not track them.</summary>
    public ResourceUsage? Resources { get; init; }

    /// <summary>Namespace → owning work name, when the provider collects namespaces; else null.</summary>
    public Dictionary<string, string>? Namespaces { get; init; }

    /// <summary>The provider's own conditions (e.g. <c>AKSClusterCostPropertiesCollectionSucceeded</c>), copied to the IMC.</summary>
    public List<Condition> Conditions { get; init; } = [];
}
