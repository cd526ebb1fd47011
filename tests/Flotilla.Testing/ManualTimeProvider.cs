namespace Flotilla.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose clock moves only when a test moves it, so tests control time instead of
/// sleeping. Timers created through it (and so <c>Task.Delay(span, provider)</c> and
/// <c>new CancellationTokenSource(span, provider)</c>) fire during <see cref="Advance"/> or
/// <see cref="SetUtcNow"/>: in due order, ties in the order they were scheduled, each callback run synchronously on
/// the advancing thread with the clock reading exactly its due time. Continuations that a callback completes
/// synchronously run there too. Use <see cref="WaitForTimersAsync"/> to advance only once the code under test
/// is waiting.
/// </summary>
/// <remarks>Thread-safe. A timer due now (zero due time) fires at once on the thread that scheduled it.</remarks>
public sealed class ManualTimeProvider : TimeProvider
{
    private readonly Lock _lock = new();
    private readonly SortedSet<ManualTimer> _scheduled = new(DueOrder.Instance);
    private readonly List<TimerWaiter> _waiters = [];
    private DateTimeOffset _now;

    // The furthest time any Advance or SetUtcNow has asked for; the clock catches up to it as timers fire.
    private DateTimeOffset _target;
    private long _sequence;

    /// <summary>Starts the clock at <see cref="DefaultStart"/>.</summary>
    public ManualTimeProvider()
        : this(DefaultStart)
    {
    }

    /// <summary>Starts the clock at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset start) => _now = start.ToUniversalTime();

    /// <summary>A fixed, unremarkable instant (2025-01-01T00:00:00Z), so test output is stable.</summary>
    public static DateTimeOffset DefaultStart { get; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How many timers are scheduled to fire (created or changed with a finite due time, not yet fired
    /// unless periodic, not disposed).</summary>
    public int PendingTimerCount
    {
        get
        {
            lock (_lock)
            {
                return _scheduled.Count;
            }
        }
    }

    /// <summary>How long from now each scheduled timer is due, soonest first (ties in schedule order): what the
    /// code under test is waiting for, e.g. a backoff or a token-bucket wait.</summary>
    public IReadOnlyList<TimeSpan> PendingDelays()
    {
        lock (_lock)
        {
            return [.. _scheduled.Select(timer => timer.Due - _now)];
        }
    }

    /// <inheritdoc />
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
        {
            return _now;
        }
    }

    /// <inheritdoc />
    public override long GetTimestamp()
    {
        lock (_lock)
        {
            return _now.UtcTicks;
        }
    }

    /// <summary>Moves the clock forward by <paramref name="delta"/>, firing every timer due by then.</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        DateTimeOffset target;
        lock (_lock)
        {
            // Concurrent advances add up: each extends the furthest time any caller has asked for, not the reading it
            // took, which another thread's advance may be moving past meanwhile.
            _target = (_target > _now ? _target : _now) + delta;
            target = _target;
        }
        MoveTo(target);
    }

    /// <summary>Moves the clock forward to <paramref name="value"/>, firing every timer due by then. Time never
    /// goes backwards.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        var now = GetUtcNow();
        if (value < now)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The clock reads {now:O} and never goes backwards.");
        }
        lock (_lock)
        {
            if (value > _target)
            {
                _target = value;
            }
        }
        MoveTo(value);
    }

    /// <summary>
    /// Completes once at least <paramref name="count"/> timers are pending (see <see cref="PendingTimerCount"/>),
    /// so a test advances time only after the code under test has started waiting.
    /// </summary>
    /// <param name="count">How many pending timers to wait for.</param>
    /// <param name="timeout">Real (wall-clock) time to wait before failing; 30 seconds when null. A safety net for
    /// a broken test, never a way to let time pass.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="TimeoutException">The timers did not appear in time; the message says how many did.</exception>
    public async Task WaitForTimersAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        TimerWaiter waiter;
        lock (_lock)
        {
            if (_scheduled.Count >= count)
            {
                return;
            }
            waiter = new TimerWaiter(count);
            _waiters.Add(waiter);
        }
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        try
        {
            await waiter.Completion.Task.WaitAsync(limit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"timed out after {limit.TotalSeconds:0.###}s waiting for {count} pending timer(s); {PendingTimerCount} pending");
        }
        finally
        {
            lock (_lock)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        // Like System.Threading.Timer: the callback runs in the context captured at creation, unless the creator
        // suppressed flow (Task.Delay and CancellationTokenSource do).
        var timer = new ManualTimer(this, callback, state, ExecutionContext.Capture());
        timer.Change(dueTime, period);
        return timer;
    }

    private void MoveTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer timer;
            lock (_lock)
            {
                if (_scheduled.Count == 0 || _scheduled.Min!.Due > target)
                {
                    // Another thread may have advanced further meanwhile: the clock is monotonic.
                    if (target > _now)
                    {
                        _now = target;
                    }
                    return;
                }
                timer = _scheduled.Min;
                _scheduled.Remove(timer);
                if (timer.Due > _now)
                {
                    _now = timer.Due;
                }
                if (timer.Period > TimeSpan.Zero)
                {
                    timer.Due += timer.Period;
                    timer.Sequence = ++_sequence;
                    _scheduled.Add(timer);
                }
                else
                {
                    timer.Scheduled = false;
                }
            }
            // Outside the lock: a callback may read the clock, change timers or advance time itself.
            timer.Invoke();
        }
    }

    private bool Schedule(ManualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        lock (_lock)
        {
            if (timer.Disposed)
            {
                return false;
            }
            if (timer.Scheduled)
            {
                _scheduled.Remove(timer);
                timer.Scheduled = false;
            }
            timer.Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                return true;
            }
            timer.Due = _now + dueTime;
            timer.Sequence = ++_sequence;
            timer.Scheduled = true;
            _scheduled.Add(timer);
            foreach (var waiter in _waiters)
            {
                if (_scheduled.Count >= waiter.Count)
                {
                    waiter.Completion.TrySetResult();
                }
            }
        }
        if (dueTime == TimeSpan.Zero)
        {
            MoveTo(GetUtcNow());
        }
        return true;
    }

    private void Unschedule(ManualTimer timer)
    {
        lock (_lock)
        {
            timer.Disposed = true;
            if (timer.Scheduled)
            {
                _scheduled.Remove(timer);
                timer.Scheduled = false;
            }
        }
    }

    private static void Validate(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state, ExecutionContext? context) : ITimer
    {
        // Guarded by owner._lock.
        public DateTimeOffset Due { get; set; }
        public TimeSpan Period { get; set; }
        public long Sequence { get; set; }
        public bool Scheduled { get; set; }
        public bool Disposed { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Validate(dueTime, nameof(dueTime));
            Validate(period, nameof(period));
            return owner.Schedule(this, dueTime, period);
        }

        public void Invoke()
        {
            if (context is null)
            {
                callback(state);
            }
            else
            {
                ExecutionContext.Run(context, static s => ((ManualTimer)s!).InvokeCallback(), this);
            }
        }

        private void InvokeCallback() => callback(state);

        public void Dispose() => owner.Unschedule(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class DueOrder : IComparer<ManualTimer>
    {
        public static DueOrder Instance { get; } = new();

        public int Compare(ManualTimer? x, ManualTimer? y)
        {
            var byDue = x!.Due.CompareTo(y!.Due);
            return byDue != 0 ? byDue : x.Sequence.CompareTo(y.Sequence);
        }
    }

    private sealed class TimerWaiter(int count)
    {
        public int Count { get; } = count;
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
