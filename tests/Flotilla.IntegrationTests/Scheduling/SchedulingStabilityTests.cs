using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Scheduling;

/// <summary>
/// Decisions stay put and follow the fleet as upstream's do (placement spec §3.1 triggers, §3.8, §3.10): scaling,
/// members joining and leaving, label and policy changes — on a six-member fleet of its own, since these change it.
/// </summary>
public sealed class SchedulingStabilityTests(SchedulingFleet fleet) : IClassFixture<SchedulingFleet>
{
    [Fact]
    public async Task FleetChanges_DecisionsAreStable_AndFollowJoinsLeavesAndPolicyChanges()
    {
        var hub = fleet.Hub;

        // PickN 2 → 3 keeps the first two (cluster1 and cluster3 score 10) and adds the best of the rest (cluster2
        // and cluster6 tie at 0; the larger name wins).
        await hub.ApplyAsync(PickN("crp-scale", 2));
        await fleet.ScheduledAsync("crp-scale");
        Assert.Equal(["cluster1", "cluster3"], await fleet.SelectedAsync("crp-scale"));
        var firstTwo = await BindingNamesAsync("crp-scale");
        await hub.SucceedAsync("patch", "crp", "crp-scale", "--type", "merge", "-p", """{"spec":{"policy":{"numberOfClusters":3}}}""");
        await fleet.WaitSelectedAsync("crp-scale", "cluster1", "cluster3", "cluster6");
        Assert.Subset((await BindingNamesAsync("crp-scale")).ToHashSet(), firstTwo.ToHashSet());
        // Scaling does not change the policy's hash: still one policy snapshot.
        Assert.Equal("clusterschedulingpolicysnapshot.placement.kubernetes-fleet.io/crp-scale-0",
            (await hub.SucceedAsync("get", "csps", "-l", "kubernetes-fleet.io/parent-CRP=crp-scale", "-o", "name")).Trim());

        // Label changes re-run PickAll placements: cluster4 now matches and is added, while cluster6, which no
        // longer matches, keeps its binding (IgnoredDuringExecution).
        await hub.ApplyAsync(PickAll("crp-all", """{matchLabels: {critical-allowed: "true"}}"""));
        await fleet.WaitSelectedAsync("crp-all", "cluster1", "cluster2", "cluster3", "cluster6");
        await WaitAllBoundAsync("crp-all", 4);
        await hub.SucceedAsync("label", "membercluster", "cluster6", "critical-allowed=false", "--overwrite");
        await hub.SucceedAsync("label", "membercluster", "cluster4", "critical-allowed=true", "--overwrite");
        await fleet.WaitSelectedAsync("crp-all", "cluster1", "cluster2", "cluster3", "cluster4", "cluster6");
        await WaitAllBoundAsync("crp-all", 5);

        // A policy change reschedules: a new policy snapshot; clusters picked again keep their bindings (Bound stays
        // Bound), moved to the new snapshot; the others are deselected, remembering their state.
        await hub.ApplyAsync(PickAll("crp-all", """{matchExpressions: [{key: region, operator: In, values: [eastus, westus]}]}"""));
        await fleet.WaitSelectedAsync("crp-all", "cluster1", "cluster2", "cluster3");
        var bindings = await BindingsAsync("crp-all");
        Assert.All(bindings.Where(b => (string?)b["spec"]!["state"] != "Unscheduled"), b =>
        {
            Assert.Equal("crp-all-1", (string?)b["spec"]!["schedulingPolicySnapshotName"]);
            Assert.Equal("Bound", (string?)b["spec"]!["state"]);
        });
        foreach (var deselected in new[] { "cluster4", "cluster6" })
        {
            var binding = bindings.Single(b => (string?)b["spec"]!["targetCluster"] == deselected);
            Assert.Equal("Unscheduled", (string?)binding["spec"]!["state"]);
            Assert.Equal("Bound", (string?)binding["metadata"]!["annotations"]!["kubernetes-fleet.io/previous-binding-state"]);
        }

        // A picked member leaves: PickN replaces it (cluster2 and cluster4 tie at 0; the larger name wins).
        await hub.ApplyAsync(PickN("crp-replace", 2));
        await fleet.WaitSelectedAsync("crp-replace", "cluster1", "cluster3");
        await hub.SucceedAsync("delete", "membercluster", "cluster3", "--wait=true", "--timeout=90s");
        await fleet.WaitSelectedAsync("crp-replace", "cluster1", "cluster4");

        // A new matching member joins: PickAll adds it. (The member agent of cluster3 still runs; creating its
        // MemberCluster again makes it join as a new member would.)
        await hub.ApplyAsync(PickAll("crp-join", """{matchLabels: {critical-level: "1"}}"""));
        await fleet.WaitSelectedAsync("crp-join", "cluster1");
        await hub.ApplyAsync("""
            apiVersion: cluster.kubernetes-fleet.io/v1beta1
            kind: MemberCluster
            metadata:
              name: cluster3
              labels: {environment: staging, region: eastus, updateDay: wednesday, critical-allowed: "true", critical-level: "1"}
            spec:
              identity: {kind: User, apiGroup: rbac.authorization.k8s.io, name: cluster3}
            """);
        await fleet.WaitSelectedAsync("crp-join", "cluster1", "cluster3");
        var placement = await fleet.ScheduledAsync("crp-join");
        Assert.Equal("found all cluster needed as specified by the scheduling policy, found 2 cluster(s)",
            (string?)SchedulingFleet.Condition(placement, "ClusterResourcePlacementScheduled")!["message"]);

        // Deleting a placement deletes its bindings (once their Works are gone from the members) and policy snapshots.
        await hub.SucceedAsync("delete", "crp", "crp-join", "--wait=true", "--timeout=60s");
        await Eventually.WaitAsync("crp-join's bindings and policy snapshots deleted", async () =>
            (await hub.SucceedAsync("get", "crb,csps", "-l", "kubernetes-fleet.io/parent-CRP=crp-join", "-o", "name")).Trim().Length == 0 ? (bool?)true : null,
            TimeSpan.FromSeconds(60));
    }

