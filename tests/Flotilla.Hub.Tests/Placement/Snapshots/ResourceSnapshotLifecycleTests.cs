using Flotilla.Hub.Placement.Snapshots;

namespace Flotilla.Hub.Tests.Placement.Snapshots;

/// <summary>When a placement's resource snapshots are kept, repaired, throttled or replaced (placement spec §2.2).</summary>
public sealed class ResourceSnapshotLifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Plan_NoSnapshots_CreatesGroupZero()
    {
        var actions = Plan([], "h1");

        Assert.Equal(new ResourceSnapshotActions { CreateIndex = 0 }, actions with { DeleteGroups = [], MissingSubindexes = [] });
        Assert.Empty(actions.DeleteGroups);
    }

    [Fact]
    public void Plan_SameHash_KeepsTheGroup()
    {
        var master = Master(3, "h1", latest: true);

        var actions = Plan([master], "h1");

        Assert.Same(master, actions.Latest);
        Assert.False(actions.RelabelLatest);
        Assert.Null(actions.CreateIndex);
        Assert.Empty(actions.MissingSubindexes);
    }

    [Fact]
    public void Plan_SameHashAfterACrash_RelabelsAndRecreatesMissingSubindexes()
    {
        // The master of group 2 lost its latest label and sub-index 1 of its 3 parts was never created.
        ExistingResourceSnapshot[] existing = [Master(1, "h0", latest: false), Master(2, "h1", latest: false, groupSize: 3), Sub(2, 0)];

        var actions = Plan(existing, "h1");

        Assert.Equal("crp-2-snapshot", actions.Latest!.Name);
        Assert.True(actions.RelabelLatest);
        Assert.Equal([1], actions.MissingSubindexes);
        Assert.Null(actions.CreateIndex);
    }

    [Theory]
    [InlineData(60, null, 15, "a change just seen waits for the collection window")]
    [InlineData(60, 10, 5, "seen 10 s ago: 5 s of the window left")]
    [InlineData(20, 10, 10, "seen 10 s ago, but the last snapshot is 20 s old: 10 s of the minimum interval left")]
    [InlineData(5, 20, 25, "the window has passed but the last snapshot is 5 s old: 25 s of the minimum interval left")]
    public void Plan_ChangedWithinTheLimits_WaitsAndRequeues(int masterAgeSeconds, int? detectedSecondsAgo, int waitSeconds, string why)
    {
        var master = Master(4, "h1", latest: true, age: TimeSpan.FromSeconds(masterAgeSeconds),
            detected: detectedSecondsAgo is { } ago ? Now.AddSeconds(-ago) : null);

        var actions = Plan([master], "h2");

        Assert.True(actions.CreateIndex is null, why);
        Assert.Equal(TimeSpan.FromSeconds(waitSeconds), actions.RequeueAfter);
        Assert.Equal(detectedSecondsAgo is null ? Now : null, actions.MarkCandidateDetected);
        Assert.Null(actions.Unlatest);
    }

    [Fact]
    public void Plan_ChangedAfterTheLimits_NewGroupOldOnesTrimmedToTheHistoryLimit()
    {
        ExistingResourceSnapshot[] existing =
        [
            Master(0, "h0", latest: false), Master(1, "h1", latest: false), Sub(1, 0),
            Master(2, "h2", latest: true, age: TimeSpan.FromMinutes(5), detected: Now.AddMinutes(-1)),
        ];

        var actions = Plan(existing, "h3", revisionHistoryLimit: 2);

        Assert.Equal("crp-2-snapshot", actions.Unlatest);
        Assert.Equal([0, 1], actions.DeleteGroups);
        Assert.Equal(3, actions.CreateIndex);
        Assert.Null(actions.RequeueAfter);
    }

    [Fact]
    public void Plan_LimitsDisabled_CreatesAtOnce()
    {
        var actions = ResourceSnapshotLifecycle.Plan([Master(0, "h0", latest: true)], "h1", 1, 10, new SnapshotCreationLimits(TimeSpan.Zero, TimeSpan.Zero), Now);

        Assert.Equal(1, actions.CreateIndex);
        Assert.Empty(actions.DeleteGroups);
    }

    [Fact]
    public void Plan_LatestLabelLostAndHashChanged_NoThrottle()
    {
        // A crash after the old master was unlabelled: the new group is created without waiting again.
        var actions = Plan([Master(5, "h5", latest: false)], "h6");

        Assert.Equal(6, actions.CreateIndex);
        Assert.Null(actions.Unlatest);
        Assert.Null(actions.RequeueAfter);
    }

    private static ResourceSnapshotActions Plan(ExistingResourceSnapshot[] existing, string hash, int revisionHistoryLimit = 10) =>
        ResourceSnapshotLifecycle.Plan(existing, hash, 1, revisionHistoryLimit, SnapshotCreationLimits.Default, Now);

    private static ExistingResourceSnapshot Master(int index, string hash, bool latest, int groupSize = 1, TimeSpan? age = null, DateTimeOffset? detected = null) =>
        new($"crp-{index}-snapshot", index, IsMaster: true, Subindex: null, latest, hash, groupSize, Now - (age ?? TimeSpan.FromHours(1)), detected);

    private static ExistingResourceSnapshot Sub(int index, int subindex) =>
        new($"crp-{index}-{subindex}", index, IsMaster: false, subindex, Latest: false, Hash: null, GroupSize: 0, Now.AddHours(-1), null);
}
