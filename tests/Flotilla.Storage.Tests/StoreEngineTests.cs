using System.Text;

namespace Flotilla.Storage.Tests;

/// <summary>What the shared engine does when its backend fails a commit (not reachable through a real file).</summary>
public sealed class StoreEngineTests
{
    [Fact]
    public async Task CreateAsync_JournalCommitFails_FailsBatchAndLeavesStoreUnchanged()
    {
        var options = new ResourceStoreOptions().Validated();
        var journal = new FailingJournal { FailNext = true };
        await using var engine = new StoreEngine(new StoreState([], 0, options), journal, options);
        var start = engine.Watch("/", 0);
        await using var reader = new WatchReader(start.Watch!);

        var error = await Assert.ThrowsAsync<IOException>(async () => await engine.CreateAsync("/a", _ => Encoding.UTF8.GetBytes("lost")));
        var revisionAfterFailure = engine.Revision;
        var next = await engine.CreateAsync("/b", _ => Encoding.UTF8.GetBytes("kept"));
        var events = await reader.ReadAsync(1, "first committed write");

        Assert.Equal("disk full", error.Message);
        Assert.Equal(0, revisionAfterFailure);
        Assert.Null(engine.Get("/a"));
        // The failed batch took no revision, so the next write gets 1, and watchers only ever see it.
        Assert.Equal(1, next.Value!.Revision);
        Assert.Equal([("/b", 1L)], events.Select(e => (e.Key, e.Revision)));
        Assert.Equal([1L], journal.Committed);
    }

    private sealed class FailingJournal : IWriteJournal
    {
        public bool FailNext { get; set; }

        public List<long> Committed { get; } = [];

        public void Commit(IReadOnlyList<Change> changes, long revision)
        {
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("disk full");
            }
            Committed.Add(revision);
        }

        public void Dispose()
        {
        }
    }
}
