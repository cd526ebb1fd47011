using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Rest;

/// <summary>Pagination with limit/continue, the list-everything helper, and selectors.</summary>
public sealed class ListTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private KubernetesClient Client => fixture.Client;

    [Fact]
    public async Task ListAsync_Limit_ReturnsPageWithContinueToken()
    {
        var configMaps = await SeedAsync(5);

        var first = await configMaps.ListAsync(new ListOptions { Limit = 2 });
        var second = await configMaps.ListAsync(new ListOptions { Limit = 2, Continue = first.Continue });

        Assert.Equal(["cm-0", "cm-1"], first.Items.Select(i => i.Name()));
        Assert.NotNull(first.Continue);
        Assert.Equal(3, first.RemainingItemCount);
        Assert.Equal(["cm-2", "cm-3"], second.Items.Select(i => i.Name()));
    }

    [Fact]
    public async Task ListAllAsync_SmallPages_FollowsContinueTokensToTheEnd()
    {
        var configMaps = await SeedAsync(7);
        var before = fixture.Recorder.Attempts.Count;

        var all = await configMaps.ListAllAsync(pageSize: 3);

        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"cm-{i}"), all.Items.Select(i => i.Name()));
        Assert.Null(all.Continue);
        Assert.False(string.IsNullOrEmpty(all.ResourceVersion));
        var pages = fixture.Recorder.Attempts.Skip(before).Select(a => a.PathAndQuery).ToList();
        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Contains("limit=3", p));
        Assert.DoesNotContain("continue=", pages[0]);
        Assert.All(pages.Skip(1), p => Assert.Contains("continue=", p));
    }

    [Fact]
    public async Task ListAllAsync_LabelSelector_AppliesToEveryPage()
    {
        var configMaps = await SeedAsync(6);

        var even = await configMaps.ListAllAsync(new ListOptions { LabelSelector = "parity=even" }, pageSize: 2);

        Assert.Equal(["cm-0", "cm-2", "cm-4"], even.Items.Select(i => i.Name()));
    }

    [Fact]
    public async Task ListAsync_UnboundNamespacedResource_ListsAllNamespaces()
    {
        var a = await Fixtures.NewNamespaceAsync(Client);
        var b = await Fixtures.NewNamespaceAsync(Client);
        var configMaps = Client.Resource(Resources.ConfigMaps);
        await configMaps.InNamespace(a).CreateAsync(Fixtures.ConfigMap("x", labels: new() { ["spread"] = "yes" }));
        await configMaps.InNamespace(b).CreateAsync(Fixtures.ConfigMap("x", labels: new() { ["spread"] = "yes" }));

        var list = await configMaps.ListAsync(new ListOptions { LabelSelector = "spread=yes" });

        Assert.Equal(new[] { a, b }.Order(StringComparer.Ordinal), list.Items.Select(i => i.Namespace()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListAllAsync_ContinueTokenExpiredMidway_FallsBackToOneFullList()
    {
        const string Item = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"NAME","namespace":"ns"}}""";
        await using var stub = await StubServer.StartAsync((context, n) => n switch
        {
            1 => StubServer.JsonAsync(context, 200, $$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"10","continue":"tok"},"items":[{{Item.Replace("NAME", "a", StringComparison.Ordinal)}}]}"""),
            2 => StubServer.JsonAsync(context, 410, StubServer.Status(410, "Expired", "The provided continue parameter is too old to display a consistent list result.")),
            _ => StubServer.JsonAsync(context, 200, $$"""{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"20"},"items":[{{Item.Replace("NAME", "a", StringComparison.Ordinal)}},{{Item.Replace("NAME", "b", StringComparison.Ordinal)}}]}"""),
        });
        var client = new KubernetesClient(new Flotilla.Client.Config.ClusterConnection { Server = stub.Url });

        var all = await client.Resource(Resources.ConfigMaps).InNamespace("ns").ListAllAsync(new ListOptions { LabelSelector = "x=y" }, pageSize: 1);

        Assert.Equal(["a", "b"], all.Items.Select(i => i.Name()));
        Assert.Equal("20", all.ResourceVersion);
        Assert.Equal(
            ["/api/v1/namespaces/ns/configmaps?labelSelector=x%3Dy&limit=1", "/api/v1/namespaces/ns/configmaps?labelSelector=x%3Dy&limit=1&continue=tok", "/api/v1/namespaces/ns/configmaps?labelSelector=x%3Dy"],
            stub.Requests.Select(r => r.PathAndQuery));
    }

    private async Task<ResourceClient<JsonObject>> SeedAsync(int count)
    {
        var ns = await Fixtures.NewNamespaceAsync(Client);
        var configMaps = Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        for (var i = 0; i < count; i++)
        {
            await configMaps.CreateAsync(Fixtures.ConfigMap($"cm-{i}", labels: new() { ["parity"] = i % 2 == 0 ? "even" : "odd" }));
        }
        return configMaps;
    }
}
