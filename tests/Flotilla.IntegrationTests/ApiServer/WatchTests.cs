using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer;
using Flotilla.Storage;
using Flotilla.Testing;
using static Flotilla.IntegrationTests.ApiServer.KubeHttp;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>
/// Watch over real HTTPS, read line by line as clients read it: resuming from any resourceVersion under concurrent
/// writes, 410 past the window, bookmarks, timeouts, selectors and their transitions, initial events, list+watch.
/// </summary>
public sealed class WatchTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";
    private const string Pods = "/api/v1/namespaces/default/pods";

    /// <summary>One acknowledged write: the event every watcher must see for it (deletes answer with a Status, so their revision is unknown).</summary>
    private sealed record Write(string Type, string Name, string Value, long? Revision);

    /// <remarks>
    /// The memory run watches over HTTP/2, where leaving a watch resets its stream at once (as client-go does); the
    /// cheaper SQLite run watches over HTTP/1.1 (as the Python client does), where each abandoned connection is
    /// drained first, which costs too much for hundreds of reconnects.
    /// </remarks>
    [Theory]
    [InlineData(StorageBackend.Memory, 8, 200, 4, "2.0")]
    [InlineData(StorageBackend.Sqlite, 4, 30, 2, "1.1")]
    public async Task Watch_ConcurrentWritersAndResumingWatchers_EveryHistoryEqualsTheStoreHistory(
        StorageBackend storage, int writers, int writesPerWriter, int watchers, string httpVersion)
    {
        // Short bookmarks, so that watchers also resume from bookmark resourceVersions.
        await using var server = await TestApiServer.StartAsync(storage, bookmarkInterval: TimeSpan.FromMilliseconds(20));
        using var client = server.CreateHttpClient();
        var start = Revision(await GetObjectAsync(client, ConfigMaps));

        var following = Enumerable.Range(0, watchers).Select(i => FollowUntilDoneAsync(client, Version.Parse(httpVersion), i, start)).ToList();
        var written = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => WriteRandomlyAsync(client, w, writesPerWriter)));
        var done = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "done"));
        var histories = await Task.WhenAll(following);

        // Nothing else writes to this server, so the store's history after `start` is exactly these writes, under
        // consecutive revisions ending with the sentinel's.
        var total = written.Sum(w => w.Count) + 1;
        Assert.Equal(start + total, Revision(done));
        for (var i = 0; i < histories.Length; i++)
        {
            var history = histories[i];
            // No loss, no duplicate, in order: every revision once, ascending.
            Assert.Equal(Enumerable.Range(0, total).Select(k => start + 1 + k), history.Select(e => e.Revision));
            // Each writer's writes, in its order, with its values and (for creates and updates) its revisions.
            for (var w = 0; w < written.Length; w++)
            {
                var expected = written[w];
                var seen = history.Where(e => e.Name.StartsWith($"w{w}-", StringComparison.Ordinal))
                    .Select((e, k) => new Write(e.Type, e.Name, (string)e.Object["data"]!["value"]!,
                        k < expected.Count && expected[k].Revision is null ? null : e.Revision))
                    .ToList();
                Assert.Equal(expected, seen);
            }
            AssertJsonEqual(done, history[^1].Object);
            // Every watcher saw the very same events, byte for byte.
            Assert.Equal(histories[0].Select(e => e.Raw), history.Select(e => e.Raw));
        }
    }

    /// <summary>
    /// Creates, updates (PUT or merge patch) and deletes the writer's own four objects at random; returns the
    /// acknowledged writes in order.
    /// </summary>
    private static async Task<List<Write>> WriteRandomlyAsync(HttpClient client, int writer, int count)
    {
        var random = new Random(writer);
        var live = new Dictionary<string, JsonObject>();
        var writes = new List<Write>(count);
        for (var i = 0; i < count; i++)
        {
            var name = $"w{writer}-{random.Next(4)}";
            var value = $"{writer}.{i}";
            var path = $"{ConfigMaps}/{name}";
            if (!live.TryGetValue(name, out var current))
            {
                var created = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", name, value));
                live[name] = created;
                writes.Add(new Write("ADDED", name, value, Revision(created)));
            }
            else if (random.Next(4) == 0)
            {
                await DeleteObjectAsync(client, path);
                live.Remove(name);
                writes.Add(new Write("DELETED", name, (string)current["data"]!["value"]!, null));
            }
            else
            {
                JsonObject updated;
                if (random.Next(2) == 0)
                {
                    var body = current.DeepClone().AsObject();
                    body["data"]!["value"] = value;
                    updated = await PutObjectAsync(client, path, body);
                }
                else
                {
                    updated = await PatchObjectAsync(client, path, new JsonObject { ["data"] = new JsonObject { ["value"] = value } });
                }
                live[name] = updated;
                writes.Add(new Write("MODIFIED", name, value, Revision(updated)));
            }
        }
        return writes;
    }

    /// <summary>
    /// Watches from <paramref name="start"/>, dropping the connection after a random number of events and resuming
    /// from the last resourceVersion seen (event or bookmark), until the sentinel object "done" arrives.
    /// </summary>
    private static async Task<List<WatchLine>> FollowUntilDoneAsync(HttpClient client, Version httpVersion, int index, long start)
    {
        var random = new Random(1000 + index);
        var history = new List<WatchLine>();
        var resumeFrom = start;
        var reconnects = 0;
        while (true)
        {
            await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={resumeFrom}", httpVersion);
            for (var budget = random.Next(1, 60); budget > 0; budget--)
            {
                var phase = $"watcher {index} resumed from {resumeFrom} ({history.Count} events, {reconnects} reconnects)";
                var next = await watch.NextAsync(phase) ?? throw new InvalidOperationException($"{phase}: the server ended the watch");
                Assert.True(next.Revision >= resumeFrom, $"{phase}: resourceVersion went back: {next.Raw}");
                resumeFrom = next.Revision;
                if (next.Type == "BOOKMARK")
                {
                    continue;
                }
                Assert.True(next.Type is "ADDED" or "MODIFIED" or "DELETED", $"{phase}: unexpected event {next.Raw}");
                history.Add(next);
                if (next.Name == "done")
                {
                    return history;
                }
            }
            reconnects++;
        }
    }

    [Fact]
    public async Task Watch_ResourceVersionOlderThanTheWindow_OneExpiredErrorThenTheStreamEnds()
    {
        await using var server = await TestApiServer.StartAsync(storeOptions: new ResourceStoreOptions { EventWindowSize = 5 });
        using var client = server.CreateHttpClient();
        JsonObject last = null!;
        for (var i = 0; i < 10; i++)
        {
            last = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", $"cm-{i}"));
        }
        // The window holds the last five events, so a watch may start after the revision just before them.
        var oldest = Revision(last) - 5;

        await using (var inside = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={oldest}"))
        {
            var replayed = await inside.ReadAsync(5, "watch from the oldest retained revision");
            Assert.Equal(["cm-5", "cm-6", "cm-7", "cm-8", "cm-9"], replayed.Select(e => e.Name));
            Assert.All(replayed, e => Assert.Equal("ADDED", e.Type));
        }

        await using var expired = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={oldest - 1}");
        var events = await expired.ReadToEndAsync("watch from before the window");
        var error = Assert.Single(events);
        Assert.Equal("ERROR", error.Type);
        var status = error.Object.DeepClone().AsObject();
        if (status["details"] is JsonObject { Count: 0 })
        {
            status.Remove("details");
        }
        AssertJsonEqual(Parse($$$"""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: {{{oldest - 1}}} ({{{oldest}}})","reason":"Expired","code":410}
            """), status);
    }

    [Fact]
    public async Task Watch_AllowWatchBookmarks_PeriodicBookmarksCarryTheLatestResourceVersion()
    {
        await using var server = await TestApiServer.StartAsync(bookmarkInterval: TimeSpan.FromMilliseconds(100));
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={listed}");

        var idle = await watch.ExpectAsync("first periodic bookmark on an idle watch");
        Assert.Equal("BOOKMARK", idle.Type);
        AssertJsonEqual(Bookmark(listed), idle.Object);

        var created = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a"));
        WatchLine added;
        while ((added = await watch.ExpectAsync("ADDED after the create")).Type == "BOOKMARK")
        {
            AssertJsonEqual(Bookmark(listed), added.Object);
        }
        Assert.Equal("ADDED", added.Type);
        AssertJsonEqual(created, added.Object);

        var after = await watch.ExpectAsync("periodic bookmark after the create");
        Assert.Equal("BOOKMARK", after.Type);
        AssertJsonEqual(Bookmark(ResourceVersion(created)), after.Object);
    }

    /// <summary>
    /// Bookmarks carry the store's progress (upstream: the current resourceVersion), not the watch's last event: a
    /// watch on a quiet namespace while another churns can resume from its last bookmark even after the window has
    /// dropped everything it saw (before, it resumed from its start, got 410 and had to re-list).
    /// </summary>
    [Fact]
    public async Task Watch_QuietNamespaceWhileAnotherChurns_BookmarksCarryTheStoresProgressToResumeFrom()
    {
        await using var server = await TestApiServer.StartAsync(bookmarkInterval: TimeSpan.FromMilliseconds(50), storeOptions: new ResourceStoreOptions { EventWindowSize = 3 });
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&resourceVersion={listed}");
        string last = listed;
        for (var i = 0; i < 6; i++)
        {
            last = ResourceVersion(await CreateObjectAsync(client, "/api/v1/namespaces/kube-system/configmaps", ConfigMap("kube-system", $"elsewhere-{i}")));
        }

        // Bookmarks come every 50 ms; a hundred of them without the last write's version is a failure, not a wait.
        var seen = new List<string>();
        for (var i = 0; i < 100 && (seen.Count == 0 || seen[^1] != last); i++)
        {
            var line = await watch.ExpectAsync("a bookmark at the other namespace's last write");
            Assert.Equal("BOOKMARK", line.Type);
            seen.Add(line.Object.At("metadata", "resourceVersion")?.GetValue<string>() ?? "");
        }
        Assert.True(seen[^1] == last, $"bookmarks carried {string.Join(", ", seen.Distinct())}, never {last}");
        await using var resumed = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={last}");
        var created = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "after-the-churn"));
        var next = await resumed.ExpectAsync("the create after resuming from the bookmark (not a 410)");
        Assert.Equal("ADDED", next.Type);
        AssertJsonEqual(created, next.Object);
    }

    [Fact]
    public async Task Watch_TimeoutSecondsWithBookmarks_OneBookmarkThenTheStreamEnds()
    {
        // The default bookmark interval (a minute) is far beyond the timeout: only the closing bookmark can come.
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));
        var created = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a"));

        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion={listed}");
        var events = await watch.ReadToEndAsync("watch with timeoutSeconds=1 until it ends");

        Assert.Equal(["ADDED", "BOOKMARK"], events.Select(e => e.Type));
        AssertJsonEqual(created, events[0].Object);
        AssertJsonEqual(Bookmark(ResourceVersion(created)), events[1].Object);
    }

    [Fact]
    public async Task Watch_TimeoutSecondsWithoutAllowWatchBookmarks_EndsWithoutAnyBookmark()
    {
        // Bookmarks would be due every 50 ms, but the client did not allow them.
        await using var server = await TestApiServer.StartAsync(bookmarkInterval: TimeSpan.FromMilliseconds(50));
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));

        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&timeoutSeconds=1&resourceVersion={listed}");
        var events = await watch.ReadToEndAsync("watch with timeoutSeconds=1 until it ends");

        Assert.Empty(events);
    }

    [Fact]
    public async Task Watch_LabelSelector_ObjectsEnteringTheSelectionAreAddedAndLeavingItDeleted()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&labelSelector=app%3Dweb&resourceVersion={listed}");

        var a = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a", labels: new JsonObject { ["app"] = "web" }));
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "b", labels: new JsonObject { ["app"] = "db" }));
        var bEnters = await PatchObjectAsync(client, $"{ConfigMaps}/b", Parse("""{"metadata":{"labels":{"app":"web"}}}"""));
        var aChanged = await PatchObjectAsync(client, $"{ConfigMaps}/a", Parse("""{"data":{"value":"a2"}}"""));
        var aLeaves = await PatchObjectAsync(client, $"{ConfigMaps}/a", Parse("""{"metadata":{"labels":{"app":"db"}}}"""));
        await PatchObjectAsync(client, $"{ConfigMaps}/a", Parse("""{"data":{"value":"a3"}}"""));
        await DeleteObjectAsync(client, $"{ConfigMaps}/a");
        await DeleteObjectAsync(client, $"{ConfigMaps}/b");
        var c = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "c", labels: new JsonObject { ["app"] = "web" }));

        var events = await watch.ReadAsync(6, "label-selected events");
        Assert.Equal(["ADDED a", "ADDED b", "MODIFIED a", "DELETED a", "DELETED b", "ADDED c"], events.Select(e => $"{e.Type} {e.Name}"));
        AssertJsonEqual(a, events[0].Object);
        AssertJsonEqual(bEnters, events[1].Object);
        AssertJsonEqual(aChanged, events[2].Object);
        // As upstream's watch cache: an object leaving the selection is deleted with its last matching state,
        // at the revision of the change that made it leave.
        var aLastMatching = aChanged.DeepClone().AsObject();
        aLastMatching["metadata"]!["resourceVersion"] = ResourceVersion(aLeaves);
        AssertJsonEqual(aLastMatching, events[3].Object);
        Assert.Equal("web", (string?)events[4].Object["metadata"]!["labels"]!["app"]);
        Assert.True(events[4].Revision > Revision(bEnters), "a delete carries the deletion's new resourceVersion");
        AssertJsonEqual(c, events[5].Object);
    }

    [Fact]
    public async Task Watch_FieldSelectorOnStatusPhase_PodsEnteringAndLeavingThePhaseAreAddedAndDeleted()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, Pods));
        await using var watch = await HttpWatch.OpenAsync(client, $"{Pods}?watch=true&fieldSelector=status.phase%3DRunning&resourceVersion={listed}");

        var pending = await CreateObjectAsync(client, Pods, Pod("p"));
        Assert.Equal("Pending", (string?)pending["status"]!["phase"]);
        var running = await PatchObjectAsync(client, $"{Pods}/p/status", Parse("""{"status":{"phase":"Running"}}"""));
        var withIp = await PatchObjectAsync(client, $"{Pods}/p/status", Parse("""{"status":{"podIP":"10.0.0.7"}}"""));
        var succeeded = await PatchObjectAsync(client, $"{Pods}/p/status", Parse("""{"status":{"phase":"Succeeded"}}"""));
        await CreateObjectAsync(client, Pods, Pod("q"));
        var qRunning = await PatchObjectAsync(client, $"{Pods}/q/status", Parse("""{"status":{"phase":"Running"}}"""));

        var events = await watch.ReadAsync(4, "phase-selected pod events");
        Assert.Equal(["ADDED p", "MODIFIED p", "DELETED p", "ADDED q"], events.Select(e => $"{e.Type} {e.Name}"));
        AssertJsonEqual(running, events[0].Object);
        AssertJsonEqual(withIp, events[1].Object);
        var lastRunning = withIp.DeepClone().AsObject();
        lastRunning["metadata"]!["resourceVersion"] = ResourceVersion(succeeded);
        AssertJsonEqual(lastRunning, events[2].Object);
        AssertJsonEqual(qRunning, events[3].Object);
    }

    [Fact]
    public async Task Watch_FieldSelectorOnName_OnlyThatObjectsEvents()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var listed = ResourceVersion(await GetObjectAsync(client, ConfigMaps));
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&fieldSelector=metadata.name%3Db&resourceVersion={listed}");

        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a"));
        var b = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "b"));
        await PatchObjectAsync(client, $"{ConfigMaps}/a", Parse("""{"data":{"value":"a2"}}"""));
        var b2 = await PatchObjectAsync(client, $"{ConfigMaps}/b", Parse("""{"data":{"value":"b2"}}"""));
        await DeleteObjectAsync(client, $"{ConfigMaps}/a");
        await DeleteObjectAsync(client, $"{ConfigMaps}/b");
        var again = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "b"));

        var events = await watch.ReadAsync(4, "name-selected events");
        Assert.Equal(["ADDED", "MODIFIED", "DELETED", "ADDED"], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("b", e.Name));
        AssertJsonEqual(b, events[0].Object);
        AssertJsonEqual(b2, events[1].Object);
        AssertJsonEqual(again, events[3].Object);
    }

    [Fact]
    public async Task Watch_SendInitialEvents_ExistingObjectsAddedThenAnInitialEventsEndBookmark()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        foreach (var name in new[] { "b", "a", "c" })
        {
            await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", name));
        }
        await PatchObjectAsync(client, $"{ConfigMaps}/a", Parse("""{"data":{"value":"a2"}}"""));
        var list = await GetObjectAsync(client, ConfigMaps);

        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true");
        var initial = await watch.ReadAsync(4, "initial events and their end bookmark");
        Assert.Equal(["ADDED", "ADDED", "ADDED", "BOOKMARK"], initial.Select(e => e.Type));
        Assert.Equal(list["items"]!.AsArray().Select(i => i!.ToJsonString()), initial.Take(3).Select(e => e.Object.ToJsonString()));
        AssertJsonEqual(Parse("""
            {"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"@rv@","annotations":{"k8s.io/initial-events-end":"true"}}}
            """.Replace("@rv@", ResourceVersion(list), StringComparison.Ordinal)), initial[3].Object);

        var d = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "d"));
        var live = await watch.ExpectAsync("live event after the initial events");
        Assert.Equal("ADDED", live.Type);
        AssertJsonEqual(d, live.Object);
    }

    [Fact]
    public async Task Watch_SendInitialEventsWithoutNotOlderThan_BadRequest()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();

        var status = await ExpectFailureAsync(client, 400, "BadRequest", HttpMethod.Get, $"{ConfigMaps}?watch=true&sendInitialEvents=true&allowWatchBookmarks=true");
        Assert.Contains("resourceVersionMatch", (string?)status["message"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("&resourceVersion=0")]
    public async Task Watch_WithoutResourceVersionOrZero_SyntheticAddedForExistingObjectsThenChanges(string query)
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a"));
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "b"));
        var list = await GetObjectAsync(client, ConfigMaps);

        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true{query}");
        var initial = await watch.ReadAsync(2, "synthetic ADDED events");
        Assert.All(initial, e => Assert.Equal("ADDED", e.Type));
        Assert.Equal(list["items"]!.AsArray().Select(i => i!.ToJsonString()), initial.Select(e => e.Object.ToJsonString()));

        var changed = await PatchObjectAsync(client, $"{ConfigMaps}/a", Parse("""{"data":{"value":"a2"}}"""));
        var next = await watch.ExpectAsync("the change after the synthetic events");
        Assert.Equal("MODIFIED", next.Type);
        AssertJsonEqual(changed, next.Object);
    }

    [Fact]
    public async Task ListThenWatch_FromTheListResourceVersionDuringWrites_ReplayConvergesWithNoGapOrDuplicate()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            var random = new Random(7);
            var live = new HashSet<string>();
            for (var i = 0; i < 300; i++)
            {
                var name = $"cm-{random.Next(20)}";
                if (live.Add(name))
                {
                    await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", name, $"{i}"));
                }
                else if (random.Next(3) == 0)
                {
                    await DeleteObjectAsync(client, $"{ConfigMaps}/{name}");
                    live.Remove(name);
                }
                else
                {
                    await PatchObjectAsync(client, $"{ConfigMaps}/{name}", new JsonObject { ["data"] = new JsonObject { ["value"] = $"{i}" } });
                }
                if (i == 100)
                {
                    halfway.SetResult();
                }
            }
        });

        await halfway.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var list = await GetObjectAsync(client, ConfigMaps);
        var listed = Revision(list);
        var state = list["items"]!.AsArray().ToDictionary(i => Name(i!), i => i!.AsObject());
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={listed}");
        await writer;
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "done"));

        var last = listed;
        var applied = 0;
        while (true)
        {
            var next = await watch.ExpectAsync($"replaying after {applied} events from list resourceVersion {listed}");
            Assert.True(next.Revision > last, $"out of order or duplicate: {next.Raw} after revision {last}");
            last = next.Revision;
            applied++;
            switch (next.Type)
            {
                case "ADDED":
                    Assert.False(state.ContainsKey(next.Name), $"ADDED for an object the list already had: {next.Raw}");
                    state[next.Name] = next.Object;
                    break;
                case "MODIFIED":
                    Assert.True(state.ContainsKey(next.Name), $"MODIFIED for an object neither listed nor added: {next.Raw}");
                    state[next.Name] = next.Object;
                    break;
                case "DELETED":
                    Assert.True(state.Remove(next.Name), $"DELETED for an object neither listed nor added: {next.Raw}");
                    break;
                default:
                    Assert.Fail($"unexpected event {next.Raw}");
                    break;
            }
            if (next.Name == "done")
            {
                break;
            }
        }

        var final = await GetObjectAsync(client, ConfigMaps);
        Assert.Equal(Revision(final), last);
        Assert.Equal(
            final["items"]!.AsArray().Select(i => i!.ToJsonString()),
            state.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.ToJsonString()));
    }

    private static JsonObject Bookmark(string resourceVersion) =>
        Parse($$$"""{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"{{{resourceVersion}}}"}}""");

    private static JsonObject Pod(string name) => Parse($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default"},"spec":{"containers":[{"name":"main","image":"busybox"}]}}
        """);
}
