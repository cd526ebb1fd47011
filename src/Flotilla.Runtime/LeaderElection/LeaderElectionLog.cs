using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.LeaderElection;

internal static partial class LeaderElectionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Attempting to acquire lease {Lease} as {Identity}")]
    public static partial void Acquiring(ILogger logger, string lease, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "Acquired lease {Lease} as {Identity}; leading")]
    public static partial void Acquired(ILogger logger, string lease, string identity);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease {Lease} is held by {Holder} and has not expired")]
    public static partial void HeldByOther(ILogger logger, string lease, string holder);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease {Lease} was written by someone else meanwhile ({Reason}); re-reading")]
    public static partial void Raced(ILogger logger, string lease, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not acquire or renew lease {Lease}; retrying")]
    public static partial void AttemptFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "New leader of {Lease}: {Leader}")]
    public static partial void NewLeader(ILogger logger, string lease, string leader);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped leading lease {Lease} as {Identity}: {Reason}")]
    public static partial void StoppedLeading(ILogger logger, string lease, string identity, TermEnd reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost lease {Lease} as {Identity}: {Reason}; the work was cancelled")]
    public static partial void LostLeadership(ILogger logger, string lease, string identity, TermEnd reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Released lease {Lease}")]
    public static partial void Released(ILogger logger, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release lease {Lease}; others take over once it expires")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not releasing lease {Lease}: the leader's work is still running at the renew deadline; others take over once it expires")]
    public static partial void ReleaseSkipped(ILogger logger, string lease);

    [LoggerMessage(Level = LogLevel.Error, Message = "The work started for leading {Lease} failed; ending the term")]
    public static partial void WorkFailed(ILogger logger, Exception exception, string lease);

    [LoggerMessage(Level = LogLevel.Error, Message = "Leader election callback {Callback} for {Lease} threw")]
    public static partial void CallbackFailed(ILogger logger, Exception exception, string callback, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopped the leader's component of {Identity}")]
    public static partial void ComponentStopped(ILogger logger, string identity);
}
