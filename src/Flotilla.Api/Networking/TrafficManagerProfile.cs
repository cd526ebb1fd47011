using System.ComponentModel;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// An Azure Traffic Manager profile for DNS-based global load balancing (spec §1.10). Not part of L4 load balancing;
/// modelled so the hub serves the same CRDs as upstream. Only the fields the spec names are declared.
/// </summary>
[CustomResource(NetworkingApi.Group, "TrafficManagerProfile", "trafficmanagerprofiles", ShortNames = ["tmp"],
    Categories = [NetworkingApi.Category], Versions = [NetworkingApi.V1Beta1, NetworkingApi.V1Alpha1], StatusSubresource = true)]
[PrinterColumn(0, "DNS-Name", "string", ".status.dnsName")]
[PrinterColumn(1, "Is-Programmed", "string", ".status.conditions[?(@.type=='Programmed')].status")]
[PrinterColumn(2, "Age", "date", ".metadata.creationTimestamp")]
[ValidationRule(NetworkingCelRules.NameLength, NetworkingCelRules.NameLengthMessage)]
[Description("TrafficManagerProfile is used to manage a simple Azure Traffic Manager Profile using cloud native way.")]
public sealed class TrafficManagerProfile : KubeObject
{
    [Required]
    [Description("The desired state of TrafficManagerProfile.")]
    public TrafficManagerProfileSpec Spec { get; set; } = new();

    [Description("The observed status of TrafficManagerProfile.")]
    public TrafficManagerProfileStatus? Status { get; set; }
}

public sealed class TrafficManagerProfileSpec
{
    [Required]
    [MaxLength(90)]
    [ValidationRule(NetworkingCelRules.Immutable, NetworkingCelRules.ResourceGroupImmutableMessage)]
    [Description("The name of the resource group to contain the Azure Traffic Manager resource corresponding to this profile. It cannot be changed once set.")]
    public string ResourceGroup { get; set; } = "";

    [Description("The endpoint monitoring settings of the Traffic Manager profile.")]
    public MonitorConfig? MonitorConfig { get; set; }
}

/// <summary>How Azure Traffic Manager probes the endpoints of a profile.</summary>
public sealed class MonitorConfig
{
    [Description("The path relative to the endpoint domain name used to probe for endpoint health.")]
    public string? Path { get; set; }

    [Format("int64")]
    [Description("The TCP port used to probe for endpoint health.")]
    public long? Port { get; set; }

    [Enum(TrafficManagerMonitorProtocol.Http, TrafficManagerMonitorProtocol.Https, TrafficManagerMonitorProtocol.Tcp)]
    [Description("The protocol (HTTP, HTTPS or TCP) used to probe for endpoint health.")]
    public string? Protocol { get; set; }

    [Format("int64")]
    [Description("The monitor interval for endpoints in this profile, in seconds.")]
    public long? IntervalInSeconds { get; set; }

    [Format("int64")]
    [Description("The monitor timeout for endpoints in this profile, in seconds.")]
    public long? TimeoutInSeconds { get; set; }

    [Format("int64")]
    [Description("The number of consecutive failed health checks tolerated before declaring an endpoint degraded.")]
    public long? ToleratedNumberOfFailures { get; set; }

    [MaxItems(8)]
    [Description("List of custom headers sent with the health probes.")]
    public List<MonitorConfigCustomHeader>? CustomHeaders { get; set; }
}

/// <summary>One custom header of the health probe.</summary>
public sealed class MonitorConfigCustomHeader
{
    [Required]
    [Description("Header name.")]
    public string Name { get; set; } = "";

    [Required]
    [Description("Header value.")]
    public string Value { get; set; } = "";
}

public sealed class TrafficManagerProfileStatus
{
    [Description("The fully-qualified domain name of the Traffic Manager profile.")]
    public string? DnsName { get; set; }

    [Description("The Azure Resource URI of the Traffic Manager profile.")]
    public string? ResourceID { get; set; }

    [ListType("map", "type")]
    [Description("Current profile status.")]
    public List<Condition>? Conditions { get; set; }
}
