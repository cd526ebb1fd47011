using System.Text;

namespace Flotilla.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IResourceStore"/> backend must have. Each backend runs all of it through a
/// subclass that says how to open a fresh store.
/// </summary>
public abstract class ResourceStoreConformanceTests : IAsyncLifetime
{
    private readonly List<IResourceStore> _stores = [];

    /// <summary>Opens a new, empty store of the backend under test.</summary>
    protected abstract Task<IResourceStore> CreateStoreAsync(ResourceStoreOptions? options);

    public Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    /// <summary>Opens a store that is disposed when the test ends.</summary>
    protected async Task<IResourceStore> OpenAsync(ResourceStoreOptions? options = null)
    {
        var store = await CreateStoreAsync(options);
        _stores.Add(store);
        return store;
    }

    /// <summary>A render function whose bytes name the text and the revision they were rendered for.</summary>
    protected static Func<long, byte[]> Render(string text) => revision => Bytes(text, revision);

    protected static byte[] Bytes(string text, long revision) => Encoding.UTF8.GetBytes($"{text}@{revision}");

    protected static string Text(byte[] value) => Encoding.UTF8.GetString(value);

    [Fact]
    public async Task Revision_NewStore_IsZero()
    {
        var store = await OpenAsync();

        Assert.Equal(0, store.Revision);
        Assert.Equal(0, store.CompactedRevision);
        Assert.Equal(0, store.List("/").Revision);
        Assert.Empty(store.List("/").Items);
        Assert.Null(store.Get("/a"));
    }

    [Fact]
    public async Task CreateAsync_NewKey_StoresRenderedValueAtNextRevision()
    {
        var store = await OpenAsync();

        var result = await store.CreateAsync("/pods/default/a", Render("a"));

        Assert.Equal(WriteStatus.Ok, result.Status);
        Assert.True(result.Succeeded);
        Assert.Equal(("/pods/default/a", 1L, "a@1"), (result.Value!.Key, result.Value.Revision, Text(result.Value.Value)));
        var stored = store.Get("/pods/default/a");
        Assert.NotNull(stored);
        Assert.Equal(("/pods/default/a", 1L, "a@1"), (stored.Key, stored.Revision, Text(stored.Value)));
        Assert.Equal(1, store.Revision);
    }

    [Fact]
    public async Task CreateAsync_ExistingKey_ReturnsAlreadyExistsWithCurrentValue()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a", Render("first"));
        var rendered = false;

        var result = await store.CreateAsync("/a", revision => { rendered = true; return Bytes("second", revision); });

