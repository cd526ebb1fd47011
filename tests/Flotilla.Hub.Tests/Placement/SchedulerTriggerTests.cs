using System.Text.RegularExpressions;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement;

namespace Flotilla.Hub.Tests.Placement;

/// <summary>What re-runs the scheduler (placement spec §2.1, §3.1), and the names and hashes the hub writes.</summary>
public sealed partial class SchedulerTriggerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);

    public static TheoryData<string, Action<MemberCluster>, bool> ClusterChanges => new()
    {
        { "label added", mc => mc.Metadata.Labels!["env"] = "prod", true },
        { "label value changed", mc => mc.Metadata.Labels!["region"] = "west", true },
        { "taint removed", mc => mc.Spec.Taints!.Clear(), true },
        { "taint modified", mc => mc.Spec.Taints![0].Value = "other", true },
        { "taint added", mc => mc.Spec.Taints!.Add(new Taint { Key = "new", Effect = "NoSchedule" }), false },
        { "property value changed", mc => mc.Status!.Properties!["kubernetes-fleet.io/node-count"] = new PropertyValue { Value = "4", ObservationTime = Now }, true },
        { "property observed again", mc => mc.Status!.Properties!["kubernetes-fleet.io/node-count"] = new PropertyValue { Value = "3", ObservationTime = Now.AddMinutes(1) }, false },
        { "available cpu changed", mc => mc.Status!.ResourceUsage!.Available!["cpu"] = "2", true },
        { "heartbeat only", mc => mc.Status!.AgentStatus![0].LastReceivedHeartbeat = Now, false },
        { "being deleted", mc => { mc.Metadata.DeletionTimestamp = Now; mc.Metadata.Labels!["env"] = "prod"; }, false },
    };

    [Theory]
    [MemberData(nameof(ClusterChanges))]
    public void MayGainClusters_Change_TriggersOnlyWhatCanLetPlacementsIn(string change, Action<MemberCluster> mutate, bool expected)
    {
        var old = Cluster(heartbeat: Now.AddSeconds(-30));
        var current = Cluster(heartbeat: Now.AddSeconds(-30));
        mutate(current);

        Assert.True(expected == SchedulerTriggers.MayGainClusters(old, current, Now), change);
    }

    [Fact]
    public void MayGainClusters_HeartbeatAfterLongSilence_TriggersBecauseTheClusterBecameEligible()
    {
        var silent = Cluster(heartbeat: Now.AddMinutes(-6));
        var back = Cluster(heartbeat: Now);

        Assert.True(SchedulerTriggers.MayGainClusters(silent, back, Now));
    }

    [Theory]
    [InlineData("number-of-clusters", "3", "4", "true", "true", true)]
    [InlineData("CRP-generation", "1", "2", "true", "true", true)]
    [InlineData("CRP-generation", "1", "1", "false", "true", true)]
    [InlineData("CRP-generation", "1", "1", "true", "false", false)]
    [InlineData("CRP-generation", "1", "1", "true", "true", false)]
    public void PolicySnapshotChanged_AnnotationsAndLatestLabel(string annotation, string before, string after, string latestBefore, string latestAfter, bool expected)
    {
        ObjectMeta Meta(string value, string latest) => new()
        {
            Annotations = new() { [PlacementApi.FleetPrefix + annotation] = value },
            Labels = new() { [PlacementApi.IsLatestSnapshotLabel] = latest },
        };

        Assert.Equal(expected, SchedulerTriggers.PolicySnapshotChanged(Meta(before, latestBefore), Meta(after, latestAfter)));
    }

    [Fact]
    public void Hash_IgnoresNumberOfClusters_ButNotTheRestOfThePolicy()
    {
        PlacementPolicy Policy(int n, string? toleration = null) => new()
        {
            PlacementType = PlacementType.PickN,
            NumberOfClusters = n,
            Tolerations = toleration is null ? null : [new Toleration { Key = toleration, Operator = "Exists" }],
        };

        Assert.Equal(PolicySnapshots.Hash(Policy(2)), PolicySnapshots.Hash(Policy(5)));
        Assert.NotEqual(PolicySnapshots.Hash(Policy(2)), PolicySnapshots.Hash(Policy(2, "gpu")));
        // The wire form of upstream's []byte field: base64 of the 64 lowercase hex characters.
        var hex = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(PolicySnapshots.Hash(null)));
        Assert.Matches(LowercaseSha256Hex(), hex);
    }

    [Theory]
    [InlineData("crp", "member-1")]
    [InlineData("a-placement-name-that-is-much-longer-than-twenty-six", "a-cluster-name-that-is-also-longer-than-twenty-seven")]
    public void BindingName_TruncatedPartsAndRandomSuffix_IsADnsLabel(string placement, string cluster)
    {
        var name = SchedulerReconciler<ClusterResourcePlacement, ClusterSchedulingPolicySnapshot, ClusterResourceBinding>.BindingName(placement, cluster);

        Assert.True(name.Length <= 63, name);
        Assert.Matches(DnsLabel(), name);
        Assert.StartsWith(placement.Length > 26 ? placement[..26] : placement, name, StringComparison.Ordinal);
        Assert.Contains("-" + (cluster.Length > 27 ? cluster[..27] : cluster) + "-", name, StringComparison.Ordinal);
        Assert.NotEqual(name, SchedulerReconciler<ClusterResourcePlacement, ClusterSchedulingPolicySnapshot, ClusterResourceBinding>.BindingName(placement, cluster));
    }

    private static MemberCluster Cluster(DateTimeOffset heartbeat) => new()
    {
        Metadata = new ObjectMeta { Name = "member-1", Labels = new() { ["region"] = "east" } },
        Spec = new MemberClusterSpec { Taints = [new Taint { Key = "dedicated", Value = "gpu", Effect = "NoSchedule" }] },
        Status = new MemberClusterStatus
        {
            Properties = new() { ["kubernetes-fleet.io/node-count"] = new PropertyValue { Value = "3", ObservationTime = Now } },
            ResourceUsage = new ResourceUsage { Available = new() { ["cpu"] = "4" } },
            AgentStatus =
            [
                new AgentStatus
                {
                    Type = AgentType.MemberAgent,
                    LastReceivedHeartbeat = heartbeat,
                    Conditions =
                    [
                        new Condition { Type = "Joined", Status = "True" },
                        new Condition { Type = "Healthy", Status = "True", LastTransitionTime = Now.AddHours(-1) },
                    ],
                },
            ],
        },
    };

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex LowercaseSha256Hex();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
