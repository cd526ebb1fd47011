namespace Flotilla.Member.Membership;

/// <summary>Reasons of the member agent's conditions in its agent status (placement spec §8.2), verbatim.</summary>
internal static class InternalMemberClusterReasons
{
    public const string Joined = "InternalMemberClusterJoined";
    public const string FailedToJoin = "InternalMemberClusterFailedToJoin";
    public const string Left = "InternalMemberClusterLeft";
    public const string FailedToLeave = "InternalMemberClusterFailedToLeave";
    public const string Healthy = "InternalMemberClusterHealthy";
    public const string Unhealthy = "InternalMemberClusterUnhealthy";
}
