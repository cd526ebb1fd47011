using System.Text.Json.Nodes;
using Flotilla.ApiServer;
using Flotilla.LocalFleet;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Fleet;

/// <summary>Whole local fleets (hub, members, runtimes, agents) in one process on port 0, driven with kubectl and HTTP.</summary>
public sealed class LocalFleetTests
{
    private const string TwoMembers = """
        members:
        - name: aks-member-1
          labels:
            fleet.azure.com/location: eastus
            fleet.azure.com/resource-group: rg-fleet
          taints:
          - {key: dedicated, value: gpu, effect: NoSchedule}
          nodes: {count: 2, cpu: "8", memory: 32Gi}
        - name: aks-member-2
          labels:
            fleet.azure.com/location: westus
          nodes: {count: 1}
        """;

    [Fact]
    public async Task Up_TwoMembers_JoinWithColumnsLabelsTaintsAndNodes()
    {
        using var directory = new TemporaryDirectory("flotilla-fleet");
        await using var fleet = await StartAsync(directory, TwoMembers);
        var hub = Kubectl(fleet, directory, "hub");

        var clusters = await hub.SucceedAsync("get", "memberclusters", "--show-labels");
        Assert.Matches(@"NAME\s+JOINED\s+AGE\s+MEMBER-AGENT-LAST-SEEN\s+NODE-COUNT\s+AVAILABLE-CPU\s+AVAILABLE-MEMORY\s+LABELS", clusters);
        Assert.Matches(@"aks-member-1\s+True\s+\S+\s+\S+\s+2\s+16\s+64Gi\s+fleet.azure.com/location=eastus,fleet.azure.com/resource-group=rg-fleet,kubernetes-fleet.io/member-name=aks-member-1", clusters);
        Assert.Matches(@"aks-member-2\s+True\s+\S+\s+\S+\s+1\s+4\s+16Gi\s+fleet.azure.com/location=westus,kubernetes-fleet.io/member-name=aks-member-2", clusters);
        Assert.True(File.Exists(fleet.Directory.ReadyFile));

        var member1 = JsonNode.Parse(await hub.SucceedAsync("get", "membercluster", "aks-member-1", "-o", "json"))!;
        Assert.Equal("dedicated", (string?)member1["spec"]!["taints"]![0]!["key"]);
        var properties = member1["status"]!["properties"]!;
        // Two Standard_D4s_v3 list prices over 16 cores and 64 GiB, as the Azure provider computes them.
        Assert.Equal("0.024", (string?)properties["kubernetes.azure.com/per-cpu-core-cost"]!["value"]);
        Assert.Equal("0.006", (string?)properties["kubernetes.azure.com/per-gb-memory-cost"]!["value"]);
        var agent = member1["status"]!["agentStatus"]!.AsArray().Single(a => (string?)a!["type"] == "MemberAgent")!;
        Assert.Contains(agent["conditions"]!.AsArray(), c => (string?)c!["type"] == "Healthy" && (string?)c["status"] == "True");

        var namespaces = await hub.SucceedAsync("get", "namespaces", "-l", "kubernetes-fleet.io/is-fleet-resource=true", "-o", "name");
        Assert.Equal(["namespace/fleet-member-aks-member-1", "namespace/fleet-member-aks-member-2"], namespaces.Trim().Split('\n'));

        var nodes = await Kubectl(fleet, directory, "aks-member-1").SucceedAsync("get", "nodes");
        Assert.Matches(@"aks-member-1-node-0\s+Ready", nodes);
        Assert.Matches(@"aks-member-1-node-1\s+Ready", nodes);
    }

    [Fact]
    public async Task Deployment_OnAMember_PodsAnswerOnTheirOwnIps_AndScalingFollows()
    {
        using var directory = new TemporaryDirectory("flotilla-fleet");
        await using var fleet = await StartAsync(directory, "members:\n- name: member-1\n  nodes: {count: 2}\n");
        var member = Kubectl(fleet, directory, "member-1");
        await member.SucceedAsync("create", "deployment", "kuard", "--image=ghcr.io/kuar-demo/kuard-amd64:blue", "--replicas=2", "--port=8080");
        await member.SucceedAsync("expose", "deployment", "kuard", "--port=80", "--target-port=8080");

        var pods = await Eventually.WaitAsync("two ready kuard pods with IPs", async () =>
        {
            var list = JsonNode.Parse(await member.SucceedAsync("get", "pods", "-l", "app=kuard", "-o", "json"))!["items"]!.AsArray();
            return list.Count == 2 && list.All(p => (string?)p!["status"]!["phase"] == "Running" && p["status"]!["podIP"] is not null) ? list : null;
        });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var pod in pods)
        {
            var ip = (string)pod!["status"]!["podIP"]!;
            var page = await http.GetStringAsync($"http://{ip}:8080/");
            Assert.Contains($"\"addrs\":[\"{ip}\"]", page, StringComparison.Ordinal);
            Assert.Contains($"\"hostname\":\"{(string?)pod["metadata"]!["name"]}\"", page, StringComparison.Ordinal);
        }
        Assert.Matches(@"kuard\s+2/2\s+2\s+2", await member.SucceedAsync("get", "deployment", "kuard"));

