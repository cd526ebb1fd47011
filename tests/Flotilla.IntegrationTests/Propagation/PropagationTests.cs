using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Client;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Propagation;

/// <summary>
/// Propagation end to end on a three-member local fleet (placement spec §4, §5, §7): what a placement selects on the
/// hub appears on exactly the chosen members, rolls out under the rolling-update strategy, is kept as placed (or
/// reported) when edited on a member, and disappears when the placement goes. Driven with kubectl.
/// </summary>
public sealed class PropagationTests(PropagationFleet fleet) : IClassFixture<PropagationFleet>
{
    private Kubectl Hub => fleet.Hub;

    /// <summary>The seed journey: a namespace with a Deployment, a ConfigMap and a Service placed on the production members.</summary>
    [Fact]
    public async Task SeedJourney_PlacedAvailableRolledOutOneAtATimeDriftRevertedAndRemovedOnDelete()
    {
        await Hub.SucceedAsync("create", "namespace", "journey");
        await Hub.SucceedAsync("create", "deployment", "web", "-n", "journey", "--image=ghcr.io/kuar-demo/kuard-amd64:blue", "--replicas=2", "--port=8080");
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", "journey", "--from-literal=color=blue");
        await Hub.SucceedAsync("create", "service", "clusterip", "web", "-n", "journey", "--tcp=8080:8080");
        await Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: journey
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: journey}
              policy:
                placementType: PickAll
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector: {matchLabels: {environment: production}}
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxUnavailable: 1, unavailablePeriodSeconds: 5}
            """);

        var placement = await fleet.AvailableAsync("journey");
        Assert.Equal(
            ["ClusterResourcePlacementScheduled", "ClusterResourcePlacementRolloutStarted", "ClusterResourcePlacementOverridden",
             "ClusterResourcePlacementWorkSynchronized", "ClusterResourcePlacementApplied", "ClusterResourcePlacementAvailable"],
            placement["status"]!["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
        Assert.All(placement["status"]!["conditions"]!.AsArray(), c => Assert.Equal("True", (string?)c!["status"]));
        Assert.Equal("The selected resources in 2 cluster(s) are available now",
            (string?)PropagationFleet.Condition(placement, "ClusterResourcePlacementAvailable")!["message"]);
        Assert.Equal("No override rules are configured for the selected resources",
            (string?)PropagationFleet.Condition(placement, "ClusterResourcePlacementOverridden")!["message"]);
        foreach (var member in new[] { "member-1", "member-2" })
        {
            var entry = PropagationFleet.ClusterStatus(placement, member)!;
            Assert.Equal(["Scheduled", "RolloutStarted", "Overridden", "WorkSynchronized", "Applied", "Available"],
                entry["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
            Assert.Equal("0", (string?)entry["observedResourceIndex"]);

            // The objects exist on the member, the Deployment with ready pods.
            var deployment = JsonNode.Parse(await fleet.Member(member).SucceedAsync("get", "deployment", "web", "-n", "journey", "-o", "json"))!;
            Assert.Equal(2, (int?)deployment["status"]!["readyReplicas"]);
            Assert.Equal("AppliedWork", (string?)deployment["metadata"]!["ownerReferences"]![0]!["kind"]);
            var pods = JsonNode.Parse(await fleet.Member(member).SucceedAsync("get", "pods", "-n", "journey", "-o", "json"))!["items"]!.AsArray();
            Assert.Equal(2, pods.Count(p => (string?)p!["status"]!["phase"] == "Running"));
            Assert.Equal("blue", (await fleet.Member(member).SucceedAsync("get", "configmap", "settings", "-n", "journey", "-o", "jsonpath={.data.color}")).Trim());
            Assert.True(await fleet.ExistsOnAsync(member, "service", "web", "-n", "journey"));
        }
        Assert.False(await fleet.ExistsOnAsync("member-3", "namespace", "journey"));

        // kubectl get crp: GEN, SCHEDULED, SCHEDULED-GEN, AVAILABLE, AVAILABLE-GEN.
        var row = (await Hub.SucceedAsync("get", "crp", "journey")).Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["journey", "1", "True", "1", "True", "1"], row[..6]);
        var described = await Hub.SucceedAsync("describe", "crp", "journey");
        foreach (var expected in new[] { @"Placement Statuses:", @"Cluster Name:\s+member-1", @"Cluster Name:\s+member-2", @"Selected Resources:",
                     @"Reason:\s+AllWorkAreAvailable", @"Normal\s+PlacementRolloutCompleted" })
        {
            Assert.Matches(expected, described);
        }

        // A ConfigMap change rolls out one cluster at a time: the second binding moves to the new snapshot only once the
        // first reports its resources available again.
        using var watch = new BindingHistory(fleet.Hub.Kubeconfig, "journey");
        await watch.StartAsync();
        await Hub.SucceedAsync("patch", "configmap", "settings", "-n", "journey", "--type", "merge", "-p", """{"data":{"color":"green"}}""");
        foreach (var member in new[] { "member-1", "member-2" })
        {
            await Eventually.WaitAsync($"the new color on {member}", async () =>
                (await fleet.Member(member).SucceedAsync("get", "configmap", "settings", "-n", "journey", "-o", "jsonpath={.data.color}")).Trim() == "green"
                    ? (bool?)true
                    : null, TimeSpan.FromSeconds(120));
        }
        placement = await fleet.AvailableAsync("journey");
        Assert.Equal("1", (string?)placement["status"]!["observedResourceIndex"]);
        watch.AssertOneAtATime("journey-1-snapshot");
        var work = JsonNode.Parse(await Hub.SucceedAsync("get", "work", "journey-work", "-n", "fleet-member-member-1", "-o", "json"))!;
        Assert.Equal("1", (string?)work["metadata"]!["labels"]!["kubernetes-fleet.io/parent-resource-snapshot-index"]);

        // An edit made on a member is reverted (whenToApply Always).
        await fleet.Member("member-2").SucceedAsync("patch", "configmap", "settings", "-n", "journey", "--type", "merge", "-p", """{"data":{"color":"red"}}""");
        await Eventually.WaitAsync("the member's edit reverted", async () =>
            (await fleet.Member("member-2").SucceedAsync("get", "configmap", "settings", "-n", "journey", "-o", "jsonpath={.data.color}")).Trim() == "green"
                ? (bool?)true
                : null, TimeSpan.FromSeconds(60));

        // Deleting the placement removes what it placed, and leaves nothing behind on the hub.
        await Hub.SucceedAsync("delete", "crp", "journey", "--wait=true", "--timeout=90s");
        foreach (var member in new[] { "member-1", "member-2" })
        {
            await Eventually.WaitAsync($"the namespace gone from {member}", async () =>
                await fleet.ExistsOnAsync(member, "namespace", "journey") ? null : (bool?)true, TimeSpan.FromSeconds(60));
        }
        // Bindings go once their Works are gone, which is once the members have removed what they placed.
        await Eventually.WaitAsync("no bindings, snapshots or Works of journey left on the hub", async () =>
            (await Hub.SucceedAsync("get", "crb,crs,csps", "-l", "kubernetes-fleet.io/parent-CRP=journey", "-o", "name")).Trim().Length == 0
            && (await Hub.SucceedAsync("get", "works", "-A", "-l", "kubernetes-fleet.io/parent-CRP=journey", "-o", "name")).Trim().Length == 0
                ? (bool?)true
                : null, TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// A manifest the member rejects (an invalid Service, shipped in an envelope so the hub never validates it) fails on
    /// its own: Applied False with the member's error in failedPlacements, while the other resources apply.
    /// </summary>
    [Fact]
    public async Task ManifestRejectedByMember_AppliedFalseWithMembersError_OthersApplied()
    {
        await Hub.SucceedAsync("create", "namespace", "rejected");
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", "rejected", "--from-literal=color=blue");
        await Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ResourceEnvelope
            metadata:
              name: bad-service
              namespace: rejected
            data:
              service.yaml:
                apiVersion: v1
                kind: Service
                metadata: {name: broken, namespace: rejected}
                spec:
                  ports:
                  - {port: 70000, protocol: TCP}
            ---
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: rejected
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: rejected}
              policy:
                placementType: PickFixed
                clusterNames: [member-3]
            """);

        // Applied is False while the Works are being applied too (ApplyInProgress), and the envelope's Work may first
        // fail because its namespace (in the other Work) is not there yet: wait for the member's verdict on the port.
        var placement = await Eventually.WaitAsync("crp rejected to report the invalid port", async () =>
        {
            var crp = await fleet.PlacementAsync("rejected");
            return PropagationFleet.IsAt(crp, "ClusterResourcePlacementApplied", "False")
                && PropagationFleet.ClusterStatus(crp, "member-3")?["failedPlacements"]?.ToJsonString().Contains("spec.ports[0].port", StringComparison.Ordinal) == true
                    ? crp
                    : null;
        }, TimeSpan.FromSeconds(90));
        Assert.Equal("ApplyFailed", (string?)PropagationFleet.Condition(placement, "ClusterResourcePlacementApplied")!["reason"]);
        // No Available condition once Applied is False.
        Assert.Null(PropagationFleet.Condition(placement, "ClusterResourcePlacementAvailable"));
        var failed = PropagationFleet.ClusterStatus(placement, "member-3")!["failedPlacements"]!.AsArray().Single()!;
        Assert.Equal("Service", (string?)failed["kind"]);
        Assert.Equal("broken", (string?)failed["name"]);
        Assert.Equal("bad-service", (string?)failed["envelope"]!["name"]);
        Assert.Equal("ResourceEnvelope", (string?)failed["envelope"]!["type"]);
        Assert.Equal("ManifestApplyFailed", (string?)failed["condition"]!["reason"]);
        Assert.StartsWith("Failed to apply the manifest (error: Service \"broken\" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
            (string?)failed["condition"]!["message"], StringComparison.Ordinal);
        Assert.Equal("blue", (await fleet.Member("member-3").SucceedAsync("get", "configmap", "settings", "-n", "rejected", "-o", "jsonpath={.data.color}")).Trim());
        Assert.False(await fleet.ExistsOnAsync("member-3", "service", "broken", "-n", "rejected"));
        await Hub.SucceedAsync("delete", "crp", "rejected", "--wait=true", "--timeout=90s");
    }

    /// <summary>whenToTakeOver Never: an object that already exists on the member is left as it is and reported.</summary>
    [Fact]
    public async Task PreExistingObject_WhenToTakeOverNever_LeftUntouchedAndReported()
    {
        var member = fleet.Member("member-3");
        await member.SucceedAsync("create", "namespace", "takeover");
        await member.SucceedAsync("create", "configmap", "settings", "-n", "takeover", "--from-literal=color=local");
        await Hub.SucceedAsync("create", "namespace", "takeover");
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", "takeover", "--from-literal=color=hub");
        await Hub.SucceedAsync("create", "configmap", "fresh", "-n", "takeover", "--from-literal=color=hub");
        await Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: takeover
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: takeover}
              policy:
                placementType: PickFixed
                clusterNames: [member-3]
              strategy:
                applyStrategy: {whenToTakeOver: Never}
            """);

        var placement = await Eventually.WaitAsync("crp takeover to report what it could not take over", async () =>
        {
            var crp = await fleet.PlacementAsync("takeover");
            return PropagationFleet.IsAt(crp, "ClusterResourcePlacementApplied", "False")
                && PropagationFleet.ClusterStatus(crp, "member-3")?["failedPlacements"] is not null ? crp : null;
        }, TimeSpan.FromSeconds(90));
        var failed = PropagationFleet.ClusterStatus(placement, "member-3")!["failedPlacements"]!.AsArray();
        // The namespace existed too: neither it nor the ConfigMap is taken over.
        Assert.Equal(["ConfigMap/settings", "Namespace/takeover"], failed.Select(f => $"{(string?)f!["kind"]}/{(string?)f["name"]}").Order(StringComparer.Ordinal));
        Assert.All(failed, f => Assert.Equal("NotTakenOver", (string?)f!["condition"]!["reason"]));
        var local = JsonNode.Parse(await member.SucceedAsync("get", "configmap", "settings", "-n", "takeover", "-o", "json"))!;
        Assert.Equal("local", (string?)local["data"]!["color"]);
        Assert.Null(local["metadata"]!["ownerReferences"]);
        // What did not exist is placed.
        Assert.Equal("hub", (await member.SucceedAsync("get", "configmap", "fresh", "-n", "takeover", "-o", "jsonpath={.data.color}")).Trim());
        await Hub.SucceedAsync("delete", "crp", "takeover", "--wait=true", "--timeout=90s");
        // Deleting the placement removes only what it placed.
        await Eventually.WaitAsync("the placed ConfigMap removed", async () =>
            await fleet.ExistsOnAsync("member-3", "configmap", "fresh", "-n", "takeover") ? null : (bool?)true, TimeSpan.FromSeconds(60));
        Assert.True(await fleet.ExistsOnAsync("member-3", "configmap", "settings", "-n", "takeover"));
    }

    /// <summary>ReportDiff: nothing is written to the member; differences are reported in diffedPlacements.</summary>
    [Fact]
    public async Task ReportDiff_MemberNotWritten_DifferencesReported()
    {
        var member = fleet.Member("member-3");
        await member.SucceedAsync("create", "namespace", "diffs");
        await member.SucceedAsync("create", "configmap", "settings", "-n", "diffs", "--from-literal=color=local");
        await Hub.SucceedAsync("create", "namespace", "diffs");
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", "diffs", "--from-literal=color=hub");
        await Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: diffs
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: diffs}
              policy:
                placementType: PickFixed
                clusterNames: [member-3]
              strategy:
                applyStrategy: {type: ReportDiff}
            """);

        var placement = await Eventually.WaitAsync("crp diffs to report its differences", async () =>
        {
            var crp = await fleet.PlacementAsync("diffs");
            return PropagationFleet.IsAt(crp, "ClusterResourcePlacementDiffReported", "True") ? crp : null;
        }, TimeSpan.FromSeconds(90));
        Assert.Null(PropagationFleet.Condition(placement, "ClusterResourcePlacementApplied"));
        var diffed = PropagationFleet.ClusterStatus(placement, "member-3")!["diffedPlacements"]!.AsArray();
        var configMap = diffed.Single(d => (string?)d!["kind"] == "ConfigMap")!;
        var detail = configMap["observedDiffs"]!.AsArray().Single()!;
        Assert.Equal("/data/color", (string?)detail["path"]);
        Assert.Equal("local", (string?)detail["valueInMember"]);
        Assert.Equal("hub", (string?)detail["valueInHub"]);
        Assert.Equal("local", (await member.SucceedAsync("get", "configmap", "settings", "-n", "diffs", "-o", "jsonpath={.data.color}")).Trim());
        await Hub.SucceedAsync("delete", "crp", "diffs", "--wait=true", "--timeout=90s");
        Assert.True(await fleet.ExistsOnAsync("member-3", "configmap", "settings", "-n", "diffs"));
    }

    /// <summary>
    /// A Deployment update that never becomes available holds the rollout as upstream does: the first cluster takes it
    /// (maxUnavailable 1), and the other stays on the previous version with RolloutStarted False.
    /// </summary>
    [Fact]
    public async Task DeploymentNeverAvailable_HoldsTheRollout()
    {
        await Hub.SucceedAsync("create", "namespace", "held");
        await Hub.SucceedAsync("create", "deployment", "web", "-n", "held", "--image=ghcr.io/kuar-demo/kuard-amd64:blue");
        await Hub.ApplyAsync("""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: held
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: held}
              policy:
                placementType: PickN
                numberOfClusters: 2
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector: {matchLabels: {environment: production}}
              strategy:
                rollingUpdate: {maxUnavailable: 1}
            """);
        await fleet.AvailableAsync("held");

        // No node has 100 CPUs: the new pods stay Pending and the updated Deployment never becomes available.
        await Hub.SucceedAsync("set", "resources", "deployment", "web", "-n", "held", "--requests=cpu=100");
        var bindings = await Eventually.WaitAsync("one binding updated and the other held", async () =>
        {
            var all = await fleet.BindingsAsync("held");
            var updated = all.Values.Where(b => (string?)b["spec"]!["resourceSnapshotName"] == "held-1-snapshot").ToList();
            var held = all.Values.Where(b => (string?)PropagationFleet.Condition(b, "RolloutStarted")?["reason"] == "RolloutNotStartedYet").ToList();
            return updated.Count == 1 && held.Count == 1 ? all : null;
        }, TimeSpan.FromSeconds(120));
        var heldCluster = bindings.Single(b => (string?)b.Value["spec"]!["resourceSnapshotName"] == "held-0-snapshot").Key;
        var updatedCluster = bindings.Keys.Single(k => k != heldCluster);
        // The placement shows why: one cluster blocked by the strategy, the other's Deployment not available.
        var placement = await Eventually.WaitAsync("crp held to show the held rollout", async () =>
        {
            var crp = await fleet.PlacementAsync("held");
            var updated = PropagationFleet.ClusterStatus(crp, updatedCluster);
            return (string?)PropagationFleet.Condition(updated, "Available")?["reason"] == "NotAllWorkAreAvailable"
                && (string?)PropagationFleet.Condition(PropagationFleet.ClusterStatus(crp, heldCluster), "RolloutStarted")?["reason"] == "RolloutNotStartedYet"
                    ? crp
                    : null;
        }, TimeSpan.FromSeconds(60));
        Assert.Equal("RolloutNotStartedYet", (string?)PropagationFleet.Condition(placement, "ClusterResourcePlacementRolloutStarted")!["reason"]);
        Assert.Equal("The rollout is being blocked by the rollout strategy",
            (string?)PropagationFleet.Condition(PropagationFleet.ClusterStatus(placement, heldCluster), "RolloutStarted")!["message"]);
        Assert.Equal("The resources cannot be updated to the latest because of the rollout strategy",
            (string?)PropagationFleet.Condition(bindings[heldCluster], "RolloutStarted")!["message"]);
        var unavailable = PropagationFleet.ClusterStatus(placement, updatedCluster)!["failedPlacements"]!.AsArray().Single()!;
        Assert.Equal(("Deployment", "web", "ManifestNotAvailableYet"), ((string?)unavailable["kind"], (string?)unavailable["name"], (string?)unavailable["condition"]!["reason"]));
        // The held member keeps the previous Deployment.
        Assert.Empty((await fleet.Member(heldCluster).SucceedAsync("get", "deployment", "web", "-n", "held", "-o", "jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}")).Trim());
        Assert.Equal("100", (await fleet.Member(updatedCluster).SucceedAsync("get", "deployment", "web", "-n", "held", "-o", "jsonpath={.spec.template.spec.containers[0].resources.requests.cpu}")).Trim());
        await Hub.SucceedAsync("delete", "crp", "held", "--wait=true", "--timeout=90s");
    }

    /// <summary>Records every version of a placement's bindings from a watch, to check the order a rollout took.</summary>
    private sealed class BindingHistory(string kubeconfig, string placement) : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<ClusterResourceBinding> _versions = [];
        private Task? _watching;

        public async Task StartAsync()
        {
            var client = KubernetesClient.FromKubeConfigFile(kubeconfig);
            var bindings = client.Resource(CustomResourceMappings.Of<ClusterResourceBinding>(), PlacementJsonContext.Default.ClusterResourceBinding);
            var started = new TaskCompletionSource();
            _watching = Task.Run(async () =>
            {
                try
                {
                    await foreach (var e in bindings.WatchAsync(new WatchOptions { LabelSelector = $"kubernetes-fleet.io/parent-CRP={placement}" }, _stop.Token))
                    {
                        started.TrySetResult();
                        if (e.Object is { } binding)
                        {
                            lock (_versions)
                            {
                                _versions.Add(binding);
                            }
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }

        /// <summary>When the second binding moved to <paramref name="snapshot"/>, the first was already available on it.</summary>
        public void AssertOneAtATime(string snapshot)
        {
            List<ClusterResourceBinding> versions;
            lock (_versions)
            {
                versions = [.. _versions];
            }
            var latest = new Dictionary<string, ClusterResourceBinding>(StringComparer.Ordinal);
            var moved = new List<string>();
            foreach (var version in versions)
            {
                var cluster = version.Spec.TargetCluster;
                var before = latest.GetValueOrDefault(cluster);
                if (version.Spec.ResourceSnapshotName == snapshot && before?.Spec.ResourceSnapshotName != snapshot)
                {
                    foreach (var other in latest.Values.Where(o => o.Spec.TargetCluster != cluster && o.Spec.ResourceSnapshotName == snapshot))
                    {
                        var available = Api.Meta.Conditions.Find(other.Status?.Conditions, BindingConditionType.Available);
                        Assert.True(available is { IsTrue: true } && available.ObservedGeneration == other.Metadata.Generation,
                            $"{cluster} moved to {snapshot} while {other.Spec.TargetCluster} was not yet available on it");
                    }
                    moved.Add(cluster);
                }
                latest[cluster] = version;
            }
            Assert.Equal(2, moved.Count);
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _watching?.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }
            _stop.Dispose();
        }
    }
}
