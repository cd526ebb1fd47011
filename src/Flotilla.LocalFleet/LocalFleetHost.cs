using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Crd;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer;
using Flotilla.Client;
using Flotilla.Hub;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.LocalFleet;

/// <summary>What <see cref="LocalFleetHost"/> starts and where.</summary>
public sealed class LocalFleetOptions
{
    /// <summary>The fleet directory (<c>.flotilla</c> for the CLI).</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// The fleet to run; null runs the fleet file saved in the directory by an earlier start, or
    /// <see cref="LocalFleet.FleetFile.Default"/> the first time.
    /// </summary>
    public FleetFile? Fleet { get; init; }

    /// <summary>Where the fleet file came from, saved verbatim in the directory; null writes nothing new.</summary>
    public string? FleetFileText { get; init; }

    /// <summary>
    /// Pick fresh ports on every start instead of keeping the first start's (tests on port 0). Kubeconfigs are
    /// rewritten on every start either way.
    /// </summary>
    public bool EphemeralPorts { get; init; }

    public StorageBackend Storage { get; init; } = StorageBackend.Sqlite;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}

/// <summary>
/// A whole fleet in one process (<c>flotilla up</c>): the hub API server with the fleet CRDs and the hub controllers,
/// and per member an API server, the local cluster runtime and the member agent, joined to the hub with the
/// MemberCluster the fleet file describes.
/// </summary>
public sealed class LocalFleetHost : IAsyncDisposable
{
    private const string FieldManager = "flotilla-up";

    private readonly IDisposable _lock;
    private readonly List<IAsyncDisposable> _parts;
    private int _disposed;

    private LocalFleetHost(FleetDirectory directory, FleetFile fleet, IDisposable fleetLock, ApiServerHost hub, KubernetesClient hubClient,
        IReadOnlyList<LocalMember> members, List<IAsyncDisposable> parts)
    {
        Directory = directory;
        Fleet = fleet;
        _lock = fleetLock;
        Hub = hub;
        HubClient = hubClient;
        Members = members;
        _parts = parts;
    }

    public FleetDirectory Directory { get; }

    public FleetFile Fleet { get; }

    public ApiServerHost Hub { get; }

    /// <summary>An admin client of the hub.</summary>
    public KubernetesClient HubClient { get; }

    public IReadOnlyList<LocalMember> Members { get; }

    /// <summary>Starts the fleet; returns once every server serves and every agent runs (not yet joined: see <see cref="WaitUntilJoinedAsync"/>).</summary>
    /// <exception cref="FleetInUseException">Another process runs the fleet in this directory.</exception>
    public static async Task<LocalFleetHost> StartAsync(LocalFleetOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = new FleetDirectory(options.Directory);
        var fleetLock = directory.Lock();
        var parts = new List<IAsyncDisposable>();
        try
        {
            File.Delete(directory.ReadyFile);
            var fleet = ResolveFleet(options, directory);
            var ports = options.EphemeralPorts ? [] : directory.LoadPorts();
            System.IO.Directory.CreateDirectory(directory.KubeconfigsDirectory);

            var hub = await StartServerAsync(options, directory, FleetDirectory.HubName, fleet.Hub.Port, ports, FleetCrds.Hub, serviceCidr: null, hub: true, cancellationToken).ConfigureAwait(false);
            parts.Add(hub);
            // Upstream's hub agent client limits (Appendix A of the placement spec).
            var hubClient = KubernetesClient.FromKubeConfigFile(directory.Kubeconfig(FleetDirectory.HubName),
                options: new KubernetesClientOptions { QueriesPerSecond = 250, Burst = 1000 });
            var hubControllers = new HubControllers(new HubControllerOptions { Client = hubClient, Time = options.Time, LoggerFactory = options.LoggerFactory });
            await hubControllers.StartAsync(cancellationToken).ConfigureAwait(false);
            parts.Add(hubControllers);

            var members = new List<LocalMember>();
            foreach (var spec in fleet.Members)
            {
                var member = await LocalMember.StartAsync(options, directory, spec, ports, cancellationToken).ConfigureAwait(false);
                parts.Add(member);
                members.Add(member);
                await ApplyMemberClusterAsync(hubClient, spec, cancellationToken).ConfigureAwait(false);
            }
            if (!options.EphemeralPorts)
            {
                directory.SavePorts(ports);
            }
            parts.Reverse();
            return new LocalFleetHost(directory, fleet, fleetLock, hub, hubClient, members, parts);
        }
        catch
        {
            parts.Reverse();
            foreach (var part in parts)
            {
                await part.DisposeAsync().ConfigureAwait(false);
            }
            fleetLock.Dispose();
            throw;
        }
    }

