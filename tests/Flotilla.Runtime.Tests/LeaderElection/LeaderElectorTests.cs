using System.Text.Json.Nodes;
using Flotilla.Client;
using Flotilla.Runtime.LeaderElection;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.LeaderElection;

/// <summary>
/// Leader election against a real API server, on a manual clock: acquisition, renewal, takeover after a crash,
/// a leader stalled past its lease, graceful release, and judging expiry by observation rather than by the
/// holder's clock.
/// </summary>
public sealed class LeaderElectorTests
{
    private static readonly TimeSpan L = Election.LeaseDuration;
    private static readonly TimeSpan D = Election.RenewDeadline;
    private static readonly TimeSpan P = Election.RetryPeriod;

    [Fact]
    public async Task RunAsync_NoLease_CreatesLeaseWithUpstreamFieldsAndRenewsIt()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var start = election.Now;

        var a = election.AddCandidate("a");
        await election.StepUntilAsync("a to lead", () => a.Elector.IsLeader, L);
        var created = await election.GetLeaseAsync();
        await election.PassAsync("one renewal", P);
        var renewed = await election.GetLeaseAsync();

        Assert.Equal(start, election.History.Single("a", Happening.Started));
        Assert.Equal([new ElectionEntry(0, start, "a", Happening.NewLeader, "a"), new ElectionEntry(1, start, "a", Happening.Started, null)], election.History.Entries);
        Assert.Equal(Spec("a", 15, "2025-01-01T00:00:00.000000Z", "2025-01-01T00:00:00.000000Z", 0), created["spec"], JsonNode.DeepEquals);
        Assert.Equal(Spec("a", 15, "2025-01-01T00:00:00.000000Z", "2025-01-01T00:00:02.000000Z", 0), renewed["spec"], JsonNode.DeepEquals);
    }

    [Fact]
    public async Task RunAsync_LeaderKilledWithoutRelease_OtherTakesOverOnceLeaseExpires()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var a = election.AddCandidate("a", releaseOnCancel: false);
        await election.StepUntilAsync("a to lead", () => a.Elector.IsLeader, L);
        var b = election.AddCandidate("b", releaseOnCancel: false);
        await election.StepUntilAsync("b to see a leading", () => b.Elector.Leader == "a", L);
        await election.PassAsync("a to renew a few times", 3 * P);

        await a.StopAsync();
        var killedAt = election.Now;
        await election.StepUntilAsync("b to take over from the killed a", () => b.Elector.IsLeader, L + (3 * Election.MaxAcquireWait));

        var lastRenewOfA = await election.Lease.LastRenewAsync("a", after: "b");
        election.History.AssertNeverTwoLeaders();
        var takeover = election.History.Single("b", Happening.Started);
        // b saw a's last renewal no earlier than it was written and at most one attempt later; it then waited a
        // full lease duration from that sighting, and took over at its next attempt.
        Assert.InRange(takeover - lastRenewOfA, L, L + (2 * Election.MaxAcquireWait));
        Assert.InRange(killedAt - lastRenewOfA, TimeSpan.Zero, P);
        Assert.Equal(killedAt, election.History.Single("a", Happening.Stopped));
        Assert.Equal(["a", "b"], election.Lease.Holders);
        var lease = await election.GetLeaseAsync();
        var stamp = LeaderElectionRecord.FormatMicroTime(takeover);
        Assert.Equal(Spec("b", 15, stamp, stamp, 1), lease["spec"], JsonNode.DeepEquals);
    }

    [Fact]
    public async Task RunAsync_LeaderStalledLongerThanLease_StopsAtItsRenewDeadlineBeforeOtherAcquires()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var a = election.AddCandidate("a");
        await election.StepUntilAsync("a to lead", () => a.Elector.IsLeader, L);
        var b = election.AddCandidate("b");
        await election.StepUntilAsync("b to see a leading", () => b.Elector.Leader == "a", L);
        await election.PassAsync("a to renew a few times", 3 * P);

        // a's renew loop blocks in its next request, for longer than the lease.
        a.Lock.Stall();
        await election.StepUntilAsync("a's renewal to stall", () => a.Lock.StalledCalls == 1, P);
        await election.StepUntilAsync("b to take over from the stalled a", () => b.Elector.IsLeader, L + (3 * Election.MaxAcquireWait));
        var lastRenewOfA = await election.Lease.LastRenewAsync("a", after: "b");
        var aStopped = election.History.Single("a", Happening.Stopped);
        var bStarted = election.History.Single("b", Happening.Started);
        var stillStalled = a.Lock.StalledCalls;

        // a wakes up: its renewal, written against the lease it last saw, reaches the server late.
        a.Lock.Resume();
        await election.StepUntilAsync("a's stale renewal to reach the server", () => !a.Lock.LateOutcomes.IsEmpty, P);
        var lateOutcomes = a.Lock.LateOutcomes.ToList();
        await election.StepUntilAsync("a to see b leading", () => a.Elector.Leader == "b", L);
        await election.PassAsync("b to lead for a while with a following", 2 * L);

        election.History.AssertNeverTwoLeaders();
        Assert.Equal(1, stillStalled);
        Assert.Equal(lastRenewOfA + D, aStopped);
        Assert.InRange(bStarted - lastRenewOfA, L, L + (2 * Election.MaxAcquireWait));
        Assert.Equal(["Conflict"], lateOutcomes);
        Assert.True(b.Elector.IsLeader);
        Assert.False(a.Elector.IsLeader);
        Assert.Single(election.History.Of("a", Happening.Started));
        Assert.Equal(["a", "b"], election.Lease.Holders);
        Assert.Equal("b", LeaderElectionRecord.FromLease(await election.GetLeaseAsync()).HolderIdentity);
    }

    [Fact]
    public async Task RunAsync_LeaderCancelledWithRelease_OtherTakesOverAtItsNextAttempt()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var a = election.AddCandidate("a");
        await election.StepUntilAsync("a to lead", () => a.Elector.IsLeader, L);
        var b = election.AddCandidate("b");
        await election.StepUntilAsync("b to see a leading", () => b.Elector.Leader == "a", L);
        await election.PassAsync("a to renew a few times", 3 * P);

        await a.StopAsync();
        var released = await election.GetLeaseAsync();
        await election.StepUntilAsync("b to take over the released lease", () => b.Elector.IsLeader, L);

        election.History.AssertNeverTwoLeaders();
        var aStopped = election.History.Single("a", Happening.Stopped);
        var bStarted = election.History.Single("b", Happening.Started);
        Assert.InRange(bStarted - aStopped, TimeSpan.Zero, Election.MaxAcquireWait);
        var releasedAt = LeaderElectionRecord.FormatMicroTime(aStopped);
        Assert.Equal(Spec("", 1, releasedAt, releasedAt, 0), released["spec"], JsonNode.DeepEquals);
        Assert.Equal(["a", "", "b"], election.Lease.Holders);
        Assert.Equal(1, LeaderElectionRecord.FromLease(await election.GetLeaseAsync()).LeaseTransitions);
    }

    [Fact]
    public async Task RunAsync_CancelledAfterRenewalResponseWasLost_StillReleases()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        var a = election.AddCandidate("a");
        await election.StepUntilAsync("a to lead", () => a.Elector.IsLeader, L);
        var b = election.AddCandidate("b");
        await election.StepUntilAsync("b to see a leading", () => b.Elector.Leader == "a", L);

        // a's next renewal is applied, but a never learns it: the lease it last saw is now stale.
        a.Lock.LoseNextResponse();
        await election.StepUntilAsync("a's renewal response to be lost", () => a.Lock.LostResponses == 1, P);
        await a.StopAsync();
        var released = LeaderElectionRecord.FromLease(await election.GetLeaseAsync());
        await election.StepUntilAsync("b to take over the released lease", () => b.Elector.IsLeader, L);

        election.History.AssertNeverTwoLeaders();
        Assert.Equal(("", 1), (released.HolderIdentity, released.LeaseDurationSeconds));
        Assert.InRange(election.History.Single("b", Happening.Started) - election.History.Single("a", Happening.Stopped), TimeSpan.Zero, Election.MaxAcquireWait);
    }

    [Theory]
    [InlineData("2000-01-01T00:00:00.000000Z")]
    [InlineData("2100-01-01T00:00:00.000000Z")]
    public async Task RunAsync_HolderClockFarOff_ExpiryJudgedFromWhenRecordWasSeen(string renewTime)
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);
        await Election.NewClient(server).Resource(LeaseLock.Mapping).InNamespace(Election.LeaseNamespace).CreateAsync(new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = Election.LeaseName },
            ["spec"] = Spec("crashed-elsewhere", 15, renewTime, renewTime, 4),
        });
        var firstSeen = election.Now;

        var a = election.AddCandidate("a");
        await election.StepUntilAsync("a to take over the abandoned lease", () => a.Elector.IsLeader, L + (2 * Election.MaxAcquireWait));

        var takeover = election.History.Single("a", Happening.Started);
        Assert.InRange(takeover - firstSeen, L, L + Election.MaxAcquireWait);
        Assert.Equal("crashed-elsewhere", election.History.Of("a", Happening.NewLeader)[0].Detail);
        Assert.Equal(5, LeaderElectionRecord.FromLease(await election.GetLeaseAsync()).LeaseTransitions);
    }

    [Fact]
    public async Task RunAsync_TwoCandidatesRaceForMissingLease_ExactlyOneLeads()
    {
        await using var server = await TestApiServer.StartAsync();
        await using var election = await Election.StartAsync(server);

        var a = election.AddCandidate("a");
        var b = election.AddCandidate("b");
        await election.StepUntilAsync("one of them to lead", () => a.Elector.IsLeader || b.Elector.IsLeader, L);
        await election.PassAsync("both to run a while", 2 * L);

        election.History.AssertNeverTwoLeaders();
        var leader = a.Elector.IsLeader ? a : b;
        var follower = leader == a ? b : a;
        Assert.False(follower.Elector.IsLeader);
        Assert.Equal(leader.Identity, follower.Elector.Leader);
        Assert.Single(election.History.Of(leader.Identity, Happening.Started));
        Assert.Empty(election.History.Of(follower.Identity, Happening.Started));
        Assert.Equal([leader.Identity], election.Lease.Holders);
    }

    [Theory]
    [InlineData(15, 15, 2, "RenewDeadline")]
    [InlineData(15, 2, 2, "RenewDeadline")]
    [InlineData(15, 10, 0, "RetryPeriod")]
    [InlineData(0, 10, 2, "LeaseDuration")]
    public void Constructor_TimingsOutOfOrder_ThrowsNamingTheOption(int leaseSeconds, int renewSeconds, int retrySeconds, string option)
    {
        var options = new LeaderElectionOptions
        {
            LeaseNamespace = "kube-node-lease",
            LeaseName = "x",
            Identity = "a",
            LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
            RenewDeadline = TimeSpan.FromSeconds(renewSeconds),
            RetryPeriod = TimeSpan.FromSeconds(retrySeconds),
        };
        var client = new KubernetesClient(new Flotilla.Client.Config.ClusterConnection { Server = new Uri("https://127.0.0.1:1") });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LeaderElector(client, options));

        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public void Constructor_LeaseDurationNotWholeSeconds_ThrowsNamingLeaseDuration()
    {
        var options = new LeaderElectionOptions { LeaseNamespace = "n", LeaseName = "x", Identity = "a", LeaseDuration = TimeSpan.FromMilliseconds(15500) };
        var client = new KubernetesClient(new Flotilla.Client.Config.ClusterConnection { Server = new Uri("https://127.0.0.1:1") });

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LeaderElector(client, options));

        Assert.Equal("LeaseDuration", error.ParamName);
    }

    private static JsonObject Spec(string holder, int durationSeconds, string acquireTime, string renewTime, int transitions) => new()
    {
        ["holderIdentity"] = holder,
        ["leaseDurationSeconds"] = durationSeconds,
        ["acquireTime"] = acquireTime,
        ["renewTime"] = renewTime,
        ["leaseTransitions"] = transitions,
    };
}
