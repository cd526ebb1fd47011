using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Runtime.LeaderElection;

/// <summary>
/// How a <see cref="LeaderElector"/> competes for one Lease. The timing rules are client-go's: another candidate
/// takes over a lease it has seen unchanged for <see cref="LeaseDuration"/>; the leader gives up leading when it
/// has not renewed within <see cref="RenewDeadline"/>; both retry every <see cref="RetryPeriod"/>. Because
/// <see cref="RenewDeadline"/> is shorter than <see cref="LeaseDuration"/>, a leader that cannot renew stops before
/// anyone may take over, provided the candidates' clocks run at about the same rate (they need not agree on the
/// time of day).
/// </summary>
public sealed class LeaderElectionOptions
{
    /// <summary>client-go's factor: waits between acquisition attempts are <see cref="RetryPeriod"/> stretched by up to 120%.</summary>
    internal const double JitterFactor = 1.2;

    /// <summary>The namespace of the Lease.</summary>
    public required string LeaseNamespace { get; init; }

    /// <summary>The name of the Lease, shared by every candidate of one election.</summary>
    public required string LeaseName { get; init; }

    /// <summary>This candidate's identity, unique among the candidates (a pod name plus a random suffix, say).</summary>
    public required string Identity { get; init; }

    /// <summary>
    /// How long others wait, after last seeing the lease record change, before taking it over; written to the
    /// Lease as <c>leaseDurationSeconds</c>, so whole seconds. Default 15 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long after the start of its last successful renewal the leader keeps leading; when no renewal has
    /// succeeded by then it stops. Shorter than <see cref="LeaseDuration"/>. Default 10 seconds.
    /// </summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the leader renews and others try to acquire (these waits jittered by up to 120%, as client-go's).
    /// Default 2 seconds.
    /// </summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a leader stopped by cancellation releases the lease (empty holder, duration 1 s) so that another
    /// candidate takes over at its next attempt rather than after <see cref="LeaseDuration"/>. The release waits
    /// for the work that <see cref="LeaderElectionCallbacks.OnStartedLeading"/> returned, and is skipped when that
    /// work outlives the leader's renew deadline. Default true (client-go's default is false).
    /// </summary>
    public bool ReleaseOnCancel { get; init; } = true;

    /// <summary>The clock for every wait and deadline, and for the times written to the Lease; default the system's.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where the elector logs (category <c>Flotilla.Runtime.LeaderElection</c>); default none.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(LeaseNamespace, nameof(LeaseNamespace));
        ArgumentException.ThrowIfNullOrWhiteSpace(LeaseName, nameof(LeaseName));
        ArgumentException.ThrowIfNullOrWhiteSpace(Identity, nameof(Identity));
        ArgumentNullException.ThrowIfNull(Time, nameof(Time));
        ArgumentNullException.ThrowIfNull(LoggerFactory, nameof(LoggerFactory));
        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, "Must be a whole number of seconds, at least 1: the Lease stores leaseDurationSeconds.");
        }
        if (RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetryPeriod), RetryPeriod, "Must be positive.");
        }
        if (RenewDeadline >= LeaseDuration)
        {
            throw new ArgumentOutOfRangeException(nameof(RenewDeadline), RenewDeadline, $"Must be shorter than {nameof(LeaseDuration)} ({LeaseDuration}), so that a leader that cannot renew stops before another may take over.");
        }
        if (RenewDeadline <= RetryPeriod * JitterFactor)
        {
            throw new ArgumentOutOfRangeException(nameof(RenewDeadline), RenewDeadline, $"Must be longer than {JitterFactor} x {nameof(RetryPeriod)} ({RetryPeriod}), leaving time to retry a failed renewal.");
        }
    }
}

/// <summary>What a <see cref="LeaderElector"/> calls as leadership comes and goes. Every callback is optional.</summary>
public sealed class LeaderElectionCallbacks
{
    /// <summary>
    /// Called when this candidate starts leading, with a token cancelled the moment it stops. Called inline on the
    /// elector's loop: return a task promptly and do the work asynchronously, stopping it when the token is
    /// cancelled. If the task faults, the term ends as if leadership were lost.
    /// </summary>
    public Func<CancellationToken, Task>? OnStartedLeading { get; init; }

    /// <summary>
    /// Called once per term when this candidate stops leading, right after the token given to
    /// <see cref="OnStartedLeading"/> is cancelled (and before any release). Must return quickly.
    /// </summary>
    public Action? OnStoppedLeading { get; init; }

    /// <summary>Called with the holder's identity whenever this candidate sees a different holder than it last
    /// reported (itself included; an empty holder is not reported). Must return quickly.</summary>
    public Action<string>? OnNewLeader { get; init; }
}
