using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Fleet;

/// <summary>The fleet APIs as kubectl sees them on a hub and on a member: CRDs, versions, columns and admission.</summary>
public sealed class FleetApiTests
{
    private const string CrpV1 = """
        apiVersion: placement.kubernetes-fleet.io/v1
        kind: ClusterResourcePlacement
        metadata:
          name: crp-1
        spec:
          resourceSelectors:
          - group: ""
            kind: Namespace
            version: v1
            name: kuard-demo
          policy:
            placementType: PickN
            numberOfClusters: 2
            affinity:
              clusterAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  clusterSelectorTerms:
                  - labelSelector:
                      matchLabels:
                        fleet.azure.com/location: eastus
        """;

    [Fact]
    public async Task Hub_ServesEveryFleetKind_WithUpstreamNamesAndShortNames()
    {
        await using var hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);

        var resources = await hub.Kubectl.SucceedAsync("api-resources", "--api-group=placement.kubernetes-fleet.io", "-o", "wide");
        // Discovery prefers the GA version, as kube-apiserver orders CRD versions; RP exists only in v1beta1.
        Assert.Matches(@"clusterresourceplacements\s+crp\s+placement.kubernetes-fleet.io/v1\s+false\s+ClusterResourcePlacement", resources);
        Assert.Matches(@"resourceplacements\s+rp\s+placement.kubernetes-fleet.io/v1beta1\s+true\s+ResourcePlacement", resources);
        Assert.Matches(@"works\s+placement.kubernetes-fleet.io/v1\s+true\s+Work", resources);
        var cluster = await hub.Kubectl.SucceedAsync("api-resources", "--api-group=cluster.kubernetes-fleet.io");
        Assert.Matches(@"memberclusters\s+cluster\s+cluster.kubernetes-fleet.io/v1\s+false\s+MemberCluster", cluster);
        Assert.Matches(@"internalmemberclusters\s+imc\s+cluster.kubernetes-fleet.io/v1\s+true\s+InternalMemberCluster", cluster);
        var networking = await hub.Kubectl.SucceedAsync("api-resources", "--api-group=networking.fleet.azure.com");
        Assert.Matches(@"serviceexports\s+svcexport\s+networking.fleet.azure.com/v1beta1\s+true\s+ServiceExport", networking);
        Assert.Matches(@"multiclusterservices\s+mcs\s+networking.fleet.azure.com/v1alpha1\s+true\s+MultiClusterService", networking);
        var versions = await hub.Kubectl.SucceedAsync("api-versions");
        Assert.Contains("placement.kubernetes-fleet.io/v1\n", versions);
        Assert.Contains("placement.kubernetes-fleet.io/v1beta1\n", versions);
        Assert.Contains("cluster.kubernetes-fleet.io/v1\n", versions);
        Assert.Contains("networking.fleet.azure.com/v1alpha1\n", versions);
    }

    [Fact]
    public async Task Member_ServesOnlyTheMemberCrds()
    {
        await using var member = await TestApiServer.StartAsync(features: TestServerFeatures.Member);

        var crds = await member.Kubectl.SucceedAsync("get", "crds", "-o", "name");
        Assert.Equal(
        [
            "customresourcedefinition.apiextensions.k8s.io/appliedworks.placement.kubernetes-fleet.io",
            "customresourcedefinition.apiextensions.k8s.io/multiclusterservices.networking.fleet.azure.com",
            "customresourcedefinition.apiextensions.k8s.io/serviceexports.networking.fleet.azure.com",
            "customresourcedefinition.apiextensions.k8s.io/serviceimports.networking.fleet.azure.com",
        ], crds.Trim().Split('\n'));
    }

    [Fact]
    public async Task Crp_WrittenAsV1_ReadsBackAsV1beta1WithDefaults_AndTheOtherWayRound()
    {
        await using var hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);
        await hub.Kubectl.ApplyAsync(CrpV1);

        var asBeta = JsonNode.Parse(await hub.Kubectl.SucceedAsync("get", "clusterresourceplacements.v1beta1.placement.kubernetes-fleet.io", "crp-1", "-o", "json"))!;
        Assert.Equal("placement.kubernetes-fleet.io/v1beta1", (string?)asBeta["apiVersion"]);
        Assert.Equal(2, (int?)asBeta["spec"]!["policy"]!["numberOfClusters"]);
        Assert.Equal("eastus", (string?)asBeta["spec"]!["policy"]!["affinity"]!["clusterAffinity"]!["requiredDuringSchedulingIgnoredDuringExecution"]!["clusterSelectorTerms"]![0]!["labelSelector"]!["matchLabels"]!["fleet.azure.com/location"]);
        // The mutating webhook filled upstream's defaults.
        Assert.Equal("RollingUpdate", (string?)asBeta["spec"]!["strategy"]!["type"]);
        Assert.Equal("25%", (string?)asBeta["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]);
        Assert.Equal(60, (int?)asBeta["spec"]!["strategy"]!["rollingUpdate"]!["unavailablePeriodSeconds"]);
        Assert.Equal("ClientSideApply", (string?)asBeta["spec"]!["strategy"]!["applyStrategy"]!["type"]);
        Assert.Equal(10, (int?)asBeta["spec"]!["revisionHistoryLimit"]);

        await hub.Kubectl.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-2
            spec:
              resourceSelectors:
              - group: ""
                kind: Namespace
                version: v1
                name: other
            """);
        var asV1 = JsonNode.Parse(await hub.Kubectl.SucceedAsync("get", "clusterresourceplacements.v1.placement.kubernetes-fleet.io", "crp-2", "-o", "json"))!;
        Assert.Equal("placement.kubernetes-fleet.io/v1", (string?)asV1["apiVersion"]);
        Assert.Equal("other", (string?)asV1["spec"]!["resourceSelectors"]![0]!["name"]);
        Assert.Equal("PickAll", (string?)asV1["spec"]!["policy"]!["placementType"]);

        var table = await hub.Kubectl.SucceedAsync("get", "crp", "-o", "wide");
        Assert.Matches(@"NAME\s+GEN\s+TYPE\s+SCHEDULED\s+SCHEDULED-GEN\s+WORK-SYNCHRONIZED\s+WORK-SYNCHRONIZED-GEN\s+AVAILABLE\s+AVAILABLE-GEN\s+AGE", table);
        Assert.Matches(@"crp-1\s+1\s+PickN\s+", table);
    }

    [Theory]
    [InlineData("policy:\n    placementType: PickN", "spec.policy: Invalid value: \"object\": clusterNames cannot be set and numberOfClusters must be set when placementType is PickN")]
    [InlineData("policy:\n    placementType: PickAll\n    clusterNames: [a]", "clusterNames, numberOfClusters, and topologySpreadConstraints cannot be set when placementType is PickAll")]
    [InlineData("policy:\n    placementType: PickN\n    numberOfClusters: 1\n    tolerations:\n    - key: a\n      operator: Exists\n      value: b", "value must be empty when operator is Exists")]
    [InlineData("policy:\n    placementType: PickN\n    numberOfClusters: 2\n    topologySpreadConstraints:\n    - topologyKey: region\n      maxSkew: 0", "spec.policy.topologySpreadConstraints[0].maxSkew: Invalid value: 0: spec.policy.topologySpreadConstraints[0].maxSkew in body should be greater than or equal to 1")]
    public async Task Crp_InvalidPolicy_RejectedWithUpstreamMessage(string policy, string message)
    {
        await using var hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);

        var result = await hub.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: bad
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: demo}
              {{policy}}
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("NotFound", (await hub.Kubectl.RunAsync("get", "crp", "bad")).StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crp_PlacementTypeChangeAndTolerationRemoval_Denied()
    {
        await using var hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);
        await hub.Kubectl.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: demo}
              policy:
                placementType: PickAll
                tolerations:
                - {key: dedicated, operator: Equal, value: gpu}
            """);

        var typeChange = await hub.Kubectl.RunAsync("patch", "crp", "crp", "--type=merge", "-p", """{"spec":{"policy":{"placementType":"PickN","numberOfClusters":1,"tolerations":[{"key":"dedicated","operator":"Equal","value":"gpu"}]}}}""");
        Assert.NotEqual(0, typeChange.ExitCode);
        Assert.Contains("placement type is immutable", typeChange.StandardError, StringComparison.Ordinal);

        var removal = await hub.Kubectl.RunAsync("patch", "crp", "crp", "--type=json", "-p", """[{"op":"remove","path":"/spec/policy/tolerations/0"}]""");
        Assert.NotEqual(0, removal.ExitCode);
        Assert.Contains("admission webhook \"fleet.clusterresourceplacementv1beta1.validating\" denied the request", removal.StandardError, StringComparison.Ordinal);
        Assert.Contains("tolerations have been updated/deleted, only additions to tolerations are allowed", removal.StandardError, StringComparison.Ordinal);

        var addition = await hub.Kubectl.RunAsync("patch", "crp", "crp", "--type=json", "-p", """[{"op":"add","path":"/spec/policy/tolerations/-","value":{"key":"zone","operator":"Exists"}}]""");
        Assert.Equal(0, addition.ExitCode);
    }

    [Fact]
    public async Task MemberCluster_InvalidTaint_DeniedByWebhook_ValidOneShownWithColumns()
    {
        await using var hub = await TestApiServer.StartAsync(features: TestServerFeatures.Hub);

        var denied = await hub.Kubectl.RunAsync(["apply", "-f", "-"], """
            apiVersion: cluster.kubernetes-fleet.io/v1beta1
            kind: MemberCluster
            metadata:
              name: member-1
            spec:
              identity: {kind: User, name: member-1, apiGroup: rbac.authorization.k8s.io}
              taints:
              - {key: "bad key", value: x, effect: NoSchedule}
            """);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("admission webhook \"fleet.membercluster.validating\" denied the request: invalid key bad key specified for taint {Key:bad key Value:x Effect:NoSchedule}", denied.StandardError, StringComparison.Ordinal);

        await hub.Kubectl.ApplyAsync("""
            apiVersion: cluster.kubernetes-fleet.io/v1
            kind: MemberCluster
            metadata:
              name: member-1
              labels: {fleet.azure.com/location: eastus}
            spec:
              identity: {kind: User, name: member-1, apiGroup: rbac.authorization.k8s.io}
              taints:
              - {key: dedicated, value: gpu, effect: NoSchedule}
            """);
        var stored = JsonNode.Parse(await hub.Kubectl.SucceedAsync("get", "membercluster", "member-1", "-o", "json"))!;
        Assert.Equal(60, (int?)stored["spec"]!["heartbeatPeriodSeconds"]);
        Assert.Equal("Strict", (string?)stored["spec"]!["deleteOptions"]!["validationMode"]);
        var table = await hub.Kubectl.SucceedAsync("get", "memberclusters", "-o", "wide", "--show-labels");
        Assert.Matches(@"NAME\s+JOINED\s+AGE\s+MEMBER-AGENT-LAST-SEEN\s+NODE-COUNT\s+AVAILABLE-CPU\s+AVAILABLE-MEMORY\s+ALLOCATABLE-CPU\s+ALLOCATABLE-MEMORY\s+LABELS", table);
        Assert.Matches(@"member-1\s+\s*\d+s\s+.*fleet.azure.com/location=eastus", table);
    }

    [Fact]
    public async Task ServiceExport_NameLongerThan63_RejectedByTheCrdRuleOnAMember()
    {
        await using var member = await TestApiServer.StartAsync(features: TestServerFeatures.Member);
        var name = new string('a', 64);

        var result = await member.Kubectl.RunAsync(["apply", "-f", "-"], $"""
            apiVersion: networking.fleet.azure.com/v1alpha1
            kind: ServiceExport
            metadata:
              name: {name}
              namespace: default
            """);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("metadata.name max length is 63", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeployCrds_AppliedWithKubectl_ServeTheSameApisAsInstalledOnes()
    {
        await using var server = await TestApiServer.StartAsync();
        var directory = Path.Combine(RepositoryRoot(), "deploy", "crds");

        await server.Kubectl.SucceedAsync("apply", "--server-side", "-f", directory);

        var crds = (await server.Kubectl.SucceedAsync("get", "crds", "-o", "name")).Trim().Split('\n');
        Assert.Equal(Directory.GetFiles(directory, "*.yaml").Length, crds.Length);
        await server.Kubectl.ApplyAsync(CrpV1);
        Assert.Matches(@"crp-1\s+1\s+", await server.Kubectl.SucceedAsync("get", "crp"));
    }

    [Fact]
    public async Task Service_OnAMember_GetsAClusterIpFromTheRange_KeptOnReapply()
    {
        await using var member = await TestApiServer.StartAsync(features: TestServerFeatures.Member);
        const string service = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec:
              selector: {app: web}
              ports: [{port: 80, targetPort: 8080}]
            """;
        await member.Kubectl.ApplyAsync(service);
        await member.Kubectl.SucceedAsync("create", "service", "loadbalancer", "lb", "--tcp=443:8443");

        var web = await member.Kubectl.SucceedAsync("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}");
        var lb = JsonNode.Parse(await member.Kubectl.SucceedAsync("get", "svc", "lb", "-o", "json"))!;
        Assert.StartsWith("127.201.", web, StringComparison.Ordinal);
        Assert.StartsWith("127.201.", (string?)lb["spec"]!["clusterIP"], StringComparison.Ordinal);
        Assert.NotEqual(web, (string?)lb["spec"]!["clusterIP"]);
        Assert.InRange((int)lb["spec"]!["ports"]![0]!["nodePort"]!, 30000, 32767);

        await member.Kubectl.ApplyAsync(service.Replace("port: 80,", "port: 81,", StringComparison.Ordinal));
        Assert.Equal(web, await member.Kubectl.SucceedAsync("get", "svc", "web", "-o", "jsonpath={.spec.clusterIP}"));
        var taken = await member.Kubectl.RunAsync(["apply", "-f", "-"], $$"""
            apiVersion: v1
            kind: Service
            metadata: {name: copy, namespace: default}
            spec:
              clusterIP: {{web}}
              ports: [{port: 80}]
            """);
        Assert.NotEqual(0, taken.ExitCode);
        Assert.Contains("provided IP is already allocated", taken.StandardError, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Flotilla.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"no Flotilla.slnx above {AppContext.BaseDirectory}");
    }
}
