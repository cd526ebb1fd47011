using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Hub.Placement.Work;

using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Tests.Placement.Work;

/// <summary>The Works planned for a binding: names, labels, annotations, manifests and strategies (placement spec §2.4, §5.1 step 6).</summary>
public sealed class WorkPlannerTests
{
    private const string Namespace = """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"app"}}""";
    private const string ConfigMap = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"app"},"data":{"k":"v"}}""";
    private const string Deployment = """{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"app"},"spec":{"replicas":2}}""";
    private const string RoHash = "ro-hash";
    private const string CroHash = "cro-hash";

    internal static JsonObject J(string json) => (JsonObject)JsonNode.Parse(json)!;

    /// <summary>An unstructured resource snapshot of group <paramref name="index"/>: the master when <paramref name="subindex"/> is null.</summary>
    internal static JsonObject Snapshot(string placement, int index, int? subindex, params string[] resources)
    {
        var name = subindex is null ? PlacementApi.ResourceSnapshotName(placement, index) : PlacementApi.SubResourceSnapshotName(placement, index, subindex.Value);
        var annotations = subindex is null
            ? new JsonObject { [PlacementApi.ResourceHashAnnotation] = "h", [PlacementApi.NumberOfResourceSnapshotsAnnotation] = "1" }
            : new JsonObject { [PlacementApi.SubindexOfResourceSnapshotAnnotation] = subindex.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return new JsonObject
        {
            ["apiVersion"] = PlacementApi.ApiVersion,
            ["kind"] = "ClusterResourceSnapshot",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { [PlacementApi.ParentPlacementLabel] = placement, [PlacementApi.ResourceIndexLabel] = index.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["annotations"] = annotations,
            },
            ["spec"] = new JsonObject { ["selectedResources"] = new JsonArray([.. resources.Select(r => (JsonNode)J(r))]) },
        };
    }

    private static WorkPlanInput Input(
        IReadOnlyList<JsonObject> snapshots, string placement = "crp", string? placementNamespace = null, ApplyStrategy? applyStrategy = null,
        ReportBackStrategy? reportBack = null) =>
        new(placement, placementNamespace, "crp-member-1-abcdef12", snapshots, applyStrategy, reportBack, RoHash, CroHash, "fleet-member-member-1");

    private static string ToJson(WorkObject work) => Obj.ToSortedJson(JsonSerializer.SerializeToNode(work, PlacementJsonContext.Default.Work));

    private static string Names(IEnumerable<JsonObject> manifests) => string.Join(",", manifests.Select(m => m.Name()));

    private static string ClusterEnvelope(string name, params (string Key, string Manifest)[] data) =>
        new JsonObject
        {
            ["apiVersion"] = PlacementApi.ApiVersion,
            ["kind"] = EnvelopeType.ClusterResourceEnvelope,
            ["metadata"] = new JsonObject { ["name"] = name },
            ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)J(d.Manifest)))),
        }.ToJsonString();

    private static string NamespacedEnvelope(string ns, string name, params (string Key, string Manifest)[] data) =>
        new JsonObject
        {
            ["apiVersion"] = PlacementApi.ApiVersion,
            ["kind"] = EnvelopeType.ResourceEnvelope,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["data"] = new JsonObject(data.Select(d => KeyValuePair.Create(d.Key, (JsonNode?)J(d.Manifest)))),
        }.ToJsonString();

    private const string Webhook = """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"ValidatingWebhookConfiguration","metadata":{"name":"guard"}}""";
    private const string ClusterRole = """{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"reader"}}""";
    private const string Quota = """{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"quota","namespace":"app"},"spec":{"hard":{"pods":"10"}}}""";
    private const string Limits = """{"apiVersion":"v1","kind":"LimitRange","metadata":{"name":"limits","namespace":"app"}}""";

    [Fact]
    public void Plan_ClusterPlacementOneSnapshot_OneWorkWithUpstreamNameLabelsAnnotationsAndSpec()
    {
        var strategy = new ApplyStrategy { Type = ApplyStrategyType.ServerSideApply, ComparisonOption = ComparisonOption.PartialComparison, WhenToApply = WhenToApply.Always };
        var reportBack = new ReportBackStrategy { Type = ReportBackStrategyType.Mirror, Destination = ReportBackDestination.WorkApi };

        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 3, null, Namespace, ConfigMap)], applyStrategy: strategy, reportBack: reportBack));

        Assert.Null(plan.UserError);
        var work = Assert.Single(plan.Works);
        var expected = new JsonObject
        {
            ["apiVersion"] = "placement.kubernetes-fleet.io/v1beta1",
            ["kind"] = "Work",
            ["metadata"] = new JsonObject
            {
                ["name"] = "crp-work",
                ["namespace"] = "fleet-member-member-1",
                ["labels"] = new JsonObject
                {
                    ["kubernetes-fleet.io/parent-resource-binding"] = "crp-member-1-abcdef12",
                    ["kubernetes-fleet.io/parent-CRP"] = "crp",
                    ["kubernetes-fleet.io/parent-resource-snapshot-index"] = "3",
                },
                ["annotations"] = new JsonObject
                {
                    ["kubernetes-fleet.io/parent-resource-snapshot-name"] = "crp-3-snapshot",
                    ["kubernetes-fleet.io/parent-resource-override-snapshot-hash"] = RoHash,
                    ["kubernetes-fleet.io/parent-cluster-resource-override-snapshot-hash"] = CroHash,
                },
            },
            ["spec"] = new JsonObject
            {
                ["workload"] = new JsonObject { ["manifests"] = new JsonArray(J(Namespace), J(ConfigMap)) },
                ["applyStrategy"] = new JsonObject
                {
                    ["type"] = "ServerSideApply",
                    ["comparisonOption"] = "PartialComparison",
                    ["whenToApply"] = "Always",
                    ["allowCoOwnership"] = false,
                },
                ["reportBackStrategy"] = new JsonObject { ["type"] = "Mirror", ["destination"] = "WorkAPI" },
            },
        };
        Assert.Equal(Obj.ToSortedJson(expected), ToJson(work));
    }

    [Fact]
    public void Plan_ResourcePlacement_BaseIsNamespaceDotNameAndWorksCarryTheNamespaceLabel()
    {
        var plan = WorkPlanner.Plan(Input([Snapshot("rp", 0, null, ConfigMap), Snapshot("rp", 0, 0, Deployment)], placement: "rp", placementNamespace: "app"));

        Assert.Equal(["app.rp-work", "app.rp-0"], plan.Works.Select(w => w.Metadata.Name));
        Assert.All(plan.Works, w =>
        {
            Assert.Equal("app", w.Metadata.Label(PlacementApi.ParentNamespaceLabel));
            Assert.Equal("rp", w.Metadata.Label(PlacementApi.ParentPlacementLabel));
            Assert.Equal("rp-0-snapshot", w.Metadata.Annotation(PlacementApi.ParentResourceSnapshotNameAnnotation));
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Plan_ClusterPlacement_NoNamespaceLabel(string? placementNamespace)
    {
        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, Namespace)], placementNamespace: placementNamespace));

        var work = Assert.Single(plan.Works);
        Assert.Equal("crp-work", work.Metadata.Name);
        Assert.Equal(3, work.Metadata.Labels!.Count);
        Assert.Null(work.Metadata.Label(PlacementApi.ParentNamespaceLabel));
    }

    [Fact]
    public void Plan_SubindexSnapshotsInAnyOrder_MasterWorkFirstThenOneWorkPerSubindexAscending()
    {
        JsonObject[] group = [Snapshot("crp", 2, 1, Deployment), Snapshot("crp", 2, null, Namespace), Snapshot("crp", 2, 0, ConfigMap)];

        var plan = WorkPlanner.Plan(Input(group));

        Assert.Equal(["crp-work", "crp-0", "crp-1"], plan.Works.Select(w => w.Metadata.Name));
        Assert.Equal(["app", "cm", "web"], plan.Works.Select(w => Names(w.Spec.Workload.Manifests!)));
        Assert.All(plan.Works, w =>
        {
            Assert.Equal("2", w.Metadata.Label(PlacementApi.ParentResourceSnapshotIndexLabel));
            // Every Work of the group records the master: the name the binding holds.
            Assert.Equal("crp-2-snapshot", w.Metadata.Annotation(PlacementApi.ParentResourceSnapshotNameAnnotation));
        });
    }

    [Fact]
    public void Plan_SnapshotWithNoResources_WorkWithZeroManifestsStillPlanned()
    {
        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null), Snapshot("crp", 0, 0, ConfigMap)]));

        Assert.Equal(["crp-work", "crp-0"], plan.Works.Select(w => w.Metadata.Name));
        Assert.Empty(plan.Works[0].Spec.Workload.Manifests!);
    }

    [Fact]
    public void Plan_SnapshotWithOnlyAnEnvelope_SnapshotWorkStillPlannedEmpty()
    {
        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, ClusterEnvelope("webhooks", ("w", Webhook)))]));

        Assert.Equal(["crp-work", "crp-work-envelope-6fb390571e41af5a"], plan.Works.Select(w => w.Metadata.Name));
        Assert.Empty(plan.Works[0].Spec.Workload.Manifests!);
    }

    [Fact]
    public void Plan_Manifests_SnapshotOrderKeptAndDeepCopied()
    {
        var snapshot = Snapshot("crp", 0, null, Deployment, Namespace, ConfigMap);

        var work = Assert.Single(WorkPlanner.Plan(Input([snapshot])).Works);
        work.Spec.Workload.Manifests![0]["spec"]!["replicas"] = 5;

        Assert.Equal("web,app,cm", Names(work.Spec.Workload.Manifests));
        Assert.Equal(2, snapshot.At("spec", "selectedResources")!.AsArray()[0]!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public void Plan_Strategies_CopiedPerWork()
    {
        var strategy = new ApplyStrategy { Type = ApplyStrategyType.ReportDiff, WhenToTakeOver = WhenToTakeOver.Never };
        var reportBack = new ReportBackStrategy { Type = ReportBackStrategyType.Mirror, Destination = ReportBackDestination.OriginalResource };

        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, Namespace), Snapshot("crp", 0, 0, ConfigMap)], applyStrategy: strategy, reportBack: reportBack));

        Assert.All(plan.Works, w =>
        {
            Assert.NotSame(strategy, w.Spec.ApplyStrategy);
            Assert.True(WorkPlanner.SameApplyStrategy(strategy, w.Spec.ApplyStrategy));
            Assert.NotSame(reportBack, w.Spec.ReportBackStrategy);
            Assert.True(WorkPlanner.SameReportBackStrategy(reportBack, w.Spec.ReportBackStrategy));
        });
        Assert.NotSame(plan.Works[0].Spec.ApplyStrategy, plan.Works[1].Spec.ApplyStrategy);
    }

    [Fact]
    public void Plan_NoStrategies_WorksWithoutThem()
    {
        var work = Assert.Single(WorkPlanner.Plan(Input([Snapshot("crp", 0, null, Namespace)])).Works);

        Assert.Null(work.Spec.ApplyStrategy);
        Assert.Null(work.Spec.ReportBackStrategy);
    }

    [Fact]
    public void Plan_ClusterResourceEnvelope_OwnWorkNamedByIdentityHashWithEnvelopeLabels()
    {
        var envelope = ClusterEnvelope("webhooks", ("webhook", Webhook), ("role", ClusterRole));

        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 1, null, Namespace, envelope, ConfigMap)]));

        Assert.Null(plan.UserError);
        Assert.Equal(["crp-work", "crp-work-envelope-6fb390571e41af5a"], plan.Works.Select(w => w.Metadata.Name));
        // The envelope itself is not placed; what it wraps is, in its own Work.
        Assert.Equal("app,cm", Names(plan.Works[0].Spec.Workload.Manifests!));
        var work = plan.Works[1];
        // JSON text descending: "rbac.authorization…" sorts after "admissionregistration…".
        Assert.Equal("reader,guard", Names(work.Spec.Workload.Manifests!));
        Assert.Equal(
            new Dictionary<string, string>
            {
                [PlacementApi.ParentBindingLabel] = "crp-member-1-abcdef12",
                [PlacementApi.ParentPlacementLabel] = "crp",
                [PlacementApi.ParentResourceSnapshotIndexLabel] = "1",
                [PlacementApi.EnvelopeTypeLabel] = "ClusterResourceEnvelope",
                [PlacementApi.EnvelopeNameLabel] = "webhooks",
            },
            work.Metadata.Labels);
        Assert.Equal(plan.Works[0].Metadata.Annotations, work.Metadata.Annotations);
        Assert.Equal("fleet-member-member-1", work.Metadata.Namespace);
        Assert.Equal("Work", work.Kind);
        Assert.Equal(PlacementApi.ApiVersion, work.ApiVersion);
    }

    [Fact]
    public void Plan_ResourceEnvelopeInSubindexSnapshot_PrefixIsThatSnapshotsWorkName()
    {
        var envelope = NamespacedEnvelope("app", "quota", ("quota", Quota));

        var plan = WorkPlanner.Plan(Input(
            [Snapshot("rp", 4, null, ConfigMap), Snapshot("rp", 4, 0, envelope)], placement: "rp", placementNamespace: "app",
            applyStrategy: new ApplyStrategy { Type = ApplyStrategyType.ClientSideApply }));

        Assert.Equal(["app.rp-work", "app.rp-0", "app.rp-0-envelope-52d7ddb0dc486256"], plan.Works.Select(w => w.Metadata.Name));
        var work = plan.Works[2];
        Assert.Equal("ResourceEnvelope", work.Metadata.Label(PlacementApi.EnvelopeTypeLabel));
        Assert.Equal("quota", work.Metadata.Label(PlacementApi.EnvelopeNameLabel));
        Assert.Equal("app", work.Metadata.Label(PlacementApi.EnvelopeNamespaceLabel));
        Assert.Equal("app", work.Metadata.Label(PlacementApi.ParentNamespaceLabel));
        Assert.Equal("4", work.Metadata.Label(PlacementApi.ParentResourceSnapshotIndexLabel));
        Assert.Equal("rp-4-snapshot", work.Metadata.Annotation(PlacementApi.ParentResourceSnapshotNameAnnotation));
        Assert.Equal(ApplyStrategyType.ClientSideApply, work.Spec.ApplyStrategy!.Type);
    }

    [Fact]
    public void Plan_EnvelopeManifests_SortedByJsonTextDescendingWhateverTheKeys()
    {
        // Canonical JSON starts {"apiVersion":"v1","kind":"…: "ResourceQuota" > "LimitRange" > "ConfigMap".
        var cm = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"zzz","namespace":"app"}}""";
        var envelope = NamespacedEnvelope("app", "bundle", ("a", cm), ("b", Quota), ("c", Limits));

        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, envelope)]));

        Assert.Equal("quota,limits,zzz", Names(plan.Works[1].Spec.Workload.Manifests!));
    }

    [Fact]
    public void Plan_EnvelopeOfTheV1ApiAndAnotherGroupsLookalike_OnlyTheFleetGroupIsUnwrapped()
    {
        var v1 = J(ClusterEnvelope("webhooks", ("w", Webhook)));
        v1["apiVersion"] = "placement.kubernetes-fleet.io/v1";
        var lookalike = J(ClusterEnvelope("other", ("w", Webhook)));
        lookalike["apiVersion"] = "example.com/v1";

        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, v1.ToJsonString(), lookalike.ToJsonString())]));

        Assert.Equal(["crp-work", "crp-work-envelope-6fb390571e41af5a"], plan.Works.Select(w => w.Metadata.Name));
        Assert.Equal("other", Names(plan.Works[0].Spec.Workload.Manifests!));
    }

    [Fact]
    public void Plan_EnvelopeManifests_DeepCopied()
    {
        var snapshot = Snapshot("crp", 0, null, NamespacedEnvelope("app", "quota", ("quota", Quota)));

        var plan = WorkPlanner.Plan(Input([snapshot]));
        plan.Works[1].Spec.Workload.Manifests![0]["spec"] = null;

        Assert.NotNull(snapshot.At("spec", "selectedResources")!.AsArray()[0]!["data"]!["quota"]!["spec"]);
    }

    public static TheoryData<string, string> InvalidEnvelopes => new()
    {
        {
            ClusterEnvelope("webhooks", ("quota", Quota)),
            "a namespaced object quota (app/quota) has been wrapped in a cluster resource envelope webhooks"
        },
        {
            NamespacedEnvelope("app", "bundle", ("role", ClusterRole)),
            "a cluster scope object role (reader) has been wrapped in a resource envelope app/bundle"
        },
        {
            NamespacedEnvelope("other", "bundle", ("quota", Quota)),
            "a namespaced object quota (app/quota) in has been wrapped in a resource envelope from another namespace (other/bundle)"
        },
        {
            """{"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ResourceEnvelope","metadata":{"name":"bundle","namespace":"app"},"data":{"text":"hello"}}""",
            "failed to parse the wrapped manifest data to a Kubernetes runtime object (manifestKey=text,envelopeObjRef=app/bundle): not a JSON object"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidEnvelopes))]
    public void Plan_InvalidEnvelopeContent_UserErrorWithUpstreamTextAndNoWorks(string envelope, string error)
    {
        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, Namespace), Snapshot("crp", 0, 0, envelope)]));

        Assert.Equal(error, plan.UserError);
        Assert.Empty(plan.Works);
    }

    [Fact]
    public void Plan_SeveralInvalidEnvelopeEntries_ReportsTheFirstByKey()
    {
        var envelope = ClusterEnvelope("webhooks", ("z-quota", Quota), ("ok", Webhook), ("b-limits", Limits));

        var plan = WorkPlanner.Plan(Input([Snapshot("crp", 0, null, envelope)]));

        Assert.Equal("a namespaced object b-limits (app/limits) has been wrapped in a cluster resource envelope webhooks", plan.UserError);
    }

    public static TheoryData<string, JsonObject[]> MalformedGroups => new()
    {
        { "exactly one master snapshot, found 0", [Snapshot("crp", 0, 0, Namespace)] },
        { "exactly one master snapshot, found 2", [Snapshot("crp", 0, null, Namespace), Snapshot("crp", 0, null, ConfigMap)] },
        { "sub-index 0 appears more than once", [Snapshot("crp", 0, null), Snapshot("crp", 0, 0), Snapshot("crp", 0, 0)] },
        { "invalid kubernetes-fleet.io/subindex-of-resource-snapshot annotation -1", [Snapshot("crp", 0, null), WithSubindex(Snapshot("crp", 0, 0), "-1")] },
    };

    private static JsonObject WithSubindex(JsonObject snapshot, string subindex)
    {
        snapshot.At("metadata", "annotations")!.AsObject()[PlacementApi.SubindexOfResourceSnapshotAnnotation] = subindex;
        return snapshot;
    }

    [Theory]
    [MemberData(nameof(MalformedGroups))]
    public void Plan_MalformedSnapshotGroup_ThrowsNamingTheProblem(string problem, JsonObject[] group)
    {
        var e = Assert.Throws<ArgumentException>(() => WorkPlanner.Plan(Input(group)));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    private static WorkObject Planned(string index = "1", string roHash = RoHash, string croHash = CroHash)
    {
        var work = Assert.Single(WorkPlanner.Plan(Input([Snapshot("crp", 0, null, Namespace)])).Works);
        work.Metadata.Labels![PlacementApi.ParentResourceSnapshotIndexLabel] = index;
        work.Metadata.Annotations![PlacementApi.ParentResourceOverrideSnapshotHashAnnotation] = roHash;
        work.Metadata.Annotations![PlacementApi.ParentClusterResourceOverrideSnapshotHashAnnotation] = croHash;
        return work;
    }

    public static TheoryData<string, WorkObject, bool> UpToDateCases
    {
        get
        {
            var noIndex = Planned();
            noIndex.Metadata.Labels!.Remove(PlacementApi.ParentResourceSnapshotIndexLabel);
            var noHashes = Planned();
            noHashes.Metadata.Annotations = null;
            var otherManifests = Planned();
            otherManifests.Spec.Workload.Manifests = [J(ConfigMap)];
            otherManifests.Spec.ApplyStrategy = new ApplyStrategy { Type = ApplyStrategyType.ReportDiff };
            return new()
            {
                { "same index and hashes", Planned(), true },
                { "manifests and apply strategy differ (not compared)", otherManifests, true },
                { "older resource index", Planned(index: "0"), false },
                { "other resource override snapshots", Planned(roHash: "other"), false },
                { "other cluster resource override snapshots", Planned(croHash: "other"), false },
                { "no index label (legacy)", noIndex, false },
                { "no hash annotations (legacy)", noHashes, false },
            };
        }
    }

    [Theory]
    [MemberData(nameof(UpToDateCases))]
    public void IsUpToDate_ExistingWork_TrueOnlyForSameIndexAndOverrideHashes(string why, WorkObject existing, bool expected)
    {
        Assert.True(expected == WorkPlanner.IsUpToDate(existing, Planned()), why);
    }

    public static TheoryData<ApplyStrategy?, ApplyStrategy?, bool> ApplyStrategyPairs => new()
    {
        { null, null, true },
        { null, new ApplyStrategy(), false },
        { new ApplyStrategy { Type = ApplyStrategyType.ServerSideApply }, new ApplyStrategy { Type = ApplyStrategyType.ServerSideApply }, true },
        { new ApplyStrategy { Type = ApplyStrategyType.ServerSideApply }, new ApplyStrategy { Type = ApplyStrategyType.ClientSideApply }, false },
        {
            new ApplyStrategy { ServerSideApplyConfig = new ServerSideApplyConfig { Force = true } },
            new ApplyStrategy { ServerSideApplyConfig = new ServerSideApplyConfig { Force = false } },
            false
        },
        { new ApplyStrategy { AllowCoOwnership = true }, new ApplyStrategy { AllowCoOwnership = true }, true },
    };

    [Theory]
    [MemberData(nameof(ApplyStrategyPairs))]
    public void SameApplyStrategy_Pair_EqualWhenJsonEqual(ApplyStrategy? a, ApplyStrategy? b, bool expected)
    {
        Assert.Equal(expected, WorkPlanner.SameApplyStrategy(a, b));
        Assert.Equal(expected, WorkPlanner.SameApplyStrategy(b, a));
    }

    [Fact]
    public void SameReportBackStrategy_Pair_EqualWhenJsonEqual()
    {
        Assert.True(WorkPlanner.SameReportBackStrategy(null, null));
        Assert.False(WorkPlanner.SameReportBackStrategy(null, new ReportBackStrategy()));
        Assert.True(WorkPlanner.SameReportBackStrategy(new ReportBackStrategy { Type = "Mirror" }, new ReportBackStrategy { Type = "Mirror" }));
        Assert.False(WorkPlanner.SameReportBackStrategy(new ReportBackStrategy { Type = "Mirror", Destination = "WorkAPI" }, new ReportBackStrategy { Type = "Mirror" }));
    }

    // Expected values: `printf '%s' '<json>' | sha256sum`.
    private const string NullHash = "74234e98afe7498fb5daf1f36ac2d78acc339464f950703b8c019892f982b90b";

    [Fact]
    public void HashOf_Values_Sha256OfCompactJson()
    {
        Assert.Equal(NullHash, WorkPlanner.HashOf(null));
        Assert.Equal("4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945", WorkPlanner.HashOf(new JsonArray()));
        Assert.Equal("11f741c0fdfed5daf15fde27feff53209f666a18391603e2db1191879fa10d69", WorkPlanner.HashOf(new JsonArray("cro-a", "cro-b")));
    }

    [Fact]
    public void OverrideSnapshotsHash_Lists_HashOfTheirJsonArrayAsUpstream()
    {
        Assert.Equal("11f741c0fdfed5daf15fde27feff53209f666a18391603e2db1191879fa10d69", WorkPlanner.ClusterResourceOverrideSnapshotsHash(["cro-a", "cro-b"]));
        Assert.Equal("40864ae5483ead2232c37e01a479919a75771d9d1cb41f9bb096605aa27eceb9",
            WorkPlanner.ResourceOverrideSnapshotsHash([new NamespacedName { Name = "ro", Namespace = "app" }]));
    }

    [Fact]
    public void OverrideSnapshotsHash_EmptyOrMissing_BothHashNull()
    {
        Assert.Equal(NullHash, WorkPlanner.ClusterResourceOverrideSnapshotsHash(null));
        Assert.Equal(NullHash, WorkPlanner.ClusterResourceOverrideSnapshotsHash([]));
        Assert.Equal(NullHash, WorkPlanner.ResourceOverrideSnapshotsHash(null));
        Assert.Equal(NullHash, WorkPlanner.ResourceOverrideSnapshotsHash([]));
    }

    [Fact]
    public void OverrideSnapshotsHash_OrderMatters()
    {
        Assert.NotEqual(WorkPlanner.ClusterResourceOverrideSnapshotsHash(["a", "b"]), WorkPlanner.ClusterResourceOverrideSnapshotsHash(["b", "a"]));
    }
}
