using Flotilla.Api.Admission;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;

namespace Flotilla.Api.Tests.Placement;

/// <summary>Builders for valid, defaulted placement objects that tests then break in one place.</summary>
internal static class PlacementTestObjects
{
    public const string CrpWebhook = "fleet.clusterresourceplacementv1beta1.validating";

    public static ClusterResourcePlacement Crp(Action<ClusterResourcePlacement>? change = null)
    {
        var crp = new ClusterResourcePlacement
        {
            ApiVersion = PlacementApi.ApiVersion,
            Kind = "ClusterResourcePlacement",
            Metadata = new ObjectMeta { Name = "crp" },
            Spec = new PlacementSpec
            {
                ResourceSelectors = [new ResourceSelectorTerm { Group = "", Version = "v1", Kind = "Namespace", Name = "app" }],
            },
        };
        PlacementDefaulter.Default(crp);
        crp.Spec.ResourceSelectors[0].SelectionScope = SelectionScope.NamespaceWithResources;
        crp.Spec.StatusReportingScope = StatusReportingScope.ClusterScopeOnly;
        change?.Invoke(crp);
        return crp;
    }

    public static ResourcePlacement Rp(Action<ResourcePlacement>? change = null)
    {
        var rp = new ResourcePlacement
        {
            Metadata = new ObjectMeta { Name = "rp", Namespace = "app" },
            Spec = new PlacementSpec
            {
                ResourceSelectors = [new ResourceSelectorTerm { Group = "apps", Version = "v1", Kind = "Deployment", Name = "web" }],
            },
        };
        PlacementDefaulter.Default(rp);
        change?.Invoke(rp);
        return rp;
    }

    /// <summary>A PickN policy for 2 clusters, ready for affinity and topology settings.</summary>
    public static PlacementPolicy PickN(int? n = 2) => new() { PlacementType = PlacementType.PickN, NumberOfClusters = n };

    public static ClusterSelectorTerm LabelTerm(string key = "env", string value = "prod") =>
        new() { LabelSelector = new StructuredLabelSelector { MatchLabels = new() { [key] = value } } };

    public static PropertySelectorRequirement Property(string name, string op, params string[] values) =>
        new() { Name = name, Operator = op, Values = [.. values] };

    /// <summary>A PickN CRP whose only required affinity term selects on the given properties.</summary>
    public static ClusterResourcePlacement WithProperties(params PropertySelectorRequirement[] requirements) => Crp(c =>
    {
        c.Spec.Policy = PickN();
        c.Spec.Policy.Affinity = new Affinity
        {
            ClusterAffinity = new ClusterAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new ClusterSelector
                {
                    ClusterSelectorTerms = [new ClusterSelectorTerm { PropertySelector = new PropertySelector { MatchExpressions = [.. requirements] } }],
                },
            },
        };
    });

    /// <summary>The only cause of an Invalid result, as kubectl prints it: <c>field: message</c>.</summary>
    public static string SingleCause(AdmissionResult result)
    {
        Assert.True(result.IsInvalid, $"expected an Invalid result, got {result}");
        var cause = Assert.Single(result.FieldErrors);
        Assert.Equal(FieldError.InvalidReason, cause.Reason);
        return $"{cause.Field}: {cause.Message}";
    }

    public static string Denial(AdmissionResult result)
    {
        Assert.True(result.IsDenied, $"expected a denial, got {result}");
        return result.Denial!;
    }
}

/// <summary>A REST mapping with a few well-known kinds.</summary>
internal sealed class FakeScopeResolver : IResourceScopeResolver
{
    private readonly Dictionary<(string, string, string), bool> _kinds = new()
    {
        [("", "v1", "Namespace")] = false,
        [("", "v1", "ConfigMap")] = true,
        [("", "v1", "Secret")] = true,
        [("apps", "v1", "Deployment")] = true,
        [("rbac.authorization.k8s.io", "v1", "ClusterRole")] = false,
    };

    public bool TryResolve(string group, string version, string kind, out bool namespaced) =>
        _kinds.TryGetValue((group, version, kind), out namespaced);
}
