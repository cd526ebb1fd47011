using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Hub.Placement.Selection;

namespace Flotilla.Hub.Tests.Placement.Selection;

/// <summary>Resolving resource selectors to hub objects (placement spec §1.3.2).</summary>
public sealed class ResourceSelectorResolverTests
{
    private const string ClientError = "failed to process the request due to a client error: ";

    private static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    private static readonly ResourceMapping ConfigMaps = new("", "v1", "configmaps", "ConfigMap", namespaced: true);
    private static readonly ResourceMapping Deployments = new("apps", "v1", "deployments", "Deployment", namespaced: true);
    private static readonly ResourceMapping ClusterRoles = new("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", namespaced: false);
    private static readonly ResourceMapping Leases = new("coordination.k8s.io", "v1", "leases", "Lease", namespaced: true);

    public static TheoryData<string, ResourceSelectorTerm[], string[]> CrpSelections => new()
    {
        { "a namespace carries everything in it", [Ns("app")], ["Namespace//app", "ConfigMap/app/settings", "ConfigMap/app/tuning", "Deployment/app/web"] },
        { "NamespaceOnly is the namespace alone", [Ns("app", SelectionScope.NamespaceOnly)], ["Namespace//app"] },
        {
            "NamespaceWithResourceSelectors: the namespace and what the other selectors pick inside it",
            [Ns("app", SelectionScope.NamespaceWithResourceSelectors), new ResourceSelectorTerm { Kind = "ConfigMap", Version = "v1", Name = "settings" }],
            ["Namespace//app", "ConfigMap/app/settings"]
        },
        {
            "namespaces by label",
            [new ResourceSelectorTerm { Kind = "Namespace", Version = "v1", LabelSelector = new StructuredLabelSelector { MatchLabels = new() { ["team"] = "web" } } }],
            ["Namespace//app", "ConfigMap/app/settings", "ConfigMap/app/tuning", "Deployment/app/web", "Namespace//web-2"]
        },
        { "a missing namespace selects nothing", [Ns("nowhere")], [] },
        { "a deleting namespace selects nothing", [Ns("leaving")], [] },
        { "cluster-scoped kinds by name", [new ResourceSelectorTerm { Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole", Name = "reader" }], ["ClusterRole//reader"] },
        { "a kind the hub does not serve is skipped", [new ResourceSelectorTerm { Group = "example.com", Version = "v1", Kind = "Gadget" }], [] },
        { "a disabled kind is skipped", [new ResourceSelectorTerm { Group = "coordination.k8s.io", Version = "v1", Kind = "Lease", Name = "x" }], [] },
    };

    [Theory]
    [MemberData(nameof(CrpSelections))]
    public void Select_Crp_SelectsWhatUpstreamSelects(string why, ResourceSelectorTerm[] selectors, string[] expected)
    {
        var outcome = Resolver().Select(Crp(selectors), clusterScoped: true);

        Assert.True(outcome.UserError is null, why + ": " + outcome.UserError);
        Assert.Equal(expected, outcome.Objects.Select(Describe));
    }

    public static TheoryData<string, ResourceSelectorTerm[], string> CrpErrors => new()
    {
        { "a reserved namespace", [Ns("kube-system")], "invalid clusterRresourcePlacement crp: namespace kube-system is not allowed to propagate" },
        { "a configured skipped namespace", [Ns("secret-team")], "invalid clusterRresourcePlacement crp: namespace secret-team is not allowed to propagate" },
        { "a namespaced kind without a NamespaceWithResourceSelectors selector", [new ResourceSelectorTerm { Kind = "ConfigMap", Version = "v1" }], "invalid placement crp: cannot select namespace-scoped resource /v1, Kind=ConfigMap in a clusterResourcePlacement" },
        {
            "NamespaceWithResourceSelectors naming a missing namespace",
            [Ns("nowhere", SelectionScope.NamespaceWithResourceSelectors)],
            "invalid clusterResourcePlacement crp: NamespaceWithResourceSelectors mode requires exactly one namespace, but no namespaces were selected"
        },
        {
            "an object selected twice",
            [Ns("app"), new ResourceSelectorTerm { Kind = "Namespace", Version = "v1", Name = "app", SelectionScope = SelectionScope.NamespaceOnly }],
            "found duplicate resource {Group: Version:v1 Kind:Namespace Name:app Namespace: Envelope:<nil>}"
        },
    };

    [Theory]
    [MemberData(nameof(CrpErrors))]
    public void Select_CrpInvalid_UserErrorWithUpstreamsText(string why, ResourceSelectorTerm[] selectors, string expected)
    {
        var outcome = Resolver().Select(Crp(selectors), clusterScoped: true);

        Assert.True(outcome.UserError is not null, why);
        Assert.Equal(ClientError + expected, outcome.UserError);
        Assert.Empty(outcome.Objects);
    }

    [Fact]
    public void Select_Rp_OnlyItsOwnNamespaceAndNamespacedKinds()
    {
        var rp = new ResourcePlacement
        {
            Metadata = new ObjectMeta { Name = "rp", Namespace = "app" },
            Spec = new PlacementSpec { ResourceSelectors = [new ResourceSelectorTerm { Kind = "ConfigMap", Version = "v1" }] },
        };

        var outcome = Resolver().Select(rp, clusterScoped: false);

        Assert.Null(outcome.UserError);
        Assert.Equal(["ConfigMap/app/settings", "ConfigMap/app/tuning"], outcome.Objects.Select(Describe));

        rp.Spec.ResourceSelectors = [Ns("app")];
        Assert.Equal(ClientError + "invalid placement rp: cannot select cluster-scoped resource Namespace in a resourcePlacement", Resolver().Select(rp, clusterScoped: false).UserError);
        rp.Spec.ResourceSelectors = [new ResourceSelectorTerm { Group = "rbac.authorization.k8s.io", Version = "v1", Kind = "ClusterRole" }];
        Assert.Equal(ClientError + "invalid placement rp: cannot select cluster-scoped resource rbac.authorization.k8s.io/v1, Kind=ClusterRole in a resourcePlacement",
            Resolver().Select(rp, clusterScoped: false).UserError);
    }

    [Fact]
    public void Select_ObjectsThePropagationFilterRejects_AreLeftOut()
    {
        var resolver = Resolver(shouldPropagate: o => o.Name() != "tuning");

        var outcome = resolver.Select(Crp([Ns("app")]), clusterScoped: true);

        Assert.Equal(["Namespace//app", "ConfigMap/app/settings", "Deployment/app/web"], outcome.Objects.Select(Describe));
    }

    private static ResourceSelectorResolver Resolver(Func<JsonObject, bool>? shouldPropagate = null) =>
        new(new MemoryHub(), kindDisabled: m => m.Kind.Group == "coordination.k8s.io", skippedNamespaces: new HashSet<string> { "secret-team" }, shouldPropagate ?? (_ => true));

    private static ResourceSelectorTerm Ns(string name, string? scope = null) => new() { Kind = "Namespace", Version = "v1", Name = name, SelectionScope = scope };

    private static ClusterResourcePlacement Crp(ResourceSelectorTerm[] selectors) => new()
    {
        Metadata = new ObjectMeta { Name = "crp" },
        Spec = new PlacementSpec { ResourceSelectors = [.. selectors] },
    };

    private static string Describe(JsonObject obj) => $"{obj.GetString("kind")}/{obj.Namespace()}/{obj.Name()}";

    /// <summary>A hub with namespaces app (team=web), web-2 (team=web), kube-system, secret-team, leaving (deleting).</summary>
    private sealed class MemoryHub : IHubObjects
    {
        private readonly List<(ResourceMapping Kind, JsonObject Object)> _objects =
        [
            (Namespaces, Object("v1", "Namespace", null, "app", """{"team":"web"}""")),
            (Namespaces, Object("v1", "Namespace", null, "web-2", """{"team":"web"}""")),
            (Namespaces, Object("v1", "Namespace", null, "kube-system")),
            (Namespaces, Object("v1", "Namespace", null, "secret-team")),
            (Namespaces, Object("v1", "Namespace", null, "leaving", deleting: true)),
            (ConfigMaps, Object("v1", "ConfigMap", "app", "settings")),
            (ConfigMaps, Object("v1", "ConfigMap", "app", "tuning")),
            (ConfigMaps, Object("v1", "ConfigMap", "kube-system", "cluster-info")),
            (Deployments, Object("apps/v1", "Deployment", "app", "web")),
            (ClusterRoles, Object("rbac.authorization.k8s.io/v1", "ClusterRole", null, "reader")),
            (Leases, Object("coordination.k8s.io/v1", "Lease", "app", "x")),
        ];

        public IReadOnlyList<ResourceMapping> NamespacedKinds => [ConfigMaps, Deployments];

        public ResourceMapping? Mapping(string group, string version, string kind) =>
            new[] { Namespaces, ConfigMaps, Deployments, ClusterRoles, Leases }.FirstOrDefault(m => m.Kind == new GroupVersionKind(group, version, kind));

        public IReadOnlyList<JsonObject> List(ResourceMapping mapping, string? @namespace, LabelSelector? selector) =>
            [.. _objects.Where(o => o.Kind == mapping && (@namespace is null || o.Object.Namespace() == @namespace)
                && (selector is null || selector.Matches(o.Object.Labels()))).Select(o => o.Object)];

        public JsonObject? Get(ResourceMapping mapping, string? @namespace, string name) =>
            List(mapping, @namespace, null).FirstOrDefault(o => o.Name() == name);

        private static JsonObject Object(string apiVersion, string kind, string? ns, string name, string? labels = null, bool deleting = false)
        {
            var metadata = new JsonObject { ["name"] = name };
            if (ns is not null)
            {
                metadata["namespace"] = ns;
            }
            if (labels is not null)
            {
                metadata["labels"] = JsonNode.Parse(labels);
            }
            if (deleting)
            {
                metadata["deletionTimestamp"] = "2026-11-22T06:00:00Z";
            }
            return new JsonObject { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        }
    }
}