        Assert.Equal(WriteStatus.AlreadyExists, result.Status);
        Assert.False(result.Succeeded);
        Assert.Equal(("/a", 1L, "first@1"), (result.Value!.Key, result.Value.Revision, Text(result.Value.Value)));
        Assert.False(rendered);
        Assert.Equal(1, store.Revision);
        Assert.Equal("first@1", Text(store.Get("/a")!.Value));
    }

    [Fact]
    public async Task UpdateAsync_ExpectedRevisionMatches_ReplacesValue()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a", Render("v1"));

        var result = await store.UpdateAsync("/a", 1, Render("v2"));

        Assert.Equal(WriteStatus.Ok, result.Status);
        Assert.Equal(2, result.Value!.Revision);
        Assert.Equal(("/a", 2L, "v2@2"), (store.Get("/a")!.Key, store.Get("/a")!.Revision, Text(store.Get("/a")!.Value)));
    }

    [Fact]
    public async Task UpdateAsync_StaleRevision_ReturnsConflictWithCurrentValue()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a", Render("v1"));
        await store.UpdateAsync("/a", 1, Render("v2"));

        var result = await store.UpdateAsync("/a", 1, Render("v3"));

        Assert.Equal(WriteStatus.Conflict, result.Status);
        Assert.Equal(("/a", 2L, "v2@2"), (result.Value!.Key, result.Value.Revision, Text(result.Value.Value)));
        Assert.Equal(2, store.Revision);
        Assert.Equal("v2@2", Text(store.Get("/a")!.Value));
    }

    [Fact]
    public async Task UpdateAsync_MissingKey_ReturnsNotFound()
    {
        var store = await OpenAsync();

        var result = await store.UpdateAsync("/missing", 0, Render("v"));

        Assert.Equal(new WriteResult(WriteStatus.NotFound, null), result);
        Assert.Equal(0, store.Revision);
        Assert.Null(store.Get("/missing"));
    }

    [Fact]
    public async Task DeleteAsync_ExpectedRevisionMatches_RemovesKeyAndReturnsFinalValue()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a", Render("v1"));

        var result = await store.DeleteAsync("/a", 1, Render("final"));

        Assert.Equal(WriteStatus.Ok, result.Status);
        Assert.Equal(("/a", 2L, "final@2"), (result.Value!.Key, result.Value.Revision, Text(result.Value.Value)));
        Assert.Null(store.Get("/a"));
        Assert.Empty(store.List("/").Items);
        Assert.Equal(2, store.Revision);
    }

    [Fact]
    public async Task DeleteAsync_StaleRevision_ReturnsConflictAndKeepsKey()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a", Render("v1"));
        await store.UpdateAsync("/a", 1, Render("v2"));

        var result = await store.DeleteAsync("/a", 1, Render("final"));

        Assert.Equal(WriteStatus.Conflict, result.Status);
        Assert.Equal(2, result.Value!.Revision);
        Assert.Equal("v2@2", Text(store.Get("/a")!.Value));
        Assert.Equal(2, store.Revision);
    }

    [Fact]
    public async Task DeleteAsync_MissingKey_ReturnsNotFound()
    {
        var store = await OpenAsync();

        var result = await store.DeleteAsync("/missing", 3, Render("final"));

        Assert.Equal(new WriteResult(WriteStatus.NotFound, null), result);
        Assert.Equal(0, store.Revision);
    }

    [Fact]
    public async Task Writes_AcrossKeysAndKinds_GetOneGlobalStrictlyIncreasingRevision()
    {
        var store = await OpenAsync();

        var revisions = new List<long>
        {
            (await store.CreateAsync("/x/a", Render("a"))).Value!.Revision,
            (await store.CreateAsync("/y/b", Render("b"))).Value!.Revision,
            (await store.UpdateAsync("/x/a", 1, Render("a2"))).Value!.Revision,
            (await store.DeleteAsync("/y/b", 2, Render("b-final"))).Value!.Revision,
        };
        // Failed writes take no revision.
        Assert.Equal(WriteStatus.Conflict, (await store.UpdateAsync("/x/a", 1, Render("stale"))).Status);
        revisions.Add((await store.CreateAsync("/y/b", Render("b-again"))).Value!.Revision);

        Assert.Equal([1L, 2, 3, 4, 5], revisions);
        Assert.Equal(5, store.Revision);
        Assert.Equal(5, store.Get("/y/b")!.Revision);
    }

    [Fact]
    public async Task CreateAsync_RenderThrows_FailsThatWriteWithoutTakingARevision()
    {
        var store = await OpenAsync();
        var failure = new InvalidOperationException("render failed");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await store.CreateAsync("/a", _ => throw failure));
        var next = await store.CreateAsync("/b", Render("b"));

        Assert.Same(failure, error);
        Assert.Null(store.Get("/a"));
        Assert.Equal(1, next.Value!.Revision);
        Assert.Equal(1, store.Revision);
    }

    [Fact]
    public async Task CreateAsync_CanceledToken_IsCanceledAndWritesNothing()
    {
        var store = await OpenAsync();
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await store.CreateAsync("/a", Render("a"), canceled.Token));

        Assert.Null(store.Get("/a"));
        Assert.Equal(0, store.Revision);
    }

    [Fact]
    public async Task List_Prefix_ReturnsMatchingKeysInOrdinalOrderAtCurrentRevision()
    {
        var store = await OpenAsync();
        foreach (var key in new[] { "/r/ns/b", "/r/ns/a", "/r/ns/C", "/r/other/a", "/s/ns/a" })
        {
            await store.CreateAsync(key, Render(key));
        }
        await store.UpdateAsync("/r/ns/a", 2, Render("a2"));

        var list = store.List("/r/ns/");

        Assert.Equal(6, list.Revision);
        Assert.Equal(
            [("/r/ns/C", 3L, "/r/ns/C@3"), ("/r/ns/a", 6L, "a2@6"), ("/r/ns/b", 1L, "/r/ns/b@1")],
            list.Items.Select(i => (i.Key, i.Revision, Text(i.Value))));
        Assert.Equal(5, store.List("/").Items.Count);
        Assert.Equal(5, store.List("").Items.Count);
    }

    [Fact]
    public async Task List_PrefixEndingInSlash_DoesNotMatchSiblingSharingItsText()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a/b/x", Render("in"));
        await store.CreateAsync("/a/bc/x", Render("out"));
        await store.CreateAsync("/a/b", Render("out"));

        var list = store.List("/a/b/");

        Assert.Equal(["/a/b/x"], list.Items.Select(i => i.Key));
    }

    [Fact]
    public async Task List_PrefixEndingInMaxChar_ReturnsExactlyKeysStartingWithIt()
    {
        var store = await OpenAsync();
        var max = char.MaxValue.ToString();
        foreach (var key in new[] { "/a", $"/a{max}", $"/a{max}1", $"/a{max}{max}", "/b", $"{max}{max}" })
        {
            await store.CreateAsync(key, Render("v"));
        }

        Assert.Equal([$"/a{max}", $"/a{max}1", $"/a{max}{max}"], store.List($"/a{max}").Items.Select(i => i.Key));
        Assert.Equal([$"{max}{max}"], store.List(max).Items.Select(i => i.Key));
    }

    [Fact]
    public async Task Watch_FromListRevision_SeesExactlyTheLaterChanges()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/w/a", Render("a"));
        await store.CreateAsync("/w/b", Render("b"));
        var list = store.List("/w/");
        await store.CreateAsync("/w/c", Render("c"));

        var start = store.Watch("/w/", list.Revision);
        await store.UpdateAsync("/w/a", 1, Render("a2"));
        await using var reader = new WatchReader(start.Watch!);
        var events = await reader.ReadAsync(2, "changes after the list");

        Assert.False(start.Expired);
        Assert.Equal(
            [new SeenEvent(WatchEventType.Added, "/w/c", 3, "c@3", null), new SeenEvent(WatchEventType.Modified, "/w/a", 4, "a2@4", "a@1")],
            events.Select(SeenEvent.From));
    }

    [Fact]
    public async Task Watch_ModifiedAndDeleted_CarryPreviousValue()
    {
        var store = await OpenAsync();
        var start = store.Watch("/p/", 0);
        await store.CreateAsync("/p/a", Render("created"));
        await store.UpdateAsync("/p/a", 1, Render("updated"));
        await store.DeleteAsync("/p/a", 2, Render("final"));
        await using var reader = new WatchReader(start.Watch!);

        var events = await reader.ReadAsync(3, "create, update, delete");

        Assert.Equal(
            [
                new SeenEvent(WatchEventType.Added, "/p/a", 1, "created@1", null),
                new SeenEvent(WatchEventType.Modified, "/p/a", 2, "updated@2", "created@1"),
                new SeenEvent(WatchEventType.Deleted, "/p/a", 3, "final@3", "updated@2"),
            ],
            events.Select(SeenEvent.From));
    }

    [Fact]
    public async Task Watch_PrefixEndingInSlash_IgnoresSiblingSharingItsText()
    {
        var store = await OpenAsync();
        await store.CreateAsync("/a/bc/replayed-out", Render("v"));
        await store.CreateAsync("/a/b/replayed-in", Render("v"));
        var start = store.Watch("/a/b/", 0);
        await store.CreateAsync("/a/bc/live-out", Render("v"));
        await store.CreateAsync("/a/b", Render("v"));
        await store.CreateAsync("/a/b/live-in", Render("v"));
        await using var reader = new WatchReader(start.Watch!);

        var events = await reader.ReadAsync(2, "matching events");
        start.Watch!.Dispose();
        var (rest, error) = await reader.ReadToEndAsync("after dispose");

        Assert.Equal([("/a/b/replayed-in", 2L), ("/a/b/live-in", 5L)], events.Select(e => (e.Key, e.Revision)));
        Assert.Empty(rest);
        Assert.Null(error);
    }

    [Fact]
    public async Task Watch_ConcurrentWriters_DeliversEveryMatchingEventOnceInRevisionOrder()
    {
        const int Writers = 8;
        const int WritesPerWriter = 500;
        const int Total = Writers * WritesPerWriter;
        var store = await OpenAsync();
        var midway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Watchers reading while the writers run: everything from the start, one writer's keys from the start,
        // and (below) everything from a revision reached mid-run, which mixes replay and live events.
        var everything = ReadAllAsync(store.Watch("/race/", 0).Watch!, Total, "all keys from 0");
        var writer3 = ReadAllAsync(store.Watch("/race/w3/", 0).Watch!, WritesPerWriter, "writer 3 from 0");
        var writers = Enumerable.Range(0, Writers)
            .Select(w => Task.Run(() => WriteSequenceAsync(store, w, WritesPerWriter, w == 0 ? midway : null)))
            .ToArray();
        await midway.Task.WaitAsync(WatchReader.Timeout);
        var joinedAfter = store.Revision;
        var joined = ReadAllAsync(store.Watch("/race/", joinedAfter).Watch!, Total - (int)joinedAfter, "all keys from mid-run");

        var history = (await Task.WhenAll(writers).WaitAsync(WatchReader.Timeout)).SelectMany(h => h).OrderBy(e => e.Revision).ToList();
        // A watcher that starts after the writers finished replays from the window only.
        var replayed = ReadAllAsync(store.Watch("/race/w5/", 2000).Watch!, history.Count(e => e.Revision > 2000 && e.Key.StartsWith("/race/w5/", StringComparison.Ordinal)), "writer 5 replay");

        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), history.Select(e => e.Revision));
        Assert.Equal(history, await everything);
        Assert.Equal(history.Where(e => e.Key.StartsWith("/race/w3/", StringComparison.Ordinal)), await writer3);
        Assert.Equal(history.Where(e => e.Revision > joinedAfter), await joined);
        Assert.Equal(history.Where(e => e.Revision > 2000 && e.Key.StartsWith("/race/w5/", StringComparison.Ordinal)), await replayed);
    }

    [Fact]
    public async Task List_DuringConcurrentWrites_PlusWatchFromItsRevisionRebuildsFinalState()
    {
        const int Writers = 4;
        const int WritesPerWriter = 300;
        var store = await OpenAsync();
        var midway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writers = Enumerable.Range(0, Writers)
            .Select(w => Task.Run(() => WriteSequenceAsync(store, w, WritesPerWriter, w == 0 ? midway : null)))
            .ToArray();

        // What an informer does: list, then watch from the list's revision.
        await midway.Task.WaitAsync(WatchReader.Timeout);
        var snapshot = store.List("/race/");
        var start = store.Watch("/race/", snapshot.Revision);
        await Task.WhenAll(writers).WaitAsync(WatchReader.Timeout);
        var final = store.List("/race/");
        await using var reader = new WatchReader(start.Watch!);
        var events = await reader.ReadAsync((int)(final.Revision - snapshot.Revision), "events after the snapshot");
        var rebuilt = snapshot.Items.ToDictionary(i => i.Key, i => (i.Revision, Text(i.Value)));
        foreach (var e in events)
        {
            if (e.Type == WatchEventType.Deleted)
            {
                Assert.True(rebuilt.Remove(e.Key), $"delete of '{e.Key}' at {e.Revision} for a key not in the snapshot or earlier events");
            }
            else
            {
                Assert.Equal(e.Type == WatchEventType.Added, !rebuilt.ContainsKey(e.Key));
                rebuilt[e.Key] = (e.Revision, Text(e.Value));
            }
        }

        Assert.All(snapshot.Items, i => Assert.True(i.Revision <= snapshot.Revision, $"'{i.Key}' at {i.Revision} is newer than its list"));
        Assert.Equal(Writers * WritesPerWriter, final.Revision);
        Assert.Equal(
            final.Items.Select(i => (i.Key, i.Revision, Text(i.Value))),
            rebuilt.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, p.Value.Revision, p.Value.Item2)));
    }

    [Fact]
    public async Task Watch_BelowCompactedRevision_IsExpired()
    {
        var store = await OpenAsync(new ResourceStoreOptions { EventWindowSize = 5 });
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync($"/e/{i}", Render("v"));
        }

        var start = store.Watch("/e/", 4);

        Assert.Equal(5, store.CompactedRevision);
        Assert.True(start.Expired);
        Assert.Null(start.Watch);
        Assert.Equal(5, start.OldestAvailableRevision);
    }

    [Fact]
    public async Task Watch_AtCompactedRevision_ReplaysRetainedEventsThenLiveOnes()
    {
        var store = await OpenAsync(new ResourceStoreOptions { EventWindowSize = 5 });
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync($"/e/{i}", Render("v"));
        }

        var start = store.Watch("/e/", 5);
        await store.CreateAsync("/e/live", Render("v"));
        await using var reader = new WatchReader(start.Watch!);
        var events = await reader.ReadAsync(6, "retained then live");

        Assert.False(start.Expired);
        Assert.Equal(5, start.OldestAvailableRevision);
        Assert.Equal([6L, 7, 8, 9, 10, 11], events.Select(e => e.Revision));
        Assert.Equal("/e/live", events[^1].Key);
    }

    [Fact]
    public async Task Watch_ReaderFallsBehindBuffer_EndsWithOverflowWhileWritersContinue()
    {
        var store = await OpenAsync(new ResourceStoreOptions { WatcherBufferSize = 4 });
        var start = store.Watch("/o/", 0);

        // Nobody reads yet: every write must still complete.
        for (var i = 0; i < 10; i++)
        {
            Assert.True((await store.CreateAsync($"/o/{i}", Render("v"))).Succeeded);
        }
        await using var reader = new WatchReader(start.Watch!);
        var (events, error) = await reader.ReadToEndAsync("overflowed watch");
        var overflow = Assert.IsType<WatchOverflowException>(error);
        var resumed = store.Watch("/o/", overflow.LastDeliveredRevision);
        await using var resumedReader = new WatchReader(resumed.Watch!);
        var rest = await resumedReader.ReadAsync(6, "resumed watch");

        Assert.Equal([1L, 2, 3, 4], events.Select(e => e.Revision));
        Assert.Equal(4, overflow.LastDeliveredRevision);
        Assert.Equal([5L, 6, 7, 8, 9, 10], rest.Select(e => e.Revision));
        Assert.Equal(10, store.Revision);
    }

    [Fact]
    public async Task Watch_Disposed_EndsEnumerationNormally()
    {
        var store = await OpenAsync();
        var start = store.Watch("/d/", 0);
        await using var reader = new WatchReader(start.Watch!);
        await store.CreateAsync("/d/a", Render("v"));
        await reader.ReadAsync(1, "first event");

        start.Watch!.Dispose();
        await store.CreateAsync("/d/b", Render("v"));
        var (rest, error) = await reader.ReadToEndAsync("disposed watch");

        Assert.Empty(rest);
        Assert.Null(error);
    }

    [Fact]
    public async Task DisposeAsync_ActiveWatches_EndTheirEnumerationsNormally()
    {
        var store = await OpenAsync();
        var start = store.Watch("/d/", 0);
        var idle = store.Watch("/elsewhere/", 0);
        await using var reader = new WatchReader(start.Watch!);
        await using var idleReader = new WatchReader(idle.Watch!);
        await store.CreateAsync("/d/a", Render("v"));
        var first = await reader.ReadAsync(1, "event before dispose");

        // Started before dispose, so the readers are parked waiting for live events.
        var pending = reader.ReadToEndAsync("watch during dispose");
        var idlePending = idleReader.ReadToEndAsync("idle watch during dispose");
        await store.DisposeAsync();
        var (rest, error) = await pending;
        var (idleRest, idleError) = await idlePending;

        Assert.Equal("/d/a", first[0].Key);
        Assert.Empty(rest);
        Assert.Null(error);
        Assert.Empty(idleRest);
        Assert.Null(idleError);
    }

    [Fact]
    public async Task DisposeAsync_QueuedWrites_CompleteBeforeItReturns()
    {
        var store = await OpenAsync();

        var writes = Enumerable.Range(0, 200).Select(i => store.CreateAsync($"/q/{i:D3}", Render("v")).AsTask()).ToArray();
        await store.DisposeAsync();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), writes.Select(w => w.Result.Value!.Revision).Order());
        Assert.Equal(200, store.Revision);
    }

    [Fact]
    public async Task CreateAsync_AfterDispose_ThrowsObjectDisposed()
    {
        var store = await OpenAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.CreateAsync("/a", Render("v")));
        Assert.Throws<ObjectDisposedException>(() => store.Watch("/", 0));
    }

    private static async Task<List<SeenEvent>> ReadAllAsync(IStoreWatch watch, int count, string phase)
    {
        await using var reader = new WatchReader(watch);
        var events = await reader.ReadAsync(count, phase);
        // Nothing may follow the expected events: end the watch and check the buffer held no extras.
        watch.Dispose();
        var (rest, error) = await reader.ReadToEndAsync(phase + " (after the expected events)");
        Assert.Null(error);
        Assert.Empty(rest);
        return [.. events.Select(SeenEvent.From)];
    }

    /// <summary>
    /// One writer's run over its own ten keys: creates, updates and deletes, each expected to succeed. Returns
    /// the events the writes should produce.
    /// </summary>
    private static async Task<List<SeenEvent>> WriteSequenceAsync(IResourceStore store, int writer, int count, TaskCompletionSource? midway)
    {
        var current = new Dictionary<string, StoredValue>();
        var events = new List<SeenEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var key = $"/race/w{writer}/k{i % 10}";
            var text = $"w{writer}-{i}";
            current.TryGetValue(key, out var previous);
            WriteResult result;
            WatchEventType type;
            if (previous is null)
            {
                (result, type) = (await store.CreateAsync(key, Render(text)), WatchEventType.Added);
            }
            else if (i / 10 % 3 == 2)
            {
                (result, type) = (await store.DeleteAsync(key, previous.Revision, Render(text)), WatchEventType.Deleted);
            }
            else
            {
                (result, type) = (await store.UpdateAsync(key, previous.Revision, Render(text)), WatchEventType.Modified);
            }
            Assert.Equal(WriteStatus.Ok, result.Status);
            var stored = result.Value!;
            Assert.Equal(Bytes(text, stored.Revision), stored.Value);
            events.Add(new SeenEvent(type, key, stored.Revision, Text(stored.Value), previous is null ? null : Text(previous.Value)));
            if (type == WatchEventType.Deleted)
            {
                current.Remove(key);
            }
            else
            {
                current[key] = stored;
            }
            if (i == count / 4)
            {
                midway?.TrySetResult();
            }
        }
        return events;
    }
}
