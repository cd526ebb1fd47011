using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Http;

/// <summary>
/// A request URL resolved against the registry: which resource, which namespace, which object and which
/// subresource. Collections have no <see cref="Name"/>.
/// </summary>
internal sealed record ResourcePath(ResourceDefinition Resource, string? Namespace, string? Name, string? Subresource)
{
    public bool IsCollection => Name is null;

    /// <summary>
    /// Parses the part after <c>/api/v1</c> or <c>/apis/{group}/{version}</c>. Throws 404 for names the registry
    /// does not serve. <c>namespaces/{x}/{y}</c> is a namespaced collection when <c>{y}</c> is a namespaced
    /// resource, otherwise subresource <c>{y}</c> of namespace <c>{x}</c>.
    /// </summary>
    public static ResourcePath Parse(ResourceRegistry registry, string group, string version, ReadOnlySpan<string> segments)
    {
        if (segments.Length == 0)
        {
            throw ApiException.NoSuchPath();
        }
        if (segments[0] == "namespaces" && segments.Length >= 3)
        {
            var nested = registry.Find(group, version, segments[2]);
            if (nested is { Namespaced: true })
            {
                var ns = segments[1];
                return segments.Length switch
                {
                    3 => new ResourcePath(nested, ns, null, null),
                    4 => new ResourcePath(nested, ns, segments[3], null),
                    5 => new ResourcePath(nested, ns, segments[3], CheckSubresource(nested, segments[4])),
                    _ => throw ApiException.NoSuchPath(),
                };
            }
        }
        var resource = registry.Find(group, version, segments[0]) ?? throw ApiException.NoSuchPath();
        return segments.Length switch
        {
            // A namespaced resource addressed without a namespace: the all-namespaces collection only.
            1 => new ResourcePath(resource, null, null, null),
            2 when !resource.Namespaced => new ResourcePath(resource, null, segments[1], null),
            3 when !resource.Namespaced => new ResourcePath(resource, null, segments[1], CheckSubresource(resource, segments[2])),
            _ => throw ApiException.NoSuchPath(),
        };
    }

    private static string CheckSubresource(ResourceDefinition resource, string name)
    {
        var served = name switch
        {
            "status" => resource.HasStatusSubresource,
            "scale" => resource.Scale is not null,
            "finalize" => resource.Group.Length == 0 && resource.Plural == "namespaces",
            _ => false,
        };
        return served ? name : throw ApiException.NoSuchPath();
    }
}
