using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Rest;

/// <summary>The dynamic path: JsonObject for any group/version/resource, including custom resources and their status.</summary>
public sealed class DynamicClientTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task CrudAndStatus_CustomResourceWithStatusSubresource_StatusChangesOnlyThroughSubresource()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client);
        var widgets = await fixture.Client.ResourceAsync(kind);
        Assert.False(widgets.Mapping.Namespaced);

        var created = await widgets.CreateAsync(Fixtures.Widget(kind, "w1", 3));
        Assert.Equal(1, created.At("metadata", "generation")!.GetValue<long>());

        created["status"] = new JsonObject { ["phase"] = "Ready", ["observedSize"] = 3 };
        var withStatus = await widgets.UpdateStatusAsync(created);
        Assert.Equal("Ready", withStatus.At("status", "phase")!.GetValue<string>());

        // The main resource ignores status changes; spec changes bump the generation.
        withStatus["status"] = new JsonObject { ["phase"] = "Broken" };
        withStatus["spec"]!["size"] = 4;
        var updated = await widgets.UpdateAsync(withStatus);
        Assert.Equal("Ready", updated.At("status", "phase")!.GetValue<string>());
        Assert.Equal(4, updated.At("spec", "size")!.GetValue<int>());
        Assert.Equal(2, updated.At("metadata", "generation")!.GetValue<long>());

        var read = await widgets.GetAsync("w1");
        Assert.True(JsonNode.DeepEquals(updated, read), $"GET returned {read.ToJsonString()}, update returned {updated.ToJsonString()}");

        var list = await widgets.ListAsync();
        Assert.Single(list.Items);
        Assert.True(JsonNode.DeepEquals(read, list.Items[0]));

        await widgets.DeleteAsync("w1");
        Assert.True((await Assert.ThrowsAsync<ApiException>(() => widgets.GetAsync("w1"))).IsNotFound());
    }

    [Fact]
    public async Task Create_UnknownFieldWithStrictValidation_ThrowsBadRequest()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client);
        var widgets = await fixture.Client.ResourceAsync(kind);
        var widget = Fixtures.Widget(kind, "strict", 1);
        widget["spec"]!["flavour"] = "vanilla";

        var error = await Assert.ThrowsAsync<ApiException>(() => widgets.CreateAsync(widget, new WriteOptions { FieldValidation = FieldValidation.Strict }));

        Assert.True(error.IsBadRequest());
        Assert.Contains("flavour", error.Message);
        // Ignore drops the field instead.
        var lenient = await widgets.CreateAsync(widget, new WriteOptions { FieldValidation = FieldValidation.Ignore });
        Assert.Null(lenient.At("spec", "flavour"));
    }

    [Fact]
    public async Task Create_FieldManager_RecordedInManagedFields()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);

        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("managed", data: new() { ["a"] = "1" }), new WriteOptions { FieldManager = "flotilla-test" });

        var managers = (created.At("metadata", "managedFields") as JsonArray)!.OfType<JsonObject>().Select(m => m.GetString("manager"));
        Assert.Contains("flotilla-test", managers);
    }
}
