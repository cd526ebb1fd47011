using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Cluster;

/// <summary>A member cluster of the fleet, as the hub sees it (placement spec §1.1).</summary>
[CustomResource(ClusterApi.Group, "MemberCluster", "memberclusters", Namespaced = false, ShortNames = ["cluster"],
    Categories = ["fleet", "fleet-cluster"], Versions = ["v1beta1", "v1"], StatusSubresource = true)]
[PrinterColumn(0, "Joined", "string", ".status.conditions[?(@.type==\"Joined\")].status")]
[PrinterColumn(1, "Age", "date", ".metadata.creationTimestamp")]
[PrinterColumn(2, "Member-Agent-Last-Seen", "date", ".status.agentStatus[?(@.type==\"MemberAgent\")].lastReceivedHeartbeat")]
[PrinterColumn(3, "Node-Count", "string", ".status.properties.kubernetes-fleet\\.io/node-count.value")]
[PrinterColumn(4, "Available-CPU", "string", ".status.resourceUsage.available.cpu")]
[PrinterColumn(5, "Available-Memory", "string", ".status.resourceUsage.available.memory")]
[PrinterColumn(6, "Allocatable-CPU", "string", ".status.resourceUsage.allocatable.cpu", Priority = 1)]
[PrinterColumn(7, "Allocatable-Memory", "string", ".status.resourceUsage.allocatable.memory", Priority = 1)]
[ValidationRule("size(self.metadata.name) < 64", "metadata.name max length is 63")]
[Description("MemberCluster is a resource created in the hub cluster to represent a member cluster within a fleet.")]
public sealed class MemberCluster : KubeObject
{
    [Required]
    [Description("The desired state of MemberCluster.")]
    public MemberClusterSpec Spec { get; set; } = new();

    [Description("The observed status of MemberCluster.")]
    public MemberClusterStatus? Status { get; set; }
}

public sealed class MemberClusterSpec
{
    [Required]
    [Description("The identity used by the member cluster to access the hub cluster. The hub agents deployed on the hub cluster will automatically grant the minimal required permissions to this identity for the member agents deployed on the member cluster to access the hub cluster.")]
    public Subject Identity { get; set; } = new();

    [Default("60")]
    [Minimum(1)]
    [Maximum(600)]
    [Format("int32")]
    [Description("How often (in seconds) for the member cluster to send a heartbeat to the hub cluster. Default: 60 seconds. Min: 1 second. Max: 10 minutes.")]
    public int? HeartbeatPeriodSeconds { get; set; }

    [MaxItems(100)]
    [Description("If specified, the MemberCluster's taints. This field is beta-level and is for the taints and tolerations feature.")]
    public List<Taint>? Taints { get; set; }

    [Description("DeleteOptions configures the deletion of the member cluster.")]
    public DeleteOptions? DeleteOptions { get; set; }
}

/// <summary>An rbac/v1 Subject: who the member agent authenticates as on the hub.</summary>
[Atomic]
public sealed class Subject
{
    [Required]
    [Description("Kind of object being referenced. Values defined by this API group are \"User\", \"Group\", and \"ServiceAccount\".")]
    public string Kind { get; set; } = "";

    [Description("APIGroup holds the API group of the referenced subject. Defaults to \"\" for ServiceAccount subjects and \"rbac.authorization.k8s.io\" for User and Group subjects.")]
    public string? ApiGroup { get; set; }

    [Required]
    [Description("Name of the object being referenced.")]
    public string Name { get; set; } = "";

    [Description("Namespace of the referenced object. Empty for non-namespaced subjects such as User or Group.")]
    public string? Namespace { get; set; }
}

/// <summary>A taint on a member cluster: placements that do not tolerate it are not scheduled there.</summary>
public sealed class Taint
{
    [Required]
    [Description("The taint key to be applied to a MemberCluster.")]
    public string Key { get; set; } = "";

    [Description("The taint value corresponding to the taint key.")]
    public string? Value { get; set; }

    [Required]
    [Enum(TaintEffect.NoSchedule)]
    [Description("The effect of the taint on ClusterResourcePlacements that do not tolerate the taint. Only NoSchedule is supported.")]
    public string Effect { get; set; } = "";
}

public sealed class DeleteOptions
{
    [Default("\"" + DeleteValidationMode.Strict + "\"")]
    [Enum(DeleteValidationMode.Skip, DeleteValidationMode.Strict)]
    [Description("ValidationMode determines how the member cluster deletion is validated: Strict denies deletion while the cluster still exports services; Skip bypasses the check.")]
    public string? ValidationMode { get; set; }
}

public sealed class MemberClusterStatus
{
    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the member cluster.")]
    public List<Condition>? Conditions { get; set; }

    [Description("Properties is an array of properties observed for the member cluster. This field is beta-level; it is for the property-based scheduling feature and is only populated when a property provider is enabled in the deployment.")]
    public Dictionary<string, PropertyValue>? Properties { get; set; }

    [Description("The current observed resource usage of the member cluster. It is populated by the member agent.")]
    public ResourceUsage? ResourceUsage { get; set; }

    [Description("Namespaces is a map of namespace names to their associated work names for namespaces that are managed by Fleet (i.e., have AppliedWork owner references when created).")]
    public Dictionary<string, string>? Namespaces { get; set; }

    [Description("AgentStatus is an array of current observed status, each corresponding to one member agent running in the member cluster.")]
    public List<AgentStatus>? AgentStatus { get; set; }
}

/// <summary>A property value with the time it was observed.</summary>
public sealed class PropertyValue
{
    [Required]
    [Description("Value is the value of the property. Currently, it should be a Kubernetes quantity.")]
    public string Value { get; set; } = "";

    [Required]
    [Format("date-time")]
    [Description("ObservationTime is when the property is observed.")]
    public DateTimeOffset ObservationTime { get; set; }
}

public sealed class ResourceUsage
{
    [Quantity]
    [Description("Capacity represents the total resource capacity of all the nodes on a member cluster.")]
    public Dictionary<string, string>? Capacity { get; set; }

    [Quantity]
    [Description("Allocatable represents the total allocatable resources of all the nodes on a member cluster.")]
    public Dictionary<string, string>? Allocatable { get; set; }

    [Quantity]
    [Description("Available represents the total available resources of all the nodes on a member cluster: allocatable minus the requests of running pods.")]
    public Dictionary<string, string>? Available { get; set; }

    [Format("date-time")]
    [Description("When the resource usage is observed.")]
    public DateTimeOffset? ObservationTime { get; set; }
}

/// <summary>What one agent on the member reported.</summary>
public sealed class AgentStatus
{
    [Required]
    [Enum("MemberAgent", "MultiClusterServiceAgent", "ServiceExportImportAgent")]
    [Description("Type of member agent.")]
    public string Type { get; set; } = "";

    [ListType("map", "type")]
    [Description("Conditions is an array of current observed conditions for the member agent.")]
    public List<Condition>? Conditions { get; set; }

    [Format("date-time")]
    [Description("Last time we received a heartbeat from the member agent.")]
    public DateTimeOffset? LastReceivedHeartbeat { get; set; }
}
