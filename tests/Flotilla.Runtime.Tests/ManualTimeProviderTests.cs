using Flotilla.Testing;

namespace Flotilla.Runtime.Tests;

public sealed class ManualTimeProviderTests
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void GetUtcNow_New_ReadsDefaultStart()
    {
        Assert.Equal(ManualTimeProvider.DefaultStart, _time.GetUtcNow());
    }

    [Fact]
    public void Advance_ByDelta_MovesClockAndTimestampByDelta()
    {
        var startedAt = _time.GetTimestamp();

        _time.Advance(TimeSpan.FromSeconds(90));

        Assert.Equal(ManualTimeProvider.DefaultStart.AddSeconds(90), _time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90), _time.GetElapsedTime(startedAt));
    }

    [Fact]
    public void SetUtcNow_Backwards_ThrowsNamingValue()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _time.SetUtcNow(ManualTimeProvider.DefaultStart.AddTicks(-1)));

        Assert.Equal("value", error.ParamName);
    }

    [Fact]
    public void CreateTimer_SeveralDue_FireInDueOrderAtTheirDueTimes()
    {
        var fired = new List<(string Name, DateTimeOffset At)>();
        using var late = _time.CreateTimer(_ => fired.Add(("late", _time.GetUtcNow())), null, TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan);
        using var early = _time.CreateTimer(_ => fired.Add(("early", _time.GetUtcNow())), null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        using var middle = _time.CreateTimer(_ => fired.Add(("middle", _time.GetUtcNow())), null, TimeSpan.FromSeconds(20), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromMinutes(1));

        var start = ManualTimeProvider.DefaultStart;
        Assert.Equal([("early", start.AddSeconds(10)), ("middle", start.AddSeconds(20)), ("late", start.AddSeconds(30))], fired);
        Assert.Equal(start.AddMinutes(1), _time.GetUtcNow());
    }

    [Fact]
    public void CreateTimer_SameDueTime_FireInScheduleOrder()
    {
        var fired = new List<int>();
        var timers = Enumerable.Range(0, 5).Select(i => _time.CreateTimer(_ => fired.Add(i), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan)).ToList();

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal([0, 1, 2, 3, 4], fired);
        timers.ForEach(timer => timer.Dispose());
    }

    [Fact]
    public void Advance_ShortOfDueTime_DoesNotFire()
    {
        var fired = 0;
        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(5) - OneTick);
        var before = fired;
        _time.Advance(OneTick);

        Assert.Equal((0, 1), (before, fired));
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public void CreateTimer_Periodic_FiresOncePerPeriodPassed()
    {
        var firedAt = new List<TimeSpan>();
        using var timer = _time.CreateTimer(_ => firedAt.Add(_time.GetUtcNow() - ManualTimeProvider.DefaultStart), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(27));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(25)], firedAt);
        Assert.Equal(1, _time.PendingTimerCount);
    }

    [Fact]
    public void PendingDelays_TimersScheduledAtDifferentTimes_ReadRemainingSoonestFirst()
    {
        using var later = _time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan);
        _time.Advance(TimeSpan.FromSeconds(4));
        using var sooner = _time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        using var stopped = _time.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(6)], _time.PendingDelays());
    }

    [Fact]
    public void CreateTimer_ZeroDueTime_FiresAtOnce()
    {
        var fired = 0;

        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);

        Assert.Equal(1, fired);
    }

    [Fact]
    public void Change_ToLaterDueTime_FiresOnlyAtNewDueTime()
    {
        var fired = 0;
        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        Assert.True(timer.Change(TimeSpan.FromSeconds(10), Timeout.InfiniteTimeSpan));
        _time.Advance(TimeSpan.FromSeconds(9));
        var before = fired;
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal((0, 1), (before, fired));
    }

    [Fact]
    public void Change_ToInfinite_StopsTimer()
    {
        var fired = 0;
        using var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(0, fired);
        Assert.Equal(0, _time.PendingTimerCount);
    }

    [Fact]
    public void Dispose_BeforeDue_NeverFiresAndChangeReturnsFalse()
    {
        var fired = 0;
        var timer = _time.CreateTimer(_ => fired++, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        timer.Dispose();
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(0, fired);
        Assert.False(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public void Advance_CallbackSchedulesTimerWithinRange_FiresInSameAdvance()
    {
        var firedAt = new List<TimeSpan>();
        ITimer? second = null;
        using var first = _time.CreateTimer(
            _ =>
            {
                firedAt.Add(_time.GetUtcNow() - ManualTimeProvider.DefaultStart);
                second = _time.CreateTimer(_ => firedAt.Add(_time.GetUtcNow() - ManualTimeProvider.DefaultStart), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
            },
            null,
            TimeSpan.FromSeconds(10),
            Timeout.InfiniteTimeSpan);

        _time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15)], firedAt);
        second!.Dispose();
    }

    [Fact]
    public void CreateTimer_CallbackRunsInCreatorsExecutionContext()
    {
        var local = new AsyncLocal<string>();
        string? seen = null;
        local.Value = "creator";
        using var timer = _time.CreateTimer(_ => seen = local.Value, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        local.Value = "advancer";

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("creator", seen);
    }

    [Fact]
    public async Task TaskDelay_UnderManualTime_CompletesExactlyAtDueTime()
    {
        var delay = Task.Delay(TimeSpan.FromSeconds(3), _time);

        _time.Advance(TimeSpan.FromSeconds(3) - OneTick);
        var completedEarly = delay.IsCompleted;
        _time.Advance(OneTick);

        Assert.False(completedEarly);
        await delay.Within("the delay to complete");
    }

    [Fact]
    public async Task TaskDelay_Cancelled_ReleasesItsTimer()
    {
        using var cancel = new CancellationTokenSource();
        var delay = Task.Delay(TimeSpan.FromSeconds(3), _time, cancel.Token);
        var pendingWhileWaiting = _time.PendingTimerCount;

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay);
        Assert.Equal((1, 0), (pendingWhileWaiting, _time.PendingTimerCount));
    }

    [Fact]
    public void CancellationTokenSource_WithDelay_CancelsExactlyAtDueTime()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);

        _time.Advance(TimeSpan.FromSeconds(2) - OneTick);
        var cancelledEarly = cancel.IsCancellationRequested;
        _time.Advance(OneTick);

        Assert.False(cancelledEarly);
        Assert.True(cancel.IsCancellationRequested);
    }

    [Fact]
    public void CancellationTokenSource_CancelAfter_UsesManualTime()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);

        cancel.CancelAfter(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(9));
        var cancelledEarly = cancel.IsCancellationRequested;
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(cancelledEarly);
        Assert.True(cancel.IsCancellationRequested);
    }

    [Fact]
    public async Task WaitForTimersAsync_CodeStartsWaitingLater_CompletesOnceItWaits()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = Task.Run(async () =>
        {
            await release.Task;
            await Task.Delay(TimeSpan.FromMinutes(1), _time);
            return _time.GetUtcNow();
        });
        var timers = _time.WaitForTimersAsync(1);
        var completedBeforeWaiting = timers.IsCompleted;

        release.SetResult();
        await timers.Within("the code under test to start its delay");
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.False(completedBeforeWaiting);
        Assert.Equal(ManualTimeProvider.DefaultStart.AddMinutes(1), await waiting.Within("the delayed code to finish"));
    }

    [Fact]
    public async Task WaitForTimersAsync_TimersAlreadyPending_CompletesAtOnce()
    {
        using var timer = _time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        var wait = _time.WaitForTimersAsync(1);

        Assert.True(wait.IsCompletedSuccessfully);
        await wait;
    }

    [Fact]
    public async Task WaitForTimersAsync_NoTimerInTime_ThrowsTimeoutNamingCounts()
    {
        using var timer = _time.CreateTimer(_ => { }, null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => _time.WaitForTimersAsync(2, TimeSpan.Zero));

        Assert.Contains("waiting for 2 pending timer(s); 1 pending", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Advance_FromManyThreads_FiresEveryTimerOnce()
    {
        var fired = new int[200];
        var timers = Enumerable.Range(0, fired.Length)
            .Select(i => _time.CreateTimer(_ => Interlocked.Increment(ref fired[i]), null, TimeSpan.FromMilliseconds(i + 1), Timeout.InfiniteTimeSpan))
            .ToList();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var step = 0; step < 50; step++)
            {
                _time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }))).Within("the advancing threads");

        Assert.All(fired, count => Assert.Equal(1, count));
        Assert.Equal(ManualTimeProvider.DefaultStart.AddMilliseconds(200), _time.GetUtcNow());
        timers.ForEach(timer => timer.Dispose());
    }
}
