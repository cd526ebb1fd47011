using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>kubectl create / apply (client-side and server-side) / dry-run / diff against the API server.</summary>
public sealed class KubectlApplyTests
{
    [Fact]
    public async Task CreateNamespaceAndConfigMap_TypedProtobufCommands_ObjectsStored()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;

        Assert.Contains("namespace/demo created", await kubectl.SucceedAsync("create", "namespace", "demo"));
        Assert.Contains("configmap/app-config created", await kubectl.SucceedAsync("create", "configmap", "app-config", "--from-literal=key=value", "-n", "demo"));

        var cm = JsonNode.Parse(await kubectl.SucceedAsync("get", "configmap", "app-config", "-n", "demo", "-o", "json"))!;
        Assert.Equal("value", (string?)cm["data"]!["key"]);
        var ns = JsonNode.Parse(await kubectl.SucceedAsync("get", "namespace", "demo", "-o", "json"))!;
        Assert.Equal("Active", (string?)ns["status"]!["phase"]);
        Assert.Equal("demo", (string?)ns["metadata"]!["labels"]!["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public async Task Apply_ThenReapplyChangedFiles_StrategicMergeUpdatesBuiltins()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;

        var first = await kubectl.ApplyAsync(Manifests.App());
        Assert.Contains("namespace/demo created", first);
        Assert.Contains("configmap/app-config created", first);
        Assert.Contains("deployment.apps/web created", first);
        Assert.Contains("service/web created", first);

        var second = await kubectl.ApplyAsync(Manifests.App(image: "nginx:1.26", replicas: 3, envValue: "2", configValue: "value2"));
        Assert.Contains("namespace/demo unchanged", second);
        Assert.Contains("configmap/app-config configured", second);
        Assert.Contains("deployment.apps/web configured", second);
        Assert.Contains("service/web unchanged", second);

        var deployment = JsonNode.Parse(await kubectl.SucceedAsync("get", "deployment", "web", "-n", "demo", "-o", "json"))!;
        Assert.Equal(3, (int)deployment["spec"]!["replicas"]!);
        var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("nginx:1.26", (string?)container["image"]);
        Assert.Equal("2", (string?)container["env"]![0]!["value"]);
        Assert.Single(container["env"]!.AsArray());
        Assert.Equal(2L, (long)deployment["metadata"]!["generation"]!);
        var cm = JsonNode.Parse(await kubectl.SucceedAsync("get", "configmap", "app-config", "-n", "demo", "-o", "json"))!;
        Assert.Equal("value2", (string?)cm["data"]!["key"]);
    }

    [Fact]
    public async Task ApplyCrdAndCustomResource_ReapplyChanged_MergePatchAndPrinterColumns()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;

        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/widgets.example.flotilla.io created", await kubectl.ApplyAsync(Manifests.WidgetCrd));
        Assert.Contains("widget.example.flotilla.io/w1 created", await kubectl.ApplyAsync(Manifests.Widget()));
        Assert.Contains("widget.example.flotilla.io/w1 configured", await kubectl.ApplyAsync(Manifests.Widget(size: 5, color: "red")));

        var widget = JsonNode.Parse(await kubectl.SucceedAsync("get", "widget", "w1", "-o", "json"))!;
        Assert.Equal(5, (int)widget["spec"]!["size"]!);
        Assert.Equal("red", (string?)widget["spec"]!["color"]);
        Assert.Equal("Slow", (string?)widget["spec"]!["mode"]);

        var table = await kubectl.SucceedAsync("get", "widgets");
        var lines = table.Trim().Split('\n');
        Assert.Matches(@"^NAME\s+SIZE\s+COLOR\s+READY\s+AGE$", lines[0].Trim());
        // READY has no value yet: kubectl prints an empty cell, so the row has four words.
        var cells = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["w1", "5", "red"], cells[..3]);
        Assert.Equal(4, cells.Length);
        var wide = await kubectl.SucceedAsync("get", "wg", "-o", "wide");
        Assert.Matches(@"^NAME\s+SIZE\s+COLOR\s+READY\s+MODE\s+AGE", wide.Trim().Split('\n')[0]);
        Assert.Contains("Slow", wide);
        Assert.Contains("w1", await kubectl.SucceedAsync("get", "fleet-test"));
    }

    [Fact]
    public async Task ServerSideApply_CreateUpdateAndDropField_FieldRemoved()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.WidgetCrd);

        Assert.Contains("serverside-applied", await kubectl.ApplyAsync(Manifests.Widget(extraLabel: "owner"), "--server-side"));
        var created = JsonNode.Parse(await kubectl.SucceedAsync("get", "widget", "w1", "-o", "json"))!;
        Assert.Equal("yes", (string?)created["metadata"]!["labels"]!["owner"]);

        Assert.Contains("serverside-applied", await kubectl.ApplyAsync(Manifests.Widget(size: 7), "--server-side"));
        var updated = JsonNode.Parse(await kubectl.SucceedAsync("get", "widget", "w1", "-o", "json"))!;
        Assert.Equal(7, (int)updated["spec"]!["size"]!);
        Assert.Null(updated["metadata"]!["labels"]!["owner"]);
        Assert.Equal("front", (string?)updated["metadata"]!["labels"]!["tier"]);

        // Built-in kinds too. Moving from client-side to server-side apply takes over the fields of the last
        // applied configuration without a conflict, as upstream.
        await kubectl.ApplyAsync(Manifests.App());
        Assert.Contains("serverside-applied", await kubectl.ApplyAsync(Manifests.App(replicas: 4), "--server-side"));
        var deployment = JsonNode.Parse(await kubectl.SucceedAsync("get", "deployment", "web", "-n", "demo", "-o", "json", "--show-managed-fields"))!;
        Assert.Equal(4, (int)deployment["spec"]!["replicas"]!);
        Assert.DoesNotContain(deployment["metadata"]!["managedFields"]!.AsArray(), e => (string?)e!["manager"] == "kubectl-client-side-apply");

        // A field another manager changed since is a conflict, until the applier forces it.
        await kubectl.SucceedAsync("patch", "deployment", "web", "-n", "demo", "--type", "merge", "-p", """{"spec":{"replicas":7}}""");
        var conflict = await kubectl.RunAsync(["apply", "--server-side", "-f", "-"], Manifests.App(replicas: 5));
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl-patch\"", conflict.StandardError);
        Assert.Contains(".spec.replicas", conflict.StandardError);
        await kubectl.ApplyAsync(Manifests.App(replicas: 5), "--server-side", "--force-conflicts");
        deployment = JsonNode.Parse(await kubectl.SucceedAsync("get", "deployment", "web", "-n", "demo", "-o", "json"))!;
        Assert.Equal(5, (int)deployment["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task DryRunServerAndDiff_NothingPersisted_DiffShowsChange()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.App());

        var dry = await kubectl.ApplyAsync(Manifests.App(replicas: 9), "--dry-run=server");
        Assert.Contains("deployment.apps/web configured (server dry run)", dry);
        var deployment = JsonNode.Parse(await kubectl.SucceedAsync("get", "deployment", "web", "-n", "demo", "-o", "json"))!;
        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);

        var created = await kubectl.RunAsync(["create", "configmap", "dry", "-n", "demo", "--from-literal=a=b", "--dry-run=server"], null);
        Assert.Equal(0, created.ExitCode);
        Assert.NotEqual(0, (await kubectl.RunAsync("get", "configmap", "dry", "-n", "demo")).ExitCode);

        var diff = await kubectl.RunAsync(["diff", "-f", "-"], Manifests.App(replicas: 5));
        Assert.Equal(1, diff.ExitCode);
        Assert.Contains("-  replicas: 2", diff.StandardOutput);
        Assert.Contains("+  replicas: 5", diff.StandardOutput);
    }
}
