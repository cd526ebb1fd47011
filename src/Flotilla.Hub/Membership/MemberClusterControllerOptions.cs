namespace Flotilla.Hub.Membership;

/// <summary>How the hub's MemberCluster controller runs (upstream's hub agent flags, Appendix A).</summary>
public sealed class MemberClusterControllerOptions
{
    /// <summary>The shortest <see cref="ForceDeleteWaitTime"/> upstream accepts.</summary>
    public static readonly TimeSpan MinForceDeleteWaitTime = TimeSpan.FromSeconds(30);

    /// <summary>The longest <see cref="ForceDeleteWaitTime"/> upstream accepts.</summary>
    public static readonly TimeSpan MaxForceDeleteWaitTime = TimeSpan.FromHours(1);

    /// <summary>
    /// <c>--networking-agents-enabled</c>: a cluster has joined only once the <c>MultiClusterServiceAgent</c> and
    /// <c>ServiceExportImportAgent</c> have joined too, not only the <c>MemberAgent</c>. Default false.
    /// </summary>
    public bool NetworkingAgentsEnabled { get; init; }

    /// <summary>
    /// <c>--force-delete-wait-time</c>: how long a deleted MemberCluster waits for its agents to report that they
    /// left before the hub cleans up without them. Default 15 minutes; 30 seconds to 1 hour.
    /// </summary>
    public TimeSpan ForceDeleteWaitTime { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How many MemberClusters are reconciled at once. Default 1.</summary>
    public int Workers { get; init; } = 1;

    internal void Validate()
    {
        if (ForceDeleteWaitTime < MinForceDeleteWaitTime || ForceDeleteWaitTime > MaxForceDeleteWaitTime)
        {
            throw new ArgumentOutOfRangeException(nameof(ForceDeleteWaitTime), ForceDeleteWaitTime,
                $"{nameof(ForceDeleteWaitTime)} must be between {MinForceDeleteWaitTime} and {MaxForceDeleteWaitTime} (upstream's --force-delete-wait-time range).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(Workers, 1, nameof(Workers));
    }
}
