using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>kubectl label, annotate, scale, typed create, patch, replace, edit and delete.</summary>
public sealed class KubectlMutationTests
{
    [Fact]
    public async Task LabelAnnotateScale_ChangesStored()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.App());

        Assert.Contains("deployment.apps/web labeled", await kubectl.SucceedAsync("label", "deploy", "web", "-n", "demo", "team=a"));
        Assert.Contains("deployment.apps/web annotated", await kubectl.SucceedAsync("annotate", "deploy", "web", "-n", "demo", "note=hello"));
        Assert.Contains("deployment.apps/web scaled", await kubectl.SucceedAsync("scale", "deploy", "web", "-n", "demo", "--replicas=5"));
        var deployment = Json(await kubectl.SucceedAsync("get", "deploy", "web", "-n", "demo", "-o", "json"));
        Assert.Equal("a", (string?)deployment["metadata"]!["labels"]!["team"]);
        Assert.Equal("hello", (string?)deployment["metadata"]!["annotations"]!["note"]);
        Assert.Equal(5, (int)deployment["spec"]!["replicas"]!);

        await kubectl.SucceedAsync("label", "deploy", "web", "-n", "demo", "team-");
        deployment = Json(await kubectl.SucceedAsync("get", "deploy", "web", "-n", "demo", "-o", "json"));
        Assert.Null(deployment["metadata"]!["labels"]!["team"]);
    }

    [Fact]
    public async Task TypedCreateCommands_ProtobufBodies_ObjectsCreated()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;

        Assert.Contains("deployment.apps/api created", await kubectl.SucceedAsync("create", "deployment", "api", "--image=nginx:1.27", "--replicas=2", "--port=8080"));
        Assert.Contains("service/api created", await kubectl.SucceedAsync("create", "service", "clusterip", "api", "--tcp=80:8080"));
        Assert.Contains("job.batch/once created", await kubectl.SucceedAsync("create", "job", "once", "--image=busybox", "--", "echo", "hi"));
        Assert.Contains("secret/creds created", await kubectl.SucceedAsync("create", "secret", "generic", "creds", "--from-literal=user=admin"));
        Assert.Contains("serviceaccount/robot created", await kubectl.SucceedAsync("create", "serviceaccount", "robot"));

        var deployment = Json(await kubectl.SucceedAsync("get", "deploy", "api", "-o", "json"));
        Assert.Equal(2, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal("nginx:1.27", (string?)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal(8080, (int)deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]![0]!["containerPort"]!);
        var service = Json(await kubectl.SucceedAsync("get", "svc", "api", "-o", "json"));
        Assert.Equal(80, (int)service["spec"]!["ports"]![0]!["port"]!);
        Assert.Equal(8080, (int)service["spec"]!["ports"]![0]!["targetPort"]!);
        var job = Json(await kubectl.SucceedAsync("get", "job", "once", "-o", "json"));
        Assert.Equal(["echo", "hi"], job["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]!.AsArray().Select(n => (string)n!));
        var secret = Json(await kubectl.SucceedAsync("get", "secret", "creds", "-o", "json"));
        Assert.Equal(Convert.ToBase64String("admin"u8.ToArray()), (string?)secret["data"]!["user"]);
        Assert.Equal("Opaque", (string?)secret["type"]);
        Assert.Contains("robot", await kubectl.SucceedAsync("get", "sa"));

        Assert.Contains("pod/solo created", await kubectl.SucceedAsync("run", "solo", "--image=nginx"));
        Assert.Matches(@"solo\s+0/1\s+Pending\s+0", await kubectl.SucceedAsync("get", "pods"));
        Assert.Equal("BestEffort", (await kubectl.SucceedAsync("get", "pod", "solo", "-o", "jsonpath={.status.qosClass}")).Trim());
    }

    [Fact]
    public async Task PatchReplaceEdit_AllPatchTypes_Applied()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.App());
        await kubectl.ApplyAsync(Manifests.WidgetCrd);
        await kubectl.ApplyAsync(Manifests.Widget());

        await kubectl.SucceedAsync("patch", "deploy", "web", "-n", "demo", "--type", "json", "-p", """[{"op":"replace","path":"/spec/replicas","value":4}]""");
        await kubectl.SucceedAsync("patch", "deploy", "web", "-n", "demo", "--type", "merge", "-p", """{"metadata":{"labels":{"merged":"yes"}}}""");
        await kubectl.SucceedAsync("patch", "deploy", "web", "-n", "demo", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}""");
        var deployment = Json(await kubectl.SucceedAsync("get", "deploy", "web", "-n", "demo", "-o", "json"));
        Assert.Equal(4, (int)deployment["spec"]!["replicas"]!);
        Assert.Equal("yes", (string?)deployment["metadata"]!["labels"]!["merged"]);
        // Strategic merge: containers merge by name, so nginx stays beside the new sidecar.
        Assert.Equal(["sidecar", "nginx"], deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string)c!["name"]!).Order().Reverse());

        // Strategic merge patch is not defined for custom resources: 415, as upstream.
        var strategic = await kubectl.RunAsync("patch", "widget", "w1", "-p", """{"spec":{"size":9}}""");
        Assert.NotEqual(0, strategic.ExitCode);
        Assert.Contains("application/strategic-merge-patch+json is not supported", strategic.StandardError);
        Assert.Contains("accepted media types include", strategic.StandardError);
        await kubectl.SucceedAsync("patch", "widget", "w1", "--type", "merge", "-p", """{"spec":{"size":9}}""");

        var widget = Json(await kubectl.SucceedAsync("get", "widget", "w1", "-o", "json"));
        widget["spec"]!["color"] = "green";
        var replaced = await kubectl.RunAsync(["replace", "-f", "-"], widget.ToJsonString());
        Assert.True(replaced.ExitCode == 0, replaced.ToString());
        Assert.Equal("green", (string?)Json(await kubectl.SucceedAsync("get", "widget", "w1", "-o", "json"))["spec"]!["color"]);
        // A replace with the now stale resourceVersion conflicts.
        var stale = await kubectl.RunAsync(["replace", "-f", "-"], widget.ToJsonString());
        Assert.NotEqual(0, stale.ExitCode);
        Assert.Contains("the object has been modified", stale.StandardError);

        using var editor = new TemporaryDirectory("editor");
        var script = editor.Combine("edit.sh");
        await File.WriteAllTextAsync(script, "#!/bin/sh\nsed -i 's/size: 9/size: 11/' \"$1\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var edited = await kubectl.RunAsync(["edit", "widget", "w1"], null, new Dictionary<string, string> { ["KUBE_EDITOR"] = script });
        Assert.True(edited.ExitCode == 0, edited.ToString());
        Assert.Equal(11, (int)Json(await kubectl.SucceedAsync("get", "widget", "w1", "-o", "json"))["spec"]!["size"]!);
        var editedDeployment = await kubectl.RunAsync(["edit", "deploy", "web", "-n", "demo"], null, new Dictionary<string, string> { ["KUBE_EDITOR"] = $"sed -i s/replicas:\\ 4/replicas:\\ 6/" });
        Assert.True(editedDeployment.ExitCode == 0, editedDeployment.ToString());
        Assert.Equal(6, (int)Json(await kubectl.SucceedAsync("get", "deploy", "web", "-n", "demo", "-o", "json"))["spec"]!["replicas"]!);
    }

    [Fact]
    public async Task Delete_WithFinalizer_WaitsUntilFinalizerRemoved()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: guarded
              finalizers: [example.com/guard]
            """);
        var deletion = kubectl.RunAsync("delete", "configmap", "guarded", "--timeout=60s");
        await Eventually.WaitAsync("the configmap is marked for deletion", async () =>
            (await kubectl.SucceedAsync("get", "cm", "guarded", "-o", "jsonpath={.metadata.deletionTimestamp}")).Length > 0 ? true : (bool?)null);
        Assert.False(deletion.IsCompleted, "kubectl delete must wait while a finalizer remains");
        await kubectl.SucceedAsync("patch", "configmap", "guarded", "--type", "json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        var result = await deletion;
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("configmap \"guarded\" deleted", result.StandardOutput);
        Assert.NotEqual(0, (await kubectl.RunAsync("get", "cm", "guarded")).ExitCode);
    }

    [Fact]
    public async Task DeleteCascade_ForegroundAndOrphan_DependentsHandled()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;

        async Task<string> CreateOwnerWithDependent(string owner)
        {
            await kubectl.SucceedAsync("create", "configmap", owner, "--from-literal=a=1");
            var uid = (await kubectl.SucceedAsync("get", "cm", owner, "-o", "jsonpath={.metadata.uid}")).Trim();
            await kubectl.ApplyAsync($$"""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{owner}}-child
                  ownerReferences:
                  - apiVersion: v1
                    kind: ConfigMap
                    name: {{owner}}
                    uid: {{uid}}
                    blockOwnerDeletion: true
                """);
            return uid;
        }

        await CreateOwnerWithDependent("fg");
        var foreground = await kubectl.RunAsync("delete", "cm", "fg", "--cascade=foreground", "--timeout=60s");
        Assert.True(foreground.ExitCode == 0, foreground.ToString());
        await Eventually.WaitAsync("the foreground dependent is deleted", async () => (await kubectl.RunAsync("get", "cm", "fg-child")).ExitCode != 0 ? true : (bool?)null);

        await CreateOwnerWithDependent("orphaning");
        var orphan = await kubectl.RunAsync("delete", "cm", "orphaning", "--cascade=orphan", "--timeout=60s");
        Assert.True(orphan.ExitCode == 0, orphan.ToString());
        var child = Json(await kubectl.SucceedAsync("get", "cm", "orphaning-child", "-o", "json"));
        Assert.Null(child["metadata"]!["ownerReferences"]);

        await CreateOwnerWithDependent("bg");
        await kubectl.SucceedAsync("delete", "cm", "bg");
        await Eventually.WaitAsync("the background dependent is collected", async () => (await kubectl.RunAsync("get", "cm", "bg-child")).ExitCode != 0 ? true : (bool?)null);
    }

    [Fact]
    public async Task DeleteNamespace_RemovesContents()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.App());
        await kubectl.ApplyAsync(Manifests.WidgetCrd);

        var deleted = await kubectl.RunAsync(["delete", "namespace", "demo", "--timeout=60s"], null);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.NotEqual(0, (await kubectl.RunAsync("get", "namespace", "demo")).ExitCode);
        Assert.Equal("", (await kubectl.SucceedAsync("get", "deploy,svc,cm", "-A", "-o", "name")).Trim());

        var recreated = await kubectl.RunAsync(["apply", "-f", "-"], Manifests.App());
        Assert.True(recreated.ExitCode == 0, recreated.ToString());
    }

    private static JsonNode Json(string text) => JsonNode.Parse(text)!;
}
