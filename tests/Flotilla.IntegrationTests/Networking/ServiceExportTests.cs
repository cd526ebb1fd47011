using System.Text.Json.Nodes;
using Flotilla.ApiServer;
using Flotilla.LocalFleet;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Networking;

/// <summary>
/// Multi-cluster services on a two-member fleet, driven with kubectl (networking spec §2–§5): export validity, the
/// hub's ServiceImport, conflicts and their resolution, unexport, import arbitration between MultiClusterServices, and
/// the endpoints of every exporting member behind the importer's derived Service.
/// </summary>
public sealed class ServiceExportTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _directory = new("flotilla-svcexport");
    private LocalFleetHost? _fleet;
    private Kubectl _hub = null!;

    public async Task InitializeAsync()
    {
        _fleet = await LocalFleetHost.StartAsync(new LocalFleetOptions
        {
            Directory = _directory.Combine("fleet"),
            Fleet = FleetFile.Parse("members:\n- name: member-1\n  nodes: {count: 1}\n- name: member-2\n  nodes: {count: 1}\n"),
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

    private Kubectl Member(string name) => new(_fleet!.Directory.Kubeconfig(name), _directory.Combine("kube-cache"));

    private const string Export = """
        apiVersion: networking.fleet.azure.com/v1alpha1
        kind: ServiceExport
        metadata: {name: kuard, namespace: kuard-demo}
        """;

    private async Task<(string Valid, string Conflict)> ColumnsAsync(string member)
    {
        var row = (await Member(member).SucceedAsync("get", "serviceexport", "kuard", "-n", "kuard-demo", "--no-headers")).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (row[1], row[2]);
    }

    private Task WaitColumnsAsync(string member, string valid, string conflict) =>
        Eventually.WaitAsync($"{member}'s ServiceExport to show IS-VALID {valid}, IS-CONFLICTED {conflict}", async () =>
            await ColumnsAsync(member) == (valid, conflict) ? (bool?)true : null);

    private static JsonNode? Condition(JsonNode export, string type) =>
        export["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type);

    [Fact]
    public async Task TwoExportersWithDifferentPorts_FirstWins_SecondConflicts_TakesOverWhenTheFirstLeaves()
    {
        await _hub.SucceedAsync("create", "namespace", "kuard-demo");
        foreach (var member in new[] { "member-1", "member-2" })
        {
            await Member(member).SucceedAsync("create", "namespace", "kuard-demo");
            await Member(member).SucceedAsync("create", "deployment", "kuard", "-n", "kuard-demo", "--image=ghcr.io/kuar-demo/kuard-amd64:blue", "--port=8080");
        }
        await Member("member-1").SucceedAsync("expose", "deployment", "kuard", "-n", "kuard-demo", "--port=8080");
        await Member("member-2").SucceedAsync("expose", "deployment", "kuard", "-n", "kuard-demo", "--port=8081", "--target-port=8080");

        await Member("member-1").ApplyAsync(Export);
        await WaitColumnsAsync("member-1", "True", "False");
        await Member("member-2").ApplyAsync(Export);
        await WaitColumnsAsync("member-2", "True", "True");

        var conflicted = JsonNode.Parse(await Member("member-2").SucceedAsync("get", "serviceexport", "kuard", "-n", "kuard-demo", "-o", "json"))!;
        Assert.Equal("service kuard-demo/kuard is valid for export", (string?)Condition(conflicted, "Valid")!["message"]);
        Assert.Equal(("ConflictFound", "service kuard-demo/kuard is in conflict with other exported services"),
            ((string?)Condition(conflicted, "Conflict")!["reason"], (string?)Condition(conflicted, "Conflict")!["message"]));
        var serviceImport = JsonNode.Parse(await _hub.SucceedAsync("get", "serviceimport", "kuard", "-n", "kuard-demo", "-o", "json"))!;
        Assert.Equal("""{"clusters":[{"cluster":"member-1"}],"ports":[{"port":8080,"protocol":"TCP","targetPort":8080}],"type":"ClusterSetIP"}""",
            serviceImport["status"]!.ToJsonString());
        Assert.Contains("ServiceExportConflictFound", await Member("member-2").SucceedAsync("get", "events", "-n", "kuard-demo"), StringComparison.Ordinal);

        // The incumbent leaves: the ServiceImport is resolved again from what is left, and member-2 is in.
        await Member("member-1").SucceedAsync("delete", "serviceexport", "kuard", "-n", "kuard-demo", "--wait=true");
        await WaitColumnsAsync("member-2", "True", "False");
        await Eventually.WaitAsync("the ServiceImport resolved to member-2's ports", async () =>
            (await _hub.SucceedAsync("get", "serviceimport", "kuard", "-n", "kuard-demo", "-o", "jsonpath={.status.ports[0].port} {.status.clusters[*].cluster}")).Trim() == "8081 member-2"
                ? (bool?)true
                : null);
        Assert.Equal("", (await _hub.SucceedAsync("get", "internalserviceexports", "-n", "fleet-member-member-1", "-o", "name")).Trim());

        // The Service goes: Valid False ServiceNotFound, the export is withdrawn and the ServiceImport deleted.
        await Member("member-2").SucceedAsync("delete", "service", "kuard", "-n", "kuard-demo");
        await WaitColumnsAsync("member-2", "False", "False");
        var gone = JsonNode.Parse(await Member("member-2").SucceedAsync("get", "serviceexport", "kuard", "-n", "kuard-demo", "-o", "json"))!;
        Assert.Equal(("ServiceNotFound", "service kuard-demo/kuard is not found"),
            ((string?)Condition(gone, "Valid")!["reason"], (string?)Condition(gone, "Valid")!["message"]));
        await Eventually.WaitAsync("the ServiceImport deleted", async () =>
            (await _hub.RunAsync("get", "serviceimport", "kuard", "-n", "kuard-demo")).ExitCode != 0 ? (bool?)true : null);
    }

    private const string MultiClusterService = """
        apiVersion: networking.fleet.azure.com/v1alpha1
        kind: MultiClusterService
        metadata: {name: kuard, namespace: kuard-demo}
        spec:
          serviceImport: {name: kuard}
        """;

    private async Task<string[]> McsRowAsync(string member) =>
        (await Member(member).SucceedAsync("get", "multiclusterservice", "kuard", "-n", "kuard-demo", "--no-headers")).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// One importer per service (§5.6): the first MCS gets the import and a derived LoadBalancer Service; a second MCS
    /// on another member waits Unknown and takes over when the first is deleted, which removes its derived Service.
    /// </summary>
    [Fact]
    public async Task SecondMultiClusterService_WaitsUnknown_TakesOverWhenTheFirstIsDeleted()
    {
        await _hub.SucceedAsync("create", "namespace", "kuard-demo");
        foreach (var member in new[] { "member-1", "member-2" })
        {
            await Member(member).SucceedAsync("create", "namespace", "kuard-demo");
            await Member(member).SucceedAsync("create", "deployment", "kuard", "-n", "kuard-demo", "--image=ghcr.io/kuar-demo/kuard-amd64:blue", "--port=8080");
            await Member(member).SucceedAsync("expose", "deployment", "kuard", "-n", "kuard-demo", "--port=8080");
            await Member(member).ApplyAsync(Export);
        }
        await WaitColumnsAsync("member-2", "True", "False");

        await Member("member-1").ApplyAsync(MultiClusterService);
        await Eventually.WaitAsync("member-1's MCS valid", async () => (await McsRowAsync("member-1"))[^2] == "True" ? (bool?)true : null);
        var derived = JsonNode.Parse(await Member("member-1").SucceedAsync("get", "service", "kuard-demo-kuard", "-n", "fleet-system", "-o", "json"))!;
        Assert.Equal("LoadBalancer", (string?)derived["spec"]!["type"]);
        Assert.Null(derived["spec"]!["selector"]);
        Assert.Equal(8080, (int?)derived["spec"]!["ports"]![0]!["port"]);
        Assert.Equal("kuard", (string?)derived["metadata"]!["labels"]!["networking.fleet.azure.com/multi-cluster-service-name"]);

        await Member("member-2").ApplyAsync(MultiClusterService);
        await Eventually.WaitAsync("member-2's MCS waiting", async () => (await McsRowAsync("member-2"))[^2] == "Unknown" ? (bool?)true : null);
        var waiting = JsonNode.Parse(await Member("member-2").SucceedAsync("get", "multiclusterservice", "kuard", "-n", "kuard-demo", "-o", "json"))!;
        Assert.Equal(("UnknownServiceImport",
                "importing service; if the condition remains for a while, please verify that service has been exported or service has been exported by other multiClusterService"),
            ((string?)Condition(waiting, "Valid")!["reason"], (string?)Condition(waiting, "Valid")!["message"]));
        var serviceImport = JsonNode.Parse(await _hub.SucceedAsync("get", "serviceimport", "kuard", "-n", "kuard-demo", "-o", "json"))!;
        Assert.Equal("""{"MemberClusters":{"fleet-member-member-1":"member-1"}}""",
            (string?)serviceImport["metadata"]!["annotations"]!["networking.fleet.azure.com/service-in-use-by"]);

        await Member("member-1").SucceedAsync("delete", "multiclusterservice", "kuard", "-n", "kuard-demo", "--wait=true");
        Assert.NotEqual(0, (await Member("member-1").RunAsync("get", "service", "kuard-demo-kuard", "-n", "fleet-system")).ExitCode);
        await Eventually.WaitAsync("member-2's MCS taking over", async () => (await McsRowAsync("member-2"))[^2] == "True" ? (bool?)true : null);
        Assert.Equal("LoadBalancer", (await Member("member-2").SucceedAsync("get", "service", "kuard-demo-kuard", "-n", "fleet-system", "-o", "jsonpath={.spec.type}")).Trim());
    }

    /// <summary>
    /// Endpoints (§4): the importing member's fleet-system holds one EndpointSlice per exported slice, with the ready pod
    /// IPs of every exporting member; scaling on one member changes them, and deleting the MCS withdraws them.
    /// </summary>
    [Fact]
    public async Task ImportedEndpoints_PodsOfBothMembers_FollowScaling_WithdrawnWithTheMcs()
    {
        await _hub.SucceedAsync("create", "namespace", "kuard-demo");
        foreach (var member in new[] { "member-1", "member-2" })
        {
            await Member(member).SucceedAsync("create", "namespace", "kuard-demo");
            await Member(member).SucceedAsync("create", "deployment", "kuard", "-n", "kuard-demo", "--image=ghcr.io/kuar-demo/kuard-amd64:blue", "--port=8080", "--replicas=2");
            await Member(member).SucceedAsync("expose", "deployment", "kuard", "-n", "kuard-demo", "--port=8080");
            await Member(member).ApplyAsync(Export);
        }
        await WaitColumnsAsync("member-2", "True", "False");
        await Member("member-1").ApplyAsync(MultiClusterService);

        await WaitImportedEndpointsAsync(2, 2);
        await Member("member-2").SucceedAsync("scale", "deployment", "kuard", "-n", "kuard-demo", "--replicas=3");
        await WaitImportedEndpointsAsync(2, 3);

        await Member("member-1").SucceedAsync("delete", "multiclusterservice", "kuard", "-n", "kuard-demo", "--wait=true");
        await Eventually.WaitAsync("the imported EndpointSlices withdrawn", async () =>
            (await Member("member-1").SucceedAsync("get", "endpointslices", "-n", "fleet-system", "-o", "name")).Trim().Length == 0 ? (bool?)true : null);
    }

    /// <summary>Waits until the imported slices hold exactly the ready pod IPs of each member, labelled for the derived Service.</summary>
    private Task WaitImportedEndpointsAsync(int fromMember1, int fromMember2) =>
        Eventually.WaitAsync($"imported endpoints: {fromMember1} pod(s) of member-1, {fromMember2} of member-2", async () =>
        {
            var expected = new List<string>();
            foreach (var member in new[] { "member-1", "member-2" })
            {
                var pods = JsonNode.Parse(await Member(member).SucceedAsync("get", "pods", "-n", "kuard-demo", "-o", "json"))!["items"]!.AsArray();
                expected.AddRange(pods.Where(p => (string?)p!["status"]!["phase"] == "Running").Select(p => (string)p!["status"]!["podIP"]!));
            }
            var slices = JsonNode.Parse(await Member("member-1").SucceedAsync("get", "endpointslices", "-n", "fleet-system", "-l", "kubernetes.io/service-name=kuard-demo-kuard", "-o", "json"))!["items"]!.AsArray();
            var imported = slices.SelectMany(s => s!["endpoints"]!.AsArray().SelectMany(e => e!["addresses"]!.AsArray().Select(a => (string)a!))).Order(StringComparer.Ordinal).ToList();
            return expected.Count == fromMember1 + fromMember2 && imported.SequenceEqual(expected.Order(StringComparer.Ordinal)) ? (bool?)true : null;
        });

    [Fact]
    public async Task HeadlessService_Ineligible_NotExported()
    {
        await _hub.SucceedAsync("create", "namespace", "kuard-demo");
        var member = Member("member-1");
        await member.SucceedAsync("create", "namespace", "kuard-demo");
        await member.SucceedAsync("create", "service", "clusterip", "kuard", "-n", "kuard-demo", "--clusterip=None");
        await member.ApplyAsync(Export);

        var export = await Eventually.WaitAsync("the ServiceExport to be found ineligible", async () =>
        {
            var current = JsonNode.Parse(await member.SucceedAsync("get", "serviceexport", "kuard", "-n", "kuard-demo", "-o", "json"))!;
            return (string?)Condition(current, "Valid")?["status"] == "False" ? current : null;
        });
        Assert.Equal(("ServiceIneligible", "service kuard-demo/kuard is not eligible for export"),
            ((string?)Condition(export, "Valid")!["reason"], (string?)Condition(export, "Valid")!["message"]));
        Assert.Null(Condition(export, "Conflict"));
        Assert.Null(export["metadata"]!["finalizers"]);
        Assert.Equal("", (await _hub.SucceedAsync("get", "internalserviceexports", "-A", "-o", "name")).Trim());
    }
}
