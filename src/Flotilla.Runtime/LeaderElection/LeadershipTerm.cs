namespace Flotilla.Runtime.LeaderElection;

/// <summary>Why a term of leadership ended.</summary>
internal enum TermEnd
{
    /// <summary>The elector's run was cancelled: a graceful stop.</summary>
    Cancelled,

    /// <summary>No renewal succeeded within the renew deadline.</summary>
    DeadlineExceeded,

    /// <summary>A renewal found another candidate holding the lease.</summary>
    LostToOther,

    /// <summary>The work started for the term faulted.</summary>
    WorkFailed,
}

/// <summary>
/// One continuous period of leading: a token that is cancelled when it ends, and a deadline that ends it on its
/// own, independently of the renew loop (which may be stuck in a request), once <c>renewDeadline</c> has passed
/// since the start of the last successful write of the lease. Ends exactly once; a renewal after the end never
/// revives it.
/// </summary>
internal sealed class LeadershipTerm : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _renewDeadline;
    private readonly Action<LeadershipTerm, Exception?> _ended;
    private readonly CancellationTokenSource _leading = new();
    private readonly ITimer _deadline;
    private readonly Lock _lock = new();
    private long _validFrom;
    private TermEnd? _endReason;

    /// <param name="time">The clock of the deadline.</param>
    /// <param name="renewDeadline">How long a successful write keeps the term alive, from the write's start.</param>
    /// <param name="ended">Called once, on the ending thread, after the token is cancelled; with the exception
    /// a token callback threw, if any.</param>
    public LeadershipTerm(TimeProvider time, TimeSpan renewDeadline, Action<LeadershipTerm, Exception?> ended)
    {
        _time = time;
        _renewDeadline = renewDeadline;
        _ended = ended;
        _deadline = time.CreateTimer(static state => ((LeadershipTerm)state!).End(TermEnd.DeadlineExceeded), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Cancelled the moment the term ends.</summary>
    public CancellationToken Token => _leading.Token;

    /// <summary>True until the term ends.</summary>
    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _endReason is null;
            }
        }
    }

    /// <summary>Why the term ended; null while it lasts.</summary>
    public TermEnd? EndReason
    {
        get
        {
            lock (_lock)
            {
                return _endReason;
            }
        }
    }

    /// <summary>The work started for the term, if any.</summary>
    public Task? Work { get; set; }

    /// <summary>How much of the renew deadline is left since the last successful write (negative once past).</summary>
    public TimeSpan Remaining
    {
        get
        {
            lock (_lock)
            {
                return _renewDeadline - _time.GetElapsedTime(_validFrom);
            }
        }
    }

    /// <summary>
    /// A write of the lease that started at <paramref name="attemptStarted"/> (a timestamp of the clock) succeeded:
    /// the term lasts until <c>renewDeadline</c> after that start. Ends the term at once if that is already past.
    /// </summary>
    public void Renewed(long attemptStarted)
    {
        lock (_lock)
        {
            if (_endReason is not null)
            {
                return;
            }
            _validFrom = attemptStarted;
            var remaining = _renewDeadline - _time.GetElapsedTime(attemptStarted);
            if (remaining > TimeSpan.Zero)
            {
                _deadline.Change(remaining, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        End(TermEnd.DeadlineExceeded);
    }

    /// <summary>Ends the term (cancels its token, then reports); false if it had already ended.</summary>
    public bool End(TermEnd reason)
    {
        lock (_lock)
        {
            if (_endReason is not null)
            {
                return false;
            }
            _endReason = reason;
        }
        _deadline.Dispose();
        Exception? callbackError = null;
        try
        {
            _leading.Cancel();
        }
        catch (AggregateException e)
        {
            callbackError = e;
        }
        _ended(this, callbackError);
        return true;
    }

    public void Dispose()
    {
        End(TermEnd.Cancelled);
        _leading.Dispose();
    }
}
