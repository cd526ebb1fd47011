using System.Text.Json.Nodes;
using Flotilla.Testing;
using static Flotilla.IntegrationTests.ApiServer.KubeHttp;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>List pagination over real HTTPS: limit/continue, one consistent snapshot across pages, bad tokens.</summary>
public sealed class ListTests
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task List_LimitAndContinue_PagesPartitionTheListWithRemainingItemCounts()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        JsonObject last = null!;
        for (var i = 0; i < 7; i++)
        {
            last = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", $"cm-{i}"));
        }
        var full = await GetObjectAsync(client, ConfigMaps);
        var revision = ResourceVersion(last);
        AssertJsonEqual(Parse($$$"""{"resourceVersion":"{{{revision}}}"}"""), full["metadata"]);

        var first = await GetObjectAsync(client, $"{ConfigMaps}?limit=3");
        var firstToken = Continue(first);
        AssertJsonEqual(Parse($$$"""{"resourceVersion":"{{{revision}}}","continue":"{{{firstToken}}}","remainingItemCount":4}"""), first["metadata"]);
        var second = await GetObjectAsync(client, $"{ConfigMaps}?limit=3&continue={Uri.EscapeDataString(firstToken)}");
        var secondToken = Continue(second);
        AssertJsonEqual(Parse($$$"""{"resourceVersion":"{{{revision}}}","continue":"{{{secondToken}}}","remainingItemCount":1}"""), second["metadata"]);
        var third = await GetObjectAsync(client, $"{ConfigMaps}?limit=3&continue={Uri.EscapeDataString(secondToken)}");
        AssertJsonEqual(Parse($$$"""{"resourceVersion":"{{{revision}}}"}"""), third["metadata"]);

        Assert.Equal([3, 3, 1], new[] { first, second, third }.Select(p => p["items"]!.AsArray().Count));
        Assert.All(new[] { first, second, third }, p => Assert.Equal(("ConfigMapList", "v1"), ((string?)p["kind"], (string?)p["apiVersion"])));
        AssertJsonEqual(full["items"], new JsonArray([.. Items(first, second, third)]));

        // A limit the list fits in is not paginated.
        var whole = await GetObjectAsync(client, $"{ConfigMaps}?limit=7");
        AssertJsonEqual(full, whole);
    }

    [Fact]
    public async Task List_WritesBetweenPages_EveryPageShowsTheFirstPagesSnapshot()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        for (var i = 0; i < 9; i++)
        {
            await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", $"cm-{i}"));
        }
        var full = await GetObjectAsync(client, ConfigMaps);

        var first = await GetObjectAsync(client, $"{ConfigMaps}?limit=3");
        await DeleteObjectAsync(client, $"{ConfigMaps}/cm-4");
        await PatchObjectAsync(client, $"{ConfigMaps}/cm-7", Parse("""{"data":{"value":"changed"}}"""));
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "cm-45"));
        await PatchObjectAsync(client, $"{ConfigMaps}/cm-0", Parse("""{"data":{"value":"changed"}}"""));
        var second = await GetObjectAsync(client, $"{ConfigMaps}?limit=3&continue={Uri.EscapeDataString(Continue(first))}");
        await DeleteObjectAsync(client, $"{ConfigMaps}/cm-8");
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "cm-9"));
        var third = await GetObjectAsync(client, $"{ConfigMaps}?limit=3&continue={Uri.EscapeDataString(Continue(second))}");

        Assert.Null(third["metadata"]!["continue"]);
        Assert.All(new[] { first, second, third }, p => Assert.Equal(ResourceVersion(full), ResourceVersion(p)));
        AssertJsonEqual(full["items"], new JsonArray([.. Items(first, second, third)]));
        // The writes did happen: a new list sees them.
        var now = await GetObjectAsync(client, ConfigMaps);
        Assert.Equal(["cm-0", "cm-1", "cm-2", "cm-3", "cm-45", "cm-5", "cm-6", "cm-7", "cm-9"], now["items"]!.AsArray().Select(i => Name(i!)));
    }

    [Fact]
    public async Task List_PagingWhileAWriterRuns_PagesEqualTheStateAtTheirResourceVersion()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        for (var i = 0; i < 20; i++)
        {
            await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", $"cm-{i:00}"));
        }
        var initial = await GetObjectAsync(client, ConfigMaps);
        // The oracle: the initial list plus every event up to a revision is the state at that revision.
        await using var watch = await HttpWatch.OpenAsync(client, $"{ConfigMaps}?watch=true&resourceVersion={ResourceVersion(initial)}");

        var writes = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var random = new Random(11);
            var live = Enumerable.Range(0, 20).Select(i => $"cm-{i:00}").ToHashSet();
            for (var i = 0; i < 5000 && !stop.IsCancellationRequested; i++)
            {
                var name = $"cm-{random.Next(30):00}";
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
                Interlocked.Increment(ref writes);
            }
        });

        var pages = new List<JsonObject>();
        string? token = null;
        do
        {
            // Let the writer make progress between every two pages, so that each page is served after writes.
            var seen = Volatile.Read(ref writes);
            await Eventually.WaitAsync($"a write before page {pages.Count + 1}", () => Volatile.Read(ref writes) > seen || writer.IsCompleted);
            Assert.False(writer.IsFaulted, "the writer failed");
            var page = await GetObjectAsync(client, $"{ConfigMaps}?limit=4" + (token is null ? "" : $"&continue={Uri.EscapeDataString(token)}"));
            pages.Add(page);
            token = (string?)page["metadata"]!["continue"];
        }
        while (token is not null);
        await stop.CancelAsync();
        await writer;
        var done = await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "zz-done"));

        var revision = Revision(pages[0]);
        Assert.All(pages, p => Assert.Equal(revision, Revision(p)));
        Assert.True(pages.Count > 2, "the list spans several pages");
        Assert.True(Revision(done) > revision + 1, "the writer kept writing while the pages were read");
        var state = initial["items"]!.AsArray().ToDictionary(i => Name(i!), i => i!.AsObject());
        while (true)
        {
            var next = await watch.ExpectAsync($"oracle events up to revision {revision}");
            if (next.Revision > revision)
            {
                break;
            }
            if (next.Type == "DELETED")
            {
                state.Remove(next.Name);
            }
            else
            {
                state[next.Name] = next.Object;
            }
        }
        Assert.Equal(
            state.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value.ToJsonString()),
            Items([.. pages]).Select(i => i.ToJsonString()));
    }

    [Fact]
    public async Task List_LimitWithLabelSelector_SelectsBeforePaging()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        for (var i = 0; i < 7; i++)
        {
            var labels = new JsonObject { ["app"] = i is 1 or 4 or 6 ? "web" : "db" };
            await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", $"cm-{i}", labels: labels));
        }

        var first = await GetObjectAsync(client, $"{ConfigMaps}?labelSelector=app%3Dweb&limit=2");
        Assert.Equal(["cm-1", "cm-4"], first["items"]!.AsArray().Select(i => Name(i!)));
        // With a selector the server cannot know how many items remain.
        Assert.Null(first["metadata"]!["remainingItemCount"]);
        var second = await GetObjectAsync(client, $"{ConfigMaps}?labelSelector=app%3Dweb&limit=2&continue={Uri.EscapeDataString(Continue(first))}");
        Assert.Equal(["cm-6"], second["items"]!.AsArray().Select(i => Name(i!)));
        Assert.Null(second["metadata"]!["continue"]);
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("bm90IGpzb24")] // base64 of "not json"
    [InlineData("WzEsMl0")] // base64 of "[1,2]"
    [InlineData("e30")] // base64 of "{}"
    public async Task List_UndecodableContinueToken_BadRequest(string token)
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a"));

        var status = await ExpectFailureAsync(client, 400, "BadRequest", HttpMethod.Get, $"{ConfigMaps}?limit=1&continue={Uri.EscapeDataString(token)}");
        Assert.Contains("continue", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_ContinueTokenOfAnotherCollection_BadRequest()
    {
        await using var server = await TestApiServer.StartAsync();
        using var client = server.CreateHttpClient();
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "a"));
        await CreateObjectAsync(client, ConfigMaps, ConfigMap("default", "b"));
        var first = await GetObjectAsync(client, $"{ConfigMaps}?limit=1");
        var token = Uri.EscapeDataString(Continue(first));

        // The rest of the default namespace's ConfigMaps must not come back as another collection's items.
        await ExpectFailureAsync(client, 400, "BadRequest", HttpMethod.Get, $"/api/v1/namespaces/kube-system/configmaps?limit=1&continue={token}");
        await ExpectFailureAsync(client, 400, "BadRequest", HttpMethod.Get, $"/api/v1/namespaces/default/secrets?limit=1&continue={token}");
        // The token still works where it came from.
        var second = await GetObjectAsync(client, $"{ConfigMaps}?limit=1&continue={token}");
        Assert.Equal(["b"], second["items"]!.AsArray().Select(i => Name(i!)));
    }

    private static string Continue(JsonObject page)
    {
        var token = (string?)page["metadata"]!["continue"];
        Assert.False(string.IsNullOrEmpty(token), $"expected a continue token in {page["metadata"]!.ToJsonString()}");
        return token!;
    }

    private static IEnumerable<JsonNode> Items(params JsonObject[] pages) =>
        pages.SelectMany(p => p["items"]!.AsArray()).Select(i => i!.DeepClone());
}
