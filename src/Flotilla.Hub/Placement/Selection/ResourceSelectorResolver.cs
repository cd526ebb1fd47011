using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Hub.Placement.Resources;

namespace Flotilla.Hub.Placement.Selection;

/// <summary>
/// What the selector resolver reads from the hub: the kinds it can propagate and their objects. The placement
/// controller answers from its informer caches; tests from memory.
/// </summary>
internal interface IHubObjects
{
    /// <summary>The served kind <paramref name="group"/>/<paramref name="version"/>/<paramref name="kind"/>, or null.</summary>
    ResourceMapping? Mapping(string group, string version, string kind);

    /// <summary>Every namespaced kind whose objects a namespace carries with it (served with list and watch, not disabled).</summary>
    IReadOnlyList<ResourceMapping> NamespacedKinds { get; }

    /// <summary>The objects of a kind, in one namespace (or cluster-wide / all namespaces when null), matching the selector if any.</summary>
    IReadOnlyList<JsonObject> List(ResourceMapping mapping, string? @namespace, LabelSelector? selector);

    /// <summary>One object, or null when it does not exist.</summary>
    JsonObject? Get(ResourceMapping mapping, string? @namespace, string name);
}

/// <summary>The selected objects (unsanitized, in no particular order), or why the selectors are invalid.</summary>
internal sealed record SelectionOutcome(IReadOnlyList<JsonObject> Objects, string? UserError)
{
    /// <summary>The prefix upstream puts on every user error of the resolver.</summary>
    public const string ClientErrorPrefix = "failed to process the request due to a client error: ";

    public static SelectionOutcome Invalid(string error) => new([], ClientErrorPrefix + error);
}

