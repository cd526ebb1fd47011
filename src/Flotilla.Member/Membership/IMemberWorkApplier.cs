namespace Flotilla.Member.Membership;

/// <summary>
/// The work applier as the member agent's join/leave controller sees it (placement spec §8.2): started when the
/// InternalMemberCluster says Join, stopped when it says Leave. Both must be idempotent: they are called on every
/// heartbeat (Join) and on every Leave reconcile.
/// </summary>
public interface IMemberWorkApplier
{
    /// <summary>Starts applying the Works of this member, unless already started.</summary>
    Task JoinAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops applying, and strips this member's finalizers from its Works on the hub so the hub can delete them without
    /// the member removing the placed resources.
    /// </summary>
    Task LeaveAsync(CancellationToken cancellationToken);
}

/// <summary>No work applier: joining and leaving only report status. The default until the applier exists.</summary>
public sealed class NoWorkApplier : IMemberWorkApplier
{
    /// <summary>The one instance.</summary>
    public static NoWorkApplier Instance { get; } = new();

    private NoWorkApplier()
    {
    }

    /// <inheritdoc />
    public Task JoinAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task LeaveAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
