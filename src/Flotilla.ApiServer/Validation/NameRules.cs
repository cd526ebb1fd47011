using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Validation;

/// <summary>Which syntax an object's <c>metadata.name</c> must follow.</summary>
internal enum NameKind
{
    /// <summary>Lowercase RFC 1123 subdomain, at most 253 characters: most kinds, custom resources included.</summary>
    Dns1123Subdomain,

    /// <summary>Lowercase RFC 1123 label, at most 63 characters, no dots: namespaces.</summary>
    Dns1123Label,

    /// <summary>RFC 1035 label: like a 1123 label but must start with a letter: services (the name becomes a DNS name and env var prefix).</summary>
    Dns1035Label,

    /// <summary>Anything that fits one URL path segment: RBAC roles and bindings (e.g. <c>system:controller:x</c>).</summary>
    PathSegment,
}

/// <summary>Name syntax per resource, as upstream's per-kind name validators choose it.</summary>
internal static class NameRules
{
    private static readonly Dictionary<(string Group, string Resource), NameKind> Exceptions = new()
    {
        [("", "namespaces")] = NameKind.Dns1123Label,
        [("", "services")] = NameKind.Dns1035Label,
        [("rbac.authorization.k8s.io", "roles")] = NameKind.PathSegment,
        [("rbac.authorization.k8s.io", "clusterroles")] = NameKind.PathSegment,
        [("rbac.authorization.k8s.io", "rolebindings")] = NameKind.PathSegment,
        [("rbac.authorization.k8s.io", "clusterrolebindings")] = NameKind.PathSegment,
    };

    /// <summary>
    /// The name rule for a served resource. Custom resources use DNS subdomains, as upstream's custom resource
    /// validator does (<c>NameIsDNSSubdomain</c>); path-segment rules apply to them only through the URL
    /// (<see cref="CheckPathSegment"/>).
    /// </summary>
    public static NameKind For(ResourceDefinition definition) =>
        definition.IsCustom ? NameKind.Dns1123Subdomain : For(definition.Group, definition.Plural);

    public static NameKind For(string group, string resource) =>
        Exceptions.TryGetValue((group, resource), out var kind) ? kind : NameKind.Dns1123Subdomain;

    /// <summary>
    /// Upstream's error strings for <paramref name="name"/> (empty when valid). With <paramref name="isPrefix"/> the
    /// value is a <c>generateName</c>: a trailing '-' is allowed because random characters will follow it.
    /// </summary>
    public static IReadOnlyList<string> Check(NameKind kind, string name, bool isPrefix = false)
    {
        if (kind == NameKind.PathSegment)
        {
            return isPrefix ? NameValidation.IsPathSegmentPrefix(name) : NameValidation.IsPathSegmentName(name);
        }
        if (isPrefix && name.EndsWith('-'))
        {
            name = name[..^1] + "a";
        }
        return kind switch
        {
            NameKind.Dns1123Label => NameValidation.IsDns1123Label(name),
            NameKind.Dns1035Label => NameValidation.IsDns1035Label(name),
            _ => NameValidation.IsDns1123Subdomain(name),
        };
    }

    /// <summary>Whether a name taken from a URL path can address an object at all (upstream checks this on every verb).</summary>
    public static IReadOnlyList<string> CheckPathSegment(string name) => NameValidation.IsPathSegmentName(name);
}
