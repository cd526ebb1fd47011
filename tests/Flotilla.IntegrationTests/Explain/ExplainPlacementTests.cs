using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Xunit.Abstractions;

namespace Flotilla.IntegrationTests.Explain;

/// <summary>
/// <c>flotilla explain crp|rp NAME</c> on placements whose policy snapshot and bindings are written by hand, as the
/// placement controller and the scheduler would write them (placement spec §2.1, §2.3), against
/// <see cref="ExplainFleet"/>.
/// </summary>
public sealed class ExplainPlacementTests(ExplainFleet fleet, ITestOutputHelper output) : IClassFixture<ExplainFleet>
{
    /// <summary>PickN 2, preferring eastus (20) and prod (10): member-1 scores 30, member-3 20, member-2 10, member-5 0.</summary>
    private static PlacementPolicy PickTwoPreferringEastAndProd() => new()
    {
        PlacementType = PlacementType.PickN,
        NumberOfClusters = 2,
        Affinity = new Affinity
        {
            ClusterAffinity = new ClusterAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    new PreferredClusterSelector { Weight = 20, Preference = new ClusterSelectorTerm { LabelSelector = new() { MatchLabels = new() { ["region"] = "eastus" } } } },
                    new PreferredClusterSelector { Weight = 10, Preference = new ClusterSelectorTerm { LabelSelector = new() { MatchLabels = new() { ["env"] = "prod" } } } },
                ],
            },
        },
    };

    [Fact]
    public async Task Explain_Crp_ShowsSelectedNotPickedAndFilteredClusters_AndOneFilteredSinceItWasPicked()
    {
        // member-3 was picked before it was tainted: it stays selected, and explain says a new placement would not get it.
        await CreateScheduledCrpAsync("web");

        var result = await fleet.ExplainAsync(["crp", "web"]);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var table = result.StandardOutput;
        Assert.Contains("Placement:  ClusterResourcePlacement web\n", table, StringComparison.Ordinal);
        Assert.Contains("Source:     the hub: the latest policy snapshot and the bindings, against the fleet now\n", table, StringComparison.Ordinal);
        Assert.Contains("Policy:     PickN, numberOfClusters 2 (policy snapshot web-0)\n", table, StringComparison.Ordinal);
        Assert.Contains("Scheduled:  True  SchedulingPolicyFulfilled  found all cluster needed as specified by the scheduling policy, found 2 cluster(s)\n", table, StringComparison.Ordinal);
        Assert.Matches(@"\nmember-1\s+Selected\s+-\s+30\s+0\s+-\s+Successfully scheduled resources for placement in ""member-1"" \(affinity score: 30, topology spread score: 0\): picked by scheduling policy\n", table);
        Assert.Matches(@"\nmember-3\s+Selected\*\s+-\s+20\s+0\s+-\s+Successfully scheduled", table);
        Assert.Matches(@"\nmember-2\s+Not picked\s+-\s+10\s+0\s+1\s+Cluster ""member-2"" does not score high enough \(affinity score: 10, topology spread score: 0\)\n", table);
        Assert.Matches(@"\nmember-5\s+Not picked\s+-\s+0\s+0\s+2\s+", table);
        Assert.Matches(@"\nmember-4\s+Filtered\s+ClusterEligibility\s+-\s+-\s+-\s+ClusterUnschedulable, cluster is not connected to the fleet: member agent not joined yet\n", table);
        Assert.Matches(@"NOTE: \* member-3 stays selected .* a new placement would filter it out \(TaintToleration\): .*dedicated", table);
        Assert.DoesNotContain("ERROR", table, StringComparison.Ordinal);

        var json = await fleet.ExplainAsync(["clusterresourceplacement", "web", "-o", "json"]);
        output.WriteLine(json.ToString());
        Assert.Equal(0, json.ExitCode);
        var report = JsonNode.Parse(json.StandardOutput)!.AsObject();
        Assert.False((bool)report["dryRun"]!);
        Assert.Equal("hub", (string?)report["source"]);
        Assert.Equal("web-0", (string?)report["policySnapshot"]);
        Assert.Equal("SchedulingPolicyFulfilled", (string?)report["scheduled"]!["reason"]);
        Assert.Equal(1, (long)report["scheduled"]!["observedGeneration"]!);
        Assert.Equal(["member-1", "member-3", "member-2", "member-5", "member-4"], report["clusters"]!.AsArray().Select(c => (string)c!["name"]!));
        var clusters = report["clusters"]!.AsArray().ToDictionary(c => (string)c!["name"]!, c => c!.AsObject());
        Assert.Equal("Selected", (string?)clusters["member-3"]["outcome"]);
        Assert.Contains("dedicated", (string?)clusters["member-3"]["filteredNowBy"], StringComparison.Ordinal);
        Assert.Equal("TaintToleration", (string?)clusters["member-3"]["filteredNowByPlugin"]);
        Assert.Null(clusters["member-1"]["filteredNowBy"]);
        Assert.Equal("NotPicked", (string?)clusters["member-2"]["outcome"]);
        Assert.Equal(1, (int)clusters["member-2"]["rank"]!);
        Assert.Equal(10, (int)clusters["member-2"]["pluginScores"]!.AsArray().Single(p => (string?)p!["plugin"] == "ClusterAffinity")!["affinity"]!);
        Assert.Equal("Filtered", (string?)clusters["member-4"]["outcome"]);
        Assert.Equal("ClusterEligibility", (string?)clusters["member-4"]["plugin"]);
    }

    [Fact]
    public async Task Explain_CrpWithoutPolicySnapshot_SaysSoAndShowsADryRunOfItsPolicy()
    {
        await fleet.Crps.CreateAsync(Crp("fresh", new PlacementPolicy { PlacementType = PlacementType.PickN, NumberOfClusters = 1 }));

        var result = await fleet.ExplainAsync(["crp", "fresh"]);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var table = result.StandardOutput;
        Assert.Contains("Source:     dry run of the placement's spec.policy on the hub against the live fleet (nothing was created)\n", table, StringComparison.Ordinal);
        Assert.Contains("Note: The placement has no policy snapshot yet, so it has not been scheduled", table, StringComparison.Ordinal);
        Assert.Contains("Policy:     PickN, numberOfClusters 1 (policy snapshot fresh-dry-run)\n", table, StringComparison.Ordinal);
        // Equal scores: the largest name wins (placement spec §3.4).
        Assert.Matches(@"\nmember-5\s+Selected\s+", table);
        Assert.Empty((await fleet.PolicySnapshots.ListAsync(new Flotilla.Client.ListOptions { LabelSelector = $"{PlacementApi.ParentPlacementLabel}=fresh" })).Items);
        Assert.Empty((await fleet.Bindings.ListAsync(new Flotilla.Client.ListOptions { LabelSelector = $"{PlacementApi.ParentPlacementLabel}=fresh" })).Items);
    }

    [Fact]
    public async Task Explain_MissingPlacement_FailsWithNotFound()
    {
        var result = await fleet.ExplainAsync(["crp", "nowhere"]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: ClusterResourcePlacement \"nowhere\" not found; to see what a placement that does not exist yet would pick, use `flotilla explain -f FILE`", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "crp" }, "Give KIND NAME")]
    [InlineData(new[] { "deployment", "web" }, "Unknown KIND \"deployment\"")]
    [InlineData(new[] { "crp", "web", "-f", "x.yaml" }, "not both")]
    [InlineData(new[] { "crp", "web", "-o", "wide" }, "wide")]
    [InlineData(new[] { "crp", "web", "--context", "nope" }, "error: cannot use the kubeconfig: context \"nope\" is not in the kubeconfig")]
    public async Task Explain_BadArguments_FailWithUsage(string[] arguments, string message)
    {
        var result = await fleet.ExplainAsync(arguments);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_Rp_ReadsTheNamespacedSnapshotAndBindings()
    {
        await fleet.Hub.Kubectl.SucceedAsync("create", "namespace", "team-a");
        await fleet.Rps("team-a").CreateAsync(new ResourcePlacement
        {
            ApiVersion = PlacementApi.ApiVersion,
            Kind = "ResourcePlacement",
            Metadata = new ObjectMeta { Name = "api", Namespace = "team-a" },
            Spec = new PlacementSpec
            {
                ResourceSelectors = [new ResourceSelectorTerm { Group = "apps", Version = "v1", Kind = "Deployment", Name = "api" }],
                Policy = new PlacementPolicy { PlacementType = PlacementType.PickAll },
            },
        });
        var snapshots = fleet.NamespacedPolicySnapshots("team-a");
        var snapshot = await snapshots.CreateAsync(ExplainFleet.PolicySnapshot<SchedulingPolicySnapshot>("api", 0, new PlacementPolicy { PlacementType = PlacementType.PickAll }, 1, "team-a"));
        snapshot.Status = new SchedulingPolicySnapshotStatus
        {
            ObservedCRPGeneration = 1,
            Conditions = [ExplainFleet.Condition(PolicySnapshotConditionType.Scheduled, true, "SchedulingPolicyFulfilled", "found all cluster needed as specified by the scheduling policy, found 2 cluster(s)", snapshot.Metadata.Generation)],
            TargetClusters = [Picked("member-1", 0), Picked("member-2", 0)],
        };
        await snapshots.UpdateStatusAsync(snapshot);
        var bindings = fleet.NamespacedBindings("team-a");
        await bindings.CreateAsync(ExplainFleet.Binding<ResourceBinding>("api", "member-1", BindingState.Bound, "api-0", Picked("member-1", 0), "team-a"));
        await bindings.CreateAsync(ExplainFleet.Binding<ResourceBinding>("api", "member-2", BindingState.Bound, "api-0", Picked("member-2", 0), "team-a"));

        var result = await fleet.ExplainAsync(["rp", "api", "-n", "team-a", "-o", "yaml"]);
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        var yaml = result.StandardOutput;
        Assert.StartsWith("placement:\n  kind: ResourcePlacement\n  name: api\n  namespace: team-a\ndryRun: false\nsource: hub\npolicySnapshot: api-0\nplacementType: PickAll\nnumberOfClusters: null\n", yaml, StringComparison.Ordinal);
        Assert.Contains("- name: member-1\n  outcome: Selected\n", yaml, StringComparison.Ordinal);
        Assert.Contains("- name: member-2\n  outcome: Selected\n", yaml, StringComparison.Ordinal);
        Assert.Contains("- name: member-5\n  outcome: NotPicked\n  plugin: null\n  reason: \"passes every filter; the next scheduling cycle picks it\"\n  score: null\n  pluginScores: []\n  rank: 1\n", yaml, StringComparison.Ordinal);
        Assert.Contains("- name: member-3\n  outcome: Filtered\n  plugin: TaintToleration\n", yaml, StringComparison.Ordinal);

        // The short name and the context's namespace (the kubeconfig's is "default") need -n for another namespace.
        var elsewhere = await fleet.ExplainAsync(["resourceplacement", "api"]);
        Assert.Equal(1, elsewhere.ExitCode);
        Assert.Contains("ResourcePlacement \"api\" not found in namespace \"default\"", elsewhere.StandardError, StringComparison.Ordinal);
    }

    private async Task CreateScheduledCrpAsync(string name)
    {
        var policy = PickTwoPreferringEastAndProd();
        var crp = await fleet.Crps.CreateAsync(Crp(name, policy));
        var snapshot = await fleet.PolicySnapshots.CreateAsync(ExplainFleet.PolicySnapshot<ClusterSchedulingPolicySnapshot>(name, 0, policy, crp.Metadata.Generation ?? 1));
        snapshot.Status = new SchedulingPolicySnapshotStatus
        {
            ObservedCRPGeneration = crp.Metadata.Generation ?? 1,
            Conditions = [ExplainFleet.Condition(PolicySnapshotConditionType.Scheduled, true, "SchedulingPolicyFulfilled", "found all cluster needed as specified by the scheduling policy, found 2 cluster(s)", snapshot.Metadata.Generation)],
            TargetClusters =
            [
                Picked("member-1", 30),
                Picked("member-3", 20),
                new ClusterDecision { ClusterName = "member-2", Selected = false, ClusterScore = new ClusterScore { AffinityScore = 10, TopologySpreadScore = 0 }, Reason = "Cluster \"member-2\" does not score high enough (affinity score: 10, topology spread score: 0)" },
            ],
        };
        await fleet.PolicySnapshots.UpdateStatusAsync(snapshot);
        await fleet.Bindings.CreateAsync(ExplainFleet.Binding<ClusterResourceBinding>(name, "member-1", BindingState.Bound, snapshot.Metadata.Name!, Picked("member-1", 30)));
        await fleet.Bindings.CreateAsync(ExplainFleet.Binding<ClusterResourceBinding>(name, "member-3", BindingState.Scheduled, snapshot.Metadata.Name!, Picked("member-3", 20)));
    }

    private static ClusterResourcePlacement Crp(string name, PlacementPolicy policy) => new()
    {
        ApiVersion = PlacementApi.ApiVersion,
        Kind = "ClusterResourcePlacement",
        Metadata = new ObjectMeta { Name = name },
        Spec = new PlacementSpec
        {
            ResourceSelectors = [new ResourceSelectorTerm { Group = "", Version = "v1", Kind = "Namespace", Name = name }],
            Policy = policy,
        },
    };

    private static ClusterDecision Picked(string cluster, int affinity) => new()
    {
        ClusterName = cluster,
        Selected = true,
        ClusterScore = new ClusterScore { AffinityScore = affinity, TopologySpreadScore = 0 },
        Reason = $"Successfully scheduled resources for placement in \"{cluster}\" (affinity score: {affinity}, topology spread score: 0): picked by scheduling policy",
    };
}
