using Flotilla.Hub.Placement.Resources;

namespace Flotilla.Hub.Tests.Placement.Resources;

/// <summary>Disabled APIs and the <c>--skipped/allowed-propagating-apis</c> token syntax (placement spec §1.3.2).</summary>
public sealed class ApiResourceConfigTests
{
    [Theory]
    [InlineData("cluster.kubernetes-fleet.io", "v1", "MemberCluster", true)]
    [InlineData("cluster.kubernetes-fleet.io", "v1beta1", "InternalMemberCluster", true)]
    [InlineData("events.k8s.io", "v1", "Event", true)]
    [InlineData("coordination.k8s.io", "v1", "Lease", true)]
    [InlineData("metrics.k8s.io", "v1beta1", "PodMetrics", true)]
    [InlineData("", "v1", "Pod", true)]
    [InlineData("", "v1", "Node", true)]
    [InlineData("", "v1", "Event", true)]
    [InlineData("networking.fleet.azure.com", "v1alpha1", "ServiceImport", true)]
    [InlineData("networking.fleet.azure.com", "v1beta1", "TrafficManagerProfile", true)]
    [InlineData("networking.fleet.azure.com", "v1beta1", "TrafficManagerBackend", true)]
    [InlineData("networking.fleet.azure.com", "v1alpha1", "ServiceExport", false)]
    [InlineData("networking.fleet.azure.com", "v1alpha1", "MultiClusterService", false)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourcePlacement", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1", "ClusterResourcePlacement", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ResourcePlacement", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourceBinding", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ResourceBinding", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourceSnapshot", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ResourceSnapshot", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterSchedulingPolicySnapshot", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "SchedulingPolicySnapshot", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "Work", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterStagedUpdateRun", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterStagedUpdateStrategy", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterApprovalRequest", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "StagedUpdateRun", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "StagedUpdateStrategy", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ApprovalRequest", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourcePlacementEviction", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourcePlacementDisruptionBudget", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourceOverride", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourceOverrideSnapshot", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ResourceOverride", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ResourceOverrideSnapshot", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourcePlacementStatus", true)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ClusterResourceEnvelope", false)]
    [InlineData("placement.kubernetes-fleet.io", "v1beta1", "ResourceEnvelope", false)]
    [InlineData("", "v1", "ConfigMap", false)]
    [InlineData("apps", "v1", "Deployment", false)]
    [InlineData("example.com", "v1", "Pod", false)]
    public void Default_Kind_DisabledPerBuiltInList(string group, string version, string kind, bool disabled)
    {
        var config = ApiResourceConfig.Default();

        Assert.False(config.IsAllowList);
        Assert.Equal(disabled, config.IsDisabled(group, version, kind));
    }

    // Probes: (group, version, kind) → "D" disabled / "E" enabled, in this order.
    private static readonly (string Group, string Version, string Kind)[] Probes =
    [
        ("", "v1", "ConfigMap"), ("", "v1", "Secret"), ("apps", "v1", "Deployment"), ("apps", "v1", "StatefulSet"),
        ("networking.k8s.io", "v1", "Ingress"), ("networking.k8s.io", "v1beta1", "Ingress"), ("", "v1", "Pod"),
    ];

    private static string Probe(ApiResourceConfig config) =>
        string.Concat(Probes.Select(p => config.IsDisabled(p.Group, p.Version, p.Kind) ? "D" : "E"));

    [Theory]
    [InlineData("apps", null, "EEDDEED", "GROUP blocks every version and kind of the group")]
    [InlineData("networking.k8s.io/v1beta1", null, "EEEEEDD", "GROUP/VERSION blocks one version")]
    [InlineData("apps/v1/Deployment", null, "EEDEEED", "GROUP/VERSION/KIND blocks one kind")]
    [InlineData("apps/v1/Deployment,StatefulSet", null, "EEDDEED", "a kind list")]
    [InlineData("v1", null, "DDEEEED", "core VERSION blocks the whole core group version")]
    [InlineData("v1/ConfigMap", null, "DEEEEED", "core v1/KIND")]
    [InlineData("v1/ConfigMap,Secret", null, "DDEEEED", "core v1/KIND,KIND")]
    [InlineData("apps/v1/Deployment;v1/Secret;networking.k8s.io", null, "EDDEDDD", "several tokens")]
    [InlineData(" apps/v1/Deployment ; ;v1/Secret;", null, "EDDEEED", "blank tokens and surrounding spaces are ignored")]
    [InlineData(null, "apps", "DDEEDDD", "allow list: only the group; Pod allowed only if listed")]
    [InlineData(null, "v1/ConfigMap;apps/v1/Deployment", "EDEDDDD", "allow list of kinds")]
    [InlineData(null, "v1", "EEDDDDE", "allow list replaces the defaults: core v1 Pod is allowed")]
    [InlineData("", "", "EEEEEED", "both blank: the default block list")]
    public void Parse_ValidTokens_ConfigDisablesExpectedKinds(string? skipped, string? allowed, string expected, string why)
    {
        var (config, error) = ApiResourceConfig.Parse(skipped, allowed);

        Assert.Null(error);
        Assert.True(expected == Probe(config!), $"{why}: {Probe(config!)}");
        Assert.Equal(!string.IsNullOrWhiteSpace(allowed), config!.IsAllowList);
    }

    [Fact]
    public void Parse_SkippedApis_DefaultsStillBlocked()
    {
        var (config, _) = ApiResourceConfig.Parse("apps", null);

        Assert.True(config!.IsDisabled("coordination.k8s.io", "v1", "Lease"));
        Assert.True(config.IsDisabled("placement.kubernetes-fleet.io", "v1beta1", "Work"));
    }

    [Theory]
    [InlineData("apps", "apps", "--skipped-propagating-apis and --allowed-propagating-apis are mutually exclusive; set only one")]
    [InlineData("a/v1/K/x", null, "invalid --skipped-propagating-apis token \"a/v1/K/x\": expected GROUP, GROUP/VERSION, GROUP/VERSION/KIND[,KIND...], VERSION or VERSION/KIND[,KIND...]")]
    [InlineData("/v1/Pod", null, "invalid --skipped-propagating-apis token \"/v1/Pod\": empty segment (for the core group write VERSION or VERSION/KIND, e.g. v1/ConfigMap)")]
    [InlineData("apps/", null, "invalid --skipped-propagating-apis token \"apps/\": empty segment (for the core group write VERSION or VERSION/KIND, e.g. v1/ConfigMap)")]
    [InlineData("apps//Deployment", null, "invalid --skipped-propagating-apis token \"apps//Deployment\": empty segment (for the core group write VERSION or VERSION/KIND, e.g. v1/ConfigMap)")]
    [InlineData("Apps", null, "invalid --skipped-propagating-apis token \"Apps\": \"Apps\" is neither an API group (a DNS subdomain) nor a version such as v1")]
    [InlineData("apps_x/v1", null, "invalid --skipped-propagating-apis token \"apps_x/v1\": \"apps_x\" is not an API group (a DNS subdomain)")]
    [InlineData("apps/1", null, "invalid --skipped-propagating-apis token \"apps/1\": \"1\" is not an API version such as v1 or v1beta1")]
    [InlineData("apps/Deployment/v1", null, "invalid --skipped-propagating-apis token \"apps/Deployment/v1\": \"Deployment\" is not an API version such as v1 or v1beta1")]
    [InlineData("-apps/v1/Deployment", null, "invalid --skipped-propagating-apis token \"-apps/v1/Deployment\": \"-apps\" is not an API group (a DNS subdomain)")]
    [InlineData("apps/v1/Deployment,", null, "invalid --skipped-propagating-apis token \"apps/v1/Deployment,\": empty kind in the kind list")]
    [InlineData("v1/Config-Map", null, "invalid --skipped-propagating-apis token \"v1/Config-Map\": \"Config-Map\" is not a kind (letters and digits, starting with a letter)")]
    [InlineData(null, "apps;apps/v1/9Kind", "invalid --allowed-propagating-apis token \"apps/v1/9Kind\": \"9Kind\" is not a kind (letters and digits, starting with a letter)")]
    public void Parse_MalformedInput_ErrorNamesFlagAndToken(string? skipped, string? allowed, string expected)
    {
        var (config, error) = ApiResourceConfig.Parse(skipped, allowed);

        Assert.Null(config);
        Assert.Equal(expected, error);
    }
}
