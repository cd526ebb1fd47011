using Flotilla.Api.Cluster;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Member.Networking;
using Flotilla.Member.Properties;
using Flotilla.Member.Work;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Hosting;

namespace Flotilla.Member.Membership;

/// <summary>
/// The member agent of one member cluster: joins the fleet through its InternalMemberCluster on the hub, heartbeats,
/// reports health and properties, and leaves when the hub says so (placement spec §8.2–§8.4). Reads the hub through
/// informers on <see cref="MemberAgentOptions.HubClient"/> and the member cluster through informers on
/// <see cref="MemberAgentOptions.MemberClient"/>; writes only the IMC status on the hub.
/// </summary>
/// <example>
/// <code>
/// await using var agent = new MemberAgent(new MemberAgentOptions { MemberName = "member-1", HubClient = hub, MemberClient = member });
/// await agent.StartAsync(cancellationToken);
/// </code>
/// </example>
public sealed class MemberAgent : IHostedService, IAsyncDisposable
{
    private readonly MemberAgentOptions _options;
    private readonly ControllerManager _manager;
    private readonly ReadyzHealthProbe? _ownedProbe;
    private readonly WorkApplier? _ownedWorkApplier;
    private readonly EventRecorder _memberEvents;
    private int _disposed;

    /// <summary>Builds the agent; nothing talks to either cluster until <see cref="StartAsync"/>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public MemberAgent(MemberAgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        var informerOptions = options.Informers ?? new InformerOptions { Time = options.Time, LoggerFactory = options.LoggerFactory };
        HubInformers = new SharedInformerFactory(options.HubClient, informerOptions);
        MemberInformers = new SharedInformerFactory(options.MemberClient, informerOptions);
        Namespace = ClusterApi.MemberNamespace(options.MemberName);

        IClusterHealthProbe probe;
        if (options.HealthProbe is { } given)
        {
            probe = given;
        }
        else
        {
            _ownedProbe = new ReadyzHealthProbe(options.MemberClient.Connection, options.Time);
            probe = _ownedProbe;
        }
        var properties = new PropertyCollector(options.PropertyProvider, new PropertyProviderContext
        {
            MemberClient = options.MemberClient,
            MemberInformers = MemberInformers,
            Time = options.Time,
            LoggerFactory = options.LoggerFactory,
        }, options.LoggerFactory.CreateLogger(typeof(PropertyCollector).FullName!));

        IMemberWorkApplier workApplier;
        if (options.WorkApplier is { } givenApplier)
        {
            workApplier = givenApplier;
        }
        else
        {
            _ownedWorkApplier = new WorkApplier(Namespace, HubInformers, MemberInformers, options.HubClient, options.MemberClient, options.WorkApplierWorkers,
                options.CacheSyncTimeout, options.Time, options.LoggerFactory);
            workApplier = _ownedWorkApplier;
        }

        var imcs = HubInformers.For(CustomResourceMappings.Of<InternalMemberCluster>(), ClusterJsonContext.Default.InternalMemberCluster, Namespace);
        var reconciler = new InternalMemberClusterReconciler(
            imcs.Lister, options.HubClient.Resource(CustomResourceMappings.Of<InternalMemberCluster>(), ClusterJsonContext.Default.InternalMemberCluster).InNamespace(Namespace),
            workApplier, probe, properties, options.Time, InternalMemberClusterReconciler.RandomJitter,
            options.LoggerFactory.CreateLogger(typeof(InternalMemberClusterReconciler).FullName!));
        var controller = new Controller<NamespacedName>("internalmembercluster", reconciler, new ControllerOptions
        {
            Time = options.Time,
            LoggerFactory = options.LoggerFactory,
        });
        var key = new NamespacedName(Namespace, options.MemberName);
        // Spec changes only (generation): the agent's own status writes must not trigger it, its timer does.
        imcs.AddEventHandler(
            onAdd: imc => Enqueue(controller, key, imc),
            onUpdate: (old, current) =>
            {
                if (old.Metadata.Generation != current.Metadata.Generation || old.Metadata.Uid != current.Metadata.Uid)
                {
                    Enqueue(controller, key, current);
                }
            },
            onDelete: deleted => Enqueue(controller, key, deleted.Object));
        // Events about member objects (ServiceExports) go to the member cluster, where users look for them.
        _memberEvents = new EventRecorder(options.MemberClient, new EventRecorderOptions { Component = "member-net-controller-manager", Time = options.Time, LoggerFactory = options.LoggerFactory });
        _manager = new ControllerManager([
            new CacheSyncedController<NamespacedName>(controller, [imcs], options.CacheSyncTimeout, options.Time, options.LoggerFactory),
            .. MemberNetworking.Controllers(options.MemberName, HubInformers, MemberInformers, options.HubClient, options.MemberClient, _memberEvents,
                options.CacheSyncTimeout, options.Time, options.LoggerFactory),
        ]);
    }

    /// <summary>The hub namespace the agent works in: <c>fleet-member-&lt;name&gt;</c>.</summary>
    public string Namespace { get; }

    /// <summary>The hub's informers (limited to <see cref="Namespace"/> by whoever asks), for controllers added alongside.</summary>
    public SharedInformerFactory HubInformers { get; }

    /// <summary>The member cluster's informers, for controllers added alongside.</summary>
    public SharedInformerFactory MemberInformers { get; }

    /// <summary>Starts watching the IMC and, once the cache has synced, reconciling it. Returns once running.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => _manager.StartAsync(cancellationToken);

    /// <summary>Stops the agent (heartbeats stop), letting an in-flight reconcile finish until <paramref name="cancellationToken"/> is cancelled.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _manager.StopAsync(cancellationToken);

    /// <summary>Stops at once, then the informers, the health probe and the property provider.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _manager.DisposeAsync().ConfigureAwait(false);
        await _memberEvents.DisposeAsync().ConfigureAwait(false);
        if (_ownedWorkApplier is not null)
        {
            await _ownedWorkApplier.DisposeAsync().ConfigureAwait(false);
        }
        await HubInformers.DisposeAsync().ConfigureAwait(false);
        await MemberInformers.DisposeAsync().ConfigureAwait(false);
        _ownedProbe?.Dispose();
        switch (_options.PropertyProvider)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    private static void Enqueue(Controller<NamespacedName> controller, NamespacedName key, InternalMemberCluster imc)
    {
        if (imc.Metadata.Name == key.Name)
        {
            controller.Queue.Add(key);
        }
    }
}
