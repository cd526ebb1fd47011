using System.Diagnostics;
using System.Text;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.ApiServer;

/// <summary>kubectl get (Tables, output formats, selectors, sorting, watch), describe and api-resources.</summary>
public sealed class KubectlReadTests
{
    [Fact]
    public async Task Get_OutputFormatsSelectorsAndSorting_MatchObjects()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.App());
        await kubectl.SucceedAsync("create", "namespace", "other");
        await kubectl.SucceedAsync("create", "configmap", "zeta", "-n", "other", "--from-literal=a=1");
        await kubectl.SucceedAsync("create", "configmap", "alpha", "-n", "other", "--from-literal=a=1", "--from-literal=b=2");
        await kubectl.SucceedAsync("label", "configmap", "alpha", "-n", "other", "team=blue");

        var deployments = await kubectl.SucceedAsync("get", "deploy", "-n", "demo");
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE", deployments);
        Assert.Matches(@"web\s+0/2\s+0\s+0\s+\d+s", deployments);
        var wide = await kubectl.SucceedAsync("get", "deploy", "-n", "demo", "-o", "wide");
        Assert.Matches(@"CONTAINERS\s+IMAGES\s+SELECTOR", wide);
        Assert.Matches(@"nginx\s+nginx:1.25\s+app=web", wide);
        Assert.Matches(@"web\s+ClusterIP\s+", await kubectl.SucceedAsync("get", "svc", "-n", "demo"));

        var yaml = await kubectl.SucceedAsync("get", "configmap", "alpha", "-n", "other", "-o", "yaml");
        Assert.Contains("kind: ConfigMap", yaml);
        Assert.Contains("team: blue", yaml);

        var labelled = await kubectl.SucceedAsync("get", "cm", "-n", "other", "-l", "team=blue", "-o", "name");
        Assert.Equal("configmap/alpha", labelled.Trim());
        var notLabelled = await kubectl.SucceedAsync("get", "cm", "-n", "other", "-l", "team!=blue", "-o", "name");
        Assert.Equal("configmap/zeta", notLabelled.Trim());

        var all = await kubectl.SucceedAsync("get", "configmaps", "-A");
        Assert.Matches(@"NAMESPACE\s+NAME\s+DATA\s+AGE", all);
        Assert.Matches(@"demo\s+app-config\s+1", all);
        Assert.Matches(@"other\s+alpha\s+2", all);

        var sorted = await kubectl.SucceedAsync("get", "cm", "-n", "other", "--sort-by=.metadata.name", "-o", "name");
        Assert.Equal("configmap/alpha\nconfigmap/zeta", sorted.Trim());
        var sortedDescending = await kubectl.SucceedAsync("get", "cm", "-n", "other", "--sort-by=.data.a");
        Assert.Contains("alpha", sortedDescending);

        var shown = await kubectl.SucceedAsync("get", "cm", "alpha", "-n", "other", "--show-labels");
        Assert.Matches(@"alpha\s+2\s+\S+\s+team=blue", shown);

        var chunked = await kubectl.SucceedAsync("get", "cm", "-A", "--chunk-size=1", "-o", "name");
        Assert.Equal(3, chunked.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task GetWatch_LaterChange_PrintedAndStreamStaysOpen()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.SucceedAsync("create", "configmap", "watched", "--from-literal=a=1");

        var info = new ProcessStartInfo(Kubectl.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--cache-dir", Path.Combine(server.DataDirectory, "watch-cache"), "get", "configmaps", "-w" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["KUBECONFIG"] = kubectl.Kubeconfig;
        using var process = Process.Start(info)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        try
        {
            await Eventually.WaitAsync("the watch lists the existing configmap", () => { lock (output) return output.ToString().Contains("watched", StringComparison.Ordinal); });
            await kubectl.SucceedAsync("label", "configmap", "watched", "seen=yes");
            await kubectl.SucceedAsync("create", "configmap", "later", "--from-literal=b=2");
            await Eventually.WaitAsync("the watch prints the created configmap", () => { lock (output) return output.ToString().Contains("later", StringComparison.Ordinal); });
            lock (output)
            {
                // The first row, the row reprinted for the label change, and the new object.
                Assert.True(output.ToString().Split('\n').Count(l => l.StartsWith("watched", StringComparison.Ordinal)) >= 2, output.ToString());
            }
            Assert.False(process.HasExited, "kubectl get -w must stay open while the server holds the watch");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Describe_CustomResourceAndDeployment_ShowsFieldsAndEvents()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.WidgetCrd);
        await kubectl.ApplyAsync(Manifests.Widget());
        await kubectl.ApplyAsync(Manifests.App());
        var uid = (await kubectl.SucceedAsync("get", "deploy", "web", "-n", "demo", "-o", "jsonpath={.metadata.uid}")).Trim();
        await kubectl.ApplyAsync($$"""
            apiVersion: v1
            kind: Event
            metadata:
              name: web.scaled
              namespace: demo
            involvedObject:
              apiVersion: apps/v1
              kind: Deployment
              name: web
              namespace: demo
              uid: {{uid}}
            reason: ScalingReplicaSet
            message: Scaled up replica set web-abc to 2
            type: Normal
            source:
              component: deployment-controller
            firstTimestamp: "2026-01-01T00:00:00Z"
            lastTimestamp: "2026-01-01T00:00:00Z"
            count: 1
            """);

        var widget = await kubectl.SucceedAsync("describe", "widget", "w1");
        Assert.Matches(@"Name:\s+w1", widget);
        Assert.Matches(@"Size:\s+3", widget);
        Assert.Contains("Events:", widget);

        var deployment = await kubectl.SucceedAsync("describe", "deployment", "web", "-n", "demo");
        Assert.Matches(@"Replicas:\s+2 desired", deployment);
        Assert.Matches(@"Image:\s+nginx:1.25", deployment);
        Assert.Matches(@"Normal\s+ScalingReplicaSet\s+.*Scaled up replica set web-abc to 2", deployment);
    }

    [Fact]
    public async Task ApiResources_ListsShortNamesAndCategories()
    {
        await using var server = await TestApiServer.StartAsync();
        var kubectl = server.Kubectl;
        await kubectl.ApplyAsync(Manifests.WidgetCrd);

        var resources = await kubectl.SucceedAsync("api-resources", "-o", "wide");
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment\s+.*all", resources);
        Assert.Matches(@"namespaces\s+ns\s+v1\s+false\s+Namespace", resources);
        Assert.Matches(@"customresourcedefinitions\s+crd,crds\s+apiextensions.k8s.io/v1\s+false\s+CustomResourceDefinition\s+.*api-extensions", resources);
        Assert.Matches(@"widgets\s+wg\s+example.flotilla.io/v1\s+false\s+Widget\s+.*fleet-test", resources);
        Assert.Contains("example.flotilla.io/v1", await kubectl.SucceedAsync("api-versions"));
    }
}
