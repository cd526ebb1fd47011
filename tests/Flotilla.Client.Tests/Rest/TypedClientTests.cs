using Flotilla.Api.Meta;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Rest;

/// <summary>The typed path: a model with a source-generated JsonTypeInfo, no list type of its own.</summary>
public sealed class TypedClientTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private ResourceClient<ConfigMap> ConfigMaps(string ns) => fixture.Client.Resource(Resources.ConfigMaps, TestJson.Default.ConfigMap).InNamespace(ns);

    [Fact]
    public async Task CreateGetUpdateListDelete_TypedConfigMap_RoundTrips()
    {
        var ns = await fixture.NewNamespaceAsync();
        var client = ConfigMaps(ns);

        var created = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "settings" }, Data = new() { ["mode"] = "fast" } });
        Assert.Equal(("settings", ns), (created.Metadata.Name, created.Metadata.Namespace));
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(created.Metadata.ResourceVersion));

        var read = await client.GetAsync("settings");
        Assert.Equal((created.Metadata.Uid, created.Metadata.ResourceVersion), (read.Metadata.Uid, read.Metadata.ResourceVersion));
        Assert.Equal(new Dictionary<string, string> { ["mode"] = "fast" }, read.Data);

        read.Data!["mode"] = "slow";
        var updated = await client.UpdateAsync(read);
        Assert.Equal("slow", updated.Data!["mode"]);
        Assert.NotEqual(read.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);

        var list = await client.ListAsync();
        Assert.Equal(["settings"], list.Items.Select(c => c.Metadata.Name));
        Assert.False(string.IsNullOrEmpty(list.ResourceVersion));
        Assert.Null(list.Continue);

        var deleted = await client.DeleteAsync("settings");
        Assert.True(deleted.ReturnedObject || deleted.Status?["status"]?.GetValue<string>() == "Success");
        var gone = await Assert.ThrowsAsync<ApiException>(() => client.GetAsync("settings"));
        Assert.True(gone.IsNotFound());
    }

    [Fact]
    public async Task Update_StaleResourceVersion_ThrowsConflictWithServerMessage()
    {
        var ns = await fixture.NewNamespaceAsync();
        var client = ConfigMaps(ns);
        var original = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "contended" }, Data = new() { ["a"] = "1" } });
        var first = await client.GetAsync("contended");
        first.Data!["a"] = "2";
        await client.UpdateAsync(first);

        original.Data!["a"] = "3";
        var conflict = await Assert.ThrowsAsync<ApiException>(() => client.UpdateAsync(original));

        Assert.True(conflict.IsConflict());
        Assert.False(conflict.IsAlreadyExists());
        Assert.Equal((409, "Conflict"), (conflict.Code, conflict.Reason));
        Assert.Equal(
            "Operation cannot be fulfilled on configmaps \"contended\": the object has been modified; please apply your changes to the latest version and try again",
            conflict.Message);
        Assert.Equal(new StatusDetails("contended", "", "configmaps"), conflict.Details);
    }

    [Fact]
    public async Task Create_ExistingName_ThrowsAlreadyExists()
    {
        var ns = await fixture.NewNamespaceAsync();
        var client = ConfigMaps(ns);
        await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "twice" } });

        var error = await Assert.ThrowsAsync<ApiException>(() => client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "twice" } }));

        Assert.True(error.IsAlreadyExists());
        Assert.False(error.IsConflict());
        Assert.Equal("configmaps \"twice\" already exists", error.Message);
    }

    [Fact]
    public async Task Create_DryRun_ReturnsObjectWithoutPersisting()
    {
        var ns = await fixture.NewNamespaceAsync();
        var client = ConfigMaps(ns);

        var dry = await client.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "imagined" }, Data = new() { ["k"] = "v" } }, new WriteOptions { DryRun = true });

        Assert.Equal("v", dry.Data!["k"]);
        var error = await Assert.ThrowsAsync<ApiException>(() => client.GetAsync("imagined"));
        Assert.True(error.IsNotFound());
    }

    [Fact]
    public async Task Get_UnboundNamespacedResource_ThrowsNamingTheFix()
    {
        var client = fixture.Client.Resource(Resources.ConfigMaps, TestJson.Default.ConfigMap);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetAsync("x"));

        Assert.Contains("InNamespace", error.Message);
    }

    [Fact]
    public async Task Create_NamespaceFromObjectMetadata_UsedWhenClientUnbound()
    {
        var ns = await fixture.NewNamespaceAsync();
        var unbound = fixture.Client.Resource(Resources.ConfigMaps, TestJson.Default.ConfigMap);

        var created = await unbound.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "placed", Namespace = ns } });

        Assert.Equal(ns, created.Metadata.Namespace);
        Assert.Equal("placed", (await ConfigMaps(ns).GetAsync("placed")).Metadata.Name);
    }
}
