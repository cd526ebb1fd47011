using System.Globalization;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Work;

using WorkObject = Flotilla.Api.Placement.Work;

namespace Flotilla.Hub.Tests.Placement.Work;

/// <summary>The work generator's binding conditions and placement details (placement spec §5.1 step 7, §5.3, §7.4).</summary>
public sealed class BindingWorkStatusTests
{
    private static readonly DateTimeOffset Before = new(2026, 11, 22, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 7, 0, 0, TimeSpan.Zero);
    private const long Generation = 7;
    private const long WorkGeneration = 2;

    private static readonly WorkSyncOutcome Synced = new(NoOverrides: true, OverrideError: null, SyncError: null, WorksChanged: false);

    /// <summary>
    /// Works from a compact notation: <c>name:Type=Status[@observedGeneration][/Reason],…;name2:…</c>. Every Work is at
    /// generation 2 and a condition observes 2 unless it says otherwise.
    /// </summary>
    private static List<WorkObject> Works(string notation) =>
        [.. notation.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(spec =>
        {
            var (name, conditions) = spec.Split(':') is [var n, var c] ? (n, c) : (spec, "");
            return Work(name, [.. conditions.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseCondition)]);
        })];

    private static Condition ParseCondition(string text)
    {
        var reason = text.Split('/') is [_, var r] ? r : "Reason";
        var body = text.Split('/')[0];
        var generation = body.Split('@') is [_, var g] ? long.Parse(g, CultureInfo.InvariantCulture) : WorkGeneration;
        var (type, status) = body.Split('@')[0].Split('=') is [var t, var s] ? (t, s) : throw new ArgumentException(text);
        return Cond(type, status, reason, generation);
    }

    private static Condition Cond(string type, string status, string reason = "Reason", long generation = WorkGeneration) =>
        new() { Type = type, Status = status, Reason = reason, Message = "m", ObservedGeneration = generation, LastTransitionTime = Before };

    private static WorkObject Work(string name, Condition[] conditions, ManifestCondition[]? manifests = null, Dictionary<string, string>? labels = null) =>
        new()
        {
            Metadata = { Name = name, Namespace = "fleet-member-member-1", Generation = WorkGeneration, Labels = labels },
            Status = new WorkStatus { Conditions = [.. conditions], ManifestConditions = manifests is null ? null : [.. manifests] },
        };

    private static ManifestCondition Manifest(
        string name, string kind = "ConfigMap", string? group = null, string? ns = "app", Condition[]? conditions = null, bool drift = false, bool diff = false) =>
        new()
        {
            Identifier = new WorkResourceIdentifier { Group = group ?? "", Version = "v1", Kind = kind, Name = name, Namespace = ns, Resource = "things" },
            Conditions = [.. conditions ?? []],
            DriftDetails = drift
                ? new DriftDetails
                {
                    ObservationTime = Now,
                    ObservedInMemberClusterGeneration = 3,
                    FirstDriftedObservedTime = Before,
                    ObservedDrifts = [new PatchDetail { Path = "/spec/replicas", ValueInMember = "3", ValueInHub = "2" }],
                }
                : null,
            DiffDetails = diff
                ? new DiffDetails
                {
                    ObservationTime = Now,
                    ObservedInMemberClusterGeneration = null,
                    FirstDiffedObservedTime = Before,
                    ObservedDiffs = [new PatchDetail { Path = "/data/k", ValueInMember = "a", ValueInHub = "b" }],
                }
                : null,
        };

    private static ResourceBindingStatus Apply(
        IReadOnlyList<WorkObject> works, bool reportDiff = false, WorkSyncOutcome? outcome = null, ResourceBindingStatus? status = null)
    {
        status ??= new ResourceBindingStatus();
        BindingWorkStatus.Apply(status, Generation, outcome ?? Synced, works, reportDiff, Now);
        return status;
    }

    /// <summary>A condition as <c>Status|Reason|Message</c>, or null when absent.</summary>
    private static string? Show(ResourceBindingStatus status, string type) =>
        Conditions.Find(status.Conditions, type) is { } c ? $"{c.Status}|{c.Reason}|{c.Message}" : null;

    private static string Types(ResourceBindingStatus status) => string.Join(",", status.Conditions!.Select(c => c.Type));

    // Outcomes of the sync itself.

    [Theory]
    [InlineData(true, "True|NoOverrideSpecified|No override rules are configured for the selected resources")]
    [InlineData(false, "True|OverriddenSucceeded|Successfully applied the override rules on the resources")]
    public void Apply_Synced_OverriddenTrueByWhetherOverridesAreListed(bool noOverrides, string expected)
    {
        var status = Apply([], outcome: Synced with { NoOverrides = noOverrides });

        Assert.Equal(expected, Show(status, BindingConditionType.Overridden));
        Assert.Equal("True|AllWorkSynced|All of the works are synchronized to the latest", Show(status, BindingConditionType.WorkSynchronized));
    }

    [Fact]
    public void Apply_OverrideError_OnlyOverriddenFalseAndEverythingElseOfOursRemoved()
    {
        var previous = Apply(Works("a:Applied=True,Available=True"));
        previous.Conditions!.Insert(0, Cond(BindingConditionType.RolloutStarted, ConditionStatus.True));
        previous.DriftedPlacements = [new DriftedResourcePlacement { Kind = "ConfigMap", Name = "old" }];

        var status = Apply(Works("a:Applied=True,Available=True"),
            outcome: Synced with { OverrideError = "ClusterResourceOverrideSnapshot \"cro-1\" failed to apply on Namespace \"app\": bad patch", SyncError = "ignored" },
            status: previous);

        Assert.Equal("RolloutStarted,Overridden", Types(status));
        Assert.Equal(
            "False|OverriddenFailed|Failed to apply the override rules on the resources: ClusterResourceOverrideSnapshot \"cro-1\" failed to apply on Namespace \"app\": bad patch",
            Show(status, BindingConditionType.Overridden));
        Assert.Null(status.DriftedPlacements);
        Assert.Null(status.FailedPlacements);
        Assert.Null(status.DiffedPlacements);
    }

    [Fact]
    public void Apply_SyncError_OverriddenTrueAndWorkSynchronizedFalseOnly()
    {
        var status = Apply(Works("a:Applied=True,Available=True"), outcome: Synced with { SyncError = "a cluster scope object role (reader) has been wrapped in a resource envelope app/bundle" });

        Assert.Equal("Overridden,WorkSynchronized", Types(status));
        Assert.Equal(
            "False|SyncWorkFailed|Failed to synchronize the work to the latest: a cluster scope object role (reader) has been wrapped in a resource envelope app/bundle",
            Show(status, BindingConditionType.WorkSynchronized));
    }

    [Theory]
    [InlineData(false, "Applied", "False|ApplyInProgress|Resources are being applied")]
    [InlineData(true, "DiffReported", "False|DiffReportInProgress|Diff reporting on resources is in progress")]
    public void Apply_WorksChanged_InProgressWithoutReadingTheWorks(bool reportDiff, string type, string expected)
    {
        // The Works' statuses are for their old spec: even a failure must not be reported.
        var works = Works("a:Applied=False,Available=False,DiffReported=False");
        works[0].Status!.ManifestConditions = [Manifest("cm", conditions: [Cond("Applied", "False")], drift: true, diff: true)];

        var status = Apply(works, reportDiff, Synced with { WorksChanged = true });

        Assert.Equal("Overridden,WorkSynchronized," + type, Types(status));
        Assert.Equal(expected, Show(status, type));
        Assert.Null(status.FailedPlacements);
        Assert.Null(status.DriftedPlacements);
        Assert.Null(status.DiffedPlacements);
    }

    [Fact]
    public void Apply_AnyOutcome_EveryConditionObservesTheBindingGeneration()
    {
        var status = Apply(Works("a:Applied=True,Available=True"));

        Assert.Equal(4, status.Conditions!.Count);
        Assert.All(status.Conditions, c => Assert.Equal(Generation, c.ObservedGeneration));
    }

    // Applied and Available (§5.3).

    public static TheoryData<string, string, string?> AppliedCases => new()
    {
        { "", "True|AllWorkHaveBeenApplied|All corresponding work objects are applied", "True|AllWorkAreAvailable|All corresponding work objects are available" },
        {
            "a:Applied=True,Available=True;b:Applied=True,Available=True",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "True|AllWorkAreAvailable|All corresponding work objects are available"
        },
        { "a:Applied=True,Available=True;b:Available=True", "False|NotAllWorkHaveBeenApplied|Work object b has not yet completed the apply op", null },
        { "a:Applied=True,Available=True;b:Applied=True@1", "False|NotAllWorkHaveBeenApplied|Work object b has not yet completed the apply op", null },
        { "a:Applied=Unknown;b:Applied=True", "False|NotAllWorkHaveBeenApplied|Work object a has not yet completed the apply op", null },
        { "a:Applied=True;b:Applied=False", "False|NotAllWorkHaveBeenApplied|Work object b has failed to apply", null },
        // A stale failure is not a failure yet.
        { "a:Applied=True;b:Applied=False@1", "False|NotAllWorkHaveBeenApplied|Work object b has not yet completed the apply op", null },
        // Incomplete wins over failed: the failure may be resolved by the pending apply.
        { "a:Applied=False;b:Applied=True;c:Applied=True@1", "False|NotAllWorkHaveBeenApplied|Work object c has not yet completed the apply op", null },
        // The first by name, whatever the order given.
        { "c:Applied=False;b:Applied=False;a:Applied=True", "False|NotAllWorkHaveBeenApplied|Work object b has failed to apply", null },
        {
            "a:Applied=True,Available=True;b:Applied=True",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "False|NotAllWorkAreAvailable|Work object b has not yet completed availability check"
        },
        {
            "a:Applied=True,Available=True@1;b:Applied=True,Available=True",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "False|NotAllWorkAreAvailable|Work object a has not yet completed availability check"
        },
        {
            "a:Applied=True,Available=True;b:Applied=True,Available=False",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "False|NotAllWorkAreAvailable|Work object b is not yet available"
        },
        {
            "a:Applied=True,Available=False;b:Applied=True",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "False|NotAllWorkAreAvailable|Work object b has not yet completed availability check"
        },
        {
            "a:Applied=True,Available=True;b:Applied=True,Available=True/WorkNotTrackable;c:Applied=True,Available=True/WorkNotTrackable",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "True|NotAllWorkAreAvailabilityTrackable|The availability of work object b is not trackable"
        },
        {
            "a:Applied=True,Available=True/SomeManifestsAreNotAvailabilityTrackable",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "True|NotAllWorkAreAvailabilityTrackable|The availability of work object a is not trackable"
        },
        {
            "a:Applied=True,Available=True/WorkNotTrackable;b:Applied=True,Available=False",
            "True|AllWorkHaveBeenApplied|All corresponding work objects are applied",
            "False|NotAllWorkAreAvailable|Work object b is not yet available"
        },
    };

    [Theory]
    [MemberData(nameof(AppliedCases))]
    public void Apply_WorkConditions_AppliedAndAvailableAggregated(string works, string applied, string? available)
    {
        var status = Apply(Works(works));

        Assert.Equal(applied, Show(status, BindingConditionType.Applied));
        Assert.Equal(available, Show(status, BindingConditionType.Available));
        Assert.Null(Show(status, BindingConditionType.DiffReported));
    }

    public static TheoryData<string, string> DiffReportedCases => new()
    {
        { "a:DiffReported=True;b:DiffReported=True", "True|AllWorkHaveDiffReported|All corresponding work objects have reported diff" },
        { "a:DiffReported=True;b:Applied=True", "False|NotAllWorkHaveDiffReported|Work object b has not yet completed diff reporting" },
        { "a:DiffReported=True@1;b:DiffReported=False", "False|NotAllWorkHaveDiffReported|Work object a has not yet completed diff reporting" },
        { "a:DiffReported=True;b:DiffReported=False;c:DiffReported=False", "False|NotAllWorkHaveDiffReported|Work object b has failed to report diff" },
    };

    [Theory]
    [MemberData(nameof(DiffReportedCases))]
    public void Apply_ReportDiff_DiffReportedAggregatedInsteadOfAppliedAndAvailable(string works, string expected)
    {
        var previous = Apply(Works("a:Applied=True,Available=True"));

        var status = Apply(Works(works), reportDiff: true, status: previous);

        Assert.Equal(expected, Show(status, BindingConditionType.DiffReported));
        Assert.Null(Show(status, BindingConditionType.Applied));
        Assert.Null(Show(status, BindingConditionType.Available));
    }

    [Fact]
    public void Apply_DeletingWorks_Ignored()
    {
        var works = Works("a:Applied=True,Available=True;b:Applied=False");
        works[1].Metadata.DeletionTimestamp = Before;
        works[1].Status!.ManifestConditions = [Manifest("gone", conditions: [Cond("Applied", "False")], drift: true)];

        var status = Apply(works);

        Assert.Equal("True|AllWorkHaveBeenApplied|All corresponding work objects are applied", Show(status, BindingConditionType.Applied));
        Assert.Equal("True|AllWorkAreAvailable|All corresponding work objects are available", Show(status, BindingConditionType.Available));
        Assert.Null(status.DriftedPlacements);
        Assert.Null(status.FailedPlacements);
    }

    [Fact]
    public void Apply_WorkWithoutStatus_NotYetApplied()
    {
        var status = Apply([new WorkObject { Metadata = { Name = "a", Generation = 1 } }]);

        Assert.Equal("False|NotAllWorkHaveBeenApplied|Work object a has not yet completed the apply op", Show(status, BindingConditionType.Applied));
    }

    // Transition times.

    [Fact]
    public void Apply_StatusUnchanged_TransitionTimeKept()
    {
        var status = new ResourceBindingStatus
        {
            Conditions =
            [
                new() { Type = "Applied", Status = "True", Reason = "AllWorkHaveBeenApplied", ObservedGeneration = Generation - 1, LastTransitionTime = Before },
                new() { Type = "Available", Status = "False", Reason = "NotAllWorkAreAvailable", ObservedGeneration = Generation - 1, LastTransitionTime = Before },
                new() { Type = "Overridden", Status = "True", Reason = "NoOverrideSpecified", ObservedGeneration = Generation - 1, LastTransitionTime = Before },
            ],
        };

        Apply(Works("a:Applied=True,Available=True"), status: status);

        Assert.Equal(Before, Conditions.Find(status.Conditions, "Applied")!.LastTransitionTime);
        Assert.Equal(Now, Conditions.Find(status.Conditions, "Available")!.LastTransitionTime);
        Assert.Equal(Before, Conditions.Find(status.Conditions, "Overridden")!.LastTransitionTime);
        Assert.Equal(Now, Conditions.Find(status.Conditions, "WorkSynchronized")!.LastTransitionTime);
        Assert.All(status.Conditions!, c => Assert.Equal(Generation, c.ObservedGeneration));
    }

    [Fact]
    public void Apply_ConditionRemovedThenSetAgain_NewTransitionTime()
    {
        var status = Apply(Works("a:Applied=True,Available=True"));
        Apply(Works("a:Applied=False"), status: status);
        Assert.Null(Conditions.Find(status.Conditions, "Available"));

        BindingWorkStatus.Apply(status, Generation, Synced, Works("a:Applied=True,Available=True"), false, Now.AddMinutes(1));

        Assert.Equal(Now.AddMinutes(1), Conditions.Find(status.Conditions, "Available")!.LastTransitionTime);
        Assert.Equal(Now.AddMinutes(1), Conditions.Find(status.Conditions, "Applied")!.LastTransitionTime);
        Assert.Equal(Now, Conditions.Find(status.Conditions, "WorkSynchronized")!.LastTransitionTime);
    }

    // Placement details per case (§5.3).

    /// <summary>Work a failed (a failing and an unavailable manifest, plus drift and diff); work b applied fine but drifted and diffed.</summary>
    private static List<WorkObject> DetailedWorks(string aConditions, string bConditions)
    {
        var works = Works($"a:{aConditions};b:{bConditions}");
        works[0].Status!.ManifestConditions =
        [
            Manifest("ok", conditions: [Cond("Applied", "True"), Cond("Available", "True")]),
            Manifest("broken", conditions: [Cond("Applied", "False", "ManifestApplyFailed"), Cond("Available", "False", "ManifestNotAvailableYet")]),
            Manifest("slow", conditions: [Cond("Applied", "True"), Cond("Available", "False", "ManifestNotAvailableYet")], drift: true),
            Manifest("taken", conditions: [Cond("Applied", "False", "FailedToTakeOver")], diff: true),
        ];
        works[1].Status!.ManifestConditions =
        [
            Manifest("drifter", conditions: [Cond("Applied", "True"), Cond("Available", "True")], drift: true),
            Manifest("differ", conditions: [Cond("Applied", "True"), Cond("Available", "True")], diff: true),
        ];
        return works;
    }

    private static string Failed(ResourceBindingStatus s) => s.FailedPlacements is null ? "-" : string.Join(",", s.FailedPlacements.Select(p => $"{p.Name}:{p.Condition.Reason}"));

    private static string Drifted(ResourceBindingStatus s) => s.DriftedPlacements is null ? "-" : string.Join(",", s.DriftedPlacements.Select(p => p.Name));

    private static string Diffed(ResourceBindingStatus s) => s.DiffedPlacements is null ? "-" : string.Join(",", s.DiffedPlacements.Select(p => p.Name));

    public static TheoryData<string, string, bool, string, string, string> DetailCases => new()
    {
        // Applied incomplete: what the Works report may be stale, so nothing.
        { "Applied=False,Available=False", "Applied=True@1", false, "-", "-", "-" },
        // Applied False: failures, diffs and drifts of every Work; Applied False wins over Available False per manifest.
        {
            "Applied=False,Available=False", "Applied=True,Available=True", false,
            "broken:ManifestApplyFailed,slow:ManifestNotAvailableYet,taken:FailedToTakeOver", "slow,drifter", "taken,differ"
        },
        // Available incomplete: drifts only.
        { "Applied=True,Available=False", "Applied=True", false, "-", "slow,drifter", "-" },
        // Available False: failures and drifts, no diffs.
        { "Applied=True,Available=False", "Applied=True,Available=True", false, "broken:ManifestApplyFailed,slow:ManifestNotAvailableYet,taken:FailedToTakeOver", "slow,drifter", "-" },
        // All applied and available: drifts only.
        { "Applied=True,Available=True", "Applied=True,Available=True", false, "-", "slow,drifter", "-" },
        // ReportDiff, all reported: diffs only.
        { "DiffReported=True", "DiffReported=True", true, "-", "-", "taken,differ" },
        // ReportDiff, not all reported (or failed): nothing.
        { "DiffReported=True", "DiffReported=True@1", true, "-", "-", "-" },
        { "DiffReported=False", "DiffReported=True", true, "-", "-", "-" },
    };

    [Theory]
    [MemberData(nameof(DetailCases))]
    public void Apply_WorkOutcome_PlacementDetailsCollectedAsUpstream(string a, string b, bool reportDiff, string failed, string drifted, string diffed)
    {
        var status = Apply(DetailedWorks(a, b), reportDiff);

        Assert.Equal(failed, Failed(status));
        Assert.Equal(drifted, Drifted(status));
        Assert.Equal(diffed, Diffed(status));
    }

    [Fact]
    public void Apply_FailedManifest_IdentifierCopiedAndConditionVerbatim()
    {
        var works = Works("a:Applied=False");
        var condition = new Condition
        {
            Type = "Applied",
            Status = "False",
            Reason = "ManifestApplyFailed",
            Message = "Failed to apply the manifest",
            ObservedGeneration = 4,
            LastTransitionTime = Before,
        };
        works[0].Status!.ManifestConditions =
        [
            Manifest("web", kind: "Deployment", group: "apps", conditions: [condition]),
            Manifest("app", kind: "Namespace", ns: "", conditions: [Cond("Applied", "False")]),
        ];

        var status = Apply(works);

        var (web, ns) = (status.FailedPlacements![0], status.FailedPlacements[1]);
        Assert.Equal(("apps", "v1", "Deployment", "web", "app"), (web.Group, web.Version, web.Kind, web.Name, web.Namespace));
        Assert.Null(web.Envelope);
        Assert.Equal(("Applied", "False", "ManifestApplyFailed", "Failed to apply the manifest", 4L, Before),
            (web.Condition.Type, web.Condition.Status, web.Condition.Reason, web.Condition.Message, web.Condition.ObservedGeneration, web.Condition.LastTransitionTime));
        Assert.NotSame(condition, web.Condition);
        // Empty group and namespace are left out, as Go's omitempty leaves them out.
        Assert.Equal((null, null), (ns.Group, ns.Namespace));
    }

    [Fact]
    public void Apply_DriftAndDiff_DetailsCopied()
    {
        var works = Works("a:Applied=False");
        works[0].Status!.ManifestConditions = [Manifest("cm", conditions: [Cond("Applied", "False")], drift: true, diff: true)];

        var status = Apply(works);

        var drift = Assert.Single(status.DriftedPlacements!);
        Assert.Equal((Now, 3L, Before), (drift.ObservationTime, drift.TargetClusterObservedGeneration, drift.FirstDriftedObservedTime));
        var patch = Assert.Single(drift.ObservedDrifts!);
        Assert.Equal(("/spec/replicas", "3", "2"), (patch.Path, patch.ValueInMember, patch.ValueInHub));
        Assert.NotSame(works[0].Status!.ManifestConditions![0].DriftDetails!.ObservedDrifts![0], patch);
        var diff = Assert.Single(status.DiffedPlacements!);
        Assert.Equal((Now, (long?)null, Before), (diff.ObservationTime, diff.TargetClusterObservedGeneration, diff.FirstDiffedObservedTime));
        Assert.Equal("/data/k", Assert.Single(diff.ObservedDiffs!).Path);
    }

    public static TheoryData<string, string?, string, string?> EnvelopeWorks => new()
    {
        { EnvelopeType.ResourceEnvelope, "app", "bundle", "app" },
        { EnvelopeType.ClusterResourceEnvelope, null, "webhooks", null },
    };

    [Theory]
    [MemberData(nameof(EnvelopeWorks))]
    public void Apply_EnvelopeWork_IdentifiersCarryTheEnvelopeFromTheWorkLabels(string type, string? labelNamespace, string name, string? expectedNamespace)
    {
        var labels = new Dictionary<string, string> { [PlacementApi.EnvelopeTypeLabel] = type, [PlacementApi.EnvelopeNameLabel] = name };
        if (labelNamespace is not null)
        {
            labels[PlacementApi.EnvelopeNamespaceLabel] = labelNamespace;
        }
        var work = Work("a", [Cond("Applied", "False")],
            [Manifest("quota", kind: "ResourceQuota", conditions: [Cond("Applied", "False")], drift: true, diff: true)], labels);

        var status = Apply([work]);

        foreach (ResourceIdentifier id in (IEnumerable<ResourceIdentifier>)[status.FailedPlacements![0], status.DriftedPlacements![0], status.DiffedPlacements![0]])
        {
            Assert.Equal((name, expectedNamespace, type), (id.Envelope!.Name, id.Envelope.Namespace, id.Envelope.Type));
        }
    }

    // Caps.

    [Fact]
    public void Apply_MoreThan100Failures_FirstHundredByWorkNameThenManifestOrder()
    {
        var works = Works("b:Applied=False;a:Applied=False");
        works[0].Status!.ManifestConditions = [.. Enumerable.Range(0, 80).Select(i => Manifest($"b{i:D2}", conditions: [Cond("Applied", "False")]))];
        works[1].Status!.ManifestConditions = [.. Enumerable.Range(0, 80).Select(i => Manifest($"a{79 - i:D2}", conditions: [Cond("Applied", "False")]))];

        var status = Apply(works);

        var expected = Enumerable.Range(0, 80).Select(i => $"a{79 - i:D2}").Concat(Enumerable.Range(0, 20).Select(i => $"b{i:D2}"));
        Assert.Equal(expected, status.FailedPlacements!.Select(p => p.Name));
    }

    [Fact]
    public void Apply_MoreThan100Drifts_SortedByIdentifierThenCut()
    {
        var works = Works("a:Applied=True,Available=True;b:Applied=True,Available=True");
        // Sort key group/version/kind/namespace/name: core-group ConfigMaps ("/v1/…") sort before apps Deployments.
        works[0].Status!.ManifestConditions = [.. Enumerable.Range(0, 60).Select(i => Manifest($"d{i:D3}", kind: "Deployment", group: "apps", drift: true))];
        works[1].Status!.ManifestConditions = [.. Enumerable.Range(0, 60).Select(i => Manifest($"c{59 - i:D3}", drift: true))];

        var status = Apply(works);

        var expected = Enumerable.Range(0, 60).Select(i => $"c{i:D3}").Concat(Enumerable.Range(0, 40).Select(i => $"d{i:D3}"));
        Assert.Equal(expected, status.DriftedPlacements!.Select(p => p.Name));
    }

    [Fact]
    public void Apply_MoreThan100Diffs_SortedByIdentifierIncludingEnvelopeThenCut()
    {
        var envelopeLabels = new Dictionary<string, string> { [PlacementApi.EnvelopeTypeLabel] = EnvelopeType.ResourceEnvelope, [PlacementApi.EnvelopeNameLabel] = "e", [PlacementApi.EnvelopeNamespaceLabel] = "app" };
        // The same 101 identifiers in both Works; the enveloped copy of each sorts right after the plain one.
        var plain = Work("a", [Cond("DiffReported", "True")], [.. Enumerable.Range(0, 101).Select(i => Manifest($"m{100 - i:D3}", diff: true))]);
        var enveloped = Work("b", [Cond("DiffReported", "True")], [.. Enumerable.Range(0, 101).Select(i => Manifest($"m{i:D3}", diff: true))], envelopeLabels);

        var status = Apply([enveloped, plain], reportDiff: true);

        Assert.Equal(100, status.DiffedPlacements!.Count);
        var expected = Enumerable.Range(0, 50).SelectMany(i => new[] { $"m{i:D3}:-", $"m{i:D3}:e" });
        Assert.Equal(expected, status.DiffedPlacements.Select(p => $"{p.Name}:{p.Envelope?.Name ?? "-"}"));
    }

    [Fact]
    public void Apply_ExactlyHundredDrifts_KeptInWorkOrderUnsorted()
    {
        var works = Works("a:Applied=True,Available=True");
        works[0].Status!.ManifestConditions = [.. Enumerable.Range(0, 100).Select(i => Manifest($"m{99 - i:D3}", drift: true))];

        var status = Apply(works);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"m{99 - i:D3}"), status.DriftedPlacements!.Select(p => p.Name));
    }

    [Fact]
    public void Apply_PreviousDetails_ClearedWhenNoneNow()
    {
        var previous = new ResourceBindingStatus
        {
            FailedPlacements = [new FailedResourcePlacement { Name = "old" }],
            DriftedPlacements = [new DriftedResourcePlacement { Name = "old" }],
            DiffedPlacements = [new DiffedResourcePlacement { Name = "old" }],
        };

        var status = Apply(Works("a:Applied=True,Available=True"), status: previous);

        Assert.Null(status.FailedPlacements);
        Assert.Null(status.DriftedPlacements);
        Assert.Null(status.DiffedPlacements);
    }
}
