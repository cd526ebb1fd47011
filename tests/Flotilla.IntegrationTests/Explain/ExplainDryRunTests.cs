using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Flotilla.IntegrationTests.Explain;

/// <summary>
/// <c>flotilla explain -f</c>: what a placement that does not exist yet would pick against the live fleet
/// (<see cref="ExplainFleet"/>), run as a process, and that it creates nothing on the hub.
/// </summary>
public sealed class ExplainDryRunTests(ExplainFleet fleet, ITestOutputHelper output) : IClassFixture<ExplainFleet>
{
    private const string PickNWithPreferences = """
        apiVersion: placement.kubernetes-fleet.io/v1
        kind: ClusterResourcePlacement
        metadata:
          name: web
        spec:
          resourceSelectors:
          - {group: "", kind: Namespace, version: v1, name: web}
          policy:
            placementType: PickN
            numberOfClusters: 1
            affinity:
              clusterAffinity:
                preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 20
                  preference:
                    labelSelector:
                      matchLabels: {region: eastus}
                - weight: 10
                  preference:
                    labelSelector:
                      matchLabels: {env: prod}
        """;

    [Fact]
    public async Task DryRun_PickNWithPreferredAffinity_ShowsSelectedRankedAndFilteredClusters()
    {
        var result = await fleet.DryRunAsync(PickNWithPreferences);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var table = result.StandardOutput;
        Assert.Contains("Placement:  ClusterResourcePlacement web\n", table, StringComparison.Ordinal);
        Assert.Matches(@"Source:\s+dry run of .*placement-\w+\.yaml against the live fleet \(nothing was created\)", table);
        Assert.Contains("Policy:     PickN, numberOfClusters 1 (policy snapshot web-dry-run)\n", table, StringComparison.Ordinal);
        Assert.Contains("Scheduled:  True  SchedulingPolicyFulfilled  found all cluster needed as specified by the scheduling policy, found 1 cluster(s)", table, StringComparison.Ordinal);
        Assert.Matches(@"CLUSTER\s+OUTCOME\s+PLUGIN\s+AFFINITY\s+TOPOLOGY\s+RANK\s+REASON", table);
        // Picked: the best score (20 for eastus + 10 for prod).
        Assert.Matches(@"\nmember-1\s+Selected\s+-\s+30\s+0\s+-\s+Successfully scheduled resources for placement in ""member-1"" \(affinity score: 30, topology spread score: 0\): picked by scheduling policy\n", table);
        // Not picked, best first: prod (10) before staging (0).
        Assert.Matches(@"\nmember-2\s+Not picked\s+-\s+10\s+0\s+1\s+Cluster ""member-2"" does not score high enough \(affinity score: 10, topology spread score: 0\)\n", table);
        Assert.Matches(@"\nmember-5\s+Not picked\s+-\s+0\s+0\s+2\s+Cluster ""member-5"" does not score high enough", table);
        // Filtered: by which plugin, and why.
        Assert.Matches(@"\nmember-3\s+Filtered\s+TaintToleration\s+-\s+-\s+-\s+ClusterUnschedulable, .*dedicated", table);
        Assert.Matches(@"\nmember-4\s+Filtered\s+ClusterEligibility\s+-\s+-\s+-\s+ClusterUnschedulable, .*member agent not joined yet", table);
        Assert.Empty(result.StandardError);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_PickNAsJson_GivesPerPluginScoresAndRanks()
    {
        var result = await fleet.DryRunAsync(PickNWithPreferences, "-o", "json");
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var report = JsonNode.Parse(result.StandardOutput)!.AsObject();
        Assert.Equal("ClusterResourcePlacement", (string?)report["placement"]!["kind"]);
        Assert.Equal("web", (string?)report["placement"]!["name"]);
        Assert.Null(report["placement"]!["namespace"]);
        Assert.True((bool)report["dryRun"]!);
        Assert.Equal("PickN", (string?)report["placementType"]);
        Assert.Equal(1, (int)report["numberOfClusters"]!);
        Assert.Equal("True", (string?)report["scheduled"]!["status"]);
        Assert.Null(report["error"]);
        var clusters = report["clusters"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!.AsObject());
        Assert.Equal(["member-1", "member-2", "member-5", "member-3", "member-4"], report["clusters"]!.AsArray().Select(c => (string)c!["name"]!));

        Assert.Equal("Selected", (string?)clusters["member-1"]["outcome"]);
        Assert.Equal(30, (int)clusters["member-1"]["score"]!["affinity"]!);

        var member2 = clusters["member-2"];
        Assert.Equal("NotPicked", (string?)member2["outcome"]);
        Assert.Equal(1, (int)member2["rank"]!);
        Assert.Equal(10, (int)member2["score"]!["affinity"]!);
        Assert.Equal(0, (int)member2["score"]!["topologySpread"]!);
        var parts = member2["pluginScores"]!.AsArray();
        Assert.Contains(parts, p => (string?)p!["plugin"] == "ClusterAffinity" && (int)p["affinity"]! == 10);
        Assert.Equal(10, parts.Sum(p => (int)p!["affinity"]!));

        Assert.Equal(2, (int)clusters["member-5"]["rank"]!);

        var member3 = clusters["member-3"];
        Assert.Equal("Filtered", (string?)member3["outcome"]);
        Assert.Equal("TaintToleration", (string?)member3["plugin"]);
        Assert.Null(member3["score"]);
        Assert.Null(member3["rank"]);
        Assert.Equal("ClusterEligibility", (string?)clusters["member-4"]["plugin"]);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_PickAllWithRequiredAffinity_SelectsEveryMatchingEligibleCluster()
    {
        var result = await fleet.DryRunAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: prod-only
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: web}
              policy:
                placementType: PickAll
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector:
                          matchLabels: {env: prod}
            """);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var table = result.StandardOutput;
        Assert.Contains("Policy:     PickAll (policy snapshot prod-only-dry-run)\n", table, StringComparison.Ordinal);
        Assert.Contains("found 2 cluster(s)", table, StringComparison.Ordinal);
        // PickAll does not score: its decisions record zeros.
        Assert.Matches(@"\nmember-1\s+Selected\s+-\s+0\s+0\s+-\s+Successfully scheduled resources for placement in ""member-1""", table);
        Assert.Matches(@"\nmember-2\s+Selected\s+", table);
        Assert.Matches(@"\nmember-3\s+Filtered\s+ClusterAffinity\s+-\s+-\s+-\s+ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms\n", table);
        Assert.Matches(@"\nmember-5\s+Filtered\s+ClusterAffinity\s+", table);
        // member-4 matches the labels; it is not joined.
        Assert.Matches(@"\nmember-4\s+Filtered\s+ClusterEligibility\s+", table);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_PickFixedNamingAMissingCluster_ShowsNotFoundAndUnfulfilled()
    {
        var result = await fleet.DryRunAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1
            kind: ClusterResourcePlacement
            metadata:
              name: fixed
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: web}
              policy:
                placementType: PickFixed
                clusterNames: [member-1, member-4, member-9]
            """);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var table = result.StandardOutput;
        Assert.Contains("Scheduled:  False  SchedulingPolicyUnfulfilled  could not find all clusters needed as specified by the scheduling policy, found 1 cluster(s) instead", table, StringComparison.Ordinal);
        Assert.Matches(@"\nmember-1\s+Selected\s+-\s+-\s+-\s+-\s+Successfully scheduled resources for placement in ""member-1"": picked by scheduling policy\n", table);
        Assert.Matches(@"\nmember-9\s+Not found\s+-\s+-\s+-\s+-\s+Specified cluster ""member-9"" is not found\n", table);
        Assert.Matches(@"\nmember-4\s+Filtered\s+ClusterEligibility\s+-\s+-\s+-\s+Cluster ""member-4"" is not eligible for resource placement yet: cluster is not connected to the fleet: member agent not joined yet\n", table);
        Assert.Matches(@"\nmember-2\s+Filtered\s+PickFixed\s+-\s+-\s+-\s+not in the placement's clusterNames\n", table);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_FromStdinWithKubeconfigFromEnvironment_ReadsJsonAndWritesYaml()
    {
        var manifest = new JsonObject
        {
            ["apiVersion"] = "placement.kubernetes-fleet.io/v1beta1",
            ["kind"] = "ClusterResourcePlacement",
            ["metadata"] = new JsonObject { ["name"] = "from-stdin" },
            ["spec"] = new JsonObject
            {
                ["resourceSelectors"] = new JsonArray(new JsonObject { ["group"] = "", ["kind"] = "Namespace", ["version"] = "v1", ["name"] = "web" }),
                ["policy"] = new JsonObject { ["placementType"] = "PickN", ["numberOfClusters"] = 2 },
            },
        };

        var result = await fleet.ExplainAsync(["-f", "-", "-o", "yaml"], manifest.ToJsonString(), viaEnvironment: true);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var yaml = result.StandardOutput;
        Assert.Contains("placement:\n  kind: ClusterResourcePlacement\n  name: from-stdin\n  namespace: null\n", yaml, StringComparison.Ordinal);
        Assert.Contains("dryRun: true\nsource: \"-\"\n", yaml, StringComparison.Ordinal);
        Assert.Contains("placementType: PickN\nnumberOfClusters: 2\n", yaml, StringComparison.Ordinal);
        // Equal scores: the larger names win (placement spec §3.4), so member-5 and member-2 are picked.
        Assert.Matches(@"- name: member-5\n  outcome: Selected\n", yaml);
        Assert.Matches(@"- name: member-2\n  outcome: Selected\n", yaml);
        Assert.Matches(@"- name: member-1\n  outcome: NotPicked\n", yaml);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_PolicyReadingAPropertyThatIsNotAQuantity_ShowsTheSchedulingErrorProminently()
    {
        const string manifest = """
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: by-score
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: web}
              policy:
                placementType: PickAll
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - propertySelector:
                          matchExpressions:
                          - {name: example.com/score, operator: Gt, values: ["1"]}
            """;

        var result = await fleet.DryRunAsync(manifest);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"\nERROR: scheduling cannot proceed: .*example.com/score.*member-5", result.StandardOutput);
        Assert.Contains("No cluster can be explained until the error is fixed.", result.StandardOutput, StringComparison.Ordinal);

        var json = await fleet.DryRunAsync(manifest, "-o", "json");
        Assert.Equal(0, json.ExitCode);
        var report = JsonNode.Parse(json.StandardOutput)!;
        Assert.Contains("member-5", (string?)report["error"], StringComparison.Ordinal);
        Assert.Empty(report["clusters"]!.AsArray());
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_UnknownField_WarnsAndIgnoresIt()
    {
        var result = await fleet.DryRunAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: typo
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: web, labelSelectr: {}}
              policy:
                placementType: PickAll
                clusterNamez: [member-1]
            """);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Warning: unknown field \"spec.policy.clusterNamez\"", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Warning: unknown field \"spec.resourceSelectors[0].labelSelectr\"", result.StandardError, StringComparison.Ordinal);
        Assert.Matches(@"\nmember-2\s+Selected\s+", result.StandardOutput);
    }

    [Theory]
    [InlineData("placementType: PickN", "ClusterResourcePlacement.placement.kubernetes-fleet.io \"bad\" is invalid: spec.policy: Invalid value: \"object\": clusterNames cannot be set and numberOfClusters must be set when placementType is PickN")]
    [InlineData("placementType: PickSome", "spec.policy.placementType: Unsupported value: \"PickSome\": supported values: \"PickAll\", \"PickN\", \"PickFixed\"")]
    [InlineData("placementType: PickN\n    numberOfClusters: two", "ClusterResourcePlacement spec.policy.numberOfClusters: Invalid value: expected an integer")]
    [InlineData("placementType: PickAll\n    affinity:\n      clusterAffinity:\n        preferredDuringSchedulingIgnoredDuringExecution:\n        - weight: 10\n          preference: {labelSelector: {matchLabels: {a: b}}}",
        "admission webhook \"fleet.clusterresourceplacementv1beta1.validating\" denied the request: deny create/update v1beta1 CRP has invalid fields the placement policy field is invalid: PreferredDuringSchedulingIgnoredDuringExecution will be ignored for placement policy type PickAll")]
    public async Task DryRun_InvalidPlacement_FailsNamingTheField(string policy, string message)
    {
        var result = await fleet.DryRunAsync($$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: bad
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: web}
              policy:
                {{policy}}
            """);
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.Empty(result.StandardOutput);
        await AssertNothingCreatedAsync();
    }

    [Fact]
    public async Task DryRun_SelectorOfAKindTheHubDoesNotServe_FailsAsTheWebhookWould()
    {
        var result = await fleet.DryRunAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: unknown-kind
            spec:
              resourceSelectors:
              - {group: example.com, kind: Gadget, version: v1, name: g}
            """);
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("failed to get GVR of the selector", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_FileWithoutAPlacement_FailsSayingWhatItHolds()
    {
        var result = await fleet.DryRunAsync("""
            apiVersion: v1
            kind: Namespace
            metadata:
              name: web
            """);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no ClusterResourcePlacement or ResourcePlacement", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("Namespace web", result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>A dry run writes nothing: no placement, policy snapshot or binding of any kind exists on the hub.</summary>
    private async Task AssertNothingCreatedAsync()
    {
        Assert.Empty((await fleet.Crps.ListAsync()).Items);
        Assert.Empty((await fleet.PolicySnapshots.ListAsync()).Items);
        Assert.Empty((await fleet.Bindings.ListAsync()).Items);
        Assert.Empty((await fleet.Client.Resource(Flotilla.Client.CustomResourceMappings.Of<Flotilla.Api.Placement.ResourcePlacement>(),
            Flotilla.Api.Placement.PlacementJsonContext.Default.ResourcePlacement).ListAsync()).Items);
        var everything = await fleet.Hub.Kubectl.SucceedAsync("get", "clusterresourceplacements,clusterschedulingpolicysnapshots,clusterresourcebindings,resourceplacements,schedulingpolicysnapshots,resourcebindings", "-A", "-o", "name");
        Assert.True(string.IsNullOrWhiteSpace(everything), everything);
    }
}
