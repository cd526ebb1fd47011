using System.Globalization;
using Flotilla.LocalCluster.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.LocalCluster;

/// <summary>
/// What a local member cluster looks like: its nodes, their size and topology, the pod address range, and how
/// quickly simulated containers start, become ready and (for Jobs) finish. Defaults give member <c>k</c> three
/// 4-cpu/16Gi nodes and pods in <c>127.(100+k).0.0/16</c>.
/// </summary>
public sealed record LocalClusterOptions
{
    /// <summary>The cluster's name: nodes are named <c>&lt;ClusterName&gt;-node-&lt;i&gt;</c>. Required.</summary>
    public required string ClusterName { get; init; }

    /// <summary>The member's index <c>k</c> (0–155), which picks the default address ranges. Default 0.</summary>
    public int ClusterIndex { get; init; }

    /// <summary>How many Node objects to run. Default 3.</summary>
    public int NodeCount { get; init; } = 3;

    /// <summary>Each node's cpu capacity, as a quantity. Default <c>4</c>.</summary>
    public string NodeCpu { get; init; } = "4";

    /// <summary>Each node's memory capacity, as a quantity. Default <c>16Gi</c>.</summary>
    public string NodeMemory { get; init; } = "16Gi";

    /// <summary>Each node's ephemeral-storage capacity, as a quantity. Default <c>100Gi</c>.</summary>
    public string NodeEphemeralStorage { get; init; } = "100Gi";

    /// <summary>Pods each node accepts (<c>status.capacity.pods</c>). Default 110, as the kubelet's.</summary>
    public int MaxPodsPerNode { get; init; } = 110;

    /// <summary>The <c>node.kubernetes.io/instance-type</c> label. Default <c>flotilla-local</c>.</summary>
    public string InstanceType { get; init; } = "flotilla-local";

    /// <summary>The <c>topology.kubernetes.io/region</c> label; none when null.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// The <c>topology.kubernetes.io/zone</c> labels, handed to nodes round-robin (node <c>i</c> gets
    /// <c>Zones[i % Count]</c>); none when null or empty.
    /// </summary>
    public IReadOnlyList<string>? Zones { get; init; }

    /// <summary>
    /// The pod address range (IPv4 CIDR); default <c>127.(100+k).0.0/16</c>. Each node gets an equal block of it
    /// (<c>spec.podCIDR</c>, a /24 when the range allows), and every pod a distinct address of its node's block.
    /// Loopback ranges need no set-up on Linux; elsewhere the addresses must be configured on an interface.
    /// </summary>
    public string? PodCidr { get; init; }

    /// <summary>Where node addresses (<c>InternalIP</c>, pods' <c>hostIP</c>) come from; default <c>127.0.(100+k).0/24</c>, node <c>i</c> at <c>.(i+1)</c>.</summary>
    public string? NodeAddressCidr { get; init; }

    /// <summary>The kubelet version nodes report. Default <c>v1.32.4</c>.</summary>
    public string KubeletVersion { get; init; } = "v1.32.4";

    /// <summary>How long a scheduled pod takes to start (the image pull and container start a real node would do). Default zero.</summary>
    public TimeSpan PodStartDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// How long after starting a container without a readiness probe becomes ready. Default zero, as the kubelet
    /// does. Containers with a readiness probe become ready after its <c>initialDelaySeconds</c> instead.
    /// </summary>
    public TimeSpan ReadinessDelay { get; init; } = TimeSpan.Zero;

    /// <summary>How long a Job's pod runs before it succeeds. Default 1 second.</summary>
    public TimeSpan JobPodRunDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each node's Lease in <c>kube-node-lease</c> is renewed. Default 10 seconds, as the kubelet's.</summary>
    public TimeSpan NodeLeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often node conditions' <c>lastHeartbeatTime</c> is refreshed. Default 1 minute.</summary>
    public TimeSpan NodeStatusReportInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether to write core/v1 Events (Scheduled, Started, ScalingReplicaSet, SuccessfulCreate…). Default true.</summary>
    public bool RecordEvents { get; init; } = true;

    /// <summary>The clock for every delay, timestamp and heartbeat. Default the system's.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the runtime logs (categories <c>Flotilla.LocalCluster.*</c>). Default nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>The pod range in effect: <see cref="PodCidr"/> or the default for <see cref="ClusterIndex"/>.</summary>
    public string EffectivePodCidr => PodCidr ?? string.Create(CultureInfo.InvariantCulture, $"127.{100 + ClusterIndex}.0.0/16");

    /// <summary>The node address range in effect: <see cref="NodeAddressCidr"/> or the default for <see cref="ClusterIndex"/>.</summary>
    public string EffectiveNodeAddressCidr => NodeAddressCidr ?? string.Create(CultureInfo.InvariantCulture, $"127.0.{100 + ClusterIndex}.0/24");

    /// <summary>Checks every option; the message names the one that is wrong and says what it should be.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ClusterName))
        {
            throw new ArgumentException($"{nameof(ClusterName)} is required: nodes are named after it.");
        }
        if ((PodCidr is null || NodeAddressCidr is null) && ClusterIndex is < 0 or > 155)
        {
            throw new ArgumentOutOfRangeException(nameof(ClusterIndex), ClusterIndex, $"{nameof(ClusterIndex)} must be 0–155 for the default ranges 127.(100+k).0.0/16; set {nameof(PodCidr)} and {nameof(NodeAddressCidr)} otherwise.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(NodeCount, 1, nameof(NodeCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPodsPerNode, 1, nameof(MaxPodsPerNode));
        foreach (var (value, name) in new[] { (NodeCpu, nameof(NodeCpu)), (NodeMemory, nameof(NodeMemory)), (NodeEphemeralStorage, nameof(NodeEphemeralStorage)) })
        {
            if (Quantities.Parse(value, name) <= 0)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be a positive quantity.");
            }
        }
        foreach (var (value, name) in new[] { (PodStartDelay, nameof(PodStartDelay)), (ReadinessDelay, nameof(ReadinessDelay)), (JobPodRunDuration, nameof(JobPodRunDuration)) })
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NodeLeaseRenewInterval, TimeSpan.Zero, nameof(NodeLeaseRenewInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(NodeStatusReportInterval, TimeSpan.Zero, nameof(NodeStatusReportInterval));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        _ = ClusterLayout.From(this);
    }
}
