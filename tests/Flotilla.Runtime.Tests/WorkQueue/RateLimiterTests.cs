using Flotilla.Runtime.WorkQueue;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.WorkQueue;

public sealed class RateLimiterTests
{
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void ExponentialBackoff_RepeatedFailures_DoublesUntilCap()
    {
        var limiter = new ExponentialBackoffRateLimiter<string>(Ms(5), TimeSpan.FromSeconds(1000));

        var delays = Enumerable.Range(0, 22).Select(_ => limiter.When("a")).ToList();

        var expected = Enumerable.Range(0, 22).Select(n => TimeSpan.FromTicks(Math.Min(Ms(5).Ticks << n, TimeSpan.FromSeconds(1000).Ticks))).ToList();
        Assert.Equal(expected, delays);
        Assert.Equal([Ms(5), Ms(10), Ms(20), Ms(40)], delays.Take(4));
        Assert.Equal(TimeSpan.FromSeconds(1000), delays[^1]);
        Assert.Equal(22, limiter.NumRequeues("a"));
    }

    [Fact]
    public void ExponentialBackoff_ManyFailures_StaysAtCapWithoutOverflow()
    {
        var limiter = new ExponentialBackoffRateLimiter<string>(Ms(5), TimeSpan.FromSeconds(1000));

        for (var i = 0; i < 5000; i++)
        {
            limiter.When("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), limiter.When("a"));
    }

    [Fact]
    public void ExponentialBackoff_Forget_ResetsToBaseDelay()
    {
        var limiter = new ExponentialBackoffRateLimiter<string>(Ms(5), TimeSpan.FromSeconds(1));
        limiter.When("a");
        limiter.When("a");
        limiter.When("a");

        limiter.Forget("a");

        Assert.Equal(0, limiter.NumRequeues("a"));
        Assert.Equal(Ms(5), limiter.When("a"));
    }

    [Fact]
    public void ExponentialBackoff_TwoKeys_BackOffIndependently()
    {
        var limiter = new ExponentialBackoffRateLimiter<string>(Ms(5), TimeSpan.FromSeconds(1));
        limiter.When("a");
        limiter.When("a");

        Assert.Equal(Ms(5), limiter.When("b"));
        Assert.Equal(Ms(20), limiter.When("a"));
    }

    [Fact]
    public void ExponentialBackoff_WithJitter_TakesAtMostTheFractionOffAndNeverExceedsCap()
    {
        var limiter = new ExponentialBackoffRateLimiter<int>(Ms(5), Ms(1000), jitter: 0.25, new Random(42));

        for (var key = 0; key < 200; key++)
        {
            for (var n = 0; n < 12; n++)
            {
                var full = Math.Min(5 * Math.Pow(2, n), 1000);
                var delay = limiter.When(key).TotalMilliseconds;
                Assert.InRange(delay, full * 0.75, full);
            }
        }
    }

    [Fact]
    public void ExponentialBackoff_WithJitter_SpreadsDelays()
    {
        var limiter = new ExponentialBackoffRateLimiter<int>(Ms(5), Ms(1000), jitter: 0.1, new Random(7));

        var firstDelays = Enumerable.Range(0, 50).Select(limiter.When).Distinct().Count();

        Assert.True(firstDelays > 40, $"expected the first retries of 50 keys to differ, got {firstDelays} distinct delays");
    }

    [Theory]
    [InlineData(0, 1, 0)]
    [InlineData(5, 1, 0)]
    [InlineData(5, 10, -0.1)]
    [InlineData(5, 10, 1.5)]
    public void ExponentialBackoff_InvalidArguments_Throws(int baseMs, int maxMs, double jitter)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialBackoffRateLimiter<string>(Ms(baseMs), Ms(maxMs), jitter));
    }

    [Fact]
    public void Bucket_BurstUsedUp_DelaysAtTheRate()
    {
        var time = new ManualTimeProvider();
        var limiter = new BucketRateLimiter<string>(tokensPerSecond: 10, burst: 3, time);

        var delays = Enumerable.Range(0, 6).Select(i => limiter.When($"k{i}")).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, Ms(100), Ms(200), Ms(300)], delays);
    }

    [Fact]
    public void Bucket_TimePasses_RefillsUpToBurst()
    {
        var time = new ManualTimeProvider();
        var limiter = new BucketRateLimiter<string>(tokensPerSecond: 10, burst: 2, time);
        limiter.When("a");
        limiter.When("a");

        time.Advance(TimeSpan.FromMinutes(1));
        var delays = Enumerable.Range(0, 3).Select(_ => limiter.When("a")).ToList();

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, Ms(100)], delays);
        Assert.Equal(0, limiter.NumRequeues("a"));
    }

    [Fact]
    public void MaxOf_TwoLimiters_WaitsTheLongerAndCountsInBoth()
    {
        var time = new ManualTimeProvider();
        var exponential = new ExponentialBackoffRateLimiter<string>(Ms(5), TimeSpan.FromSeconds(10));
        var limiter = new MaxOfRateLimiter<string>(exponential, new BucketRateLimiter<string>(tokensPerSecond: 1, burst: 1, time));

        var first = limiter.When("a");
        var second = limiter.When("a");
        limiter.Forget("a");

        Assert.Equal((Ms(5), TimeSpan.FromSeconds(1)), (first, second));
        Assert.Equal(0, exponential.NumRequeues("a"));
    }

    [Fact]
    public void CreateDefault_FirstRetries_BackOffFromFiveMilliseconds()
    {
        var limiter = RateLimiters.CreateDefault<string>(new ManualTimeProvider());

        var first = limiter.When("a");
        var second = limiter.When("a");

        Assert.InRange(first, Ms(4.5), Ms(5));
        Assert.InRange(second, Ms(9), Ms(10));
        Assert.Equal(2, limiter.NumRequeues("a"));
    }
}
