using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Tests.Support;

namespace Flotilla.Client.Tests.Rest;

/// <summary>Every patch type, and server-side apply with field managers and force.</summary>
public sealed class PatchTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    [Fact]
    public async Task Patch_JsonMergeAndStrategic_EachApplied()
    {
        var ns = await fixture.NewNamespaceAsync();
        var deployments = fixture.Client.Resource(Resources.Deployments).InNamespace(ns);
        await deployments.CreateAsync(Deployment("web", "nginx:1.25"));

        var afterJson = await deployments.PatchAsync("web", Patch.Json([new JsonObject { ["op"] = "replace", ["path"] = "/spec/replicas", ["value"] = 4 }]));
        Assert.Equal(4, afterJson.At("spec", "replicas")!.GetValue<int>());

        var afterMerge = await deployments.PatchAsync("web", Patch.Merge(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["team"] = "a" } } }));
        Assert.Equal("a", afterMerge.Labels()!.GetString("team"));

        // Strategic merge merges containers by name: the sidecar joins nginx instead of replacing the list.
        var afterStrategic = await deployments.PatchAsync("web", Patch.StrategicMerge(new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "sidecar", ["image"] = "busybox" }) } } },
        }));
        var containers = (afterStrategic.At("spec", "template", "spec", "containers") as JsonArray)!.Select(c => c!["name"]!.GetValue<string>()).Order();
        Assert.Equal(["nginx", "sidecar"], containers);

        // A merge patch replaces lists wholesale.
        var afterListMerge = await deployments.PatchAsync("web", Patch.Merge(new JsonObject
        {
            ["spec"] = new JsonObject { ["template"] = new JsonObject { ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = "only", ["image"] = "busybox" }) } } },
        }));
        Assert.Equal(["only"], (afterListMerge.At("spec", "template", "spec", "containers") as JsonArray)!.Select(c => c!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PatchStatus_MergeOnCustomResource_ChangesOnlyStatus()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client);
        var widgets = await fixture.Client.ResourceAsync(kind);
        await widgets.CreateAsync(Fixtures.Widget(kind, "p1", 1));

        var patched = await widgets.PatchStatusAsync("p1", Patch.Merge(new JsonObject { ["status"] = new JsonObject { ["phase"] = "Done" }, ["spec"] = new JsonObject { ["size"] = 9 } }));

        Assert.Equal("Done", patched.At("status", "phase")!.GetValue<string>());
        Assert.Equal(1, patched.At("spec", "size")!.GetValue<int>());
    }

    [Fact]
    public async Task Patch_StrategicOnCustomResource_ThrowsUnsupportedMediaType()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client);
        var widgets = await fixture.Client.ResourceAsync(kind);
        await widgets.CreateAsync(Fixtures.Widget(kind, "s1", 1));

        var error = await Assert.ThrowsAsync<ApiException>(() => widgets.PatchAsync("s1", Patch.StrategicMerge(new JsonObject { ["spec"] = new JsonObject { ["size"] = 2 } })));

        Assert.True(error.IsUnsupportedMediaType());
    }

    [Fact]
    public async Task Patch_JsonPatchTestOnResourceVersionStale_ThrowsConflict()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);
        var created = await configMaps.CreateAsync(Fixtures.ConfigMap("guarded", data: new() { ["a"] = "1" }));
        await configMaps.PatchAsync("guarded", Patch.Merge(new JsonObject { ["data"] = new JsonObject { ["a"] = "2" } }));

        var error = await Assert.ThrowsAsync<ApiException>(() => configMaps.PatchAsync("guarded", Patch.Json(
        [
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = created.ResourceVersion() },
            new JsonObject { ["op"] = "replace", ["path"] = "/data/a", ["value"] = "3" },
        ])));

        Assert.True(error.IsConflict(), $"expected 409 Conflict, got {error.Code} {error.Reason}: {error.Message}");
        Assert.Equal("2", (await configMaps.GetAsync("guarded")).At("data", "a")!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_TwoManagers_ConflictUnlessForced()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client);
        var widgets = await fixture.Client.ResourceAsync(kind);

        var created = await widgets.ApplyAsync(Fixtures.Widget(kind, "a1", 2), new ApplyOptions { FieldManager = "alpha" });
        Assert.Equal(2, created.At("spec", "size")!.GetValue<int>());

        var again = await widgets.ApplyAsync(Fixtures.Widget(kind, "a1", 2), new ApplyOptions { FieldManager = "alpha" });
        Assert.Equal(created.ResourceVersion(), again.ResourceVersion());

        var conflict = await Assert.ThrowsAsync<ApiException>(() => widgets.ApplyAsync(Fixtures.Widget(kind, "a1", 5), new ApplyOptions { FieldManager = "beta" }));
        Assert.True(conflict.IsConflict());
        Assert.Contains("alpha", conflict.Message);

        var forced = await widgets.ApplyAsync(Fixtures.Widget(kind, "a1", 5), new ApplyOptions { FieldManager = "beta", Force = true });
        Assert.Equal(5, forced.At("spec", "size")!.GetValue<int>());
        var owners = (forced.At("metadata", "managedFields") as JsonArray)!.OfType<JsonObject>().Select(m => m.GetString("manager")).ToList();
        Assert.Contains("beta", owners);
    }

    [Fact]
    public async Task ApplyStatus_FieldManager_SetsStatus()
    {
        var kind = await Fixtures.CreateWidgetCrdAsync(fixture.Client);
        var widgets = await fixture.Client.ResourceAsync(kind);
        await widgets.CreateAsync(Fixtures.Widget(kind, "st", 1));

        var status = new JsonObject
        {
            ["apiVersion"] = kind.ApiVersion,
            ["kind"] = kind.Kind,
            ["metadata"] = new JsonObject { ["name"] = "st" },
            ["status"] = new JsonObject { ["phase"] = "Applied" },
        };
        var applied = await widgets.ApplyStatusAsync(status, new ApplyOptions { FieldManager = "status-writer" });

        Assert.Equal("Applied", applied.At("status", "phase")!.GetValue<string>());
        Assert.Equal(1, applied.At("spec", "size")!.GetValue<int>());
    }

    [Fact]
    public async Task Apply_NoFieldManager_ThrowsBeforeSending()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => configMaps.ApplyAsync(Fixtures.ConfigMap("x"), new ApplyOptions { FieldManager = "" }));

        Assert.Contains("FieldManager", error.Message);
    }

    [Fact]
    public async Task Apply_DryRun_NothingPersisted()
    {
        var ns = await fixture.NewNamespaceAsync();
        var configMaps = fixture.Client.Resource(Resources.ConfigMaps).InNamespace(ns);

        var result = await configMaps.ApplyAsync(Fixtures.ConfigMap("dry", data: new() { ["k"] = "v" }), new ApplyOptions { FieldManager = "tester", DryRun = true });

        Assert.Equal("v", result.At("data", "k")!.GetValue<string>());
        Assert.True((await Assert.ThrowsAsync<ApiException>(() => configMaps.GetAsync("dry"))).IsNotFound());
    }

    internal static JsonObject Deployment(string name, string image) => Obj.Parse(System.Text.Encoding.UTF8.GetBytes("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"NAME","labels":{"app":"NAME"}},
         "spec":{"replicas":1,"selector":{"matchLabels":{"app":"NAME"}},
           "template":{"metadata":{"labels":{"app":"NAME"}},"spec":{"containers":[{"name":"nginx","image":"IMAGE"}]}}}}
        """.Replace("NAME", name, StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal)));
}
