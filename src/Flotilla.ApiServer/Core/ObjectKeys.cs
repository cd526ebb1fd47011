using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Core;

/// <summary>
/// Storage keys. Every version of a resource shares one key space (<c>/{group}/{plural}/…</c>), so an object
/// written through one served version is read through any other. Collection prefixes end with '/', so that
/// namespace <c>a</c> never matches namespace <c>ab</c>.
/// </summary>
internal static class ObjectKeys
{
    public static string Key(ResourceDefinition resource, string? ns, string name) =>
        resource.Namespaced ? $"{Root(resource)}{ns}/{name}" : $"{Root(resource)}{name}";

    /// <summary>The prefix of a collection: one namespace, or every namespace when <paramref name="ns"/> is null.</summary>
    public static string Prefix(ResourceDefinition resource, string? ns) =>
        resource.Namespaced && !string.IsNullOrEmpty(ns) ? $"{Root(resource)}{ns}/" : Root(resource);

    private static string Root(ResourceDefinition resource) =>
        $"/{(resource.Group.Length == 0 ? "core" : resource.Group)}/{resource.Plural}/";
}
