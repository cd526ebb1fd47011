using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using Flotilla.Client;
using Flotilla.Client.Discovery;

namespace Flotilla.Cli.Commands.Explain;

/// <summary>
/// The hub's REST mapping for the placement validator, read through discovery before validating (the validator is
/// synchronous): for each selector's group/version/kind, whether the hub serves it and whether it is namespaced.
/// Discovery is GET-only.
/// </summary>
internal sealed class DiscoveredScopes : IResourceScopeResolver
{
    private readonly Dictionary<GroupVersionKind, bool> _namespaced;

    private DiscoveredScopes(Dictionary<GroupVersionKind, bool> namespaced) => _namespaced = namespaced;

    /// <summary>Looks up every kind the placement's resource selectors name.</summary>
    public static async Task<DiscoveredScopes> ResolveAsync(KubernetesClient client, PlacementSpec spec, CancellationToken cancellationToken)
    {
        var namespaced = new Dictionary<GroupVersionKind, bool>();
        foreach (var selector in spec.ResourceSelectors)
        {
            var kind = new GroupVersionKind(selector.Group, selector.Version, selector.Kind);
            if (namespaced.ContainsKey(kind))
            {
                continue;
            }
            try
            {
                namespaced[kind] = (await client.Mapper.MappingForAsync(kind, cancellationToken).ConfigureAwait(false)).Namespaced;
            }
            catch (NoResourceMatchException)
            {
                // Not served: the validator reports it with upstream's message.
            }
        }
        return new DiscoveredScopes(namespaced);
    }

    public bool TryResolve(string group, string version, string kind, out bool namespaced) =>
        _namespaced.TryGetValue(new GroupVersionKind(group, version, kind), out namespaced);
}
