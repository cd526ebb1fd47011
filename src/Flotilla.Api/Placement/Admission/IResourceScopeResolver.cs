namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// The hub's REST mapping, as placement validation needs it: whether a selector's group/version/kind is served, and
/// whether it is namespaced. The API server plugs in its registry; a client-side validator plugs in discovery.
/// </summary>
/// <remarks>
/// Upstream's webhook asks two sources: the REST mapper (unknown kinds fail with "failed to get GVR of the selector")
/// and the resource informer (the scope). Passing no resolver to <see cref="PlacementValidator"/> stands for "the
/// informer is not ready yet", which upstream reports as "cannot perform resource scope check for now, please retry".
/// </remarks>
public interface IResourceScopeResolver
{
    /// <summary>
    /// Resolves <paramref name="group"/>/<paramref name="version"/>/<paramref name="kind"/> (<paramref name="group"/> is
    /// empty for the core group); false when the server does not serve that kind in that version.
    /// </summary>
    bool TryResolve(string group, string version, string kind, out bool namespaced);
}
