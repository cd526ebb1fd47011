using System.Text.Json;
using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;

namespace Flotilla.Hub.Membership;

/// <summary>The aggregated <c>Joined</c> condition of a MemberCluster: status, reason and message.</summary>
internal readonly record struct JoinedState(string Status, string Reason, string Message)
{
    public bool HasLeft => Status == ConditionStatus.False;
}

/// <summary>
/// Pure functions of the MemberCluster status: what the hub copies from the InternalMemberCluster and how it
/// aggregates the agents' <c>Joined</c> conditions (placement spec §1.1, §8.1 step 6).
/// </summary>
internal static class MemberClusterStatusSync
{
    /// <summary>Condition types the hub itself decides on the MemberCluster; an IMC condition of these types is not copied.</summary>
    private static readonly HashSet<string> HubOwned =
    [
        MemberClusterConditionType.ReadyToJoin, MemberClusterConditionType.Joined, MemberClusterConditionType.Healthy,
    ];

    /// <summary>
    /// The status the MemberCluster should have: its current status with the IMC's agent statuses, properties,
    /// resource usage, namespaces and provider conditions copied in (every copied condition observed at the
    /// MemberCluster's generation), <c>Joined</c> aggregated over <paramref name="expectedAgents"/>, and
    /// <c>ReadyToJoin</c> True unless the cluster has left. Transition times move only when a status changes.
    /// </summary>
    public static MemberClusterStatus Desired(MemberCluster mc, InternalMemberCluster? imc, IReadOnlyCollection<string> expectedAgents, DateTimeOffset now)
    {
        var generation = mc.Metadata.Generation ?? 0;
        var status = Clone(mc.Status) ?? new MemberClusterStatus();
        status.Conditions ??= [];
        if (imc is not null)
        {
            var copy = Clone(imc.Status) ?? new InternalMemberClusterStatus();
            status.Properties = copy.Properties;
            status.ResourceUsage = copy.ResourceUsage;
            status.Namespaces = copy.Namespaces;
            status.AgentStatus = copy.AgentStatus;
            foreach (var condition in status.AgentStatus?.SelectMany(agent => agent.Conditions ?? []) ?? [])
            {
                condition.ObservedGeneration = generation;
            }
            foreach (var condition in copy.Conditions ?? [])
            {
                if (!HubOwned.Contains(condition.Type))
                {
                    condition.ObservedGeneration = generation;
                    Conditions.Set(status.Conditions, condition, now);
                }
            }
        }
        var joined = AggregateJoined(mc.Metadata.Name ?? "", status.AgentStatus, expectedAgents);
        Conditions.Set(status.Conditions, joined.HasLeft
            ? Condition(MemberClusterConditionType.ReadyToJoin, ConditionStatus.False, MemberClusterReasons.NotReadyToJoin, MemberClusterReasons.NotReadyToJoinMessage, generation)
            : Condition(MemberClusterConditionType.ReadyToJoin, ConditionStatus.True, MemberClusterReasons.ReadyToJoin, MemberClusterReasons.ReadyToJoinMessage, generation), now);
        Conditions.Set(status.Conditions, Condition(MemberClusterConditionType.Joined, joined.Status, joined.Reason, joined.Message, generation), now);
        return status;
    }

    /// <summary>
    /// <c>Joined</c> over the expected agents: Unknown while fewer agents reported than expected or an expected agent
    /// reported no <c>Joined</c>; True when every expected agent reports True; False when every one reports False;
    /// Unknown otherwise. Agent types that are not expected are ignored.
    /// </summary>
    public static JoinedState AggregateJoined(string cluster, IReadOnlyList<AgentStatus>? reported, IReadOnlyCollection<string> expectedAgents)
    {
        reported ??= [];
        if (reported.Count < expectedAgents.Count)
        {
            return Unknown(MemberClusterReasons.MissingAgents(cluster, expectedAgents.Count, reported.Count));
        }
        int joined = 0, left = 0;
        foreach (var agent in reported)
        {
            if (!expectedAgents.Contains(agent.Type))
            {
                continue;
            }
            var condition = Conditions.Find(agent.Conditions, MemberClusterConditionType.Joined);
            if (condition is null)
            {
                return Unknown(MemberClusterReasons.MissingJoinCondition(cluster, agent.Type));
            }
            if (condition.IsTrue)
            {
                joined++;
            }
            else if (condition.IsFalse)
            {
                left++;
            }
        }
        if (joined == expectedAgents.Count)
        {
            return new JoinedState(ConditionStatus.True, MemberClusterReasons.Joined, MemberClusterReasons.JoinedMessage);
        }
        if (left == expectedAgents.Count)
        {
            return new JoinedState(ConditionStatus.False, MemberClusterReasons.Left, MemberClusterReasons.LeftMessage);
        }
        return Unknown(MemberClusterReasons.InconsistentAgentsMessage);
    }

    /// <summary>Whether two statuses are the same on the wire (times to the second, as stored).</summary>
    public static bool SameOnTheWire(MemberClusterStatus? a, MemberClusterStatus? b) =>
        (a is null && b is null) || (a is not null && b is not null &&
            JsonSerializer.Serialize(a, ClusterJsonContext.Default.MemberClusterStatus) == JsonSerializer.Serialize(b, ClusterJsonContext.Default.MemberClusterStatus));

    private static JoinedState Unknown(string message) => new(ConditionStatus.Unknown, MemberClusterReasons.JoinStateUnknown, message);

    private static Condition Condition(string type, string status, string reason, string message, long generation) => new()
    {
        Type = type,
        Status = status,
        Reason = reason,
        Message = message,
        ObservedGeneration = generation,
    };

    private static MemberClusterStatus? Clone(MemberClusterStatus? status) =>
        status is null ? null : JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(status, ClusterJsonContext.Default.MemberClusterStatus), ClusterJsonContext.Default.MemberClusterStatus);

    private static InternalMemberClusterStatus? Clone(InternalMemberClusterStatus? status) =>
        status is null ? null : JsonSerializer.Deserialize(JsonSerializer.SerializeToUtf8Bytes(status, ClusterJsonContext.Default.InternalMemberClusterStatus), ClusterJsonContext.Default.InternalMemberClusterStatus);
}
