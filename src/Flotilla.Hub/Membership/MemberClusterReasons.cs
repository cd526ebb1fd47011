namespace Flotilla.Hub.Membership;

/// <summary>Condition reasons and messages the hub writes on MemberClusters (placement spec §1.1), verbatim.</summary>
internal static class MemberClusterReasons
{
    public const string ReadyToJoin = "MemberClusterReadyToJoin";
    public const string ReadyToJoinMessage = "Member cluster is ready to join the fleet";
    public const string NotReadyToJoin = "MemberClusterNotReadyToJoin";
    public const string NotReadyToJoinMessage = "Member cluster is not ready to join the fleet";

    public const string Joined = "MemberClusterJoined";
    public const string JoinedMessage = "Member cluster has successfully joined the fleet";
    public const string Left = "MemberClusterLeft";
    public const string LeftMessage = "Member cluster has left the fleet";
    public const string JoinStateUnknown = "MemberClusterJoinStateUnknown";

    /// <summary>Go format: <c>"Member cluster %s has not reported all the expected agents, expected %d, got %d"</c>.</summary>
    public static string MissingAgents(string cluster, int expected, int got) =>
        $"Member cluster {cluster} has not reported all the expected agents, expected {expected}, got {got}";

    /// <summary>Go format: <c>"Member cluster %s has not reported the join condition for agent %s"</c>.</summary>
    public static string MissingJoinCondition(string cluster, string agent) =>
        $"Member cluster {cluster} has not reported the join condition for agent {agent}";

    public const string InconsistentAgentsMessage = "Member agents are not in a consistent state";
}

/// <summary>Reasons of the Events the membership controller records on MemberClusters.</summary>
internal static class MemberClusterEvents
{
    public const string NamespaceCreated = "NamespaceCreated";
    public const string RoleCreated = "RoleCreated";
    public const string RoleUpdated = "RoleUpdated";
    public const string RoleBindingCreated = "RoleBindingCreated";
    public const string RoleBindingUpdated = "RoleBindingUpdated";
    public const string InternalMemberClusterCreated = "InternalMemberClusterCreated";
    public const string InternalMemberClusterSpecUpdated = "InternalMemberClusterSpecUpdated";
    public const string ForceDeleted = "MemberClusterForceDeleted";
}
