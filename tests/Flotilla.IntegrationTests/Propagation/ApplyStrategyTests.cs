using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Propagation;

/// <summary>
/// The apply strategies and placement rules the seed journey does not reach (placement spec §2.3–§2.5, §4, §5.4–§5.8,
/// §7.5–§7.7), end to end on a three-member local fleet driven with kubectl: drift under IfNotDrifted and
/// FullComparison, takeover IfNoDiff, server-side apply, a cluster unselected by its placement, a ResourcePlacement,
/// ClusterResourceEnvelopes, and a manifest whose kind the member does not know. Each test uses its own namespace and
/// placement names, so the tests share the fleet without seeing each other.
/// </summary>
public sealed class ApplyStrategyTests(PropagationFleet fleet) : IClassFixture<PropagationFleet>
{
    /// <summary>Snapshot creation is throttled (a collection window and a minimum interval), so a hub change takes a while.</summary>
    private static readonly TimeSpan NewSnapshotTimeout = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan PlacementTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Times that differ on every run: compared by being timestamps, not by value.</summary>
    private static readonly HashSet<string> TimeFields = new(StringComparer.Ordinal)
    {
        "lastTransitionTime", "observationTime", "firstDriftedObservedTime", "firstDiffedObservedTime",
    };

    private Kubectl Hub => fleet.Hub;

