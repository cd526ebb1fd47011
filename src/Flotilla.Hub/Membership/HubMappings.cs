using Flotilla.Client;

namespace Flotilla.Hub.Membership;

/// <summary>
/// The built-in resources the membership controller reads and writes, stated rather than discovered: they are stable.
/// Fleet kinds come from their types (<see cref="CustomResourceMappings.Of{T}"/>).
/// </summary>
internal static class HubMappings
{
    public static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    public static readonly ResourceMapping Roles = new("rbac.authorization.k8s.io", "v1", "roles", "Role", namespaced: true);
    public static readonly ResourceMapping RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", namespaced: true);
}