    private static string PickAll(string name, string selector) => $$"""
        apiVersion: placement.kubernetes-fleet.io/v1beta1
        kind: ClusterResourcePlacement
        metadata:
          name: {{name}}
        spec:
          resourceSelectors:
          - {group: "", kind: Namespace, version: v1, name: {{name}}}
          policy:
            placementType: PickAll
            affinity:
              clusterAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  clusterSelectorTerms:
                  - labelSelector: {{selector}}
        """;

    private static string PickN(string name, int n) => $$"""
        apiVersion: placement.kubernetes-fleet.io/v1beta1
        kind: ClusterResourcePlacement
        metadata:
          name: {{name}}
        spec:
          resourceSelectors:
          - {group: "", kind: Namespace, version: v1, name: {{name}}}
          policy:
            placementType: PickN
            numberOfClusters: {{n}}
            affinity:
              clusterAffinity:
                requiredDuringSchedulingIgnoredDuringExecution:
                  clusterSelectorTerms:
                  - labelSelector:
                      matchLabels:
                        critical-allowed: "true"
                preferredDuringSchedulingIgnoredDuringExecution:
                - weight: 10
                  preference:
                    labelSelector:
                      matchLabels:
                        critical-level: "1"
        """;

    /// <summary>The rollout binds a placement's Scheduled bindings to its resource snapshot.</summary>
    private Task WaitAllBoundAsync(string crp, int count) =>
        Eventually.WaitAsync($"the {count} bindings of {crp} to be Bound", async () =>
        {
            var bindings = await BindingsAsync(crp);
            return bindings.Length == count && bindings.All(b => (string?)b["spec"]!["state"] == "Bound") ? (bool?)true : null;
        });

    private async Task<JsonNode[]> BindingsAsync(string crp) =>
        [.. JsonNode.Parse(await fleet.Hub.SucceedAsync("get", "crb", "-l", $"kubernetes-fleet.io/parent-CRP={crp}", "-o", "json"))!["items"]!.AsArray().Select(b => b!)];

    private async Task<string[]> BindingNamesAsync(string crp) =>
        [.. (await BindingsAsync(crp)).Select(b => (string)b["metadata"]!["name"]!)];
}
