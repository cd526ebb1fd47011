namespace Flotilla.Member.Properties;

/// <summary>Settings of the <see cref="AzurePropertyProvider"/>.</summary>
public sealed class AzurePropertyProviderOptions
{
    /// <summary>
    /// Hourly price of one node of each instance type (the node label <c>node.kubernetes.io/instance-type</c>, e.g.
    /// <c>Standard_D4s_v3</c>; matched case-insensitively). Upstream reads these from the Azure retail prices API;
    /// here they are configuration. A node whose type has no price fails the cost calculation.
    /// </summary>
    public IReadOnlyDictionary<string, double> HourlyPrices { get; init; } = new Dictionary<string, double>();

    /// <summary>Report the cost properties (upstream's default: on).</summary>
    public bool CostPropertiesEnabled { get; init; } = true;

    /// <summary>Report available resources (allocatable − requests); upstream's default: on.</summary>
    public bool AvailableResourcesEnabled { get; init; } = true;

    /// <summary>How long the member's Kubernetes version is cached. Default 15 minutes, as upstream.</summary>
    public TimeSpan KubernetesVersionCacheDuration { get; init; } = TimeSpan.FromMinutes(15);
}
