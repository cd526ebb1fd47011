using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Member.Properties;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Member.Membership;

/// <summary>What a <see cref="MemberAgent"/> runs against and how.</summary>
public sealed class MemberAgentOptions
{
    /// <summary>The member cluster's name on the hub (its MemberCluster); the agent works in <c>fleet-member-&lt;name&gt;</c>.</summary>
    public required string MemberName { get; init; }

    /// <summary>The client of the hub, with the member's identity.</summary>
    public required KubernetesClient HubClient { get; init; }

    /// <summary>The client of the member cluster's own API server.</summary>
    public required KubernetesClient MemberClient { get; init; }

    /// <summary>
    /// The property provider (upstream's <c>--property-provider</c>), e.g. <see cref="AzurePropertyProvider"/>; null
    /// (upstream's <c>none</c>) runs the built-in collection and reports no provider conditions. Owned by the agent
    /// once started: disposed with it when disposable.
    /// </summary>
    public IPropertyProvider? PropertyProvider { get; init; }

    /// <summary>
    /// The work applier started on join and stopped on leave; null: the agent's own, which applies the Works in the
    /// member's hub namespace to <see cref="MemberClient"/>. <see cref="NoWorkApplier.Instance"/> applies nothing.
    /// </summary>
    public IMemberWorkApplier? WorkApplier { get; init; }

    /// <summary>How many Works the agent's own work applier processes at once. Default 4.</summary>
    public int WorkApplierWorkers { get; init; } = 4;

    /// <summary>The member API server's health check; null: GET <c>/readyz</c> with <see cref="MemberClient"/>'s connection.</summary>
    public IClusterHealthProbe? HealthProbe { get; init; }

    /// <summary>Informer tuning for both clusters; default: the informer defaults with <see cref="Time"/> and <see cref="LoggerFactory"/>.</summary>
    public InformerOptions? Informers { get; init; }

    /// <summary>How long starting waits for the hub informer's cache before failing. Default 2 minutes.</summary>
    public TimeSpan CacheSyncTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>The agent's clock: heartbeats, deadlines, observation and transition times.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the agent logs.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(MemberName, nameof(MemberName));
        ArgumentNullException.ThrowIfNull(HubClient, nameof(HubClient));
        ArgumentNullException.ThrowIfNull(MemberClient, nameof(MemberClient));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(CacheSyncTimeout, TimeSpan.Zero, nameof(CacheSyncTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(WorkApplierWorkers, 1, nameof(WorkApplierWorkers));
    }
}
