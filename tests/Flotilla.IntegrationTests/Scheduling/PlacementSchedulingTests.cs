using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Scheduling;

/// <summary>
/// The scheduler on a running six-member fleet, driven with kubectl: the seed's four placement examples and the
/// rules a user sees in <c>kubectl describe crp</c> (placement spec §3, §7.3). Each test owns its placements; none
/// changes the fleet.
/// </summary>
public sealed class PlacementSchedulingTests(SchedulingFleet fleet) : IClassFixture<SchedulingFleet>
{
    private const string Fulfilled = "found all cluster needed as specified by the scheduling policy, found {0} cluster(s)";

    [Fact]
    public async Task SeedPickAll_ProductionLabel_PicksEveryProductionCluster()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-1
            spec:
              policy:
                placementType: PickAll
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector:
                          matchLabels:
                            environment: production
              resourceSelectors:
              - group: ""
                kind: Namespace
                name: prod-deployment
                version: v1
            """);

        var placement = await fleet.ScheduledAsync("crp-1");

        Assert.Equal(["cluster1", "cluster2", "cluster4"], await fleet.SelectedAsync("crp-1"));
        Assert.Equal(
            [
                ("cluster1", "True", "Scheduled", Picked("cluster1", 0, 0)),
                ("cluster2", "True", "Scheduled", Picked("cluster2", 0, 0)),
                ("cluster4", "True", "Scheduled", Picked("cluster4", 0, 0)),
            ],
            SchedulingFleet.PlacementStatuses(placement));
        var describe = await fleet.Hub.SucceedAsync("describe", "crp", "crp-1");
        Assert.Contains(string.Format(null, Fulfilled, 3), describe, StringComparison.Ordinal);
        Assert.Contains("SchedulingPolicyFulfilled", describe, StringComparison.Ordinal);
        Assert.Contains(Picked("cluster4", 0, 0), describe, StringComparison.Ordinal);

        // The policy snapshot lists the filtered clusters with the plugin's reason.
        var snapshot = await fleet.Hub.SucceedAsync("get", "csps", "crp-1-0", "-o", "jsonpath={range .status.targetClusters[?(@.selected==false)]}{.clusterName}: {.reason}{\"\\n\"}{end}");
        Assert.Equal(
            [
                "cluster3: ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms",
                "cluster5: ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms",
                "cluster6: ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms",
            ],
            snapshot.Trim().Split('\n'));
    }

    [Fact]
    public async Task Explain_ScheduledPlacement_ShowsPickedNotPickedAndFilteredClustersAsTheSchedulerDecided()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-explained
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: explained}
              policy:
                placementType: PickN
                numberOfClusters: 1
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector:
                          matchLabels:
                            environment: production
                    preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 40
                      preference:
                        labelSelector:
                          matchLabels:
                            region: westus
            """);
        await fleet.ScheduledAsync("crp-explained");

        var result = await FlotillaProcess.RunAsync(["explain", "crp", "crp-explained", "--kubeconfig", fleet.Hub.Kubeconfig]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var table = result.StandardOutput;
        Assert.Matches(@"\ncluster2\s+Selected\s+-\s+40\s+0\s+-\s+Successfully scheduled resources for placement in ""cluster2"" \(affinity score: 40, topology spread score: 0\): picked by scheduling policy\n", table);
        Assert.Matches(@"\ncluster4\s+Not picked\s+-\s+0\s+0\s+1\s+Cluster ""cluster4"" does not score high enough", table);
        Assert.Matches(@"\ncluster1\s+Not picked\s+-\s+0\s+0\s+2\s+", table);
        Assert.Matches(@"\ncluster3\s+Filtered\s+ClusterAffinity\s+-\s+-\s+-\s+ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms\n", table);

        // The dry run of the same placement under another name picks the same cluster and creates nothing.
        var manifest = await fleet.Hub.SucceedAsync("get", "crp", "crp-explained", "-o", "yaml");
        var dryRun = await FlotillaProcess.RunAsync(["explain", "-f", "-", "--kubeconfig", fleet.Hub.Kubeconfig],
            standardInput: manifest.Replace("name: crp-explained", "name: crp-not-created", StringComparison.Ordinal));
        Assert.True(dryRun.ExitCode == 0, dryRun.ToString());
        Assert.Matches(@"\ncluster2\s+Selected\s+-\s+40\s+0\s+-\s+", dryRun.StandardOutput);
        Assert.Equal("", (await fleet.Hub.SucceedAsync("get", "crp,csps,crb", "-l", "kubernetes-fleet.io/parent-CRP=crp-not-created", "-o", "name")).Trim());
        Assert.Contains("NotFound", (await fleet.Hub.RunAsync("get", "crp", "crp-not-created")).StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchedulingError_PropertyTheSchedulerCannotRead_WarningEventsAndNothingScheduled()
    {
        // The webhook accepts this name (it splits on the first "-"); the scheduler cannot read it (placement spec §3.5.2).
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-bad-property
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: bad-property}
              policy:
                placementType: PickN
                numberOfClusters: 1
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - propertySelector:
                          matchExpressions:
                          - {name: resources.kubernetes-fleet.io/total-ephemeral-storage, operator: Ge, values: ["1Gi"]}
            """);

        var describe = await Eventually.WaitAsync("a SchedulingError event on the placement", async () =>
        {
            var text = await fleet.Hub.SucceedAsync("describe", "crp", "crp-bad-property");
            return text.Contains("SchedulingError", StringComparison.Ordinal) ? text : null;
        });

        Assert.Matches(@"Warning\s+SchedulingError\s+.*scheduler\s+Failed to run scheduling plugins: invalid resource property name resources.kubernetes-fleet.io/total-ephemeral-storage", describe);
        Assert.Contains("Scheduling has not completed", describe, StringComparison.Ordinal);
        Assert.Equal("", (await fleet.Hub.SucceedAsync("get", "crb", "-l", "kubernetes-fleet.io/parent-CRP=crp-bad-property", "-o", "name")).Trim());
        var snapshotEvents = await fleet.Hub.SucceedAsync("get", "events", "--field-selector", "involvedObject.name=crp-bad-property-0,reason=SchedulingError", "-o", "name");
        Assert.NotEqual("", snapshotEvents.Trim());
    }

    [Fact]
    public async Task PolicySnapshots_EachPolicyChangeANewOne_OldOnesTrimmedToTheHistoryLimit()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-history
            spec:
              revisionHistoryLimit: 2
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: history}
              policy:
                placementType: PickAll
            """);
        await fleet.ScheduledAsync("crp-history");
        // Three policy changes (tolerations may only be added): snapshots 1, 2 and 3.
        await fleet.Hub.SucceedAsync("patch", "crp", "crp-history", "--type", "merge", "-p", """{"spec":{"policy":{"tolerations":[{"key":"a","operator":"Exists"}]}}}""");
        await fleet.ScheduledAsync("crp-history");
        foreach (var key in new[] { "b", "c" })
        {
            await fleet.Hub.SucceedAsync("patch", "crp", "crp-history", "--type", "json", "-p",
                "[{\"op\":\"add\",\"path\":\"/spec/policy/tolerations/-\",\"value\":{\"key\":\"" + key + "\",\"operator\":\"Exists\"}}]");
            await fleet.ScheduledAsync("crp-history");
        }

        var snapshots = await fleet.Hub.SucceedAsync("get", "csps", "-l", "kubernetes-fleet.io/parent-CRP=crp-history",
            "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels.kubernetes-fleet\\.io/is-latest-snapshot} {.metadata.labels.kubernetes-fleet\\.io/policy-index}{\"\\n\"}{end}");
        Assert.Equal(["crp-history-2 false 2", "crp-history-3 true 3"], snapshots.Trim().Split('\n').Order(StringComparer.Ordinal));
        // The latest snapshot carries the placement generation it was made for (the fourth spec).
        var annotations = await fleet.Hub.SucceedAsync("get", "csps", "crp-history-3", "-o", "jsonpath={.metadata.annotations.kubernetes-fleet\\.io/CRP-generation}");
        Assert.Equal("4", annotations.Trim());
    }

    [Fact]
    public async Task SeedPickFixed_TwoNamedClusters_PicksExactlyThem()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-2
            spec:
              policy:
                placementType: PickFixed
                clusterNames:
                - cluster1
                - cluster2
              resourceSelectors:
              - group: ""
                kind: Namespace
                name: test-deployment
                version: v1
            """);

        var placement = await fleet.ScheduledAsync("crp-2");

        Assert.Equal(["cluster1", "cluster2"], await fleet.SelectedAsync("crp-2"));
        Assert.Equal(
            [
                ("cluster1", "True", "Scheduled", "Successfully scheduled resources for placement in \"cluster1\": picked by scheduling policy"),
                ("cluster2", "True", "Scheduled", "Successfully scheduled resources for placement in \"cluster2\": picked by scheduling policy"),
            ],
            SchedulingFleet.PlacementStatuses(placement));
        Assert.Contains(string.Format(null, Fulfilled, 2), await fleet.Hub.SucceedAsync("describe", "crp", "crp-2"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SeedPickNWithAffinity_ThreeCriticalClusters_PreferredLevelFirstThenLargestName()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-affinity
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: critical}
              policy:
                placementType: PickN
                numberOfClusters: 3
                affinity:
                  clusterAffinity:
                    preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 20
                      preference:
                        labelSelector:
                          matchLabels:
                            critical-level: "1"
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector:
                          matchLabels:
                            critical-allowed: "true"
            """);

        var placement = await fleet.ScheduledAsync("crp-affinity");

        // cluster1 and cluster3 score 20; cluster2 and cluster6 tie at 0 and the larger name wins; cluster4 is not
        // critical-allowed and cluster5's taint is not tolerated.
        Assert.Equal(["cluster1", "cluster3", "cluster6"], await fleet.SelectedAsync("crp-affinity"));
        var statuses = SchedulingFleet.PlacementStatuses(placement);
        Assert.Contains(("cluster3", "True", "Scheduled", Picked("cluster3", 20, 0)), statuses);
        Assert.Contains(("cluster1", "True", "Scheduled", Picked("cluster1", 20, 0)), statuses);
        Assert.Contains(("cluster6", "True", "Scheduled", Picked("cluster6", 0, 0)), statuses);
        Assert.Equal(3, statuses.Length);
        var describe = await fleet.Hub.SucceedAsync("describe", "crp", "crp-affinity");
        Assert.Contains(string.Format(null, Fulfilled, 3), describe, StringComparison.Ordinal);
        Assert.Contains(Picked("cluster6", 0, 0), describe, StringComparison.Ordinal);
        var notPicked = await fleet.Hub.SucceedAsync("get", "csps", "crp-affinity-0", "-o", "jsonpath={.status.targetClusters[?(@.clusterName==\"cluster2\")].reason}");
        Assert.Equal("Cluster \"cluster2\" does not score high enough (affinity score: 0, topology spread score: 0)", notPicked.Trim());
    }

    [Fact]
    public async Task SeedPickNWithTopologySpread_SpreadsOverRegionsOneClusterPerCycle()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-spread
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: spread}
              policy:
                placementType: PickN
                numberOfClusters: 4
                topologySpreadConstraints:
                - maxSkew: 2
                  topologyKey: region
                  whenUnsatisfiable: DoNotSchedule
                - maxSkew: 2
                  topologyKey: updateDay
                  whenUnsatisfiable: ScheduleAnyway
            """);

        var placement = await fleet.ScheduledAsync("crp-spread");

        // One pick per cycle, each judged by the domain counts the earlier picks made: cluster6 (every domain empty:
        // all score -2, the largest name wins), cluster3 (a second centralus pick scores -1; cluster1..3 tie
        // at 0), cluster2 (west is now the only empty region: +1), cluster4 (regions even again: cluster1 and
        // cluster4 tie at -1, the larger name wins). cluster5's taint keeps it out.
        Assert.Equal(["cluster2", "cluster3", "cluster4", "cluster6"], await fleet.SelectedAsync("crp-spread"));
        var statuses = SchedulingFleet.PlacementStatuses(placement);
        Assert.Contains(("cluster6", "True", "Scheduled", Picked("cluster6", 0, -2)), statuses);
        Assert.Contains(("cluster3", "True", "Scheduled", Picked("cluster3", 0, 0)), statuses);
        Assert.Contains(("cluster2", "True", "Scheduled", Picked("cluster2", 0, 1)), statuses);
        Assert.Contains(("cluster4", "True", "Scheduled", Picked("cluster4", 0, -1)), statuses);
        Assert.Contains(string.Format(null, Fulfilled, 4), await fleet.Hub.SucceedAsync("describe", "crp", "crp-spread"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PickN_SortedByCost_PicksTheCheapestClusters()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-cheapest
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: cheap}
              policy:
                placementType: PickN
                numberOfClusters: 2
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector: {matchLabels: {critical-allowed: "true"}}
                        propertySelector:
                          matchExpressions:
                          - {name: kubernetes-fleet.io/node-count, operator: Ge, values: ["1"]}
                    preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 100
                      preference:
                        propertySorter: {name: kubernetes.azure.com/per-cpu-core-cost, sortOrder: Ascending}
            """);

        var placement = await fleet.ScheduledAsync("crp-cheapest");

        // Costs per core span 0.025 (cluster4, not allowed) to 0.200 (cluster3): cluster2 (0.050) scores
        // round((1 - 0.025/0.175) × 100) = 86, cluster1 (0.100) 57, cluster6 (0.150) 29, cluster3 0.
        Assert.Equal(["cluster1", "cluster2"], await fleet.SelectedAsync("crp-cheapest"));
        var statuses = SchedulingFleet.PlacementStatuses(placement);
        Assert.Equal([("cluster2", "True", "Scheduled", Picked("cluster2", 86, 0)), ("cluster1", "True", "Scheduled", Picked("cluster1", 57, 0))], statuses);
    }

    [Fact]
    public async Task PickN_TooFewEligibleClusters_UnfulfilledWithUnselectedEntries()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-too-many
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: many}
              policy:
                placementType: PickN
                numberOfClusters: 6
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector: {matchLabels: {critical-allowed: "true"}}
            """);

        var placement = await fleet.ScheduledAsync("crp-too-many");

        var scheduled = SchedulingFleet.Condition(placement, "ClusterResourcePlacementScheduled")!;
        Assert.Equal("False", (string?)scheduled["status"]);
        Assert.Equal("SchedulingPolicyUnfulfilled", (string?)scheduled["reason"]);
        Assert.Equal("could not find all clusters needed as specified by the scheduling policy, found 4 cluster(s) instead", (string?)scheduled["message"]);
        Assert.Equal(["cluster1", "cluster2", "cluster3", "cluster6"], await fleet.SelectedAsync("crp-too-many"));
        var statuses = SchedulingFleet.PlacementStatuses(placement);
        Assert.Equal(6, statuses.Length);
        Assert.Equal(
            [
                ("", "False", "ScheduleFailed", "ClusterUnschedulable, cluster does not match with any of the required cluster affinity terms"),
                ("", "False", "ScheduleFailed", "ClusterUnschedulable, taint &{Key:dedicated Value:gpu Effect:NoSchedule} cannot be tolerated"),
            ],
            statuses[4..]);
        var describe = await fleet.Hub.SucceedAsync("describe", "crp", "crp-too-many");
        Assert.Contains("SchedulingPolicyUnfulfilled", describe, StringComparison.Ordinal);
        Assert.Contains("ScheduleFailed", describe, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PickFixed_MissingCluster_ReportsItAndSchedulesTheRest()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-missing
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: missing}
              policy:
                placementType: PickFixed
                clusterNames: [cluster1, cluster9]
            """);

        var placement = await fleet.ScheduledAsync("crp-missing");

        var scheduled = SchedulingFleet.Condition(placement, "ClusterResourcePlacementScheduled")!;
        Assert.Equal("False", (string?)scheduled["status"]);
        Assert.Equal("could not find all clusters needed as specified by the scheduling policy, found 1 cluster(s) instead", (string?)scheduled["message"]);
        Assert.Equal(["cluster1"], await fleet.SelectedAsync("crp-missing"));
        Assert.Equal(
            [
                ("cluster1", "True", "Scheduled", "Successfully scheduled resources for placement in \"cluster1\": picked by scheduling policy"),
                ("", "False", "ScheduleFailed", "Specified cluster \"cluster9\" is not found"),
            ],
            SchedulingFleet.PlacementStatuses(placement));
    }

    [Fact]
    public async Task Tolerations_LetPlacementOntoTaintedCluster_CanBeAddedButNotChangedOrRemoved()
    {
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: crp-tolerations
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: gpu}
              policy:
                placementType: PickAll
            """);
        await fleet.ScheduledAsync("crp-tolerations");
        Assert.Equal(["cluster1", "cluster2", "cluster3", "cluster4", "cluster6"], await fleet.SelectedAsync("crp-tolerations"));

        await fleet.Hub.SucceedAsync("patch", "crp", "crp-tolerations", "--type", "merge", "-p",
            """{"spec":{"policy":{"tolerations":[{"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}]}}}""");
        await fleet.WaitSelectedAsync("crp-tolerations", "cluster1", "cluster2", "cluster3", "cluster4", "cluster5", "cluster6");
        // A new policy means a new policy snapshot; the bindings move to it.
        Assert.Contains("crp-tolerations-1", await fleet.Hub.SucceedAsync("get", "csps", "-l", "kubernetes-fleet.io/parent-CRP=crp-tolerations", "-o", "name"), StringComparison.Ordinal);

        const string denied = "tolerations have been updated/deleted, only additions to tolerations are allowed";
        var changed = await fleet.Hub.RunAsync("patch", "crp", "crp-tolerations", "--type", "merge", "-p",
            """{"spec":{"policy":{"tolerations":[{"key":"dedicated","operator":"Equal","value":"fpga","effect":"NoSchedule"}]}}}""");
        Assert.NotEqual(0, changed.ExitCode);
        Assert.Contains(denied, changed.StandardError, StringComparison.Ordinal);
        var removed = await fleet.Hub.RunAsync("patch", "crp", "crp-tolerations", "--type", "json", "-p", """[{"op":"remove","path":"/spec/policy/tolerations"}]""");
        Assert.NotEqual(0, removed.ExitCode);
        Assert.Contains(denied, removed.StandardError, StringComparison.Ordinal);
        await fleet.Hub.SucceedAsync("patch", "crp", "crp-tolerations", "--type", "json", "-p",
            """[{"op":"add","path":"/spec/policy/tolerations/-","value":{"key":"zone","operator":"Exists"}}]""");
    }

    [Fact]
    public async Task ResourcePlacement_InItsNamespace_ScheduledWithNamespacedSnapshotsAndBindings()
    {
        await fleet.Hub.SucceedAsync("create", "namespace", "team-a");
        await fleet.Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ResourcePlacement
            metadata:
              name: rp-web
              namespace: team-a
            spec:
              resourceSelectors:
              - {group: "", kind: ConfigMap, version: v1, name: web-config}
              policy:
                placementType: PickN
                numberOfClusters: 2
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector:
                          matchLabels:
                            environment: production
            """);

        var placement = await Eventually.WaitAsync("rp rp-web to be scheduled", async () =>
        {
            var rp = JsonNode.Parse(await fleet.Hub.SucceedAsync("get", "rp", "rp-web", "-n", "team-a", "-o", "json"))!;
            return (string?)SchedulingFleet.Condition(rp, "ResourcePlacementScheduled")?["status"] == "True" ? rp : null;
        });

        Assert.Equal(
            [
                ("cluster4", "True", "Scheduled", Picked("cluster4", 0, 0)),
                ("cluster2", "True", "Scheduled", Picked("cluster2", 0, 0)),
            ],
            SchedulingFleet.PlacementStatuses(placement));
        Assert.Equal("schedulingpolicysnapshot.placement.kubernetes-fleet.io/rp-web-0",
            (await fleet.Hub.SucceedAsync("get", "sps", "-n", "team-a", "-o", "name")).Trim());
        var bindings = await fleet.Hub.SucceedAsync("get", "rb", "-n", "team-a", "-o", "jsonpath={range .items[*]}{.spec.targetCluster}{\"\\n\"}{end}");
        Assert.Equal(["cluster2", "cluster4"], bindings.Trim().Split('\n').Order(StringComparer.Ordinal));
        // The rollout binds them to the RP's resource snapshot, a ResourceSnapshot in its namespace.
        await Eventually.WaitAsync("both ResourceBindings bound to rp-web-0-snapshot", async () =>
        {
            var states = await fleet.Hub.SucceedAsync("get", "rb", "-n", "team-a", "-o", "jsonpath={range .items[*]}{.spec.state} {.spec.resourceSnapshotName}{\"\\n\"}{end}");
            return states.Trim().Split('\n').All(s => s == "Bound rp-web-0-snapshot") ? (bool?)true : null;
        });
        Assert.Equal("", (await fleet.Hub.SucceedAsync("get", "crb", "-l", "kubernetes-fleet.io/parent-CRP=rp-web", "-o", "name")).Trim());
    }

    private static string Picked(string cluster, int affinity, int topology) =>
        $"Successfully scheduled resources for placement in \"{cluster}\" (affinity score: {affinity}, topology spread score: {topology}): picked by scheduling policy";
}
