using Flotilla.Client.Config;
using Flotilla.Client.Http;
using Flotilla.Client.Tests.Support;
using Flotilla.Testing;

namespace Flotilla.Client.Tests.Http;

/// <summary>Client-side rate limiting (QPS with burst) on a manual clock.</summary>
public sealed class TokenBucketTests
{
    [Fact]
    public async Task WaitAsync_BurstThenEmpty_WaitsOneTokenIntervalEach()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(qps: 2, burst: 3, time);

        for (var i = 0; i < 3; i++)
        {
            Assert.True(Immediate(bucket.WaitAsync(CancellationToken.None)), $"burst token {i} should be immediate");
        }
        var fourth = bucket.WaitAsync(CancellationToken.None).AsTask();
        var fifth = bucket.WaitAsync(CancellationToken.None).AsTask();

        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)], time.PendingDelays());
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(fourth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(fifth.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(500));
        await fifth.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void WaitAsync_IdleTime_RefillsUpToBurstOnly()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(qps: 10, burst: 2, time);
        Assert.True(Immediate(bucket.WaitAsync(CancellationToken.None)));
        Assert.True(Immediate(bucket.WaitAsync(CancellationToken.None)));

        time.Advance(TimeSpan.FromHours(1));

        Assert.True(Immediate(bucket.WaitAsync(CancellationToken.None)));
        Assert.True(Immediate(bucket.WaitAsync(CancellationToken.None)));
        Assert.False(Immediate(bucket.WaitAsync(CancellationToken.None)));
    }

    [Fact]
    public async Task WaitAsync_CancelledWaiter_ReturnsItsReservation()
    {
        var time = new ManualTimeProvider();
        var bucket = new TokenBucket(qps: 1, burst: 1, time);
        Assert.True(Immediate(bucket.WaitAsync(CancellationToken.None)));
        using var cancel = new CancellationTokenSource();
        var cancelled = bucket.WaitAsync(cancel.Token).AsTask();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        // Had the reservation been kept, the next waiter would need two seconds rather than one.
        var next = bucket.WaitAsync(CancellationToken.None).AsTask();
        Assert.Equal([TimeSpan.FromSeconds(1)], time.PendingDelays());
        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Client_QpsOneBurstOne_SecondRequestWaitsForToken()
    {
        await using var stub = await StubServer.StartAsync((context, _) => StubServer.JsonAsync(context, 200, """{"major":"1","minor":"32"}"""));
        var time = new ManualTimeProvider();
        var client = new KubernetesClient(new ClusterConnection { Server = stub.Url }, new KubernetesClientOptions
        {
            QueriesPerSecond = 1,
            Burst = 1,
            Time = time,
            RequestTimeout = Timeout.InfiniteTimeSpan,
        });

        await client.GetVersionAsync().WaitAsync(TimeSpan.FromSeconds(20));
        var second = client.GetVersionAsync();

        await Eventually.WaitAsync("the second request to wait for a token", () => time.PendingDelays().Contains(TimeSpan.FromSeconds(1)));
        Assert.Single(stub.Requests);
        time.Advance(TimeSpan.FromSeconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(2, stub.Requests.Count);
    }

    [Fact]
    public void Options_BurstZeroWithQps_RejectedNamingTheField()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new KubernetesClient(
            new ClusterConnection { Server = new Uri("https://127.0.0.1:1") }, new KubernetesClientOptions { QueriesPerSecond = 10, Burst = 0 }));

        Assert.Equal("Burst", error.ParamName);
    }

    /// <summary>True when the wait completed without waiting.</summary>
    private static bool Immediate(ValueTask wait) => wait.IsCompletedSuccessfully;
}
