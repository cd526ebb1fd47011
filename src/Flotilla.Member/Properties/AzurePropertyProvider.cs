using System.Globalization;
using System.Text;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Microsoft.Extensions.Logging;

namespace Flotilla.Member.Properties;

/// <summary>
/// The Azure property provider (placement spec §8.4, upstream's <c>--property-provider=azure</c>), with prices from
/// configuration instead of the Azure pricing API. Reports <c>kubernetes-fleet.io/node-count</c>, one
/// <c>kubernetes.azure.com/vm-sizes/&lt;sku&gt;/count</c> per node instance type, <c>k8s.io/k8s-version</c> (cached 15
/// minutes), <c>k8s.io/cluster-certificate-authority-data</c> when the member client trusts a CA, the cost properties
/// <c>kubernetes.azure.com/per-cpu-core-cost</c> and <c>kubernetes.azure.com/per-gb-memory-cost</c> (total hourly price
/// of all nodes over total CPU cores, and over total memory in GiB, <c>%.3f</c>) with the condition
/// <c>AKSClusterCostPropertiesCollectionSucceeded</c>, and the resource usage.
/// </summary>
public sealed class AzurePropertyProvider : IPropertyProvider
{
    /// <summary>The provider's condition about the cost properties.</summary>
    public const string CostConditionType = "AKSClusterCostPropertiesCollectionSucceeded";

    /// <summary>Costs were calculated.</summary>
    public const string CostsCalculatedReason = "CostsCalculated";

    /// <summary>Costs could not be calculated (a node without a known price, say); the cost properties are left out.</summary>
    public const string CostsCalculationFailedReason = "CostsCalculationFailed";

    /// <summary>The message of a successful cost calculation.</summary>
    public const string CostsCalculatedMessage = "All cost properties have been collected successfully";

    private readonly AzurePropertyProviderOptions _options;
    private readonly Dictionary<string, double> _prices;
    private readonly Lock _versionLock = new();
    private ClusterResourceTracker? _tracker;
    private KubernetesClient? _member;
    private TimeProvider _time = TimeProvider.System;
    private ILogger? _logger;
    private string? _version;
    private DateTimeOffset _versionObserved;

