namespace Flotilla.Runtime.WorkQueue;

/// <summary>
/// A controller's queue of keys to reconcile, with client-go's guarantees:
/// <list type="bullet">
/// <item>a key is handed to one worker at a time: from <see cref="GetAsync"/> until <see cref="Done"/> it is
/// <em>processing</em>, and no other worker gets it;</item>
/// <item>adding a key that is already queued does nothing (deduplication);</item>
/// <item>adding a key while it is processing marks it <em>dirty</em>: after <see cref="Done"/> it is queued once
/// more, and only once however many adds came meanwhile;</item>
/// <item>keys are handed out first in, first out.</item>
/// </list>
/// Delayed adds (<see cref="AddAfter"/>, <see cref="AddRateLimited"/>) wait on timers from the
/// <see cref="TimeProvider"/>; for one key the earliest pending delayed add wins, and a plain <see cref="Add"/>
/// (or a key already queued) supersedes it. Thread-safe.
/// </summary>
/// <typeparam name="TKey">The key type, compared with <see cref="IEquatable{T}"/>: a <see cref="NamespacedName"/>
/// or a string, say.</typeparam>
public sealed class WorkQueue<TKey>
    where TKey : notnull, IEquatable<TKey>
{
    // Invariants, under _lock: a key in _queue is in _dirty and not in _processing; a key is in _delayed only
    // when not in _dirty; while a live waiter exists, _queue is empty (an added key goes straight to a waiter).
    private readonly Lock _lock = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, DelayedAdd> _delayed = [];
    private readonly Queue<TaskCompletionSource<(TKey, bool)>> _waiters = new();
    private readonly IRateLimiter<TKey> _rateLimiter;
    private readonly TimeProvider _timeProvider;
    private readonly long _createdAt;
    private ShutdownMode _shutdown;
    private TaskCompletionSource? _drained;

    /// <param name="rateLimiter">Decides the delays of <see cref="AddRateLimited"/>;
    /// <see cref="RateLimiters.CreateDefault{TKey}"/> when null.</param>
    /// <param name="timeProvider">The clock for delayed adds; <see cref="TimeProvider.System"/> when null.</param>
    public WorkQueue(IRateLimiter<TKey>? rateLimiter = null, TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? RateLimiters.CreateDefault<TKey>(_timeProvider);
        _createdAt = _timeProvider.GetTimestamp();
    }

    private enum ShutdownMode
    {
        None,
        Draining,
        Immediate,
    }

    /// <summary>How many keys wait for a worker (not counting keys being processed or waiting on a delay).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Whether <see cref="ShutDown"/> or <see cref="ShutDownWithDrainAsync"/> was called: adds are
    /// ignored from then on.</summary>
    public bool IsShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shutdown != ShutdownMode.None;
            }
        }
    }

    /// <summary>Queues <paramref name="key"/> now, unless it is already queued; if it is processing, it is queued
    /// again after <see cref="Done"/>. Supersedes a pending delayed add of the key. Ignored once shutting down.</summary>
    public void Add(TKey key)
    {
        lock (_lock)
        {
            if (_shutdown != ShutdownMode.None)
            {
                return;
            }
            CancelDelayedLocked(key);
            AddLocked(key);
        }
    }

    /// <summary>
    /// Adds <paramref name="key"/> once <paramref name="delay"/> has passed on the <see cref="TimeProvider"/>
    /// (at once when not positive). Ignored when the key is already queued or due to run again after processing
    /// (that is sooner), when a delayed add of the key due no later is pending (the earlier wins), and once
    /// shutting down.
    /// </summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_lock)
        {
            if (_shutdown != ShutdownMode.None || _dirty.Contains(key))
            {
                return;
            }
            var due = _timeProvider.GetElapsedTime(_createdAt) + delay;
            if (_delayed.TryGetValue(key, out var pending))
            {
                if (pending.Due <= due)
                {
                    return;
                }
                pending.Timer!.Dispose();
            }
            var entry = new DelayedAdd(this, key, due);
            // The callback takes _lock, so it cannot run before Timer is set.
            entry.Timer = CreateTimer(entry, delay);
            _delayed[key] = entry;
        }
    }

    /// <summary>Adds <paramref name="key"/> after the delay its rate limiter gives (a retry: each call counts
    /// until <see cref="Forget"/>).</summary>
    public void AddRateLimited(TKey key)
    {
        if (IsShuttingDown)
        {
            return;
        }
        AddAfter(key, _rateLimiter.When(key));
    }

    /// <summary>Resets the rate limiter's retry count of <paramref name="key"/> (after it succeeded, say).
    /// Does not remove the key from the queue.</summary>
    public void Forget(TKey key) => _rateLimiter.Forget(key);

    /// <summary>How many rate-limited retries of <paramref name="key"/> were made since it was last forgotten.</summary>
    public int NumRequeues(TKey key) => _rateLimiter.NumRequeues(key);

    /// <summary>
    /// Waits for the next key and marks it processing; the caller must call <see cref="Done"/> with it. Returns
    /// <c>ShutDown = true</c> (and a default key) once the queue is shut down, or, when draining, once nothing
    /// is left to hand out.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first; no
    /// key was taken.</exception>
    public ValueTask<(TKey Key, bool ShutDown)> GetAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<(TKey, bool)> waiter;
        lock (_lock)
        {
            if (_shutdown == ShutdownMode.Immediate)
            {
                return ValueTask.FromResult<(TKey, bool)>((default!, true));
            }
            if (_queue.TryDequeue(out var key))
            {
                _dirty.Remove(key);
                _processing.Add(key);
                return ValueTask.FromResult((key, false));
            }
            if (_shutdown == ShutdownMode.Draining && _processing.Count == 0)
            {
                return ValueTask.FromResult<(TKey, bool)>((default!, true));
            }
            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled<(TKey, bool)>(cancellationToken);
            }
            waiter = new TaskCompletionSource<(TKey, bool)>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }
        return WaitAsync(waiter, cancellationToken);
    }

    /// <summary>Marks <paramref name="key"/> processed. If it was added meanwhile, it is queued again now.</summary>
    public void Done(TKey key)
    {
        lock (_lock)
        {
            if (!_processing.Remove(key))
            {
                return;
            }
            if (_dirty.Contains(key))
            {
                HandOutLocked(key);
            }
            CompleteDrainLocked();
        }
    }

    /// <summary>
    /// Shuts down at once: adds are ignored, queued keys are dropped, pending delayed adds are cancelled and
    /// every waiting and later <see cref="GetAsync"/> returns <c>ShutDown = true</c>. Keys being processed may
    /// still be marked <see cref="Done"/>.
    /// </summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            _shutdown = ShutdownMode.Immediate;
            CancelAllDelayedLocked();
            _queue.Clear();
            _dirty.Clear();
            ReleaseWaitersLocked();
            CompleteDrainLocked();
        }
    }

    /// <summary>
    /// Shuts down after draining: adds are ignored and pending delayed adds are cancelled, but workers still get
    /// the keys already queued (and the dirty keys that come back after processing). Completes once nothing is
    /// queued or processing; waiting workers then get <c>ShutDown = true</c>.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the
    /// queue drained; it keeps draining (call <see cref="ShutDown"/> to stop at once).</exception>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        Task drained;
        lock (_lock)
        {
            if (_shutdown == ShutdownMode.None)
            {
                _shutdown = ShutdownMode.Draining;
                CancelAllDelayedLocked();
            }
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            drained = _drained.Task;
            CompleteDrainLocked();
        }
        return drained.WaitAsync(cancellationToken);
    }

    private void AddLocked(TKey key)
    {
        if (!_dirty.Add(key) || _processing.Contains(key))
        {
            // Already queued, or processing: Done queues it again.
            return;
        }
        HandOutLocked(key);
    }

    private void HandOutLocked(TKey key)
    {
        while (_waiters.TryDequeue(out var waiter))
        {
            // Waiters are completed only under _lock, so one not yet completed is still waiting.
            if (!waiter.Task.IsCompleted)
            {
                _dirty.Remove(key);
                _processing.Add(key);
                waiter.SetResult((key, false));
                return;
            }
        }
        _queue.Enqueue(key);
    }

    private async ValueTask<(TKey Key, bool ShutDown)> WaitAsync(TaskCompletionSource<(TKey, bool)> waiter, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.UnsafeRegister(
            static (state, token) =>
            {
                var (queue, waiter) = ((WorkQueue<TKey>, TaskCompletionSource<(TKey, bool)>))state!;
                lock (queue._lock)
                {
                    // Under _lock, so a key is either handed to this waiter or left for another, never lost.
                    waiter.TrySetCanceled(token);
                }
            },
            (this, waiter));
        return await waiter.Task.ConfigureAwait(false);
    }

    private void CompleteDrainLocked()
    {
        if (_shutdown == ShutdownMode.None || _queue.Count > 0 || _processing.Count > 0)
        {
            return;
        }
        ReleaseWaitersLocked();
        _drained?.TrySetResult();
    }

    private void ReleaseWaitersLocked()
    {
        while (_waiters.TryDequeue(out var waiter))
        {
            waiter.TrySetResult((default!, true));
        }
    }

    private void CancelDelayedLocked(TKey key)
    {
        if (_delayed.Remove(key, out var pending))
        {
            pending.Timer!.Dispose();
        }
    }

    private void CancelAllDelayedLocked()
    {
        foreach (var pending in _delayed.Values)
        {
            pending.Timer!.Dispose();
        }
        _delayed.Clear();
    }

    private void OnDelayElapsed(DelayedAdd entry)
    {
        lock (_lock)
        {
            // A superseded entry's timer may fire in the moment before its disposal takes effect: only the
            // entry still registered for the key adds it.
            if (!_delayed.TryGetValue(entry.Key, out var current) || current != entry)
            {
                return;
            }
            _delayed.Remove(entry.Key);
            entry.Timer!.Dispose();
            if (_shutdown == ShutdownMode.None)
            {
                AddLocked(entry.Key);
            }
        }
    }

    private ITimer CreateTimer(DelayedAdd entry, TimeSpan delay)
    {
        // The timer must not capture the caller's context (a reconcile's logging scope, say): the add it makes
        // belongs to no reconcile.
        if (ExecutionContext.IsFlowSuppressed())
        {
            return Create();
        }
        using (ExecutionContext.SuppressFlow())
        {
            return Create();
        }

        ITimer Create() => _timeProvider.CreateTimer(static state => ((DelayedAdd)state!).Elapsed(), entry, delay, Timeout.InfiniteTimeSpan);
    }

    private sealed class DelayedAdd(WorkQueue<TKey> queue, TKey key, TimeSpan due)
    {
        public TKey Key { get; } = key;

        /// <summary>When the add is due, as time since the queue was created.</summary>
        public TimeSpan Due { get; } = due;

        public ITimer? Timer { get; set; }

        public void Elapsed() => queue.OnDelayElapsed(this);
    }
}
