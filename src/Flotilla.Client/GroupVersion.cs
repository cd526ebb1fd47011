using System.Reflection;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;

namespace Flotilla.Client;

/// <summary>A kind in one API group-version, e.g. <c>apps/v1 Deployment</c>. The core group is <c>""</c>.</summary>
public readonly record struct GroupVersionKind(string Group, string Version, string Kind)
{
    /// <summary>Splits a manifest's <c>apiVersion</c> (<c>v1</c> or <c>apps/v1</c>) and pairs it with its <c>kind</c>.</summary>
    public static GroupVersionKind FromApiVersion(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? new("", apiVersion, kind) : new(apiVersion[..slash], apiVersion[(slash + 1)..], kind);
    }

    /// <summary><c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public override string ToString() => $"{ApiVersion}, Kind={Kind}";
}

/// <summary>A resource (the plural in URLs) in one API group-version, e.g. <c>apps/v1 deployments</c>.</summary>
public readonly record struct GroupVersionResource(string Group, string Version, string Resource)
{
    /// <summary><c>v1</c> for the core group, else <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public override string ToString() => $"{ApiVersion}, Resource={Resource}";
}

/// <summary>
/// What a client needs to address a kind: its resource, its kind and its scope. Comes from discovery
/// (<see cref="Discovery.RestMapper"/>) or is stated by the caller for well-known types.
/// </summary>
/// <param name="Resource">Group, version and plural resource name, as in URLs.</param>
/// <param name="Kind">The kind the resource serves.</param>
/// <param name="Namespaced">True for namespaced resources, false for cluster-scoped ones.</param>
public sealed record ResourceMapping(GroupVersionResource Resource, GroupVersionKind Kind, bool Namespaced)
{
    /// <summary>A mapping in one group-version: <c>("apps", "v1", "deployments", "Deployment", namespaced: true)</c>.</summary>
    public ResourceMapping(string group, string version, string resource, string kind, bool namespaced)
        : this(new GroupVersionResource(group, version, resource), new GroupVersionKind(group, version, kind), namespaced)
    {
    }

    /// <summary><c>plural.group</c> (or just the plural for the core group), as upstream names resources in messages.</summary>
    public string QualifiedResource => Resource.Group.Length == 0 ? Resource.Resource : $"{Resource.Resource}.{Resource.Group}";
}

/// <summary>The mappings of typed custom resources, read from their <see cref="CustomResourceAttribute"/> (storage version).</summary>
public static class CustomResourceMappings
{
    /// <summary>The mapping of <typeparamref name="T"/> in its storage version.</summary>
    public static ResourceMapping Of<T>()
        where T : KubeObject => Cache<T>.Mapping;

    private static class Cache<T>
        where T : KubeObject
    {
        public static readonly ResourceMapping Mapping = Create();

        private static ResourceMapping Create()
        {
            var resource = typeof(T).GetCustomAttribute<CustomResourceAttribute>()
                ?? throw new InvalidOperationException($"{typeof(T).FullName} is not a custom resource: it has no [CustomResource] attribute");
            return new ResourceMapping(resource.Group, resource.Versions[0], resource.Plural, resource.Kind, resource.Namespaced);
        }
    }
}