        await member.SucceedAsync("scale", "deployment", "kuard", "--replicas=4");
        await Eventually.WaitAsync("the EndpointSlice to list four ready pod IPs", async () =>
        {
            var slices = JsonNode.Parse(await member.SucceedAsync("get", "endpointslices", "-l", "kubernetes.io/service-name=kuard", "-o", "json"))!["items"]!.AsArray();
            var ready = slices.SelectMany(s => s!["endpoints"]?.AsArray() ?? []).Count(e => (bool?)e!["conditions"]!["ready"] == true);
            return ready == 4;
        });
    }

    [Fact]
    public async Task DeletingAMemberCluster_MemberLeaves_AndTheHubNamespaceIsCleanedUp()
    {
        using var directory = new TemporaryDirectory("flotilla-fleet");
        await using var fleet = await StartAsync(directory, "members:\n- name: leaver\n  nodes: {count: 1}\n- name: stayer\n  nodes: {count: 1}\n");
        var hub = Kubectl(fleet, directory, "hub");

        await hub.SucceedAsync("delete", "membercluster", "leaver", "--wait=true", "--timeout=60s");

        Assert.Contains("NotFound", (await hub.RunAsync("get", "namespace", "fleet-member-leaver")).StandardError, StringComparison.Ordinal);
        Assert.Matches(@"stayer\s+True", await hub.SucceedAsync("get", "memberclusters"));
        Assert.Equal("", (await hub.SucceedAsync("get", "membercluster", "-l", "kubernetes-fleet.io/member-name=leaver", "-o", "name")).Trim());
    }

    [Fact]
    public async Task UpCommand_AsAProcess_ReadyLockedStoppedCleanlyAndResumed()
    {
        using var directory = new TemporaryDirectory("flotilla-up");
        var fleetFile = directory.Combine("fleet.yaml");
        await File.WriteAllTextAsync(fleetFile, "members:\n- name: solo\n  labels: {fleet.azure.com/location: eastus}\n  nodes: {count: 1}\n");
        var fleetDirectory = directory.Combine("fleet");
        string[] up = ["up", "-f", fleetFile, "--dir", fleetDirectory];

        await using (var first = await FlotillaProcess.StartAsync(up, "Fleet ready", TimeSpan.FromSeconds(90)))
        {
            Assert.True(File.Exists(Path.Combine(fleetDirectory, "ready")));
            var kubectl = new Kubectl(Path.Combine(fleetDirectory, "kubeconfigs", "hub"), directory.Combine("kube-cache"));
            Assert.Matches(@"solo\s+True", await kubectl.SucceedAsync("get", "memberclusters"));
            await kubectl.SucceedAsync("create", "configmap", "survives", "--from-literal=a=1");

            var second = await FlotillaProcess.RunAsync(["up", "--dir", fleetDirectory], TimeSpan.FromSeconds(30));
            Assert.Equal(1, second.ExitCode);
            Assert.Contains($"The fleet in {fleetDirectory} is already running (process {first.ProcessId})", second.StandardError, StringComparison.Ordinal);

            var status = await FlotillaProcess.RunAsync(["status", "--dir", fleetDirectory], TimeSpan.FromSeconds(30));
            Assert.Matches(@"solo\s+https://127\.0\.0\.1:\d+\s+yes\s+True\s+True", status.StandardOutput);

            var down = await FlotillaProcess.RunAsync(["down", "--dir", fleetDirectory], TimeSpan.FromSeconds(60));
            Assert.Equal(0, down.ExitCode);
            Assert.Equal(0, await first.WaitForExitAsync("flotilla up to exit after flotilla down"));
            Assert.False(File.Exists(Path.Combine(fleetDirectory, "ready")));
            Assert.Equal("", first.StandardError);
        }

        // Without -f, the same fleet comes back with its state and its ports, so the kubeconfigs still work.
        await using var resumed = await FlotillaProcess.StartAsync(["up", "--dir", fleetDirectory], "Fleet ready", TimeSpan.FromSeconds(90));
        var again = new Kubectl(Path.Combine(fleetDirectory, "kubeconfigs", "hub"), directory.Combine("kube-cache-2"));
        Assert.Equal("1", (await again.SucceedAsync("get", "configmap", "survives", "-o", "jsonpath={.data.a}")).Trim());
        Assert.Matches(@"solo\s+True", await again.SucceedAsync("get", "memberclusters"));
        await resumed.SignalAsync("INT");
        Assert.Equal(0, await resumed.WaitForExitAsync("flotilla up to exit after SIGINT"));
    }

    [Fact]
    public async Task UpCommand_InvalidFleetFile_ReportsEveryProblemAndStartsNothing()
    {
        using var directory = new TemporaryDirectory("flotilla-up");
        var fleetFile = directory.Combine("fleet.yaml");
        await File.WriteAllTextAsync(fleetFile, "members:\n- name: a\n  nodes: {memory: 16GB}\n  colour: blue\n");

        var result = await FlotillaProcess.RunAsync(["up", "-f", fleetFile, "--dir", directory.Combine("fleet")], TimeSpan.FromSeconds(30));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("members[0].colour: unknown field", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("members[0].nodes.memory: \"16GB\" is not a positive quantity such as \"16Gi\"", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.Combine("fleet")));
    }

    private static async Task<LocalFleetHost> StartAsync(TemporaryDirectory directory, string fleetFile)
    {
        var fleet = await LocalFleetHost.StartAsync(new LocalFleetOptions
        {
            Directory = directory.Combine("fleet"),
            Fleet = FleetFile.Parse(fleetFile),
            EphemeralPorts = true,
            Storage = StorageBackend.Memory,
        });
        using var joined = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await fleet.WaitUntilJoinedAsync(joined.Token);
        }
        catch (OperationCanceledException)
        {
            await fleet.DisposeAsync();
            throw new TimeoutException("the members did not join the hub within 60 s");
        }
        return fleet;
    }

    private static Kubectl Kubectl(LocalFleetHost fleet, TemporaryDirectory directory, string cluster) =>
        new(fleet.Directory.Kubeconfig(cluster), directory.Combine("kube-cache-" + cluster));
}
