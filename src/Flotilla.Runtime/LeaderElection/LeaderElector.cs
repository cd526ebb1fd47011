using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Client;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.LeaderElection;

/// <summary>
/// Competes for leadership on a <c>coordination.k8s.io/v1</c> Lease with client-go's semantics, so it runs
/// unchanged against any Kubernetes API server and interoperates with client-go candidates.
/// </summary>
/// <remarks>
/// <para>
/// <b>Acquiring.</b> A candidate takes the lease when it does not exist, has no holder, or has been seen unchanged
/// for the <c>leaseDurationSeconds</c> it states. "Seen unchanged" is measured on this candidate's own clock from
/// the moment it first saw the current record: the <c>renewTime</c> written by another machine is never compared
/// with the local clock, so clock offsets between machines do not matter. Attempts repeat every
/// <see cref="LeaderElectionOptions.RetryPeriod"/>, jittered.
/// </para>
/// <para>
/// <b>Leading.</b> The leader renews every <see cref="LeaderElectionOptions.RetryPeriod"/>. Every write is an
/// update guarded by the resourceVersion last seen, so a 409 Conflict means another candidate wrote first and
/// nobody can overwrite a takeover. A term ends when (a) no renewal succeeded within
/// <see cref="LeaderElectionOptions.RenewDeadline"/> of the start of the last successful one, enforced by a timer
/// that does not depend on the renew loop making progress; (b) a renewal finds another holder; (c) the run is
/// cancelled. The token given to <see cref="LeaderElectionCallbacks.OnStartedLeading"/> is cancelled and
/// <see cref="LeaderElectionCallbacks.OnStoppedLeading"/> called at that moment.
/// </para>
/// <para>
/// <b>Why leaders never overlap.</b> Another candidate sees the leader's last write no earlier than the write
/// started, and takes over no earlier than <see cref="LeaderElectionOptions.LeaseDuration"/> after seeing it;
/// the leader stops <see cref="LeaderElectionOptions.RenewDeadline"/> after that start at the latest. So with
/// renewDeadline &lt; leaseDuration the old leader has stopped first, as long as the two clocks run at about the
/// same rate: the guarantee client-go gives, strengthened by timing the deadline from the last success rather
/// than from the next attempt.
/// </para>
/// <para>
/// <b>Releasing.</b> When the run is cancelled, and <see cref="LeaderElectionOptions.ReleaseOnCancel"/> is set, the
/// leader waits for its work to finish (at most until its renew deadline), then writes an empty holder with a
/// one-second duration, so others take over at their next attempt.
/// </para>
/// </remarks>
public sealed class LeaderElector
{
    private const string LoggerCategory = "Flotilla.Runtime.LeaderElection";

    private readonly ILeaseLock _lease;
    private readonly LeaderElectionOptions _options;
    private readonly LeaderElectionCallbacks _callbacks;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _leaseSeconds;
    private int _running;
    private volatile LeadershipTerm? _term;
    private volatile string? _leader;

    // What this candidate last saw of the lease, and when (a timestamp of its clock) the record last changed.
    // Only the run's own flow touches these.
    private JsonObject? _observedLease;
    private LeaderElectionRecord? _observedRecord;
    private long _observedAt;

    /// <summary>A candidate for the Lease the options name, reached through <paramref name="client"/>.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public LeaderElector(KubernetesClient client, LeaderElectionOptions options, LeaderElectionCallbacks? callbacks = null)
        : this(CreateLock(client, options), options, callbacks)
    {
    }

