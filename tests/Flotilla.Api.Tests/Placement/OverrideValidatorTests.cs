using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using static Flotilla.Api.Tests.Placement.PlacementTestObjects;

namespace Flotilla.Api.Tests.Placement;

/// <summary>ClusterResourceOverride and ResourceOverride admission (placement spec §6.1).</summary>
public sealed class OverrideValidatorTests
{
    private const string ClusterRoleSelector =
        "{Group:rbac.authorization.k8s.io Version:v1 Kind:ClusterRole Name:reader LabelSelector:nil SelectionScope:NamespaceWithResources}";

    public static TheoryData<string, Action<ClusterResourceOverride>, string> DenialCases => new()
    {
        {
            "selector with a label selector",
            c => c.Spec.ClusterResourceSelectors[0] = new ResourceSelectorTerm
            {
                Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole",
                LabelSelector = new StructuredLabelSelector { MatchLabels = new() { ["a"] = "b" } }, SelectionScope = SelectionScope.NamespaceWithResources,
            },
            "label selector is not supported for resource selection {Group:rbac.authorization.k8s.io Version:v1 Kind:ClusterRole Name: LabelSelector:&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},} SelectionScope:NamespaceWithResources}"
        },
        {
            "selector without a name",
            c => c.Spec.ClusterResourceSelectors[0].Name = null,
            "resource name is required for resource selection {Group:rbac.authorization.k8s.io Version:v1 Kind:ClusterRole Name: LabelSelector:nil SelectionScope:NamespaceWithResources}"
        },
        {
            "duplicate selectors",
            c => c.Spec.ClusterResourceSelectors.Add(Selector()),
            $"resource selector {ClusterRoleSelector} already exists, and must be unique"
        },
        {
            "cluster selector with a property selector",
            c => c.Spec.Policy.OverrideRules[0].ClusterSelector = new ClusterSelector
            {
                ClusterSelectorTerms = [new ClusterSelectorTerm { PropertySelector = new PropertySelector { MatchExpressions = [Property("kubernetes-fleet.io/node-count", "Ge", "1")] } }],
            },
            "invalid clusterSelector {LabelSelector:nil PropertySelector:&{MatchExpressions:[{Name:kubernetes-fleet.io/node-count Operator:Ge Values:[1]}]} PropertySorter:<nil>}: only labelSelector is supported"
        },
        {
            "cluster selector term without a label selector",
            c => c.Spec.Policy.OverrideRules[0].ClusterSelector = new ClusterSelector { ClusterSelectorTerms = [new ClusterSelectorTerm()] },
            "invalid clusterSelector {LabelSelector:nil PropertySelector:<nil> PropertySorter:<nil>}: labelSelector is required"
        },
        {
            "cluster selector with an invalid label selector",
            c => c.Spec.Policy.OverrideRules[0].ClusterSelector = new ClusterSelector
            {
                ClusterSelectorTerms = [new ClusterSelectorTerm { LabelSelector = new StructuredLabelSelector { MatchLabels = new() { ["env"] = "not valid" } } }],
            },
            "the labelSelector in cluster selector &LabelSelector{MatchLabels:map[string]string{env: not valid,},MatchExpressions:[]LabelSelectorRequirement{},} is invalid: values[0][env]: Invalid value: \"not valid\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        },
        {
            "Delete rule with patches",
            c => c.Spec.Policy.OverrideRules[0].OverrideType = OverrideType.Delete,
            "invalid JSONPatchOverrides: JSONPatchOverrides cannot be set when the override type is Delete"
        },
        {
            "JSONPatch rule without patches",
            c => c.Spec.Policy.OverrideRules[0].JsonPatchOverrides = null,
            "invalid JSONPatchOverrides: JSONPatchOverrides cannot be empty"
        },
        { "empty path", c => Patch(c, "add", "", "\"v\""), "invalid JSONPatchOverride {add  {\"v\"}}: path cannot be empty" },
        { "relative path", c => Patch(c, "add", "spec/x", "\"v\""), "invalid JSONPatchOverride {add spec/x {\"v\"}}: path must start with /" },
        { "kind", c => Patch(c, "replace", "/kind", "\"Role\""), "invalid JSONPatchOverride {replace /kind {\"Role\"}}: cannot override typeMeta fields" },
        { "apiVersion", c => Patch(c, "replace", "/apiVersion", "\"v2\""), "invalid JSONPatchOverride {replace /apiVersion {\"v2\"}}: cannot override typeMeta fields" },
        { "whole metadata", c => Patch(c, "replace", "/metadata", "{}"), "invalid JSONPatchOverride {replace /metadata {{}}}: cannot override field metadata" },
        {
            "metadata name",
            c => Patch(c, "replace", "/metadata/name", "\"x\""),
            "invalid JSONPatchOverride {replace /metadata/name {\"x\"}}: cannot override metadata fields except annotations and labels"
        },
        { "status", c => Patch(c, "add", "/status/x", "1"), "invalid JSONPatchOverride {add /status/x {1}}: cannot override status fields" },
        { "empty segment", c => Patch(c, "add", "/spec//x", "1"), "invalid JSONPatchOverride {add /spec//x {1}}: path cannot contain empty string" },
        { "remove with a value", c => Patch(c, "remove", "/metadata/labels/a", "\"b\""), "invalid JSONPatchOverride {remove /metadata/labels/a {\"b\"}}: remove operation cannot have value" },
    };

    [Theory]
    [MemberData(nameof(DenialCases))]
    public void Validate_ClusterResourceOverrideBreakingWebhookRule_Denied(string name, Action<ClusterResourceOverride> change, string expected)
    {
        var cro = Cro("cro", change);

        var result = OverrideValidator.Validate(cro, null, []);

        Assert.True(result.IsDenied, name);
        Assert.Equal(expected, result.Denial);
        Assert.Equal("fleet.clusterresourceoverride.validating", result.Webhook);
    }

    [Fact]
    public void Validate_ValidClusterResourceOverride_Allowed()
    {
        var result = OverrideValidator.Validate(Cro("cro"), null, [Cro("other", c => c.Spec.ClusterResourceSelectors[0].Name = "writer")]);

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_ResourceAlreadySelectedByAnotherOverride_Denied()
    {
        var result = OverrideValidator.Validate(Cro("cro-2"), null, [Cro("cro-1")]);

        Assert.Equal(
            $"invalid resource selector {ClusterRoleSelector}: the resource has been selected by both cro-2 and cro-1, which is not supported",
            Denial(result));
    }

    [Fact]
    public void Validate_UpdateOfTheSameOverride_NotSelectedTwice()
    {
        var result = OverrideValidator.Validate(Cro("cro"), Cro("cro"), [Cro("cro")]);

        Assert.True(result.IsAllowed, result.ToString());
    }

    [Fact]
    public void Validate_HundredthFirstClusterResourceOverride_Denied()
    {
        var existing = Enumerable.Range(0, 100).Select(i => Cro($"cro-{i}", c => c.Spec.ClusterResourceSelectors[0].Name = $"r{i}")).ToList();

        Assert.Equal(
            "clusterResourceOverride limit has been reached: at most 100 cluster resources can be created.",
            Denial(OverrideValidator.Validate(Cro("cro"), null, existing)));
        Assert.True(OverrideValidator.Validate(existing[0], existing[0], existing).IsAllowed);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Validate_PlacementReferenceSetUnsetOrChanged_Invalid(bool before, bool after)
    {
        var old = Cro("cro", c => c.Spec.Placement = before ? new PlacementRef { Name = "crp-1" } : null);
        var updated = Cro("cro", c => c.Spec.Placement = after ? new PlacementRef { Name = "crp-2" } : null);

        var result = OverrideValidator.Validate(updated, old, [old]);

        Assert.Equal("spec: Invalid value: \"object\": The placement field is immutable", SingleCause(result));
    }

    [Fact]
    public void Validate_NamespacedPlacementReference_Invalid()
    {
        var cro = Cro("cro", c => c.Spec.Placement = new PlacementRef { Name = "rp", Scope = PlacementRefScope.Namespaced });

        Assert.Equal(
            "spec.placement: Invalid value: \"object\": clusterResourceOverride placement reference cannot be Namespaced scope",
            SingleCause(OverrideValidator.Validate(cro, null, [])));
    }

    [Fact]
    public void Validate_ResourceOverrideDuplicateSelector_Denied()
    {
        var ro = Ro("ro", "app", r => r.Spec.ResourceSelectors.Add(new ResourceSelector { Group = "apps", Version = "v1", Kind = "Deployment", Name = "web" }));

        var result = OverrideValidator.Validate(ro, null, []);

        Assert.Equal("resource selector {Group:apps Version:v1 Kind:Deployment Name:web} already exists, and must be unique", Denial(result));
        Assert.Equal("fleet.resourceoverride.validating", result.Webhook);
    }

    [Fact]
    public void Validate_ResourceOverrideSelectedTwiceInNamespace_Denied()
    {
        var result = OverrideValidator.Validate(Ro("ro-2", "app"), null, [Ro("ro-1", "app"), Ro("ro-3", "other")]);

        Assert.Equal(
            "invalid resource selector {Group:apps Version:v1 Kind:Deployment Name:web}: the resource has been selected by both ro-2 and ro-1, which is not supported",
            Denial(result));
    }

    [Fact]
    public void Validate_ResourceOverrideInAnotherNamespace_Allowed()
    {
        Assert.True(OverrideValidator.Validate(Ro("ro-2", "app"), null, [Ro("ro-1", "other")]).IsAllowed);
    }

    [Fact]
    public void Validate_ResourceOverrideLimitPerNamespace_Denied()
    {
        var existing = Enumerable.Range(0, 100).Select(i => Ro($"ro-{i}", "app", r => r.Spec.ResourceSelectors[0].Name = $"web-{i}")).ToList();

        Assert.Equal(
            "resourceOverride limit has been reached: at most 100 resources can be created.",
            Denial(OverrideValidator.Validate(Ro("ro", "app"), null, existing)));
        Assert.True(OverrideValidator.Validate(Ro("ro", "elsewhere"), null, existing).IsAllowed);
    }

    [Fact]
    public void Validate_ResourceOverridePlacementChanged_Invalid()
    {
        var old = Ro("ro", "app", r => r.Spec.Placement = new PlacementRef { Name = "rp", Scope = PlacementRefScope.Namespaced });
        var updated = Ro("ro", "app", r => r.Spec.Placement = new PlacementRef { Name = "rp", Scope = PlacementRefScope.Cluster });

        Assert.Equal("spec: Invalid value: \"object\": The placement field is immutable", SingleCause(OverrideValidator.Validate(updated, old, [old])));
    }

    [Fact]
    public void Validate_ResourceOverrideBadPatchAndDeleteRule_AllErrorsAggregated()
    {
        var ro = Ro("ro", "app", r => r.Spec.Policy.OverrideRules.Add(new OverrideRule
        {
            OverrideType = OverrideType.Delete,
            JsonPatchOverrides = [new JsonPatchOverride { Operator = "add", Path = "/x", Value = JsonValue.Create(1) }],
        }));
        ro.Spec.Policy.OverrideRules[0].JsonPatchOverrides![0].Path = "/status";

        Assert.Equal(
            "[invalid JSONPatchOverride {add /status {\"v\"}}: cannot override status fields, invalid JSONPatchOverrides: JSONPatchOverrides cannot be set when the override type is Delete]",
            Denial(OverrideValidator.Validate(ro, null, [])));
    }

    private static ResourceSelectorTerm Selector() => new()
    {
        Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole", Name = "reader", SelectionScope = SelectionScope.NamespaceWithResources,
    };

    private static OverridePolicy Policy() => new()
    {
        OverrideRules =
        [
            new OverrideRule
            {
                ClusterSelector = new ClusterSelector { ClusterSelectorTerms = [LabelTerm()] },
                OverrideType = OverrideType.JsonPatch,
                JsonPatchOverrides = [new JsonPatchOverride { Operator = "add", Path = "/metadata/labels/a", Value = JsonValue.Create("v") }],
            },
        ],
    };

    private static ClusterResourceOverride Cro(string name, Action<ClusterResourceOverride>? change = null)
    {
        var cro = new ClusterResourceOverride
        {
            Metadata = new ObjectMeta { Name = name },
            Spec = new ClusterResourceOverrideSpec { ClusterResourceSelectors = [Selector()], Policy = Policy() },
        };
        change?.Invoke(cro);
        return cro;
    }

    private static ResourceOverride Ro(string name, string ns, Action<ResourceOverride>? change = null)
    {
        var ro = new ResourceOverride
        {
            Metadata = new ObjectMeta { Name = name, Namespace = ns },
            Spec = new ResourceOverrideSpec
            {
                ResourceSelectors = [new ResourceSelector { Group = "apps", Version = "v1", Kind = "Deployment", Name = "web" }],
                Policy = Policy(),
            },
        };
        change?.Invoke(ro);
        return ro;
    }

    private static void Patch(ClusterResourceOverride cro, string op, string path, string value) =>
        cro.Spec.Policy.OverrideRules[0].JsonPatchOverrides = [new JsonPatchOverride { Operator = op, Path = path, Value = JsonNode.Parse(value) }];
}
