namespace Flotilla.Runtime;

/// <summary>
/// Identifies an object by namespace and name: the usual work-queue key of a controller. Cluster-scoped
/// objects have an empty namespace. Prints as <c>namespace/name</c> (or <c>name</c>), like client-go's keys.
/// </summary>
/// <param name="Namespace">The object's namespace; empty for cluster-scoped objects.</param>
/// <param name="Name">The object's name.</param>
public readonly record struct NamespacedName(string Namespace, string Name)
{
    /// <summary>The key of a cluster-scoped object.</summary>
    public static NamespacedName ClusterScoped(string name) => new(string.Empty, name);

    /// <summary>Parses <c>namespace/name</c> or <c>name</c>, the form <see cref="ToString"/> prints.</summary>
    /// <exception cref="FormatException">The key has more than one slash or an empty name.</exception>
    public static NamespacedName Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/');
        var result = slash < 0 ? ClusterScoped(key) : new NamespacedName(key[..slash], key[(slash + 1)..]);
        if (result.Name.Length == 0 || result.Name.Contains('/'))
        {
            throw new FormatException($"'{key}' is not a key: expected 'namespace/name' or 'name'.");
        }
        return result;
    }

    /// <summary><c>namespace/name</c>, or <c>name</c> for a cluster-scoped object.</summary>
    public override string ToString() => string.IsNullOrEmpty(Namespace) ? Name ?? string.Empty : $"{Namespace}/{Name}";
}
