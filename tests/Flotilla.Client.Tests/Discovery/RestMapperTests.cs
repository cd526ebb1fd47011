using Flotilla.Client.Config;
using Flotilla.Client.Discovery;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Discovery;

/// <summary>Kind ↔ resource mapping from discovery: built-ins, CRDs created later, legacy-only servers.</summary>
public sealed class RestMapperTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Theory]
    [InlineData("", "v1", "ConfigMap", "configmaps", true)]
    [InlineData("", "v1", "Namespace", "namespaces", false)]
    [InlineData("apps", "v1", "Deployment", "deployments", true)]
    [InlineData("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false)]
    [InlineData("coordination.k8s.io", "v1", "Lease", "leases", true)]
    public async Task MappingForAsync_BuiltinKind_ResourceAndScope(string group, string version, string kind, string resource, bool namespaced)
    {
        var mapping = await fixture.Client.Mapper.MappingForAsync(new GroupVersionKind(group, version, kind));

        Assert.Equal(new ResourceMapping(group, version, resource, kind, namespaced), mapping);
    }

    [Fact]
    public async Task MappingForAsync_GroupVersionResource_ReturnsKindAndScope()
    {
        var mapping = await fixture.Client.Mapper.MappingForAsync(new GroupVersionResource("apps", "v1", "deployments"));

        Assert.Equal(Resources.Deployments, mapping);
    }

    [Fact]
    public async Task MappingForAsync_CrdCreatedAfterDiscovery_FoundByRefreshOnMiss()
    {
        var client = KubernetesClient.FromKubeConfigFile(fixture.Server.Host.KubeconfigPath);
        await client.Mapper.MappingForAsync(new GroupVersionKind("", "v1", "ConfigMap"));
        var refreshesBefore = client.Mapper.Refreshes;

        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client, scope: "Namespaced");
        var mapping = await client.Mapper.MappingForAsync(kind);

        Assert.Equal(new ResourceMapping(kind.Group, "v1", "widgets", "Widget", namespaced: true), mapping);
        Assert.Equal(refreshesBefore + 1, client.Mapper.Refreshes);
        // A hit does not refresh again.
        await client.Mapper.MappingForAsync(new GroupVersionResource(kind.Group, "v1", "widgets"));
        Assert.Equal(refreshesBefore + 1, client.Mapper.Refreshes);
    }

    [Fact]
    public async Task MappingForAsync_ServerWithAggregatedDiscovery_TwoRequestsOnly()
    {
        RecordingHandler? recorder = null;
        var client = KubernetesClient.FromKubeConfigFile(fixture.Server.Host.KubeconfigPath, options: new KubernetesClientOptions
        {
            WrapHandler = inner => recorder = new RecordingHandler(inner),
        });

        var mapping = await client.Mapper.MappingForAsync(new GroupVersionKind("apiextensions.k8s.io", "v1", "CustomResourceDefinition"));

        Assert.Equal(Resources.Crds, mapping);
        Assert.Equal(["/api", "/apis"], recorder!.Attempts.Select(a => a.PathAndQuery).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task MappingForAsync_UnknownKind_ThrowsNoResourceMatchNamingIt()
    {
        var error = await Assert.ThrowsAsync<NoResourceMatchException>(() => fixture.Client.Mapper.MappingForAsync(new GroupVersionKind("nowhere.example.io", "v9", "Ghost")));

        Assert.Equal("no matches for kind \"Ghost\" in version \"nowhere.example.io/v9\"; is its CustomResourceDefinition installed and the version served?", error.Message);
    }

    [Fact]
    public async Task MappingForAsync_ConcurrentMisses_ShareOneRefresh()
    {
        var client = KubernetesClient.FromKubeConfigFile(fixture.Server.Host.KubeconfigPath);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.Mapper.MappingForAsync(new GroupVersionKind("apps", "v1", "Deployment"))));

        Assert.Equal(1, client.Mapper.Refreshes);
    }

    [Fact]
    public async Task MappingForAsync_LegacyOnlyServerWithFailingGroup_MapsTheRest()
    {
        await using var stub = await StubServer.StartAsync((context, _) => context.Request.Path.Value switch
        {
            "/api" => StubServer.JsonAsync(context, 200, """{"kind":"APIVersions","versions":["v1"]}"""),
            "/apis" => StubServer.JsonAsync(context, 200, """
                {"kind":"APIGroupList","apiVersion":"v1","groups":[
                  {"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}],"preferredVersion":{"groupVersion":"apps/v1","version":"v1"}},
                  {"name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}]}]}
                """),
            "/api/v1" => StubServer.JsonAsync(context, 200, """
                {"kind":"APIResourceList","groupVersion":"v1","resources":[
                  {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get"]},
                  {"name":"pods/status","singularName":"","namespaced":true,"kind":"Pod","verbs":["get"]}]}
                """),
            "/apis/apps/v1" => StubServer.JsonAsync(context, 200, """
                {"kind":"APIResourceList","groupVersion":"apps/v1","resources":[
                  {"name":"deployments/scale","singularName":"","namespaced":true,"group":"autoscaling","version":"v1","kind":"Scale","verbs":["get"]},
                  {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment","verbs":["get"]}]}
                """),
            _ => StubServer.JsonAsync(context, 503, StubServer.Status(503, "ServiceUnavailable", "the aggregated API is unavailable")),
        });
        var client = new KubernetesClient(new ClusterConnection { Server = stub.Url }, new KubernetesClientOptions { MaxRetries = 0 });

        Assert.Equal(new ResourceMapping("", "v1", "pods", "Pod", true), await client.Mapper.MappingForAsync(new GroupVersionKind("", "v1", "Pod")));
        Assert.Equal(Resources.Deployments, await client.Mapper.MappingForAsync(new GroupVersionKind("apps", "v1", "Deployment")));
        await Assert.ThrowsAsync<NoResourceMatchException>(() => client.Mapper.MappingForAsync(new GroupVersionKind("autoscaling", "v1", "Scale")));
        Assert.Contains(stub.Requests, r => r.PathAndQuery == "/apis/metrics.k8s.io/v1beta1");
        Assert.Equal(
            [
                new DiscoveredResource(new ResourceMapping("", "v1", "pods", "Pod", true), ["get"], Preferred: true),
                new DiscoveredResource(Resources.Deployments, ["get"], Preferred: true),
            ],
            await client.Mapper.ServerResourcesAsync(),
            new DiscoveredResourceComparer());
    }

    [Fact]
    public async Task ServerResourcesAsync_AggregatedDiscovery_EveryVersionWithVerbsAndPreference()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client, scope: "Namespaced");
        var client = KubernetesClient.FromKubeConfigFile(fixture.Server.Host.KubeconfigPath);

        var resources = await client.Mapper.ServerResourcesAsync();

        var configMaps = Assert.Single(resources, r => r.Mapping == new ResourceMapping("", "v1", "configmaps", "ConfigMap", true));
        Assert.True(configMaps.Preferred);
        Assert.True(configMaps.Supports("list") && configMaps.Supports("watch") && configMaps.Supports("create"));
        Assert.Contains(resources, r => r.Mapping.Kind == kind && r.Preferred);
        Assert.DoesNotContain(resources, r => r.Mapping.Resource.Resource.Contains('/', StringComparison.Ordinal));
        // Only one version of each group is the preferred one.
        Assert.All(resources.Where(r => r.Preferred).GroupBy(r => r.Mapping.Kind.Group), g => Assert.Single(g.Select(r => r.Mapping.Kind.Version).Distinct()));
    }

    /// <summary>Records compare their verb lists by reference; compare them by content.</summary>
    private sealed class DiscoveredResourceComparer : IEqualityComparer<DiscoveredResource>
    {
        public bool Equals(DiscoveredResource? x, DiscoveredResource? y) =>
            x is not null && y is not null && x.Mapping == y.Mapping && x.Preferred == y.Preferred && x.Verbs.SequenceEqual(y.Verbs);

        public int GetHashCode(DiscoveredResource obj) => obj.Mapping.GetHashCode();
    }

    [Fact]
    public async Task ResourceAsync_Kind_DynamicClientForThatResource()
    {
        var ns = await fixture.NewNamespaceAsync();

        var configMaps = (await fixture.Client.ResourceAsync(new GroupVersionKind("", "v1", "ConfigMap"))).InNamespace(ns);
        await configMaps.CreateAsync(Fixtures.ConfigMap("found"));

        Assert.Equal(["found"], (await configMaps.ListAsync()).Items.Select(i => i["metadata"]!["name"]!.GetValue<string>()));
    }
}
