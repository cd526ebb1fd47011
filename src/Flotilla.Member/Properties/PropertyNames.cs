namespace Flotilla.Member.Properties;

/// <summary>Names of the properties the built-in providers report (placement spec §8.4).</summary>
public static class PropertyNames
{
    /// <summary><c>kubernetes-fleet.io/node-count</c>.</summary>
    public const string NodeCount = Api.Cluster.ClusterApi.NodeCountProperty;

    /// <summary><c>kubernetes.azure.com/per-cpu-core-cost</c>: hourly price per CPU core, <c>%.3f</c>.</summary>
    public const string PerCpuCoreCost = Api.Cluster.ClusterApi.PerCpuCoreCostProperty;

    /// <summary><c>kubernetes.azure.com/per-gb-memory-cost</c>: hourly price per GiB of memory, <c>%.3f</c>.</summary>
    public const string PerGbMemoryCost = Api.Cluster.ClusterApi.PerGbMemoryCostProperty;

    /// <summary><c>k8s.io/k8s-version</c>: the member API server's <c>gitVersion</c>.</summary>
    public const string KubernetesVersion = "k8s.io/k8s-version";

    /// <summary><c>k8s.io/cluster-certificate-authority-data</c>: the member API server's CA, base64 PEM.</summary>
    public const string CertificateAuthorityData = "k8s.io/cluster-certificate-authority-data";

    /// <summary><c>kubernetes.azure.com/vm-sizes/&lt;sku&gt;/count</c>: how many nodes are of that VM size.</summary>
    public static string VmSizeCount(string sku) => $"kubernetes.azure.com/vm-sizes/{sku}/count";
}
