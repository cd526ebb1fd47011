using System.Globalization;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Client.Config;
using Flotilla.Scheduler;

namespace Flotilla.Cli.Commands.Explain;

/// <summary>An existing placement as the scheduler sees it: the placement, its latest policy snapshot (if any) and its bindings.</summary>
internal sealed record ExistingPlacement(IPlacement Placement, IPolicySnapshot? LatestSnapshot, IReadOnlyList<IBinding> Bindings, IReadOnlyList<string> Notes);

/// <summary>
/// Everything <c>flotilla explain</c> reads from the hub, with GET and LIST requests only: the member clusters, and an
/// existing placement with its latest policy snapshot and bindings (placement spec §2.1, §2.3, §3.2).
/// </summary>
internal sealed class HubReader
{
    private readonly KubernetesClient _client;

    public HubReader(KubernetesClient client) => _client = client;

    /// <summary>The client of the kubeconfig's context (kubectl's defaults: <c>$KUBECONFIG</c>, merged, else <c>~/.kube/config</c>).</summary>
    /// <exception cref="ExplainException">The kubeconfig is missing or unusable.</exception>
    public static HubReader Connect(FileInfo? kubeconfig, string? context, TextWriter warnings)
    {
        try
        {
            var config = kubeconfig is null ? KubeConfig.LoadDefault() : KubeConfig.LoadFile(kubeconfig.FullName);
            var connection = ClusterConnection.FromKubeConfig(config, context);
            foreach (var warning in connection.Warnings)
            {
                warnings.WriteLine("Warning: " + warning);
            }
            // A person is waiting: fail within seconds rather than retry for a minute.
            return new HubReader(new KubernetesClient(connection, new KubernetesClientOptions { MaxRetries = 2, RequestTimeout = TimeSpan.FromSeconds(30) }));
        }
        catch (KubeConfigException e)
        {
            throw new ExplainException("cannot use the kubeconfig: " + e.Message, e);
        }
    }

    public KubernetesClient Client => _client;

    /// <summary>The namespace of the kubeconfig's context (where a ResourcePlacement is looked for without <c>-n</c>).</summary>
    public string DefaultNamespace => _client.DefaultNamespace;

    /// <summary>Every MemberCluster of the fleet, as the scheduler sees it.</summary>
    public async Task<IReadOnlyList<SchedulingCluster>> ClustersAsync(CancellationToken cancellationToken)
    {
        var clusters = await _client.Resource(CustomResourceMappings.Of<MemberCluster>(), ClusterJsonContext.Default.MemberCluster)
            .ListAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return [.. clusters.Items.Select(SchedulingCluster.From).OrderBy(c => c.Name, StringComparer.Ordinal)];
    }

    /// <summary>The placement, its latest policy snapshot and its bindings.</summary>
    /// <exception cref="ExplainException">The placement does not exist.</exception>
    public async Task<ExistingPlacement> PlacementAsync(PlacementKind kind, string name, string? ns, CancellationToken cancellationToken)
    {
        var latest = new ListOptions { LabelSelector = $"{PlacementApi.ParentPlacementLabel}={name},{PlacementApi.IsLatestSnapshotLabel}=true" };
        var owned = new ListOptions { LabelSelector = $"{PlacementApi.ParentPlacementLabel}={name}" };
        IPlacement placement;
        List<IPolicySnapshot> snapshots;
        List<IBinding> bindings;
        try
        {
            if (kind.ClusterScoped)
            {
                var placementTask = _client.Resource(CustomResourceMappings.Of<ClusterResourcePlacement>(), PlacementJsonContext.Default.ClusterResourcePlacement)
                    .GetAsync(name, cancellationToken);
                var snapshotTask = _client.Resource(CustomResourceMappings.Of<ClusterSchedulingPolicySnapshot>(), PlacementJsonContext.Default.ClusterSchedulingPolicySnapshot)
                    .ListAllAsync(latest, cancellationToken: cancellationToken);
                var bindingTask = _client.Resource(CustomResourceMappings.Of<ClusterResourceBinding>(), PlacementJsonContext.Default.ClusterResourceBinding)
                    .ListAllAsync(owned, cancellationToken: cancellationToken);
                placement = await placementTask.ConfigureAwait(false);
                snapshots = [.. (await snapshotTask.ConfigureAwait(false)).Items];
                bindings = [.. (await bindingTask.ConfigureAwait(false)).Items];
            }
            else
            {
                var placementTask = _client.Resource(CustomResourceMappings.Of<ResourcePlacement>(), PlacementJsonContext.Default.ResourcePlacement)
                    .InNamespace(ns).GetAsync(name, cancellationToken);
                var snapshotTask = _client.Resource(CustomResourceMappings.Of<SchedulingPolicySnapshot>(), PlacementJsonContext.Default.SchedulingPolicySnapshot)
                    .InNamespace(ns).ListAllAsync(latest, cancellationToken: cancellationToken);
                var bindingTask = _client.Resource(CustomResourceMappings.Of<ResourceBinding>(), PlacementJsonContext.Default.ResourceBinding)
                    .InNamespace(ns).ListAllAsync(owned, cancellationToken: cancellationToken);
                placement = await placementTask.ConfigureAwait(false);
                snapshots = [.. (await snapshotTask.ConfigureAwait(false)).Items];
                bindings = [.. (await bindingTask.ConfigureAwait(false)).Items];
            }
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            var where = kind.ClusterScoped ? "" : $" in namespace \"{ns}\"";
            throw new ExplainException($"{kind.Kind} \"{name}\" not found{where}; to see what a placement that does not exist yet would pick, use `flotilla explain -f FILE`", e);
        }

        var notes = new List<string>();
        IPolicySnapshot? snapshot = null;
        if (snapshots.Count > 0)
        {
            // Exactly one is labelled latest; should there be more (the placement controller's own "unexpected
            // error"), the highest policy index is the newest.
            snapshot = snapshots.OrderByDescending(PolicyIndex).First();
            if (snapshots.Count > 1)
            {
                notes.Add($"{snapshots.Count} policy snapshots are labelled latest ({string.Join(", ", snapshots.Select(s => s.Metadata.Name))}); explaining {snapshot.Metadata.Name}, the highest policy index. The hub's scheduler does not schedule until only one is.");
            }
        }
        return new ExistingPlacement(placement, snapshot, bindings, notes);
    }

    private static int PolicyIndex(IPolicySnapshot snapshot) =>
        int.TryParse(snapshot.Metadata.Label(PlacementApi.PolicyIndexLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;
}
