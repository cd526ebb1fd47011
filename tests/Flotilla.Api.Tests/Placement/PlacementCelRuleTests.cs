using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using static Flotilla.Api.Tests.Placement.PlacementTestObjects;

namespace Flotilla.Api.Tests.Placement;

/// <summary>The CEL rules of CRP and RP (placement spec §1.3): 422 Invalid, one cause at the declaring node.</summary>
public sealed class PlacementCelRuleTests
{
    private readonly PlacementValidator _validator = new(new FakeScopeResolver());

    public static TheoryData<string, Action<ClusterResourcePlacement>, string> CreateCases => new()
    {
        {
            "NamespaceAccessible with no namespace selector",
            c =>
            {
                c.Spec.StatusReportingScope = StatusReportingScope.NamespaceAccessible;
                c.Spec.ResourceSelectors = [new ResourceSelectorTerm { Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole", Name = "r" }];
            },
            "spec: Invalid value: \"object\": when statusReportingScope is NamespaceAccessible, exactly one resourceSelector with kind 'Namespace' is required"
        },
        {
            "NamespaceWithResourceSelectors by label",
            c => c.Spec.ResourceSelectors =
            [
                new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", LabelSelector = new StructuredLabelSelector(), SelectionScope = SelectionScope.NamespaceWithResourceSelectors },
            ],
            "spec: Invalid value: \"object\": namespace selector with NamespaceWithResourceSelectors mode must select by name (not by label)"
        },
        {
            "NamespaceWithResourceSelectors with another namespace selector",
            c => c.Spec.ResourceSelectors =
            [
                new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", Name = "a", SelectionScope = SelectionScope.NamespaceWithResourceSelectors },
                new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", Name = "b", SelectionScope = SelectionScope.NamespaceOnly },
            ],
            "spec: Invalid value: \"object\": when using NamespaceWithResourceSelectors mode, only one namespace selector is allowed (cannot mix with other namespace selectors)"
        },
        {
            "name and labelSelector in one selector",
            c => c.Spec.ResourceSelectors[0].LabelSelector = new StructuredLabelSelector { MatchLabels = new() { ["a"] = "b" } },
            "spec.resourceSelectors: Invalid value: \"array\": name and labelSelector are mutually exclusive in a resource selector"
        },
        {
            "PickFixed with affinity",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], Affinity = new Affinity() },
            "spec.policy: Invalid value: \"object\": affinity, numberOfClusters, topologySpreadConstraints, and tolerations cannot be set when placementType is PickFixed"
        },
        {
            "PickFixed with numberOfClusters",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], NumberOfClusters = 1 },
            "spec.policy: Invalid value: \"object\": affinity, numberOfClusters, topologySpreadConstraints, and tolerations cannot be set when placementType is PickFixed"
        },
        {
            "PickFixed with topology spread constraints",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], TopologySpreadConstraints = [new TopologySpreadConstraint { TopologyKey = "zone" }] },
            "spec.policy: Invalid value: \"object\": affinity, numberOfClusters, topologySpreadConstraints, and tolerations cannot be set when placementType is PickFixed"
        },
        {
            "PickFixed with tolerations",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickFixed, ClusterNames = ["m1"], Tolerations = [new Toleration { Key = "k", Operator = "Equal", Value = "v" }] },
            "spec.policy: Invalid value: \"object\": affinity, numberOfClusters, topologySpreadConstraints, and tolerations cannot be set when placementType is PickFixed"
        },
        {
            "PickAll with clusterNames",
            c => c.Spec.Policy!.ClusterNames = ["m1"],
            "spec.policy: Invalid value: \"object\": clusterNames, numberOfClusters, and topologySpreadConstraints cannot be set when placementType is PickAll"
        },
        {
            "PickAll with numberOfClusters",
            c => c.Spec.Policy!.NumberOfClusters = 1,
            "spec.policy: Invalid value: \"object\": clusterNames, numberOfClusters, and topologySpreadConstraints cannot be set when placementType is PickAll"
        },
        {
            "PickAll with topology spread constraints",
            c => c.Spec.Policy!.TopologySpreadConstraints = [new TopologySpreadConstraint { TopologyKey = "zone" }],
            "spec.policy: Invalid value: \"object\": clusterNames, numberOfClusters, and topologySpreadConstraints cannot be set when placementType is PickAll"
        },
        {
            "PickN with clusterNames",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickN, NumberOfClusters = 1, ClusterNames = ["m1"] },
            "spec.policy: Invalid value: \"object\": clusterNames cannot be set and numberOfClusters must be set when placementType is PickN"
        },
        {
            "PickN without numberOfClusters",
            c => c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickN },
            "spec.policy: Invalid value: \"object\": clusterNames cannot be set and numberOfClusters must be set when placementType is PickN"
        },
        {
            "toleration Exists with a value",
            c => c.Spec.Policy!.Tolerations = [new Toleration { Key = "k", Operator = "Equal", Value = "v" }, new Toleration { Key = "k", Operator = "Exists", Value = "v" }],
            "spec.policy.tolerations[1]: Invalid value: \"object\": value must be empty when operator is Exists"
        },
        {
            "toleration without key and operator Equal",
            c => c.Spec.Policy!.Tolerations = [new Toleration { Operator = "Equal" }],
            "spec.policy.tolerations[0]: Invalid value: \"object\": operator must be Exists when key is empty"
        },
        {
            "reportBackStrategy Mirror without destination",
            c => c.Spec.Strategy!.ReportBackStrategy = new ReportBackStrategy { Type = ReportBackStrategyType.Mirror },
            "spec.strategy.reportBackStrategy: Invalid value: \"object\": when reportBackStrategy.type is 'Mirror', a destination must be specified"
        },
    };

    [Theory]
    [MemberData(nameof(CreateCases))]
    public void Validate_CreateBreakingCelRule_InvalidAtDeclaringNode(string name, Action<ClusterResourcePlacement> change, string expected)
    {
        var result = _validator.Validate(Crp(change), null);

        Assert.True(result.IsInvalid, name);
        Assert.Equal(expected, SingleCause(result));
    }

    public static TheoryData<string, Action<ClusterResourcePlacement>, Action<ClusterResourcePlacement>, string> UpdateCases => new()
    {
        {
            "policy removed",
            _ => { },
            c => c.Spec.Policy = null,
            "spec: Invalid value: \"object\": policy cannot be removed once set"
        },
        {
            "statusReportingScope changed",
            _ => { },
            c => c.Spec.StatusReportingScope = StatusReportingScope.NamespaceAccessible,
            "spec: Invalid value: \"object\": statusReportingScope is immutable"
        },
        {
            "placement type changed",
            _ => { },
            c => c.Spec.Policy = PickN(),
            "spec.policy: Invalid value: \"object\": placement type is immutable"
        },
        {
            "External strategy changed to RollingUpdate",
            c => { c.Spec.Strategy!.Type = RolloutStrategyType.External; c.Spec.Strategy.RollingUpdate = null; },
            c => c.Spec.Strategy!.Type = RolloutStrategyType.RollingUpdate,
            "spec.strategy: Invalid value: \"object\": cannot change rollout strategy type from 'External' to other types"
        },
    };

    [Theory]
    [MemberData(nameof(UpdateCases))]
    public void Validate_UpdateBreakingTransitionRule_Invalid(string name, Action<ClusterResourcePlacement> before, Action<ClusterResourcePlacement> after, string expected)
    {
        var old = Crp(before);
        var updated = Crp(c => { before(c); after(c); });

        var result = _validator.Validate(updated, old);

        Assert.True(result.IsInvalid, name);
        Assert.Equal(expected, SingleCause(result));
    }

    [Fact]
    public void Validate_TwoNamespaceWithResourceSelectors_BreaksBothNamespaceRules()
    {
        var result = _validator.Validate(Crp(c => c.Spec.ResourceSelectors =
        [
            new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", Name = "a", SelectionScope = SelectionScope.NamespaceWithResourceSelectors },
            new ResourceSelectorTerm { Version = "v1", Kind = "Namespace", Name = "b", SelectionScope = SelectionScope.NamespaceWithResourceSelectors },
        ]), null);

        Assert.Equal(
            [
                "spec: Invalid value: \"object\": only one namespace selector with NamespaceWithResourceSelectors mode is allowed",
                "spec: Invalid value: \"object\": when using NamespaceWithResourceSelectors mode, only one namespace selector is allowed (cannot mix with other namespace selectors)",
            ],
            result.FieldErrors.Select(e => $"{e.Field}: {e.Message}"));
    }

    [Fact]
    public void Validate_CreateWithNamespaceAccessibleAndOneNamespace_Allowed()
    {
        var result = _validator.Validate(Crp(c => c.Spec.StatusReportingScope = StatusReportingScope.NamespaceAccessible), null);

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_UpdateKeepingExternalStrategy_Allowed()
    {
        static void External(ClusterResourcePlacement c)
        {
            c.Spec.Strategy!.Type = RolloutStrategyType.External;
            c.Spec.Strategy.RollingUpdate = null;
        }

        var result = _validator.Validate(Crp(c => { External(c); c.Spec.RevisionHistoryLimit = 5; }), Crp(External));

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_ResourcePlacementPolicyRemoved_Invalid()
    {
        var result = _validator.Validate(Rp(r => r.Spec.Policy = null), Rp());

        Assert.Equal("spec: Invalid value: \"object\": policy cannot be removed once set", SingleCause(result));
    }

    [Fact]
    public void Validate_ResourcePlacementStatusReportingScopeChanged_Allowed()
    {
        // statusReportingScope has no immutability rule on RPs (placement spec §1.4).
        var result = _validator.Validate(
            Rp(r => r.Spec.StatusReportingScope = StatusReportingScope.NamespaceAccessible),
            Rp(r => r.Spec.StatusReportingScope = StatusReportingScope.ClusterScopeOnly));

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_SeveralRulesBroken_ReportsEveryCause()
    {
        var result = _validator.Validate(Crp(c =>
        {
            c.Spec.Policy = new PlacementPolicy { PlacementType = PlacementType.PickN };
            c.Spec.ResourceSelectors[0].LabelSelector = new StructuredLabelSelector();
        }), null);

        Assert.Equal(
            [
                "spec.resourceSelectors: Invalid value: \"array\": name and labelSelector are mutually exclusive in a resource selector",
                "spec.policy: Invalid value: \"object\": clusterNames cannot be set and numberOfClusters must be set when placementType is PickN",
            ],
            result.FieldErrors.Select(e => $"{e.Field}: {e.Message}"));
    }

    [Fact]
    public void ToException_Invalid_Is422WithKubectlMessage()
    {
        var result = _validator.Validate(Crp(c => c.Spec.Policy = PickN()), Crp());

        var exception = result.ToException("ClusterResourcePlacement", PlacementApi.Group, "crp");

        Assert.NotNull(exception);
        Assert.Equal(422, exception.Code);
        Assert.Equal("Invalid", exception.Reason);
        Assert.Equal(
            "ClusterResourcePlacement.placement.kubernetes-fleet.io \"crp\" is invalid: spec.policy: Invalid value: \"object\": placement type is immutable",
            exception.Message);
        var cause = Assert.Single(exception.Details!.Causes!);
        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: \"object\": placement type is immutable", "spec.policy"), cause);
    }
}
