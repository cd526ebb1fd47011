using System.Text.Json.Nodes;
using Flotilla.ApiServer;
using Flotilla.LocalFleet;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Propagation;

/// <summary>
/// What a placement selects on the hub becomes resource snapshots and the placement's <c>selectedResources</c>
/// (placement spec §1.3.2, §2.2, §7.1), driven with kubectl on a one-member local fleet.
/// </summary>
public sealed class ResourceSnapshotTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _directory = new("flotilla-propagation");
    private LocalFleetHost? _fleet;
    private Kubectl _hub = null!;

    public async Task InitializeAsync()
    {
        _fleet = await LocalFleetHost.StartAsync(new LocalFleetOptions
        {
            Directory = _directory.Combine("fleet"),
            Fleet = FleetFile.Parse("members:\n- name: member-1\n  nodes: {count: 1}\n"),
            EphemeralPorts = true,
            Storage = StorageBackend.Memory,
        });
        using var joined = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _fleet.WaitUntilJoinedAsync(joined.Token);
        _hub = new Kubectl(_fleet.Directory.Kubeconfig("hub"), _directory.Combine("kube-cache"));
    }

    public async Task DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task NamespaceSelected_SnapshotOfItsObjectsSanitizedAndSorted_NewSnapshotWhenOneChanges()
    {
        await _hub.SucceedAsync("create", "namespace", "app");
        await _hub.SucceedAsync("create", "deployment", "web", "-n", "app", "--image=ghcr.io/kuar-demo/kuard-amd64:blue");
        await _hub.SucceedAsync("create", "configmap", "settings", "-n", "app", "--from-literal=color=blue");
        await _hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-app
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: app}
            """);

        var placement = await Eventually.WaitAsync("crp-app to report its selected resources", async () =>
        {
            var crp = JsonNode.Parse(await _hub.SucceedAsync("get", "crp", "crp-app", "-o", "json"))!;
            return (string?)crp["status"]?["observedResourceIndex"] == "0" ? crp : null;
        });

        // Upstream's order (Namespace, ConfigMap, Deployment), and only what propagates (not the default
        // ServiceAccount, not kube-root-ca.crt).
        Assert.Equal(
            ["v1/Namespace//app", "v1/ConfigMap/app/settings", "apps/v1/Deployment/app/web"],
            placement["status"]!["selectedResources"]!.AsArray().Select(r =>
                $"{((string?)r!["group"] is { Length: > 0 } g ? g + "/" : "")}{(string?)r["version"]}/{(string?)r["kind"]}/{(string?)r["namespace"]}/{(string?)r["name"]}"));
        var snapshot = JsonNode.Parse(await _hub.SucceedAsync("get", "crs", "crp-app-0-snapshot", "-o", "json"))!;
        Assert.Equal("true", (string?)snapshot["metadata"]!["labels"]!["kubernetes-fleet.io/is-latest-snapshot"]);
        Assert.Equal("0", (string?)snapshot["metadata"]!["labels"]!["kubernetes-fleet.io/resource-index"]);
        Assert.Equal("1", (string?)snapshot["metadata"]!["annotations"]!["kubernetes-fleet.io/number-of-resource-snapshots"]);
        Assert.Matches("^[0-9a-f]{64}$", (string?)snapshot["metadata"]!["annotations"]!["kubernetes-fleet.io/resource-hash"]);
        Assert.Equal("ClusterResourcePlacement", (string?)snapshot["metadata"]!["ownerReferences"]![0]!["kind"]);
        var items = snapshot["spec"]!["selectedResources"]!.AsArray();
        Assert.Equal(["Namespace", "ConfigMap", "Deployment"], items.Select(i => (string?)i!["kind"]));
        var configMap = items[1]!.AsObject();
        Assert.Equal("blue", (string?)configMap["data"]!["color"]);
        Assert.All(items, i =>
        {
            Assert.Null(i!["status"]);
            Assert.Null(i["metadata"]!["uid"]);
            Assert.Null(i["metadata"]!["resourceVersion"]);
            Assert.Null(i["metadata"]!["creationTimestamp"]);
        });
        Assert.Contains("Selected Resources", await _hub.SucceedAsync("describe", "crp", "crp-app"), StringComparison.Ordinal);

        // The rollout binds the member's binding to the snapshot and says so.
        var bound = await Eventually.WaitAsync("the binding bound to crp-app-0-snapshot", async () =>
        {
            var binding = JsonNode.Parse(await _hub.SucceedAsync("get", "crb", "-l", "kubernetes-fleet.io/parent-CRP=crp-app", "-o", "json"))!["items"]!.AsArray().Single()!;
            return (string?)binding["spec"]!["state"] == "Bound" && (string?)binding["spec"]!["resourceSnapshotName"] == "crp-app-0-snapshot"
                && binding["status"]?["conditions"]?.AsArray().Any(c => (string?)c!["type"] == "RolloutStarted" && (string?)c["status"] == "True") == true
                ? binding
                : null;
        });
        Assert.Equal("PartialComparison", (string?)bound["spec"]!["applyStrategy"]!["comparisonOption"]);

        // A change to a selected object: a new group once the collection window and the minimum interval pass.
        await _hub.SucceedAsync("patch", "configmap", "settings", "-n", "app", "--type", "merge", "-p", """{"data":{"color":"green"}}""");
        var newer = await Eventually.WaitAsync("a second resource snapshot", async () =>
        {
            var result = await _hub.RunAsync("get", "crs", "crp-app-1-snapshot", "-o", "json");
            return result.ExitCode == 0 ? JsonNode.Parse(result.StandardOutput) : null;
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("green", (string?)newer!["spec"]!["selectedResources"]![1]!["data"]!["color"]);
        Assert.Equal("false", (await _hub.SucceedAsync("get", "crs", "crp-app-0-snapshot", "-o", "jsonpath={.metadata.labels.kubernetes-fleet\\.io/is-latest-snapshot}")).Trim());
        // The member reports the resources available, so the rollout moves the binding to the new snapshot.
        await Eventually.WaitAsync("the binding moved to crp-app-1-snapshot", async () =>
        {
            var binding = JsonNode.Parse(await _hub.SucceedAsync("get", "crb", "-l", "kubernetes-fleet.io/parent-CRP=crp-app", "-o", "json"))!["items"]!.AsArray().Single()!;
            return (string?)binding["spec"]!["resourceSnapshotName"] == "crp-app-1-snapshot" ? (bool?)true : null;
        });
        await Eventually.WaitAsync("observedResourceIndex 1", async () =>
            (await _hub.SucceedAsync("get", "crp", "crp-app", "-o", "jsonpath={.status.observedResourceIndex}")).Trim() == "1" ? (bool?)true : null);

        // Deleting the placement deletes its snapshots.
        await _hub.SucceedAsync("delete", "crp", "crp-app", "--wait=true", "--timeout=60s");
        Assert.Equal("", (await _hub.SucceedAsync("get", "crs,csps", "-l", "kubernetes-fleet.io/parent-CRP=crp-app", "-o", "name")).Trim());
    }

    [Fact]
    public async Task DuplicateSelection_ScheduledFalseInvalidResourceSelectors_NoSnapshots()
    {
        await _hub.SucceedAsync("create", "namespace", "twice");
        await _hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-twice
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: twice}
              - {group: "", kind: Namespace, version: v1, name: twice, selectionScope: NamespaceOnly}
            """);

        var condition = await Eventually.WaitAsync("crp-twice to report invalid selectors", async () =>
        {
            var crp = JsonNode.Parse(await _hub.SucceedAsync("get", "crp", "crp-twice", "-o", "json"))!;
            return crp["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["reason"] == "InvalidResourceSelectors");
        });

        Assert.Equal("ClusterResourcePlacementScheduled", (string?)condition!["type"]);
        Assert.Equal("False", (string?)condition["status"]);
        Assert.Equal(
            "The resource selectors are invalid: failed to process the request due to a client error: found duplicate resource {Group: Version:v1 Kind:Namespace Name:twice Namespace: Envelope:<nil>}",
            (string?)condition["message"]);
        Assert.Equal("", (await _hub.SucceedAsync("get", "crs,csps", "-l", "kubernetes-fleet.io/parent-CRP=crp-twice", "-o", "name")).Trim());
    }
}
