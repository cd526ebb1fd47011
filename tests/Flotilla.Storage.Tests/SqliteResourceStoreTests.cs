using Microsoft.Data.Sqlite;

namespace Flotilla.Storage.Tests;

public sealed class SqliteResourceStoreTests : ResourceStoreConformanceTests
{
    private readonly string _directory = Directory.CreateTempSubdirectory("flotilla-storage-").FullName;

    private string DatabasePath => Path.Combine(_directory, "store.db");

    protected override async Task<IResourceStore> CreateStoreAsync(ResourceStoreOptions? options) =>
        await SqliteResourceStore.OpenAsync(DatabasePath, options);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task OpenAsync_ExistingFile_RestoresStateAndKeepsRevisionsIncreasing()
    {
        var first = await SqliteResourceStore.OpenAsync(DatabasePath);
        await first.CreateAsync("/k/a", Render("a"));
        await first.CreateAsync("/k/b", Render("b"));
        await first.UpdateAsync("/k/a", 1, Render("a2"));
        await first.CreateAsync("/k/c", Render("c"));
        // The last write is a delete: its revision is on no stored object, yet must not be reused.
        await first.DeleteAsync("/k/c", 4, Render("c-final"));
        var before = first.List("/");
        await first.DisposeAsync();

        var reopened = (SqliteResourceStore)await OpenAsync();
        var after = reopened.List("/");
        var next = await reopened.CreateAsync("/k/d", Render("d"));

        Assert.Equal(5, before.Revision);
        Assert.Equal(5, after.Revision);
        Assert.Equal(
            before.Items.Select(i => (i.Key, i.Revision, Text(i.Value))),
            after.Items.Select(i => (i.Key, i.Revision, Text(i.Value))));
        Assert.Equal([("/k/a", 3L, "a2@3"), ("/k/b", 2L, "b@2")], after.Items.Select(i => (i.Key, i.Revision, Text(i.Value))));
        Assert.Equal(6, next.Value!.Revision);
        Assert.Equal(6, reopened.Revision);
    }

    [Fact]
    public async Task OpenAsync_ExistingFile_StartsWindowAtStoredRevision()
    {
        var first = await SqliteResourceStore.OpenAsync(DatabasePath);
        for (var i = 0; i < 3; i++)
        {
            await first.CreateAsync($"/k/{i}", Render("v"));
        }
        await first.DisposeAsync();

        var reopened = await OpenAsync();
        var old = reopened.Watch("/k/", 2);
        var current = reopened.Watch("/k/", 3);
        await reopened.CreateAsync("/k/new", Render("v"));
        await using var reader = new WatchReader(current.Watch!);
        var events = await reader.ReadAsync(1, "first write after reopening");

        Assert.Equal(3, reopened.CompactedRevision);
        Assert.True(old.Expired);
        Assert.Equal(3, old.OldestAvailableRevision);
        Assert.Equal(("/k/new", 4L), (events[0].Key, events[0].Revision));
    }

    [Fact]
    public async Task DisposeAsync_QueuedWrites_AreDurableAfterReopen()
    {
        var first = await SqliteResourceStore.OpenAsync(DatabasePath);
        var writes = Enumerable.Range(0, 300).Select(i => first.CreateAsync($"/q/{i:D3}", Render($"v{i}")).AsTask()).ToArray();
        await first.DisposeAsync();

        var reopened = await OpenAsync();
        var list = reopened.List("/q/");

        Assert.All(writes, w => Assert.Equal(WriteStatus.Ok, w.Result.Status));
        Assert.Equal(300, reopened.Revision);
        Assert.Equal(
            writes.Select(w => (w.Result.Value!.Key, w.Result.Value.Revision, Text(w.Result.Value.Value))).Order(),
            list.Items.Select(i => (i.Key, i.Revision, Text(i.Value))));
    }

    [Fact]
    public async Task CreateAsync_ManyConcurrentWrites_AreGroupedIntoFewTransactions()
    {
        const int Writes = 1_000;
        var store = (SqliteResourceStore)await OpenAsync(new ResourceStoreOptions { MaxBatchSize = 400 });
        var rendering = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();

        // Hold the writer inside the first write's render (it runs on the writer thread), so the next writes
        // queue up behind a commit exactly as concurrent clients' writes do behind a slow fsync.
        var gated = store.CreateAsync("/g/first", revision =>
        {
            rendering.TrySetResult();
            return release.Wait(WatchReader.Timeout) ? Bytes("first", revision) : throw new TimeoutException("test never released the writer");
        }).AsTask();
        await rendering.Task.WaitAsync(WatchReader.Timeout);
        var queued = Enumerable.Range(0, Writes).Select(i => store.CreateAsync($"/g/{i:D4}", Render("v")).AsTask()).ToArray();
        release.Set();
        var results = await Task.WhenAll(queued).WaitAsync(WatchReader.Timeout);

        Assert.Equal(1, (await gated).Value!.Revision);
        // Queue order is commit order: the queued writes got revisions 2..1001 in the order they were issued.
        Assert.Equal(Enumerable.Range(2, Writes).Select(i => (long)i), results.Select(r => r.Value!.Revision));
        // One transaction for the first write, then the 1,000 queued ones in batches of at most 400.
        Assert.Equal(1 + 3, store.CommittedTransactions);
    }

    [Fact]
    public async Task OpenAsync_NewFile_CreatesWriteAheadLogDatabaseWithSchema()
    {
        var store = await SqliteResourceStore.OpenAsync(DatabasePath);
        await store.CreateAsync("/k/a", Render("v"));
        await store.DisposeAsync();

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        var journalMode = (string?)await command.ExecuteScalarAsync();
        command.CommandText = "SELECT value FROM meta WHERE name = 'revision'";
        var revision = (long?)await command.ExecuteScalarAsync();
        command.CommandText = "SELECT key || ' ' || revision FROM objects";
        var row = (string?)await command.ExecuteScalarAsync();

        Assert.Equal("wal", journalMode);
        Assert.Equal(1, revision);
        Assert.Equal("/k/a 1", row);
    }

    [Fact]
    public async Task OpenAsync_FileHeldByOpenStore_FailsWithInUseError()
    {
        var holder = await OpenAsync();
        await holder.CreateAsync("/k/a", Render("v"));

        var error = await Assert.ThrowsAsync<IOException>(() => SqliteResourceStore.OpenAsync(DatabasePath));

        Assert.IsType<SqliteException>(error.InnerException);
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
        // The holder is unaffected.
        Assert.True((await holder.UpdateAsync("/k/a", 1, Render("v2"))).Succeeded);
    }
}
