using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.LeaderElection;

/// <summary>Running a component (a ControllerManager, in production) only while leading.</summary>
public sealed class LeaderElectedServiceTests
{
    private static readonly TimeSpan L = Election.LeaseDuration;
    private static readonly TimeSpan D = Election.RenewDeadline;

    [Fact]
    public async Task StartAsync_TwoReplicas_OnlyTheLeaderRunsItsComponentAndStopHandsOver()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var components = new ElectionHistory(election.Time);
        var a = new ServiceReplica("a", election, components);
        election.Add(a);
        await a.StartAsync();
        await election.StepUntilAsync("a to lead", () => a.Service.IsLeader, L);
        await Eventually.WaitAsync("a's component to start", () => components.Of("a", Happening.Started).Count == 1);
        var b = new ServiceReplica("b", election, components);
        election.Add(b);
        await b.StartAsync();
        await election.StepUntilAsync("b to see a leading", () => b.Service.Leader == "a", L);
        await election.PassAsync("both replicas to run a while", 2 * L);
        var bComponentsWhileFollowing = components.Of("b", Happening.Started).Count;

        await a.StopAsync();
        await election.StepUntilAsync("b to lead once a stopped", () => b.Service.IsLeader, L);
        await Eventually.WaitAsync("b's component to start", () => components.Of("b", Happening.Started).Count == 1);

        components.AssertNeverTwoLeaders();
        Assert.Equal(0, bComponentsWhileFollowing);
        Assert.Equal([("a", Happening.Started, null), ("a", Happening.Stopped, RecordingComponent.NoGrace), ("b", Happening.Started, null)],
            components.Entries.Select(e => (e.Identity, e.What, e.Detail)));
        Assert.InRange(components.Single("b", Happening.Started) - components.Single("a", Happening.Stopped), TimeSpan.Zero, Election.MaxAcquireWait);
    }

    [Fact]
    public async Task LeadershipLost_RenewalsStalled_ComponentStoppedAtTheDeadlineBeforeOtherLeads()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var components = new ElectionHistory(election.Time);
        var a = new ServiceReplica("a", election, components);
        var b = new ServiceReplica("b", election, components);
        election.Add(a);
        election.Add(b);
        await a.StartAsync();
        await election.StepUntilAsync("a to lead", () => a.Service.IsLeader, L);
        await b.StartAsync();
        await election.StepUntilAsync("b to see a leading", () => b.Service.Leader == "a", L);
        await Eventually.WaitAsync("a's component to start", () => components.Of("a", Happening.Started).Count == 1);

        a.Lock.Stall();
        var stalledAt = election.Now;
        await election.StepUntilAsync("a to lose leadership", () => !a.Service.IsLeader, L);
        var lostAt = election.Now;
        var bLeadingWhenALost = b.Service.IsLeader;
        await Eventually.WaitAsync("a's component to stop", () => components.Of("a", Happening.Stopped).Count == 1);
        await election.StepUntilAsync("b to lead", () => b.Service.IsLeader, L);
        await Eventually.WaitAsync("b's component to start", () => components.Of("b", Happening.Started).Count == 1);

        components.AssertNeverTwoLeaders();
        Assert.False(bLeadingWhenALost);
        // a renewed at most one retry period before the stall, and then had RenewDeadline left.
        Assert.InRange(lostAt - stalledAt, D - Election.RetryPeriod, D);
        Assert.Equal((lostAt, RecordingComponent.NoGrace), (components.Single("a", Happening.Stopped), components.Of("a", Happening.Stopped)[0].Detail));
    }

    [Fact]
    public async Task StartAsync_ComponentFailsToStart_TermEndsAndOtherReplicaLeads()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var components = new ElectionHistory(election.Time);
        var a = new ServiceReplica("a", election, components, componentFails: true);
        var b = new ServiceReplica("b", election, components);
        election.Add(a);
        election.Add(b);
        await a.StartAsync();
        await Eventually.WaitAsync("a to acquire, fail to start its component and release", () => election.Lease.Holders.SequenceEqual(["a", ""]));
        await election.SettleAsync("a backing off");
        var failedAt = election.Now;
        await b.StartAsync();

        await election.StepUntilAsync("b to lead", () => b.Service.IsLeader, L);
        await Eventually.WaitAsync("b's component to start", () => components.Of("b", Happening.Started).Count == 1);
        await election.PassAsync("a to wait out its back-off and follow", 2 * L);

        Assert.InRange(components.Single("b", Happening.Started) - failedAt, TimeSpan.Zero, Election.MaxAcquireWait);
        Assert.True(b.Service.IsLeader);
        Assert.Equal("b", a.Service.Leader);
        Assert.Equal([("b", Happening.Started)], components.Entries.Select(e => (e.Identity, e.What)));
        Assert.Equal(["a", "", "b"], election.Lease.Holders);
    }
}
