using System.Reflection;
using System.Text.Json.Nodes;
using Flotilla.Api.Crd;
using Flotilla.Api.Placement;

namespace Flotilla.Api.Tests.Placement;

/// <summary>Names, versions and kubectl columns of the placement kinds (placement spec §0.3, §7.9).</summary>
public sealed class PlacementCrdTests
{
    private static readonly Type[] RootTypes =
    [
        .. typeof(PlacementApi).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(PlacementApi).Namespace && t.GetCustomAttribute<CustomResourceAttribute>() is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal),
    ];

    [Theory]
    [InlineData("ClusterResourcePlacement", false, "crp", "v1beta1,v1")]
    [InlineData("ResourcePlacement", true, "rp", "v1beta1")]
    [InlineData("ClusterResourcePlacementStatus", true, "crps", "v1beta1")]
    [InlineData("ClusterSchedulingPolicySnapshot", false, "csps", "v1beta1,v1")]
    [InlineData("SchedulingPolicySnapshot", true, "sps", "v1beta1,v1")]
    [InlineData("ClusterResourceSnapshot", false, "crs", "v1beta1,v1")]
    [InlineData("ResourceSnapshot", true, "rs", "v1beta1,v1")]
    [InlineData("ClusterResourceBinding", false, "crb", "v1beta1,v1")]
    [InlineData("ResourceBinding", true, "rb", "v1beta1,v1")]
    [InlineData("Work", true, "", "v1beta1,v1")]
    [InlineData("AppliedWork", false, "", "v1beta1,v1")]
    [InlineData("ClusterResourceOverride", false, "", "v1beta1,v1")]
    [InlineData("ClusterResourceOverrideSnapshot", false, "", "v1beta1,v1")]
    [InlineData("ResourceOverride", true, "", "v1beta1,v1")]
    [InlineData("ResourceOverrideSnapshot", true, "", "v1beta1,v1")]
    [InlineData("ClusterResourcePlacementEviction", false, "crpe", "v1beta1")]
    [InlineData("ClusterResourcePlacementDisruptionBudget", false, "crpdb", "v1beta1")]
    [InlineData("ClusterStagedUpdateRun", false, "csur", "v1beta1,v1")]
    [InlineData("StagedUpdateRun", true, "sur", "v1beta1,v1")]
    [InlineData("ClusterStagedUpdateStrategy", false, "csus", "v1beta1,v1")]
    [InlineData("StagedUpdateStrategy", true, "sus", "v1beta1,v1")]
    [InlineData("ClusterApprovalRequest", false, "careq", "v1beta1,v1")]
    [InlineData("ApprovalRequest", true, "areq", "v1beta1,v1")]
    [InlineData("ClusterResourceEnvelope", false, "", "v1beta1")]
    [InlineData("ResourceEnvelope", true, "", "v1beta1")]
    public void CustomResource_Kind_ScopeShortNameAndVersions(string kind, bool namespaced, string shortName, string versions)
    {
        var type = Assert.Single(RootTypes, t => t.Name == kind);
        var resource = type.GetCustomAttribute<CustomResourceAttribute>()!;

        Assert.Equal(PlacementApi.Group, resource.Group);
        Assert.Equal(kind, resource.Kind);
        Assert.Equal(namespaced, resource.Namespaced);
        Assert.Equal(shortName, string.Join(',', resource.ShortNames));
        Assert.Equal(versions, string.Join(',', resource.Versions));
        Assert.Equal(["fleet", "fleet-placement"], resource.Categories);
    }

    [Fact]
    public void RootTypes_AllListed_TwentyFiveKinds()
    {
        Assert.Equal(25, RootTypes.Length);
    }

    [Fact]
    public void JsonContext_ListsEveryRootKind()
    {
        foreach (var type in RootTypes)
        {
            Assert.True(PlacementJsonContext.Default.GetTypeInfo(type) is not null, $"{type.Name} is missing from PlacementJsonContext");
        }
    }

    [Fact]
    public void Generate_EveryRootType_ProducesCrd()
    {
        foreach (var type in RootTypes)
        {
            var crd = CrdGenerator.Generate(type);

            Assert.Equal(type.GetCustomAttribute<CustomResourceAttribute>()!.Plural + "." + PlacementApi.Group, FleetCrds.Name(crd));
        }
    }

    [Fact]
    public void Generate_ClusterResourcePlacement_V1LacksV1beta1OnlyStrategyFields()
    {
        var crd = CrdGenerator.Generate(typeof(ClusterResourcePlacement));

        var v1beta1 = StrategyProperties(crd, "v1beta1");
        var v1 = StrategyProperties(crd, "v1");

        Assert.Contains("deleteStrategy", v1beta1);
        Assert.Contains("reportBackStrategy", v1beta1);
        Assert.DoesNotContain("deleteStrategy", v1);
        Assert.DoesNotContain("reportBackStrategy", v1);
        Assert.Contains("applyStrategy", v1);
    }

    [Fact]
    public void Generate_ClusterResourcePlacement_PrinterColumnsAsUpstream()
    {
        var crd = CrdGenerator.Generate(typeof(ClusterResourcePlacement));
        var columns = (JsonArray)crd["spec"]!["versions"]![0]!["additionalPrinterColumns"]!;

        var actual = columns.Select(c => $"{c!["name"]}|{c["jsonPath"]}|{c["priority"]?.GetValue<int>() ?? 0}").ToArray();

        Assert.Equal(
            new[]
            {
                "Gen|.metadata.generation|0",
                "Type|.spec.policy.placementType|1",
                "Scheduled|.status.conditions[?(@.type==\"ClusterResourcePlacementScheduled\")].status|0",
                "Scheduled-Gen|.status.conditions[?(@.type==\"ClusterResourcePlacementScheduled\")].observedGeneration|0",
                "Work-Synchronized|.status.conditions[?(@.type==\"ClusterResourcePlacementWorkSynchronized\")].status|1",
                "Work-Synchronized-Gen|.status.conditions[?(@.type==\"ClusterResourcePlacementWorkSynchronized\")].observedGeneration|1",
                "Available|.status.conditions[?(@.type==\"ClusterResourcePlacementAvailable\")].status|0",
                "Available-Gen|.status.conditions[?(@.type==\"ClusterResourcePlacementAvailable\")].observedGeneration|0",
                "Age|.metadata.creationTimestamp|0",
            },
            actual);
    }

    [Fact]
    public void Generate_ClusterResourcePlacement_DefaultsAndIntOrStringInSchema()
    {
        var crd = CrdGenerator.Generate(typeof(ClusterResourcePlacement));
        var spec = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!;
        var rollingUpdate = spec["strategy"]!["properties"]!["rollingUpdate"]!["properties"]!;

        Assert.Equal("PickAll", (string?)spec["policy"]!["properties"]!["placementType"]!["default"]);
        Assert.Equal(10, (int?)spec["revisionHistoryLimit"]!["default"]);
        Assert.Equal("25%", (string?)rollingUpdate["maxUnavailable"]!["default"]);
        Assert.True((bool?)rollingUpdate["maxSurge"]!["x-kubernetes-int-or-string"]);
        Assert.Equal("^((100|[0-9]{1,2})%|[0-9]+)$", (string?)rollingUpdate["maxSurge"]!["pattern"]);
    }

    [Fact]
    public void Generate_ClusterResourcePlacement_EveryCelRuleAtItsNode()
    {
        var crd = CrdGenerator.Generate(typeof(ClusterResourcePlacement));
        var root = crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!;
        var rules = new List<string>();
        CollectRules(root, "", rules);

        Assert.Equal(
            new[]
            {
                "spec: policy cannot be removed once set",
                "spec: when statusReportingScope is NamespaceAccessible, exactly one resourceSelector with kind 'Namespace' is required",
                "spec: statusReportingScope is immutable",
                "spec: only one namespace selector with NamespaceWithResourceSelectors mode is allowed",
                "spec: namespace selector with NamespaceWithResourceSelectors mode must select by name (not by label)",
                "spec: when using NamespaceWithResourceSelectors mode, only one namespace selector is allowed (cannot mix with other namespace selectors)",
                "spec.policy: placement type is immutable",
                "spec.policy: affinity, numberOfClusters, topologySpreadConstraints, and tolerations cannot be set when placementType is PickFixed",
                "spec.policy: clusterNames, numberOfClusters, and topologySpreadConstraints cannot be set when placementType is PickAll",
                "spec.policy: clusterNames cannot be set and numberOfClusters must be set when placementType is PickN",
                "spec.policy.tolerations[]: value must be empty when operator is Exists",
                "spec.policy.tolerations[]: operator must be Exists when key is empty",
                "spec.resourceSelectors: name and labelSelector are mutually exclusive in a resource selector",
                "spec.strategy: cannot change rollout strategy type from 'External' to other types",
                "spec.strategy.reportBackStrategy: when reportBackStrategy.type is 'Mirror', a destination must be specified",
            }.Order(StringComparer.Ordinal),
            rules.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(true, "Scheduled", "ClusterResourcePlacementScheduled")]
    [InlineData(false, "Available", "ResourcePlacementAvailable")]
    [InlineData(true, "StatusSynced", "ClusterResourcePlacementStatusSynced")]
    public void PlacementConditionType_ForPerClusterType_PrefixesKind(bool clusterScoped, string perCluster, string expected)
    {
        Assert.Equal(expected, PlacementConditionType.For(clusterScoped, perCluster));
    }

    private static void CollectRules(JsonNode? schema, string path, List<string> rules)
    {
        if (schema is not JsonObject node)
        {
            return;
        }
        foreach (var rule in node["x-kubernetes-validations"]?.AsArray() ?? [])
        {
            rules.Add($"{path}: {rule!["message"]}");
        }
        foreach (var (name, child) in node["properties"]?.AsObject() ?? [])
        {
            CollectRules(child, path.Length == 0 ? name : path + "." + name, rules);
        }
        CollectRules(node["items"], path + "[]", rules);
    }

    private static string[] StrategyProperties(JsonObject crd, string version)
    {
        var entry = ((JsonArray)crd["spec"]!["versions"]!).Single(v => (string?)v!["name"] == version)!;
        var strategy = (JsonObject)entry["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!["properties"]!["strategy"]!["properties"]!;
        return [.. strategy.Select(p => p.Key)];
    }
}