    /// <summary>A provider with <paramref name="options"/> (default: no prices, so costs fail until some are configured).</summary>
    public AzurePropertyProvider(AzurePropertyProviderOptions? options = null)
    {
        _options = options ?? new AzurePropertyProviderOptions();
        _prices = new Dictionary<string, double>(_options.HourlyPrices, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The message of a failed cost calculation.</summary>
    public static string CostsCalculationFailedMessage(string error) => $"An error has occurred when collecting cost properties: {error}";

    /// <inheritdoc />
    public Task StartAsync(PropertyProviderContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _time = context.Time;
        _member = context.MemberClient;
        _logger = context.LoggerFactory.CreateLogger<AzurePropertyProvider>();
        _tracker = new ClusterResourceTracker(context.MemberInformers);
        _tracker.Start();
        return _tracker.WaitForSyncAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<PropertyCollectionResponse> CollectAsync(CancellationToken cancellationToken)
    {
        var tracker = _tracker ?? throw new InvalidOperationException("The property provider was not started.");
        await tracker.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var resources = tracker.Snapshot();
        var properties = new Dictionary<string, PropertyValue>();
        var conditions = new List<Condition>();
        PropertyValue Value(string text) => new() { Value = text, ObservationTime = now };

        properties[PropertyNames.NodeCount] = Value(resources.Nodes.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var group in resources.Nodes.Where(n => !string.IsNullOrEmpty(n.InstanceType)).GroupBy(n => n.InstanceType!, StringComparer.Ordinal))
        {
            properties[PropertyNames.VmSizeCount(group.Key)] = Value(group.Count().ToString(CultureInfo.InvariantCulture));
        }
        if (await KubernetesVersionAsync(now, cancellationToken).ConfigureAwait(false) is { } version)
        {
            properties[PropertyNames.KubernetesVersion] = Value(version);
        }
        if (CertificateAuthorityData() is { } ca)
        {
            properties[PropertyNames.CertificateAuthorityData] = Value(ca);
        }
        if (_options.CostPropertiesEnabled)
        {
            var (costs, error) = Costs(resources);
            if (costs is { } c)
            {
                properties[PropertyNames.PerCpuCoreCost] = Value(c.PerCpuCore);
                properties[PropertyNames.PerGbMemoryCost] = Value(c.PerGbMemory);
            }
            conditions.Add(new Condition
            {
                Type = CostConditionType,
                Status = error is null ? ConditionStatus.True : ConditionStatus.False,
                Reason = error is null ? CostsCalculatedReason : CostsCalculationFailedReason,
                Message = error is null ? CostsCalculatedMessage : CostsCalculationFailedMessage(error),
            });
        }
        return new PropertyCollectionResponse
        {
            Properties = properties,
            Conditions = conditions,
            Resources = new ResourceUsage
            {
                Capacity = resources.Capacity,
                Allocatable = resources.Allocatable,
                Available = _options.AvailableResourcesEnabled ? resources.Available : null,
                ObservationTime = now,
            },
        };
    }

    /// <summary>
    /// Total hourly price of all nodes over their total CPU cores and over their total memory in GiB (capacity), each
    /// <c>%.3f</c>; or why they cannot be calculated.
    /// </summary>
    internal (PerUnitCosts? Costs, string? Error) Costs(ClusterResources resources)
    {
        if (resources.Nodes.Count == 0)
        {
            return (null, "the cluster has no nodes");
        }
        var total = 0d;
        var problems = new List<string>();
        foreach (var node in resources.Nodes)
        {
            if (string.IsNullOrEmpty(node.InstanceType))
            {
                problems.Add($"node {node.Name} has no {ClusterResourceTracker.InstanceTypeLabel} label");
            }
            else if (_prices.TryGetValue(node.InstanceType, out var price))
            {
                total += price;
            }
            else
            {
                problems.Add($"no price is known for the instance type {node.InstanceType} of node {node.Name}");
            }
        }
        if (problems.Count > 0)
        {
            return (null, string.Join("; ", problems));
        }
        var cores = (double)resources.CapacityCpu.Value;
        var gib = (double)resources.CapacityMemory.Value / (1024d * 1024 * 1024);
        if (cores <= 0)
        {
            return (null, "the nodes report no CPU capacity");
        }
        if (gib <= 0)
        {
            return (null, "the nodes report no memory capacity");
        }
        return (new PerUnitCosts(Format(total / cores), Format(total / gib)), null);
    }

    /// <summary>Go's <c>%.3f</c>.</summary>
    private static string Format(double value) => value.ToString("F3", CultureInfo.InvariantCulture);

    private async Task<string?> KubernetesVersionAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_versionLock)
        {
            if (_version is not null && now - _versionObserved < _options.KubernetesVersionCacheDuration)
            {
                return _version;
            }
        }
        try
        {
            var document = await _member!.GetVersionAsync(cancellationToken).ConfigureAwait(false);
            var version = document.GetString("gitVersion");
            lock (_versionLock)
            {
                _version = version;
                _versionObserved = now;
            }
            return version;
        }
        catch (Exception e) when (e is ApiException or HttpRequestException or System.Text.Json.JsonException)
        {
            PropertyProviderLog.VersionFailed(_logger!, e.Message);
            lock (_versionLock)
            {
                return _version;
            }
        }
    }

    private string? CertificateAuthorityData()
    {
        if (_member?.Connection.CertificateAuthorities is not { Count: > 0 } authorities)
        {
            return null;
        }
        var pem = new StringBuilder();
        foreach (var certificate in authorities)
        {
            pem.Append(certificate.ExportCertificatePem()).Append('\n');
        }
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(pem.ToString()));
    }

    internal readonly record struct PerUnitCosts(string PerCpuCore, string PerGbMemory);
}