    /// <summary>
    /// whenToApply IfNotDrifted (§5.5 step 5): an edit on the member to a field the manifest sets is left in place and
    /// reported — Applied False with reason FoundDrifts in failedPlacements, the drift itself in driftedPlacements
    /// (§5.3, §7.5, §7.7). Drift detection only runs while the live object's spec-hash equals the current manifest's
    /// hash; a new version of the manifest from the hub has a different hash, so upstream applies it (a three-way merge
    /// that overwrites the member's edit) and the drift report goes away.
    /// </summary>
    [Fact]
    public async Task IfNotDrifted_MemberEditKeptAndReportedAsDrift_NewHubVersionApplied()
    {
        const string name = "drift-guard";
        const string cluster = "member-1";
        await Hub.SucceedAsync("create", "namespace", name);
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", name, "--from-literal=color=blue");
        await Hub.ApplyAsync(PickFixed(name, cluster, "applyStrategy: {whenToApply: IfNotDrifted}"));
        await AvailableAsync(name, 2);

        var member = fleet.Member(cluster);
        await member.SucceedAsync("patch", "configmap", "settings", "-n", name, "--type", "merge", "-p", """{"data":{"color":"red"}}""");
        var placement = await WaitForPlacementAsync(name, "the member's edit reported as a drift", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementApplied", "False")
            && PropagationFleet.ClusterStatus(crp, cluster)?["driftedPlacements"] is not null);

        // Not overwritten: the re-processing that found the drift skipped the apply.
        var live = await GetAsync(member, "configmap", "settings", "-n", name);
        Assert.Equal("red", (string?)live["data"]!["color"]);
        var generation = Generation(live);

        var applied = PropagationFleet.Condition(placement, "ClusterResourcePlacementApplied")!;
        Assert.Equal(("ApplyFailed", "Failed to apply resources to 1 cluster(s), please check the `failedPlacements` status"),
            ((string?)applied["reason"], (string?)applied["message"]));
        Assert.Null(PropagationFleet.Condition(placement, "ClusterResourcePlacementAvailable"));
        var entry = PropagationFleet.ClusterStatus(placement, cluster)!;
        var perCluster = PropagationFleet.Condition(entry, "Applied")!;
        Assert.Equal(("False", "NotAllWorkHaveBeenApplied", $"Work object {name}-work has failed to apply"),
            ((string?)perCluster["status"], (string?)perCluster["reason"], (string?)perCluster["message"]));
        AssertJson($$"""
            [{
              "version": "v1", "kind": "ConfigMap", "name": "settings", "namespace": "{{name}}",
              "condition": {
                "type": "Applied", "status": "False", "reason": "FoundDrifts",
                "message": "Failed to apply the manifest (error: cannot apply manifest: drifts are found between the manifest and the object from the member cluster)"
                {{ObservedGeneration(generation)}}
              }
            }]
            """, entry["failedPlacements"]);
        AssertJson($$"""
            [{
              "version": "v1", "kind": "ConfigMap", "name": "settings", "namespace": "{{name}}",
              "targetClusterObservedGeneration": {{generation}},
              "observedDrifts": [{"path": "/data/color", "valueInMember": "red", "valueInHub": "blue"}]
            }]
            """, entry["driftedPlacements"]);
        AssertTimes(entry["driftedPlacements"]![0]!, "observationTime", "firstDriftedObservedTime");

        // A new version on the hub: its hash differs from the live spec-hash, so no drift detection, and it is applied.
        await Hub.SucceedAsync("patch", "configmap", "settings", "-n", name, "--type", "merge", "-p", """{"data":{"color":"green"}}""");
        await Eventually.WaitAsync("the new hub version applied over the member's edit", async () =>
            (string?)(await GetAsync(member, "configmap", "settings", "-n", name))["data"]!["color"] == "green" ? (bool?)true : null, NewSnapshotTimeout);
        placement = await WaitForPlacementAsync(name, "the placement available on the new version", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementAvailable", "True") && (string?)crp["status"]!["observedResourceIndex"] == "1");
        entry = PropagationFleet.ClusterStatus(placement, cluster)!;
        Assert.Equal("1", (string?)entry["observedResourceIndex"]);
        Assert.Null(entry["failedPlacements"]);
        Assert.Null(entry["driftedPlacements"]);
        Assert.All(entry["conditions"]!.AsArray(), c => Assert.Equal("True", (string?)c!["status"]));
    }

    /// <summary>
    /// comparisonOption FullComparison with whenToApply Always (§5.5 step 7): after each apply the whole object is
    /// compared, so a data key added on the member — a field the manifest does not set, which the apply keeps — is
    /// reported in driftedPlacements while Applied and Available stay True.
    /// </summary>
    [Fact]
    public async Task FullComparison_FieldAddedOnMember_ReportedAsDriftWhileApplied()
    {
        const string name = "full-compare";
        const string cluster = "member-2";
        await Hub.SucceedAsync("create", "namespace", name);
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", name, "--from-literal=color=blue");
        await Hub.ApplyAsync(PickFixed(name, cluster, "applyStrategy: {comparisonOption: FullComparison, whenToApply: Always}"));
        var placement = await AvailableAsync(name, 2);
        // As placed, nothing differs.
        Assert.Null(PropagationFleet.ClusterStatus(placement, cluster)!["driftedPlacements"]);

        var member = fleet.Member(cluster);
        await member.SucceedAsync("patch", "configmap", "settings", "-n", name, "--type", "merge", "-p", """{"data":{"extra":"local"}}""");
        placement = await WaitForPlacementAsync(name, "the added key reported as a drift", crp =>
            PropagationFleet.ClusterStatus(crp, cluster)?["driftedPlacements"] is not null);

        Assert.All(placement["status"]!["conditions"]!.AsArray(), c =>
        {
            Assert.Equal("True", (string?)c!["status"]);
            Assert.Equal((long?)placement["metadata"]!["generation"], (long?)c["observedGeneration"]);
        });
        var entry = PropagationFleet.ClusterStatus(placement, cluster)!;
        Assert.All(entry["conditions"]!.AsArray(), c => Assert.Equal("True", (string?)c!["status"]));
        Assert.Null(entry["failedPlacements"]);
        var live = await GetAsync(member, "configmap", "settings", "-n", name);
        AssertJson($$"""
            [{
              "version": "v1", "kind": "ConfigMap", "name": "settings", "namespace": "{{name}}",
              "targetClusterObservedGeneration": {{Generation(live)}},
              "observedDrifts": [{"path": "/data/extra", "valueInMember": "local"}]
            }]
            """, entry["driftedPlacements"]);
        // The apply keeps what the manifest does not set.
        AssertJson("""{"color": "blue", "extra": "local"}""", live["data"]);
    }

    /// <summary>
    /// whenToTakeOver IfNoDiff (§5.5 step 2): a pre-existing object identical to the manifest is taken over (it gets the
    /// AppliedWork owner reference); a different one is not — Applied False with reason FailedToTakeOver in
    /// failedPlacements, and the differences in diffedPlacements (§5.3: an Applied False Work contributes its diff
    /// details) — and it stays as it was.
    /// </summary>
    [Fact]
    public async Task IfNoDiff_IdenticalObjectTakenOver_DifferentOneLeftAndReported()
    {
        const string name = "adopt";
        const string cluster = "member-3";
        var member = fleet.Member(cluster);
        foreach (var kubectl in new[] { member, Hub })
        {
            await kubectl.SucceedAsync("create", "namespace", name);
            await kubectl.SucceedAsync("create", "configmap", "same", "-n", name, "--from-literal=color=hub");
        }
        await member.SucceedAsync("create", "configmap", "different", "-n", name, "--from-literal=color=local");
        await Hub.SucceedAsync("create", "configmap", "different", "-n", name, "--from-literal=color=hub");
        await Hub.ApplyAsync(PickFixed(name, cluster, "applyStrategy: {whenToTakeOver: IfNoDiff}"));

        var placement = await WaitForPlacementAsync(name, "the refused takeover reported", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementApplied", "False")
            && PropagationFleet.ClusterStatus(crp, cluster)?["failedPlacements"] is not null);
        var different = await GetAsync(member, "configmap", "different", "-n", name);
        var generation = Generation(different);
        var entry = PropagationFleet.ClusterStatus(placement, cluster)!;
        AssertJson($$"""
            [{
              "version": "v1", "kind": "ConfigMap", "name": "different", "namespace": "{{name}}",
              "condition": {
                "type": "Applied", "status": "False", "reason": "FailedToTakeOver",
                "message": "Failed to apply the manifest (error: cannot take over object: configuration differences are found between the manifest object and the corresponding object in the member cluster)"
                {{ObservedGeneration(generation)}}
              }
            }]
            """, entry["failedPlacements"]);
        AssertJson($$"""
            [{
              "version": "v1", "kind": "ConfigMap", "name": "different", "namespace": "{{name}}",
              "targetClusterObservedGeneration": {{generation}},
              "observedDiffs": [{"path": "/data/color", "valueInMember": "local", "valueInHub": "hub"}]
            }]
            """, entry["diffedPlacements"]);
        Assert.Null(entry["driftedPlacements"]);

        // The different one is untouched; the identical one (and the identical namespace) now belong to the Work.
        Assert.Equal("local", (string?)different["data"]!["color"]);
        Assert.Null(different["metadata"]!["ownerReferences"]);
        var appliedWork = await GetAsync(member, "appliedwork", $"{name}-work");
        var owner = $$"""
            [{"apiVersion": "placement.kubernetes-fleet.io/v1beta1", "kind": "AppliedWork", "name": "{{name}}-work",
              "uid": "{{(string?)appliedWork["metadata"]!["uid"]}}", "blockOwnerDeletion": true}]
            """;
        var same = await GetAsync(member, "configmap", "same", "-n", name);
        AssertJson(owner, same["metadata"]!["ownerReferences"]);
        Assert.Equal("hub", (string?)same["data"]!["color"]);
        AssertJson(owner, (await GetAsync(member, "namespace", name))["metadata"]!["ownerReferences"]);
    }

    /// <summary>
    /// applyStrategy type ServerSideApply (§5.5 step 6): objects are applied with server-side apply as field manager
    /// work-api-agent, as <c>kubectl get --show-managed-fields</c> shows, and a change on the hub is applied the same way.
    /// </summary>
    [Fact]
    public async Task ServerSideApply_AppliedAsWorkApiAgent_HubChangeApplied()
    {
        const string name = "server-side";
        const string cluster = "member-1";
        await Hub.SucceedAsync("create", "namespace", name);
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", name, "--from-literal=color=blue");
        await Hub.ApplyAsync(PickFixed(name, cluster, "applyStrategy: {type: ServerSideApply}"));
        await AvailableAsync(name, 2);
        var binding = (await fleet.BindingsAsync(name))[cluster];
        Assert.Equal("ServerSideApply", (string?)binding["spec"]!["applyStrategy"]!["type"]);

        var member = fleet.Member(cluster);
        var live = await GetAsync(member, "configmap", "settings", "-n", name, "--show-managed-fields");
        AssertAppliedByWorkApiAgent(live, "blue");

        await Hub.SucceedAsync("patch", "configmap", "settings", "-n", name, "--type", "merge", "-p", """{"data":{"color":"green"}}""");
        live = await Eventually.WaitAsync("the hub change applied", async () =>
        {
            var current = await GetAsync(member, "configmap", "settings", "-n", name, "--show-managed-fields");
            return (string?)current["data"]!["color"] == "green" ? current : null;
        }, NewSnapshotTimeout);
        AssertAppliedByWorkApiAgent(live, "green");
        await WaitForPlacementAsync(name, "the placement available on the new version", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementAvailable", "True") && (string?)crp["status"]!["observedResourceIndex"] == "1");
    }

    /// <summary>
    /// A cluster the placement no longer selects (PickN 2 → 1) loses what was placed there: its binding becomes
    /// Unscheduled and the rollout deletes it (§4.3, §4.4), the work generator deletes its Works (§5.1 step 1), and the
    /// member removes the objects (§5.4 step 2); the cluster that stays keeps them. With equal scores the scheduler
    /// unschedules the smaller cluster name first (§3.8), so member-1 goes and member-2 stays.
    /// </summary>
    [Fact]
    public async Task PickNScaledDown_UnselectedClusterLosesObjects_OtherKeepsThem()
    {
        const string name = "unselect";
        await Hub.SucceedAsync("create", "namespace", name);
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", name, "--from-literal=color=blue");
        await Hub.ApplyAsync($$$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: {{{name}}}
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: {{{name}}}}
              policy:
                placementType: PickN
                numberOfClusters: 2
                affinity:
                  clusterAffinity:
                    requiredDuringSchedulingIgnoredDuringExecution:
                      clusterSelectorTerms:
                      - labelSelector: {matchLabels: {environment: production}}
            """);
        await AvailableAsync(name, 2);
        foreach (var cluster in new[] { "member-1", "member-2" })
        {
            Assert.Equal("blue", (await fleet.Member(cluster).SucceedAsync("get", "configmap", "settings", "-n", name, "-o", "jsonpath={.data.color}")).Trim());
        }

        await Hub.SucceedAsync("patch", "crp", name, "--type", "merge", "-p", """{"spec":{"policy":{"numberOfClusters":1}}}""");
        await Eventually.WaitAsync("the namespace removed from member-1", async () =>
            await fleet.ExistsOnAsync("member-1", "namespace", name) ? null : (bool?)true, PlacementTimeout);

        var placement = await WaitForPlacementAsync(name, "the placement available on member-2 alone", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementAvailable", "True") && crp["status"]!["placementStatuses"]!.AsArray().Count == 1);
        Assert.Equal("member-2", (string?)placement["status"]!["placementStatuses"]![0]!["clusterName"]);
        Assert.Equal("The selected resources in 1 cluster(s) are available now",
            (string?)PropagationFleet.Condition(placement, "ClusterResourcePlacementAvailable")!["message"]);
        // The binding goes once its Works are gone, which is once the member has removed what they placed.
        await Eventually.WaitAsync("member-1's binding and Works gone from the hub", async () =>
            (await fleet.BindingsAsync(name)).Keys.SequenceEqual(["member-2"])
            && (await Hub.SucceedAsync("get", "works", "-n", "fleet-member-member-1", "-l", $"kubernetes-fleet.io/parent-CRP={name}", "-o", "name")).Trim().Length == 0
                ? (bool?)true
                : null, PlacementTimeout);
        Assert.False(await fleet.ExistsOnAsync("member-1", "appliedwork", $"{name}-work"));
        Assert.False(await fleet.ExistsOnAsync("member-1", "configmap", "settings", "-n", name));
        Assert.Equal("blue", (await fleet.Member("member-2").SucceedAsync("get", "configmap", "settings", "-n", name, "-o", "jsonpath={.data.color}")).Trim());
    }

    /// <summary>
    /// A ResourcePlacement (§1.4) places a ConfigMap of its own namespace, once a ClusterResourcePlacement with
    /// selectionScope NamespaceOnly has placed the namespace itself (as upstream's docs do): it reaches Available, the
    /// ConfigMap appears on the member, and its Work is named <c>&lt;namespace&gt;.&lt;rp&gt;-work</c> (§2.4).
    /// </summary>
    [Fact]
    public async Task ResourcePlacement_ConfigMapInItsNamespace_PlacedAndAvailable()
    {
        const string ns = "rp-app";
        const string rp = "rp-app-config";
        const string cluster = "member-2";
        await Hub.SucceedAsync("create", "namespace", ns);
        await Hub.SucceedAsync("create", "configmap", "settings", "-n", ns, "--from-literal=color=blue");
        await Hub.ApplyAsync($$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: {{ns}}-namespace
            spec:
              resourceSelectors:
              - {group: "", kind: Namespace, version: v1, name: {{ns}}, selectionScope: NamespaceOnly}
              policy:
                placementType: PickFixed
                clusterNames: [{{cluster}}]
            """);
        var namespacePlacement = await AvailableAsync($"{ns}-namespace", 1);
        AssertJson($$"""[{"version": "v1", "kind": "Namespace", "name": "{{ns}}"}]""", namespacePlacement["status"]!["selectedResources"]);
        Assert.True(await fleet.ExistsOnAsync(cluster, "namespace", ns));
        Assert.False(await fleet.ExistsOnAsync(cluster, "configmap", "settings", "-n", ns));

        await Hub.ApplyAsync($$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ResourcePlacement
            metadata:
              name: {{rp}}
              namespace: {{ns}}
            spec:
              resourceSelectors:
              - {group: "", kind: ConfigMap, version: v1, name: settings}
              policy:
                placementType: PickFixed
                clusterNames: [{{cluster}}]
            """);
        var placement = await Eventually.WaitAsync($"rp {rp} to be available", async () =>
        {
            var current = await GetAsync(Hub, "rp", rp, "-n", ns);
            return PropagationFleet.IsAt(current, "ResourcePlacementAvailable", "True") ? current : null;
        }, PlacementTimeout);
        Assert.Equal(
            ["ResourcePlacementScheduled", "ResourcePlacementRolloutStarted", "ResourcePlacementOverridden",
             "ResourcePlacementWorkSynchronized", "ResourcePlacementApplied", "ResourcePlacementAvailable"],
            placement["status"]!["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
        Assert.All(placement["status"]!["conditions"]!.AsArray(), c => Assert.Equal("True", (string?)c!["status"]));
        AssertJson($$"""[{"version": "v1", "kind": "ConfigMap", "name": "settings", "namespace": "{{ns}}"}]""", placement["status"]!["selectedResources"]);
        var entry = PropagationFleet.ClusterStatus(placement, cluster)!;
        Assert.Equal(["Scheduled", "RolloutStarted", "Overridden", "WorkSynchronized", "Applied", "Available"],
            entry["conditions"]!.AsArray().Select(c => (string?)c!["type"]));

        var work = await GetAsync(Hub, "work", $"{ns}.{rp}-work", "-n", $"fleet-member-{cluster}");
        Assert.Equal(ns, (string?)work["metadata"]!["labels"]!["kubernetes-fleet.io/parent-placement-namespace"]);
        Assert.Equal(rp, (string?)work["metadata"]!["labels"]!["kubernetes-fleet.io/parent-CRP"]);
        Assert.Equal(["ConfigMap/settings"], work["spec"]!["workload"]!["manifests"]!.AsArray().Select(m => $"{(string?)m!["kind"]}/{(string?)m["metadata"]!["name"]}"));
        var live = await GetAsync(fleet.Member(cluster), "configmap", "settings", "-n", ns);
        Assert.Equal("blue", (string?)live["data"]!["color"]);
        Assert.Equal($"{ns}.{rp}-work", (string?)live["metadata"]!["ownerReferences"]![0]!["name"]);
    }

    /// <summary>
    /// A ClusterResourceEnvelope (§2.5) ships cluster-scoped objects: the wrapped ClusterRole appears on the member, the
    /// envelope itself is not placed (the snapshot Work is empty and the envelope's own Work, named after the hash of the
    /// envelope, holds only the ClusterRole). The placement selects the envelope by <c>v1beta1</c>, the only version
    /// upstream serves envelopes in, as upstream's YAML does.
    /// </summary>
    [Fact]
    public async Task ClusterResourceEnvelope_WrappedClusterRolePlaced_EnvelopeItselfNot()
    {
        const string name = "cluster-envelope";
        const string envelope = "envelope-roles";
        const string cluster = "member-3";
        await Hub.ApplyAsync($$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourceEnvelope
            metadata:
              name: {{envelope}}
            data:
              clusterrole.yaml:
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: envelope-reader}
                rules:
                - {apiGroups: [""], resources: [configmaps], verbs: [get, list]}
            ---
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: {{name}}
            spec:
              resourceSelectors:
              - {group: placement.kubernetes-fleet.io, kind: ClusterResourceEnvelope, version: v1beta1, name: {{envelope}}}
              policy:
                placementType: PickFixed
                clusterNames: [{{cluster}}]
            """);
        var placement = await AvailableAsync(name, 1);
        AssertJson($$"""[{"group": "placement.kubernetes-fleet.io", "version": "v1beta1", "kind": "ClusterResourceEnvelope", "name": "{{envelope}}"}]""",
            placement["status"]!["selectedResources"]);

        var envelopeWork = $"{name}-work-envelope-{EnvelopeHash("ClusterResourceEnvelope", "", envelope)}";
        var works = JsonNode.Parse(await Hub.SucceedAsync("get", "works", "-n", $"fleet-member-{cluster}", "-l", $"kubernetes-fleet.io/parent-CRP={name}", "-o", "json"))!["items"]!
            .AsArray().ToDictionary(w => (string)w!["metadata"]!["name"]!, w => w!);
        Assert.Equal([$"{name}-work", envelopeWork], works.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(works[$"{name}-work"]["spec"]!["workload"]!["manifests"]?.AsArray() ?? new JsonArray());
        var labels = works[envelopeWork]["metadata"]!["labels"]!;
        Assert.Equal(("ClusterResourceEnvelope", envelope), ((string?)labels["kubernetes-fleet.io/envelope-work"], (string?)labels["kubernetes-fleet.io/envelope-name"]));
        AssertJson("""
            [{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "envelope-reader"},
              "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}]}]
            """, works[envelopeWork]["spec"]!["workload"]!["manifests"]);

        var role = await GetAsync(fleet.Member(cluster), "clusterrole", "envelope-reader");
        AssertJson("""[{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list"]}]""", role["rules"]);
        Assert.Equal(envelopeWork, (string?)role["metadata"]!["ownerReferences"]![0]!["name"]);
        Assert.False(await fleet.ExistsOnAsync(cluster, "clusterresourceenvelopes.placement.kubernetes-fleet.io", envelope));
    }

    /// <summary>
    /// A namespaced object wrapped in a ClusterResourceEnvelope is a user error (§2.5): the work generator reports it on
    /// the binding as WorkSynchronized False, reason SyncWorkFailed (§5.1 step 7), the placement shows it for the
    /// cluster, and nothing is placed.
    /// </summary>
    [Fact]
    public async Task ClusterResourceEnvelopeWrappingNamespacedObject_WorkSynchronizedFalseWithUserError()
    {
        const string name = "cluster-envelope-misuse";
        const string envelope = "envelope-misuse";
        const string cluster = "member-3";
        await Hub.ApplyAsync($$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourceEnvelope
            metadata:
              name: {{envelope}}
            data:
              configmap.yaml:
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: wrapped, namespace: default}
                data: {color: blue}
            ---
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ClusterResourcePlacement
            metadata:
              name: {{name}}
            spec:
              resourceSelectors:
              - {group: placement.kubernetes-fleet.io, kind: ClusterResourceEnvelope, version: v1beta1, name: {{envelope}}}
              policy:
                placementType: PickFixed
                clusterNames: [{{cluster}}]
            """);
        const string expected =
            $"Failed to synchronize the work to the latest: a namespaced object configmap.yaml (default/wrapped) has been wrapped in a cluster resource envelope {envelope}";

        var placement = await WaitForPlacementAsync(name, "the wrapped namespaced object reported", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementWorkSynchronized", "False"));
        var synchronized = PropagationFleet.Condition(placement, "ClusterResourcePlacementWorkSynchronized")!;
        Assert.Equal(("WorkNotSynchronizedYet", "There are 1 cluster(s) which have not finished creating or updating work(s) yet"),
            ((string?)synchronized["reason"], (string?)synchronized["message"]));
        // Types after the first False one are not reported.
        Assert.Null(PropagationFleet.Condition(placement, "ClusterResourcePlacementApplied"));
        var perCluster = PropagationFleet.Condition(PropagationFleet.ClusterStatus(placement, cluster), "WorkSynchronized")!;
        Assert.Equal(("False", "SyncWorkFailed", expected), ((string?)perCluster["status"], (string?)perCluster["reason"], (string?)perCluster["message"]));

        var binding = (await fleet.BindingsAsync(name))[cluster];
        var onBinding = PropagationFleet.Condition(binding, "WorkSynchronized")!;
        Assert.Equal(("False", "SyncWorkFailed", expected, (long?)binding["metadata"]!["generation"]),
            ((string?)onBinding["status"], (string?)onBinding["reason"], (string?)onBinding["message"], (long?)onBinding["observedGeneration"]));
        Assert.Equal("", (await Hub.SucceedAsync("get", "works", "-n", $"fleet-member-{cluster}", "-l", $"kubernetes-fleet.io/parent-CRP={name}", "-o", "name")).Trim());
        Assert.False(await fleet.ExistsOnAsync(cluster, "configmap", "wrapped", "-n", "default"));
    }

    /// <summary>
    /// A manifest whose kind the member cannot map (here a custom resource whose CRD exists nowhere, shipped in a
    /// ResourceEnvelope so the hub never has to know it) fails on its own at decoding (§5.4 step 5): Applied False with
    /// reason DecodingErred and upstream's message in failedPlacements, identified by the manifest and its envelope.
    /// </summary>
    [Fact]
    public async Task ManifestOfKindUnknownOnMember_DecodingErredInFailedPlacements()
    {
        const string name = "unknown-kind";
        const string cluster = "member-2";
        await Hub.SucceedAsync("create", "namespace", name);
        await Hub.ApplyAsync($$"""
            apiVersion: placement.kubernetes-fleet.io/v1beta1
            kind: ResourceEnvelope
            metadata:
              name: gadgets
              namespace: {{name}}
            data:
              gadget.yaml:
                apiVersion: example.flotilla.io/v1
                kind: Gadget
                metadata: {name: g1, namespace: {{name}}}
                spec: {size: 1}
            """);
        await Hub.ApplyAsync(PickFixed(name, cluster, null));

        var placement = await WaitForPlacementAsync(name, "the unknown kind reported", crp =>
            PropagationFleet.IsAt(crp, "ClusterResourcePlacementApplied", "False")
            && PropagationFleet.ClusterStatus(crp, cluster)?["failedPlacements"] is not null);
        var perCluster = PropagationFleet.Condition(PropagationFleet.ClusterStatus(placement, cluster), "Applied")!;
        Assert.Equal(("NotAllWorkHaveBeenApplied", $"Work object {name}-work-envelope-{EnvelopeHash("ResourceEnvelope", name, "gadgets")} has failed to apply"),
            ((string?)perCluster["reason"], (string?)perCluster["message"]));
        AssertJson($$"""
            [{
              "group": "example.flotilla.io", "version": "v1", "kind": "Gadget", "name": "g1", "namespace": "{{name}}",
              "envelope": {"name": "gadgets", "namespace": "{{name}}", "type": "ResourceEnvelope"},
              "condition": {
                "type": "Applied", "status": "False", "reason": "DecodingErred",
                "message": "Failed to apply the manifest (error: failed to decode manifest: failed to find GVR from member cluster client REST mapping: no matches for kind \"Gadget\" in version \"example.flotilla.io/v1\")"
              }
            }]
            """, PropagationFleet.ClusterStatus(placement, cluster)!["failedPlacements"]);
        // The rest of the placement is applied.
        Assert.True(await fleet.ExistsOnAsync(cluster, "namespace", name));
    }

    /// <summary>A ClusterResourcePlacement of one namespace (with its objects) on one cluster, with an optional strategy body.</summary>
    private static string PickFixed(string name, string cluster, string? strategy) => $$"""
        apiVersion: placement.kubernetes-fleet.io/v1beta1
        kind: ClusterResourcePlacement
        metadata:
          name: {{name}}
        spec:
          resourceSelectors:
          - {group: "", kind: Namespace, version: v1, name: {{name}}}
          policy:
            placementType: PickFixed
            clusterNames: [{{cluster}}]
        {{(strategy is null ? "" : "  strategy:\n    " + strategy)}}
        """;

    /// <summary>
    /// Waits until the placement is available at its generation with all <paramref name="selected"/> resources in its
    /// selection: objects created just before the placement may reach its first snapshot or only a later one.
    /// </summary>
    private Task<JsonNode> AvailableAsync(string crp, int selected) =>
        WaitForPlacementAsync(crp, $"available with its {selected} resource(s) selected", placement =>
            PropagationFleet.IsAt(placement, "ClusterResourcePlacementAvailable", "True") && placement["status"]?["selectedResources"]?.AsArray().Count == selected);

    private Task<JsonNode> WaitForPlacementAsync(string crp, string phase, Func<JsonNode, bool> done) =>
        Eventually.WaitAsync($"crp {crp}: {phase}", async () =>
        {
            var placement = await fleet.PlacementAsync(crp);
            return done(placement) ? placement : null;
        }, PlacementTimeout);

    private static async Task<JsonNode> GetAsync(Kubectl kubectl, params string[] what) =>
        JsonNode.Parse(await kubectl.SucceedAsync(["get", .. what, "-o", "json"]))!;

    /// <summary>The live object's metadata.generation, 0 when it has none (what the applier records, §5.8).</summary>
    private static long Generation(JsonNode live) => (long?)live["metadata"]!["generation"] ?? 0;

    /// <summary>A manifest condition's observedGeneration member: upstream's omitempty leaves 0 out.</summary>
    private static string ObservedGeneration(long generation) =>
        generation == 0 ? "" : ", \"observedGeneration\": " + generation.ToString(CultureInfo.InvariantCulture);

    /// <summary>§2.4: the first 8 bytes of sha256("type/namespace/name") as 16 hex characters.</summary>
    private static string EnvelopeHash(string type, string ns, string name) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}/{ns}/{name}")).AsSpan(0, 8));

    private static void AssertTimes(JsonNode node, params string[] fields)
    {
        foreach (var field in fields)
        {
            Assert.True(IsTime(node[field]), $"{field} is not a time: {node[field]}");
        }
    }

    private static bool IsTime(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Whole-object comparison, key order aside; timestamps count only as being timestamps.</summary>
    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.Equal(Canonical(JsonNode.Parse(expected)), Canonical(actual));

    private static string Canonical(JsonNode? node) => Sorted(node)?.ToJsonString() ?? "null";

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj
            .Where(p => !(TimeFields.Contains(p.Key) && IsTime(p.Value)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        _ => node?.DeepClone(),
    };

    /// <summary>The object was written by server-side apply as work-api-agent, which owns the placed data.</summary>
    private static void AssertAppliedByWorkApiAgent(JsonNode live, string color)
    {
        Assert.Equal(color, (string?)live["data"]!["color"]);
        var managers = live["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal([("work-api-agent", "Apply")], managers.Select(m => ((string?)m!["manager"], (string?)m["operation"])));
        Assert.NotNull(managers[0]!["fieldsV1"]!["f:data"]!["f:color"]);
    }
}