    /// <summary>Waits until every member's MemberCluster reports Joined True, then creates the ready marker.</summary>
    public async Task WaitUntilJoinedAsync(CancellationToken cancellationToken)
    {
        var memberClusters = HubClient.Resource(CustomResourceMappings.Of<MemberCluster>());
        var wanted = Members.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        while (true)
        {
            var list = await memberClusters.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var joined = list.Items
                .Where(mc => mc.At("status", "conditions") is JsonArray conditions
                    && conditions.OfType<JsonObject>().Any(c => c.GetString("type") == MemberClusterConditionType.Joined && c.GetString("status") == "True"))
                .Select(mc => mc.Name())
                .ToHashSet(StringComparer.Ordinal);
            if (wanted.IsSubsetOf(joined))
            {
                await File.WriteAllTextAsync(Directory.ReadyFile, "", cancellationToken).ConfigureAwait(false);
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops members, then the hub; removes the ready marker and releases the directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        File.Delete(Directory.ReadyFile);
        foreach (var part in _parts)
        {
            await part.DisposeAsync().ConfigureAwait(false);
        }
        _lock.Dispose();
    }

    internal static async Task<ApiServerHost> StartServerAsync(LocalFleetOptions options, FleetDirectory directory, string name, int? fixedPort,
        Dictionary<string, int> ports, IReadOnlyList<JsonObject> crds, string? serviceCidr, bool hub, CancellationToken cancellationToken)
    {
        var port = fixedPort ?? (ports.TryGetValue(name, out var kept) ? kept : 0);
        ApiServerHost server;
        try
        {
            server = await ApiServerHost.StartAsync(new ApiServerOptions
            {
                DataDirectory = directory.ClusterData(name),
                Port = port,
                Storage = options.Storage,
                Time = options.Time,
                LoggerFactory = options.LoggerFactory,
                CustomResourceDefinitions = crds,
                ServiceClusterIpRange = serviceCidr,
                FleetAdmission = hub,
                KubeconfigName = name,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (port != 0)
        {
            throw new InvalidOperationException(
                $"The API server of {name} cannot listen on port {port} ({e.Message}). Free the port, or set another in the fleet file ({(name == FleetDirectory.HubName ? "hub.port" : "members[].port")}).", e);
        }
        ports[name] = server.Url.Port;
        File.Copy(server.KubeconfigPath, directory.Kubeconfig(name), overwrite: true);
        return server;
    }

    private static FleetFile ResolveFleet(LocalFleetOptions options, FleetDirectory directory)
    {
        if (options.Fleet is { } fleet)
        {
            if (options.FleetFileText is { } text)
            {
                File.WriteAllText(directory.FleetFile, text);
            }
            return fleet;
        }
        return File.Exists(directory.FleetFile) ? FleetFile.Load(directory.FleetFile) : FleetFile.Default;
    }

    /// <summary>
    /// Declares the member's MemberCluster with server-side apply: labels and taints follow the fleet file on every
    /// start, while whatever else users or controllers set on the object stays.
    /// </summary>
    private static async Task ApplyMemberClusterAsync(KubernetesClient hub, MemberSpec spec, CancellationToken cancellationToken)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in spec.Labels)
        {
            labels[key] = value;
        }
        var memberCluster = new JsonObject
        {
            ["apiVersion"] = ClusterApi.ApiVersion,
            ["kind"] = "MemberCluster",
            ["metadata"] = new JsonObject { ["name"] = spec.Name, ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                // The local member agent signs in to the hub as this user (the hub's admin token stands in for its credential).
                ["identity"] = new JsonObject { ["kind"] = "User", ["apiGroup"] = "rbac.authorization.k8s.io", ["name"] = spec.Name },
            },
        };
        if (spec.Taints.Count > 0)
        {
            memberCluster["spec"]!["taints"] = new JsonArray([.. spec.Taints.Select(t => (JsonNode)new JsonObject
            {
                ["key"] = t.Key,
                ["value"] = t.Value,
                ["effect"] = t.Effect,
            })]);
        }
        await hub.Resource(CustomResourceMappings.Of<MemberCluster>()).ApplyAsync(memberCluster, new ApplyOptions { FieldManager = FieldManager, Force = true }, cancellationToken).ConfigureAwait(false);
    }
}
