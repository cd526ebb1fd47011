namespace Flotilla.Api.Cluster;

/// <summary>Names of the <c>cluster.kubernetes-fleet.io</c> API: group, condition types, reasons and well-known keys.</summary>
public static class ClusterApi
{
    public const string Group = "cluster.kubernetes-fleet.io";
    public const string StorageVersion = "v1beta1";
    public const string ApiVersion = Group + "/" + StorageVersion;

    public const string MemberClusterFinalizer = "kubernetes-fleet.io/membercluster-finalizer";
    public const string MemberNameLabel = "kubernetes-fleet.io/member-name";
    public const string FleetResourceLabel = "kubernetes-fleet.io/is-fleet-resource";

    /// <summary>The hub namespace that holds everything about one member: <c>fleet-member-&lt;name&gt;</c>.</summary>
    public static string MemberNamespace(string clusterName) => "fleet-member-" + clusterName;

    public const string NodeCountProperty = "kubernetes-fleet.io/node-count";
    public const string PerCpuCoreCostProperty = "kubernetes.azure.com/per-cpu-core-cost";
    public const string PerGbMemoryCostProperty = "kubernetes.azure.com/per-gb-memory-cost";

    public const string LocationLabel = "fleet.azure.com/location";
    public const string ResourceGroupLabel = "fleet.azure.com/resource-group";
    public const string SubscriptionIdLabel = "fleet.azure.com/subscription-id";
}

/// <summary>Agent types reported in <c>agentStatus</c>.</summary>
public static class AgentType
{
    public const string MemberAgent = "MemberAgent";
    public const string MultiClusterServiceAgent = "MultiClusterServiceAgent";
    public const string ServiceExportImportAgent = "ServiceExportImportAgent";
}

/// <summary>Taint effects (<c>spec.taints[].effect</c>), which placement tolerations match: only NoSchedule exists.</summary>
public static class TaintEffect
{
    public const string NoSchedule = "NoSchedule";
}

/// <summary>MemberCluster <c>spec.deleteOptions.validationMode</c> values.</summary>
public static class DeleteValidationMode
{
    public const string Strict = "Strict";
    public const string Skip = "Skip";
}

/// <summary>Condition types on MemberCluster, InternalMemberCluster and agent statuses.</summary>
public static class MemberClusterConditionType
{
    public const string ReadyToJoin = "ReadyToJoin";
    public const string Joined = "Joined";
    public const string Healthy = "Healthy";
    public const string PropertyProviderStarted = "ClusterPropertyProviderStarted";
    public const string PropertyCollectionSucceeded = "ClusterPropertyCollectionSucceeded";
}
