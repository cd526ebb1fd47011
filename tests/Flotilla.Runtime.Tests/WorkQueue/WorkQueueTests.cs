using Flotilla.Runtime.WorkQueue;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.WorkQueue;

public sealed class WorkQueueTests
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private readonly ManualTimeProvider _time = new();
    private readonly WorkQueue<string> _queue;

    public WorkQueueTests()
    {
        _queue = new WorkQueue<string>(new ExponentialBackoffRateLimiter<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1)), _time);
    }

    private async Task<string> TakeAsync()
    {
        var (key, shutDown) = await _queue.GetAsync().Within("a key from the queue");
        Assert.False(shutDown, "the queue reported shut down");
        return key;
    }

    [Fact]
    public async Task Add_SameKeyWhileQueued_QueuedOnce()
    {
        _queue.Add("a");
        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("a");

        Assert.Equal(2, _queue.Count);
        Assert.Equal("a", await TakeAsync());
        Assert.Equal("b", await TakeAsync());
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task GetAsync_SeveralKeys_FirstInFirstOut()
    {
        foreach (var key in new[] { "c", "a", "b" })
        {
            _queue.Add(key);
        }

        Assert.Equal(["c", "a", "b"], [await TakeAsync(), await TakeAsync(), await TakeAsync()]);
    }

    [Fact]
    public async Task GetAsync_EmptyQueue_CompletesWhenKeyAdded()
    {
        var get = _queue.GetAsync();
        var completedEarly = get.IsCompleted;

        _queue.Add("a");

        Assert.False(completedEarly);
        Assert.Equal(("a", false), await get.Within("the waiting get"));
    }

    [Fact]
    public async Task Add_WhileProcessing_NotHandedToAnotherWorkerUntilDone()
    {
        _queue.Add("a");
        var key = await TakeAsync();

        _queue.Add("a");
        var other = _queue.GetAsync();
        var handedOutWhileProcessing = other.IsCompleted;
        _queue.Done(key);

        Assert.False(handedOutWhileProcessing);
        Assert.Equal(("a", false), await other.Within("the key to come back after Done"));
    }

    [Fact]
    public async Task Add_HundredTimesWhileProcessing_QueuedExactlyOnceMore()
    {
        _queue.Add("a");
        var key = await TakeAsync();

        for (var i = 0; i < 100; i++)
        {
            _queue.Add("a");
        }
        var queuedWhileProcessing = _queue.Count;
        _queue.Done(key);

        Assert.Equal((0, 1), (queuedWhileProcessing, _queue.Count));
        Assert.Equal("a", await TakeAsync());
        _queue.Done("a");
        Assert.Equal(0, _queue.Count);
        var third = _queue.GetAsync().AsTask();
        Assert.False(third.IsCompleted, "the key ran a third time");
    }

    [Fact]
    public async Task GetAsync_Cancelled_ThrowsAndNextKeyGoesToLiveWaiter()
    {
        using var cancel = new CancellationTokenSource();
        var cancelled = _queue.GetAsync(cancel.Token).AsTask();
        var live = _queue.GetAsync();

        await cancel.CancelAsync();
        _queue.Add("a");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(("a", false), await live.Within("the live waiter"));
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task GetAsync_AlreadyCancelledTokenAndKeyQueued_ReturnsKey()
    {
        _queue.Add("a");

        var (key, shutDown) = await _queue.GetAsync(new CancellationToken(canceled: true));

        Assert.Equal(("a", false), (key, shutDown));
    }

    [Fact]
    public async Task ShutDown_WaitingGetters_ReturnShutDown()
    {
        var waiters = Enumerable.Range(0, 3).Select(_ => _queue.GetAsync().AsTask()).ToList();

        _queue.ShutDown();

        var results = await Task.WhenAll(waiters).Within("the waiters to be released");
        Assert.All(results, result => Assert.True(result.ShutDown));
        Assert.True(_queue.IsShuttingDown);
    }

    [Fact]
    public async Task ShutDown_QueuedKeysAndLaterAdds_Dropped()
    {
        _queue.Add("a");
        _queue.Add("b");

        _queue.ShutDown();
        _queue.Add("c");

        Assert.Equal(0, _queue.Count);
        Assert.True((await _queue.GetAsync()).ShutDown);
    }

    [Fact]
    public async Task ShutDown_DirtyKeyProcessing_NotQueuedAgainOnDone()
    {
        _queue.Add("a");
        var key = await TakeAsync();
        _queue.Add("a");

        _queue.ShutDown();
        _queue.Done(key);

        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task ShutDownWithDrain_QueuedAndProcessing_HandsOutRestThenCompletes()
    {
        _queue.Add("a");
        _queue.Add("b");
        var first = await TakeAsync();

        var drain = _queue.ShutDownWithDrainAsync();
        _queue.Add("c");
        var second = await TakeAsync();
        _queue.Done(first);
        var drainedEarly = drain.IsCompleted;
        _queue.Done(second);

        Assert.Equal(("a", "b", false), (first, second, drainedEarly));
        await drain.Within("the drain");
        Assert.True((await _queue.GetAsync()).ShutDown);
    }

    [Fact]
    public async Task ShutDownWithDrain_DirtyKeyInFlight_RunsOnceMoreBeforeDrained()
    {
        _queue.Add("a");
        var key = await TakeAsync();
        _queue.Add("a");
        var waiting = _queue.GetAsync();

        var drain = _queue.ShutDownWithDrainAsync();
        _queue.Done(key);

        Assert.Equal(("a", false), await waiting.Within("the dirty key to come back"));
        Assert.False(drain.IsCompleted);
        _queue.Done("a");
        await drain.Within("the drain");
    }

    [Fact]
    public async Task ShutDownWithDrain_WorkerWaitsWhileOthersProcess_ReleasedWhenDrained()
    {
        _queue.Add("a");
        var key = await TakeAsync();
        var waiting = _queue.GetAsync();

        var drain = _queue.ShutDownWithDrainAsync();
        var releasedEarly = waiting.IsCompleted;
        _queue.Done(key);

        Assert.False(releasedEarly);
        Assert.True((await waiting.Within("the waiting worker")).ShutDown);
        await drain.Within("the drain");
    }

    [Fact]
    public async Task ShutDownWithDrain_Empty_CompletesAtOnce()
    {
        await _queue.ShutDownWithDrainAsync().Within("the drain");

        Assert.True((await _queue.GetAsync()).ShutDown);
    }

    [Fact]
    public void AddAfter_Delay_QueuedExactlyAtDueTimeNotBefore()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(10) - OneTick);
        var queuedEarly = _queue.Count;
        _time.Advance(OneTick);

        Assert.Equal((0, 1), (queuedEarly, _queue.Count));
    }

    [Fact]
    public async Task AddAfter_EarlierSecondCall_Wins()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));
        _queue.AddAfter("a", TimeSpan.FromSeconds(3));

        _time.Advance(TimeSpan.FromSeconds(3));
        var queuedAtEarlier = _queue.Count;
        _queue.Done(await TakeAsync());
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal((1, 0), (queuedAtEarlier, _queue.Count));
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public void AddAfter_LaterSecondCall_Ignored()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(3));
        _queue.AddAfter("a", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public async Task Add_WhileDelayed_QueuedAtOnceAndDelayedAddDropped()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(5));

        _queue.Add("a");
        var queuedAtOnce = _queue.Count;
        _queue.Done(await TakeAsync());
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal((1, 0), (queuedAtOnce, _queue.Count));
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public void AddAfter_KeyAlreadyQueued_Ignored()
    {
        _queue.Add("a");

        _queue.AddAfter("a", TimeSpan.FromSeconds(5));

        Assert.Equal(0, _time.PendingTimerCount);
        Assert.Equal(1, _queue.Count);
    }

    [Fact]
    public async Task AddAfter_KeyProcessing_QueuedAfterDoneOnceDue()
    {
        _queue.Add("a");
        var key = await TakeAsync();

        _queue.AddAfter("a", TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));
        var queuedWhileProcessing = _queue.Count;
        _queue.Done(key);

        Assert.Equal((0, 1), (queuedWhileProcessing, _queue.Count));
    }

    [Fact]
    public void AddAfter_ZeroDelay_AddsNow()
    {
        _queue.AddAfter("a", TimeSpan.Zero);

        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public void ShutDown_PendingDelayedAdd_CancelledAndTimerReleased()
    {
        _queue.AddAfter("a", TimeSpan.FromSeconds(5));

        _queue.ShutDown();
        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, _time.PendingTimerCount);
        Assert.Equal(0, _queue.Count);
    }

    [Fact]
    public async Task AddRateLimited_RepeatedRetries_WaitDoublingDelaysAndForgetResets()
    {
        var observed = new List<TimeSpan>();
        for (var retry = 0; retry < 5; retry++)
        {
            observed.Add(await RetryDelayAsync());
        }
        _queue.Forget("a");
        var afterForget = await RetryDelayAsync();

        Assert.Equal([5, 10, 20, 40, 80], observed.Select(delay => delay.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(5), afterForget);
        Assert.Equal(1, _queue.NumRequeues("a"));
    }

    /// <summary>Retries "a" and measures, tick-exact, when it comes back.</summary>
    private async Task<TimeSpan> RetryDelayAsync()
    {
        var started = _time.GetTimestamp();
        _queue.AddRateLimited("a");
        // Step to just before the timer's due time (known only to the queue), then one tick further.
        while (_queue.Count == 0)
        {
            _time.Advance(TimeSpan.FromMilliseconds(1) - OneTick);
            if (_queue.Count > 0)
            {
                break;
            }
            _time.Advance(OneTick);
        }
        var elapsed = _time.GetElapsedTime(started);
        _queue.Done(await TakeAsync());
        return elapsed;
    }

    [Fact]
    public async Task GetAsync_ManyWorkersRandomAdds_NeverProcessesKeyConcurrentlyAndRunsEveryAdd()
    {
        const int Keys = 16;
        const int Workers = 8;
        var queue = new WorkQueue<int>(timeProvider: _time);
        var active = new int[Keys];
        var lastAdded = new long[Keys];
        var lastStarted = new long[Keys];
        var sequence = 0L;
        var overlaps = 0;

        var workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (key, shutDown) = await queue.GetAsync();
                if (shutDown)
                {
                    return;
                }
                Volatile.Write(ref lastStarted[key], Interlocked.Increment(ref sequence));
                if (Interlocked.Increment(ref active[key]) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }
                await Task.Yield();
                Interlocked.Decrement(ref active[key]);
                queue.Done(key);
            }
        })).ToList();

        var random = new Random(20240611);
        for (var i = 0; i < 20_000; i++)
        {
            var key = random.Next(Keys);
            Volatile.Write(ref lastAdded[key], Interlocked.Increment(ref sequence));
            queue.Add(key);
            if (random.Next(8) == 0)
            {
                await Task.Yield();
            }
        }
        await queue.ShutDownWithDrainAsync().Within("the queue to drain");
        await Task.WhenAll(workers).Within("the workers to exit");

        Assert.Equal(0, overlaps);
        for (var key = 0; key < Keys; key++)
        {
            Assert.True(lastStarted[key] > lastAdded[key], $"key {key} was added at {lastAdded[key]} but last started at {lastStarted[key]}");
        }
    }
}
