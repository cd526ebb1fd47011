using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Cluster;

/// <summary>The hub-side handle the member agent reads and reports into (placement spec §1.2).</summary>
[CustomResource(ClusterApi.Group, "InternalMemberCluster", "internalmemberclusters", ShortNames = ["imc"],
    Categories = ["fleet", "fleet-cluster"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Age", "date", ".metadata.creationTimestamp")]
[Description("InternalMemberCluster is used by hub agent to notify the member agents about the member cluster state changes, and is used by the member agents to report their status.")]
public sealed class InternalMemberCluster : KubeObject
{
    [Required]
    [Description("The desired state of InternalMemberCluster.")]
    public InternalMemberClusterSpec Spec { get; set; } = new();

    [Description("The observed status of InternalMemberCluster.")]
    public InternalMemberClusterStatus? Status { get; set; }
}

public sealed class InternalMemberClusterSpec
{
    [Required]
    [Enum(ClusterState.Join, ClusterState.Leave)]
    [Description("The desired state of the member cluster. Possible values: Join, Leave.")]
    public string State { get; set; } = ClusterState.Join;

    [Default("60")]
    [Minimum(1)]
    [Maximum(600)]
    [Format("int32")]
    [Description("How often (in seconds) for the member cluster to send a heartbeat to the hub cluster. Default: 60 seconds. Min: 1 second. Max: 10 minutes.")]
    public int? HeartbeatPeriodSeconds { get; set; }
}

public sealed class InternalMemberClusterStatus
{
    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the member cluster.")]
    public List<Condition>? Conditions { get; set; }

    [Description("Properties is an array of properties observed for the member cluster.")]
    public Dictionary<string, PropertyValue>? Properties { get; set; }

    [Description("The current observed resource usage of the member cluster.")]
    public ResourceUsage? ResourceUsage { get; set; }

    [Description("Namespaces is a map of namespace names to their associated work names for namespaces that are managed by Fleet.")]
    public Dictionary<string, string>? Namespaces { get; set; }

    [Description("AgentStatus is an array of current observed status, each corresponding to one member agent running in the member cluster.")]
    public List<AgentStatus>? AgentStatus { get; set; }
}

/// <summary>The IMC's desired state.</summary>
public static class ClusterState
{
    public const string Join = "Join";
    public const string Leave = "Leave";
}