/// <summary>
/// Resolves a placement's resource selectors to hub objects (placement spec §1.3.2): a Namespace selector carries
/// the namespace and, by default, every object of every namespaced kind inside it; a CRP may select namespaced kinds
/// only inside the one namespace of a <c>NamespaceWithResourceSelectors</c> selector; an RP selects namespaced kinds in
/// its own namespace. Objects the propagation filter rejects are dropped; an object selected twice, a reserved
/// namespace or a selector of the wrong scope is a user error.
/// </summary>
/// <param name="hub">The hub's objects.</param>
/// <param name="kindDisabled">Whether a kind is disabled by the resource config (its selectors are silently skipped).</param>
/// <param name="skippedNamespaces">The hub's configured namespaces never to propagate, besides kube-*, fleet-* and default.</param>
/// <param name="shouldPropagate">The per-object skip filter (owned ReplicaSets, default service accounts, deleting objects …).</param>
internal sealed class ResourceSelectorResolver(
    IHubObjects hub, Func<ResourceMapping, bool> kindDisabled, IReadOnlySet<string> skippedNamespaces, Func<JsonObject, bool> shouldPropagate)
{
    private static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);

    /// <summary>Selects the placement's resources.</summary>
    public SelectionOutcome Select(IPlacement placement, bool clusterScoped)
    {
        ArgumentNullException.ThrowIfNull(placement);
        var name = placement.Metadata.Name ?? "";
        var selected = new List<JsonObject>();
        var seen = new HashSet<(string Group, string Version, string Kind, string Namespace, string Name)>();

        // Pass 1: a CRP's NamespaceWithResourceSelectors selector names the one namespace its other selectors select in.
        string? selectorNamespace = null;
        if (clusterScoped && placement.Spec.ResourceSelectors.FirstOrDefault(IsNamespaceWithResourceSelectors) is { } scoped)
        {
            var ns = scoped.Name is { } n ? hub.Get(Namespaces, null, n) : null;
            if (ns is null || ns.IsDeleting() || PropagationFilter.IsNamespaceSkipped(scoped.Name!, skippedNamespaces))
            {
                return SelectionOutcome.Invalid($"invalid clusterResourcePlacement {name}: NamespaceWithResourceSelectors mode requires exactly one namespace, but no namespaces were selected");
            }
            selectorNamespace = scoped.Name;
        }

        foreach (var selector in placement.Spec.ResourceSelectors)
        {
            var mapping = hub.Mapping(selector.Group, selector.Version, selector.Kind);
            if (mapping is null || kindDisabled(mapping))
            {
                continue;
            }
            IEnumerable<JsonObject> candidates;
            if (selector.Group.Length == 0 && selector.Kind == "Namespace")
            {
                if (!clusterScoped)
                {
                    return SelectionOutcome.Invalid($"invalid placement {name}: cannot select cluster-scoped resource Namespace in a resourcePlacement");
                }
                var namespaces = Fetch(mapping, null, selector);
                if (selector.SelectionScope is SelectionScope.NamespaceOnly or SelectionScope.NamespaceWithResourceSelectors)
                {
                    candidates = namespaces;
                }
                else
                {
                    var carried = new List<JsonObject>();
                    foreach (var ns in namespaces)
                    {
                        var nsName = ns.Name();
                        if (PropagationFilter.IsNamespaceSkipped(nsName, skippedNamespaces))
                        {
                            // Upstream's text, typo included.
                            return SelectionOutcome.Invalid($"invalid clusterRresourcePlacement {name}: namespace {nsName} is not allowed to propagate");
                        }
                        if (ns.IsDeleting())
                        {
                            continue;
                        }
                        carried.Add(ns);
                        foreach (var kind in hub.NamespacedKinds)
                        {
                            carried.AddRange(hub.List(kind, nsName, null));
                        }
                    }
                    candidates = carried;
                }
            }
            else if (mapping.Namespaced)
            {
                if (clusterScoped && selectorNamespace is null)
                {
                    return SelectionOutcome.Invalid(
                        $"invalid placement {name}: cannot select namespace-scoped resource {GoFormat.Gvk(selector.Group, selector.Version, selector.Kind)} in a clusterResourcePlacement");
                }
                candidates = Fetch(mapping, clusterScoped ? selectorNamespace : placement.Metadata.Namespace, selector);
            }
            else
            {
                if (!clusterScoped)
                {
                    return SelectionOutcome.Invalid(
                        $"invalid placement {name}: cannot select cluster-scoped resource {GoFormat.Gvk(selector.Group, selector.Version, selector.Kind)} in a resourcePlacement");
                }
                candidates = Fetch(mapping, null, selector);
            }

            foreach (var candidate in candidates)
            {
                if (!shouldPropagate(candidate))
                {
                    continue;
                }
                var key = Key(candidate);
                if (!seen.Add(key))
                {
                    return SelectionOutcome.Invalid(
                        $"found duplicate resource {{Group:{key.Group} Version:{key.Version} Kind:{key.Kind} Name:{key.Name} Namespace:{key.Namespace} Envelope:<nil>}}");
                }
                selected.Add(candidate);
            }
        }
        return new SelectionOutcome(selected, null);
    }

    /// <summary>By name (a missing object selects nothing), by label selector, or every object of the kind.</summary>
    private IReadOnlyList<JsonObject> Fetch(ResourceMapping mapping, string? ns, ResourceSelectorTerm selector)
    {
        if (selector.Name is { Length: > 0 } objectName)
        {
            return hub.Get(mapping, ns, objectName) is { } found ? [found] : [];
        }
        return hub.List(mapping, ns, selector.LabelSelector?.ToSelector());
    }

    private static bool IsNamespaceWithResourceSelectors(ResourceSelectorTerm selector) =>
        selector.Group.Length == 0 && selector.Kind == "Namespace" && selector.SelectionScope == SelectionScope.NamespaceWithResourceSelectors;

    private static (string Group, string Version, string Kind, string Namespace, string Name) Key(JsonObject obj)
    {
        var (group, version, kind) = GroupVersionKind.FromApiVersion(obj.GetString("apiVersion") ?? "", obj.GetString("kind") ?? "");
        return (group, version, kind, obj.Namespace(), obj.Name());
    }
}
