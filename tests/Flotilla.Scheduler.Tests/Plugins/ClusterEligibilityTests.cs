using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;
using Flotilla.Scheduler.Framework;
using Flotilla.Scheduler.Plugins;
using static Flotilla.Scheduler.Tests.Fleet;

namespace Flotilla.Scheduler.Tests.Plugins;

public sealed class ClusterEligibilityTests
{
    private const string NotConnected = "cluster is not connected to the fleet: ";

    public static TheoryData<ClusterBuilder, string?> Cases => new()
    {
        { Cluster("joined-healthy-recent-heartbeat"), null },
        { Cluster("leaving-wins-over-everything").Leaving().NoAgent(), "cluster has left the fleet" },
        { Cluster("no-agent-status").NoAgent(), NotConnected + "member agent not online yet" },
        { Cluster("only-another-agent-reports").AgentOfType(AgentType.MultiClusterServiceAgent), NotConnected + "member agent not online yet" },
        { Cluster("heartbeat-exactly-5-minutes-ago").HeartbeatAgo(TimeSpan.FromMinutes(5)), null },
        { Cluster("heartbeat-5m1s-ago").HeartbeatAgo(TimeSpan.FromSeconds(301)), NotConnected + "no recent heartbeat signals (last received 5.02 minutes ago)" },
        { Cluster("heartbeat-7-5-minutes-ago").HeartbeatAgo(TimeSpan.FromMinutes(7.5)), NotConnected + "no recent heartbeat signals (last received 7.50 minutes ago)" },
        // 5.125 is exact in binary: %.2f rounds the tie to even, as Go does.
        { Cluster("heartbeat-5m7-5s-ago").HeartbeatAgo(TimeSpan.FromSeconds(307.5)), NotConnected + "no recent heartbeat signals (last received 5.12 minutes ago)" },
        { Cluster("heartbeat-3-hours-ago").HeartbeatAgo(TimeSpan.FromHours(3)), NotConnected + "no recent heartbeat signals (last received 180.00 minutes ago)" },
        // Go's time.Since of a zero time saturates at the largest duration, 2^63-1 ns.
        { Cluster("no-heartbeat-ever").HeartbeatAgo(null), NotConnected + "no recent heartbeat signals (last received 153722867.28 minutes ago)" },
        { Cluster("stale-heartbeat-wins-over-not-joined").HeartbeatAgo(TimeSpan.FromMinutes(6)).Joined(ConditionStatus.False), NotConnected + "no recent heartbeat signals (last received 6.00 minutes ago)" },
        { Cluster("joined-false").Joined(ConditionStatus.False), NotConnected + "member agent not joined yet" },
        { Cluster("joined-unknown").Joined(ConditionStatus.Unknown), NotConnected + "member agent not joined yet" },
        { Cluster("no-joined-condition").Joined(null).NoHealthCondition(), NotConnected + "member agent not joined yet" },
        { Cluster("no-healthy-condition").NoHealthCondition(), NotConnected + "health condition from member agent is not available" },
        { Cluster("unhealthy-for-2-minutes-is-still-eligible").Healthy(ConditionStatus.False, TimeSpan.FromMinutes(2)), null },
        { Cluster("unhealthy-for-exactly-5-minutes-is-still-eligible").Healthy(ConditionStatus.False, TimeSpan.FromMinutes(5)), null },
        { Cluster("unhealthy-for-10-minutes").Healthy(ConditionStatus.False, TimeSpan.FromMinutes(10)), NotConnected + "unhealthy for a prolonged period of time (last transitioned 10.00 minutes ago)" },
        { Cluster("health-unknown-for-6-25-minutes").Healthy(ConditionStatus.Unknown, TimeSpan.FromMinutes(6.25)), NotConnected + "unhealthy for a prolonged period of time (last transitioned 6.25 minutes ago)" },
        { Cluster("healthy-since-long-ago").Healthy(ConditionStatus.True, TimeSpan.FromDays(30)), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void IneligibleReason_AgentStatus_FirstFailingCheckInUpstreamWords(ClusterBuilder cluster, string? expected)
    {
        Assert.Equal(expected, cluster.View().IneligibleReason(Now));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Filter_AgentStatus_UnschedulableWithTheEligibilityReason(ClusterBuilder cluster, string? expected)
    {
        var view = cluster.View();

        var status = new ClusterEligibilityPlugin().Filter(CycleState.For([view], Now), Policy(null), view);

        Assert.Equal(expected is null ? "Success" : "ClusterUnschedulable, " + expected, Render(status));
        Assert.Equal(expected is null ? null : "ClusterEligibility", status?.Plugin);
    }
}