    internal LeaderElector(ILeaseLock lease, LeaderElectionOptions options, LeaderElectionCallbacks? callbacks)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _lease = lease;
        _options = options;
        _callbacks = callbacks ?? new LeaderElectionCallbacks();
        _time = options.Time;
        _logger = options.LoggerFactory.CreateLogger(LoggerCategory);
        _leaseSeconds = (int)options.LeaseDuration.TotalSeconds;
    }

    /// <summary>This candidate's identity.</summary>
    public string Identity => _options.Identity;

    /// <summary>
    /// True while this candidate leads: from its acquisition until its term ends. Unlike client-go's
    /// <c>IsLeader</c>, which reads the last record seen, this turns false the moment the renew deadline passes.
    /// </summary>
    public bool IsLeader => _term?.IsActive == true;

    /// <summary>The holder this candidate last saw (itself included); null before it has seen one.</summary>
    public string? Leader => _leader;

    /// <summary>
    /// Runs one term: tries to acquire until it succeeds or <paramref name="cancellationToken"/> is cancelled, then
    /// leads until the term ends (see the remarks), releasing on cancellation if so configured. Returns (without
    /// throwing) when the term is over or the run was cancelled before acquiring; call again to compete again.
    /// </summary>
    /// <exception cref="InvalidOperationException">A run of this elector is already in progress.</exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException($"Leader elector {Identity} for {_lease.Description} is already running; runs take turns.");
        }
        try
        {
            LeaderElectionLog.Acquiring(_logger, _lease.Description, Identity);
            var term = await AcquireAsync(cancellationToken).ConfigureAwait(false);
            if (term is null)
            {
                return;
            }
            using (term)
            {
                await RenewAsync(term, cancellationToken).ConfigureAwait(false);
                var graceful = term.EndReason is TermEnd.Cancelled or TermEnd.WorkFailed;
                if (graceful && _options.ReleaseOnCancel)
                {
                    await ReleaseAsync(term).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private static LeaseLock CreateLock(KubernetesClient client, LeaderElectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return new LeaseLock(client, options.LeaseNamespace, options.LeaseName);
    }

    /// <summary>Tries until this candidate holds the lease; null when cancelled first.</summary>
    private async Task<LeadershipTerm?> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var attemptStarted = _time.GetTimestamp();
            switch (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                case Outcome.Holding:
                    return BeginTerm(attemptStarted);
                case Outcome.Cancelled:
                    return null;
            }
            var wait = _options.RetryPeriod * (1 + (LeaderElectionOptions.JitterFactor * Random.Shared.NextDouble()));
            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }
    }

    private LeadershipTerm BeginTerm(long attemptStarted)
    {
        var term = new LeadershipTerm(_time, _options.RenewDeadline, OnTermEnded);
        // IsLeader turns true before the term arms any timer: observers that count timers rely on that order.
        _term = term;
        LeaderElectionLog.Acquired(_logger, _lease.Description, Identity);
        StartWork(term);
        // Timed from the attempt's start, so a slow acquisition shortens the term instead of stretching it.
        term.Renewed(attemptStarted);
        return term;
    }

    private void StartWork(LeadershipTerm term)
    {
        if (_callbacks.OnStartedLeading is not { } started)
        {
            return;
        }
        Task work;
        try
        {
            work = started(term.Token) ?? Task.CompletedTask;
        }
        catch (Exception e)
        {
            work = Task.FromException(e);
        }
        term.Work = work;
        work.ContinueWith(
            (failed, state) =>
            {
                var faulted = (LeadershipTerm)state!;
                if (faulted.IsActive)
                {
                    LeaderElectionLog.WorkFailed(_logger, failed.Exception!.GetBaseException(), _lease.Description);
                    faulted.End(TermEnd.WorkFailed);
                }
            },
            term,
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>Renews every retry period until the term ends.</summary>
    private async Task RenewAsync(LeadershipTerm term, CancellationToken cancellationToken)
    {
        using var stop = cancellationToken.Register(static state => ((LeadershipTerm)state!).End(TermEnd.Cancelled), term);
        while (term.IsActive)
        {
            try
            {
                await Task.Delay(_options.RetryPeriod, _time, term.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var attemptStarted = _time.GetTimestamp();
            var outcome = await TryAcquireOrRenewAsync(term.Token).ConfigureAwait(false);
            if (!term.IsActive)
            {
                // The deadline passed meanwhile: a renewal that landed late must not revive the term.
                return;
            }
            switch (outcome)
            {
                case Outcome.Holding:
                    term.Renewed(attemptStarted);
                    break;
                case Outcome.HeldByOther:
                    term.End(TermEnd.LostToOther);
                    break;
            }
            // Failed: try again after the retry period; the deadline ends the term if no renewal succeeds in time.
        }
    }

    private void OnTermEnded(LeadershipTerm term, Exception? callbackError)
    {
        var reason = term.EndReason!.Value;
        if (reason == TermEnd.Cancelled)
        {
            LeaderElectionLog.StoppedLeading(_logger, _lease.Description, Identity, reason);
        }
        else
        {
            LeaderElectionLog.LostLeadership(_logger, _lease.Description, Identity, reason);
        }
        if (callbackError is not null)
        {
            LeaderElectionLog.CallbackFailed(_logger, callbackError, "OnStartedLeading (cancellation)", _lease.Description);
        }
        try
        {
            _callbacks.OnStoppedLeading?.Invoke();
        }
        catch (Exception e)
        {
            LeaderElectionLog.CallbackFailed(_logger, e, nameof(LeaderElectionCallbacks.OnStoppedLeading), _lease.Description);
        }
    }

    private async Task ReleaseAsync(LeadershipTerm term)
    {
        // Nobody may lead before this leader's work is over; if it is not over within the renew deadline, the
        // lease is left to expire instead.
        if (term.Work is { IsCompleted: false } work && !await CompletesWithinAsync(work, term.Remaining).ConfigureAwait(false))
        {
            LeaderElectionLog.ReleaseSkipped(_logger, _lease.Description);
            return;
        }
        if (_observedLease is not { } lease || _observedRecord is not { } record || record.HolderIdentity != Identity)
        {
            return;
        }
        var now = LeaderElectionRecord.FormatMicroTime(_time.GetUtcNow());
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _time);
        try
        {
            try
            {
                Observe(await _lease.UpdateAsync(lease, Released(record, now), timeout.Token).ConfigureAwait(false));
            }
            catch (ApiException e) when (e.IsConflict())
            {
                // Written since we last saw it: by a renewal of ours whose response was lost, or by a new holder.
                // Only the former is ours to release.
                if (await _lease.GetAsync(timeout.Token).ConfigureAwait(false) is not { } current
                    || LeaderElectionRecord.FromLease(current) is not { } latest
                    || latest.HolderIdentity != Identity)
                {
                    return;
                }
                Observe(await _lease.UpdateAsync(current, Released(latest, now), timeout.Token).ConfigureAwait(false));
            }
            LeaderElectionLog.Released(_logger, _lease.Description);
        }
        catch (Exception e)
        {
            LeaderElectionLog.ReleaseFailed(_logger, e, _lease.Description);
        }
    }

    /// <summary>client-go's release: no holder, a one-second duration, the transitions kept.</summary>
    private static LeaderElectionRecord Released(LeaderElectionRecord held, string now) =>
        new(string.Empty, 1, now, now, held.LeaseTransitions);

    private async Task<bool> CompletesWithinAsync(Task work, TimeSpan limit)
    {
        if (limit <= TimeSpan.Zero)
        {
            return false;
        }
        using var cancelDelay = new CancellationTokenSource();
        var finished = await Task.WhenAny(work, Task.Delay(limit, _time, cancelDelay.Token)).ConfigureAwait(false);
        await cancelDelay.CancelAsync().ConfigureAwait(false);
        return finished == work;
    }

    /// <summary>One attempt; never throws. Errors are logged and reported as <see cref="Outcome.Failed"/>.</summary>
    private async Task<Outcome> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await AcquireOrRenewAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Outcome.Cancelled;
        }
        catch (ApiException e) when (e.IsConflict() || e.IsAlreadyExists())
        {
            LeaderElectionLog.Raced(_logger, _lease.Description, e.Reason);
            return Outcome.Failed;
        }
        catch (Exception e)
        {
            LeaderElectionLog.AttemptFailed(_logger, e, _lease.Description);
            return Outcome.Failed;
        }
    }

    private async Task<Outcome> AcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = LeaderElectionRecord.FormatMicroTime(_time.GetUtcNow());

        // Fast path: the holder of a lease it still considers valid writes over the copy it last saw, in one request.
        if (_observedLease is { } known && _observedRecord is { } mine && mine.HolderIdentity == Identity && !HasExpired(mine))
        {
            try
            {
                var renewed = mine with { LeaseDurationSeconds = _leaseSeconds, RenewTime = now };
                Observe(await _lease.UpdateAsync(known, renewed, cancellationToken).ConfigureAwait(false));
                return Outcome.Holding;
            }
            catch (ApiException e) when (e.IsConflict())
            {
                LeaderElectionLog.Raced(_logger, _lease.Description, e.Reason);
            }
        }

        var lease = await _lease.GetAsync(cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            Observe(await _lease.CreateAsync(new LeaderElectionRecord(Identity, _leaseSeconds, now, now, 0), cancellationToken).ConfigureAwait(false));
            return Outcome.Holding;
        }
        var current = LeaderElectionRecord.FromLease(lease);
        ObserveRead(lease, current);
        if (current.HolderIdentity.Length > 0 && current.HolderIdentity != Identity && !HasExpired(current))
        {
            LeaderElectionLog.HeldByOther(_logger, _lease.Description, current.HolderIdentity);
            return Outcome.HeldByOther;
        }
        var desired = current.HolderIdentity == Identity
            ? current with { LeaseDurationSeconds = _leaseSeconds, AcquireTime = current.AcquireTime ?? now, RenewTime = now }
            : new LeaderElectionRecord(Identity, _leaseSeconds, now, now, current.LeaseTransitions + 1);
        Observe(await _lease.UpdateAsync(lease, desired, cancellationToken).ConfigureAwait(false));
        return Outcome.Holding;
    }

    /// <summary>Expired: this candidate has seen the record unchanged for the duration the record states.</summary>
    private bool HasExpired(LeaderElectionRecord record) =>
        _time.GetElapsedTime(_observedAt) >= TimeSpan.FromSeconds(record.LeaseDurationSeconds);

    /// <summary>This candidate wrote <paramref name="lease"/>: the record changed now.</summary>
    private void Observe(JsonObject lease)
    {
        _observedLease = lease;
        _observedRecord = LeaderElectionRecord.FromLease(lease);
        _observedAt = _time.GetTimestamp();
        ReportLeader(_observedRecord.HolderIdentity);
    }

    /// <summary>This candidate read <paramref name="lease"/>: the clock restarts only when the record changed.</summary>
    private void ObserveRead(JsonObject lease, LeaderElectionRecord record)
    {
        _observedLease = lease;
        if (record != _observedRecord)
        {
            _observedRecord = record;
            _observedAt = _time.GetTimestamp();
        }
        ReportLeader(record.HolderIdentity);
    }

    private void ReportLeader(string holder)
    {
        if (holder.Length == 0 || holder == _leader)
        {
            return;
        }
        _leader = holder;
        LeaderElectionLog.NewLeader(_logger, _lease.Description, holder);
        try
        {
            _callbacks.OnNewLeader?.Invoke(holder);
        }
        catch (Exception e)
        {
            LeaderElectionLog.CallbackFailed(_logger, e, nameof(LeaderElectionCallbacks.OnNewLeader), _lease.Description);
        }
    }

    private enum Outcome
    {
        /// <summary>This candidate holds the lease now.</summary>
        Holding,

        /// <summary>Another candidate holds a lease that has not expired.</summary>
        HeldByOther,

        /// <summary>The attempt failed (an error, or a lost race); try again later.</summary>
        Failed,

        /// <summary>The attempt's token was cancelled.</summary>
        Cancelled,
    }
}
