using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Rest;

/// <summary>Delete with preconditions and propagation, its two response forms, and deletecollection.</summary>
public sealed class DeleteTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Delete_PreconditionsMismatch_ThrowsConflictAndKeepsObject()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("keep"));

        var wrongUid = await Assert.ThrowsAsync<ApiException>(() => configMaps.DeleteAsync("keep", new DeleteOptions { PreconditionUid = Guid.NewGuid().ToString() }));
        var wrongVersion = await Assert.ThrowsAsync<ApiException>(() => configMaps.DeleteAsync("keep", new DeleteOptions { PreconditionResourceVersion = "1" }));

        Assert.True(wrongUid.IsConflict());
        Assert.True(wrongVersion.IsConflict());
        Assert.Equal(created.Uid(), (await configMaps.GetAsync("keep")).Uid());
    }

    [Fact]
    public async Task Delete_MatchingPreconditions_DeletesAndReturnsSuccessStatus()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("go"));

        var result = await configMaps.DeleteAsync("go", new DeleteOptions
        {
            PreconditionUid = created.Uid(),
            PreconditionResourceVersion = created.ResourceVersion(),
            PropagationPolicy = PropagationPolicy.Background,
        });

        Assert.False(result.ReturnedObject);
        Assert.Equal("Success", result.Status!.GetString("status"));
        Assert.Equal(created.Uid(), result.Status!.At("details", "uid")!.GetValue<string>());
        Assert.True((await Assert.ThrowsAsync<ApiException>(() => configMaps.GetAsync("go"))).IsNotFound());
    }

    [Fact]
    public async Task Delete_ObjectWithFinalizer_ReturnsObjectMarkedForDeletion()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var cm = Fixtures.ConfigMap("held");
        cm.Metadata()["finalizers"] = new JsonArray("example.flotilla.io/hold");
        await configMaps.CreateAsync(cm);

        var result = await configMaps.DeleteAsync("held", new DeleteOptions { PropagationPolicy = PropagationPolicy.Background });

        Assert.True(result.ReturnedObject);
        Assert.True(result.Object!.IsDeleting());
        Assert.Equal(["example.flotilla.io/hold"], result.Object!.Finalizers());
        await configMaps.PatchAsync("held", Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }));
        await Flotilla.Testing.Eventually.WaitAsync("the finalized ConfigMap to go", async () =>
        {
            try
            {
                await configMaps.GetAsync("held");
                return false;
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                return true;
            }
        }, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Delete_DryRun_KeepsObject()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("spared"));

        await configMaps.DeleteAsync("spared", new DeleteOptions { DryRun = true });

        Assert.Equal(created.Uid(), (await configMaps.GetAsync("spared")).Uid());
    }

    [Fact]
    public async Task DeleteCollection_LabelSelector_DeletesOnlyMatching()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        await configMaps.CreateAsync(Fixtures.ConfigMap("doomed-1", labels: new() { ["batch"] = "old" }));
        await configMaps.CreateAsync(Fixtures.ConfigMap("doomed-2", labels: new() { ["batch"] = "old" }));
        await configMaps.CreateAsync(Fixtures.ConfigMap("survivor", labels: new() { ["batch"] = "new" }));

        await configMaps.DeleteCollectionAsync(new ListOptions { LabelSelector = "batch=old" });

        var left = await configMaps.ListAsync();
        Assert.Equal(["survivor"], left.Items.Select(i => i.Name()).Where(n => n != "kube-root-ca.crt"));
    }
}
