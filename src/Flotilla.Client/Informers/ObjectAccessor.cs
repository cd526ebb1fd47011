using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;

namespace Flotilla.Client.Informers;

/// <summary>
/// How an informer reads what it needs of an object of type <typeparamref name="T"/>: its identity, its version
/// and its labels. <see cref="ObjectAccessors.Unstructured"/> serves <see cref="JsonObject"/>; a typed model states
/// its own (<c>Namespace = o =&gt; o.Metadata.Namespace</c>, …).
/// </summary>
public sealed class ObjectAccessor<T>
    where T : class
{
    /// <summary><c>metadata.namespace</c>; null or empty for cluster-scoped objects.</summary>
    public required Func<T, string?> Namespace { get; init; }

    /// <summary><c>metadata.name</c>.</summary>
    public required Func<T, string?> Name { get; init; }

    /// <summary><c>metadata.resourceVersion</c>: compared for equality only, never ordered.</summary>
    public required Func<T, string?> ResourceVersion { get; init; }

    /// <summary><c>metadata.uid</c>, to tell a re-created object from an updated one; null when unknown.</summary>
    public Func<T, string?> Uid { get; init; } = static _ => null;

    /// <summary>Whether the object's labels match a selector; by default only the empty selector matches.</summary>
    public Func<T, LabelSelector, bool> MatchesLabels { get; init; } = static (_, selector) => selector.IsEverything;

    /// <summary>The cache key: <c>namespace/name</c>, or <c>name</c> for cluster-scoped objects (client-go's form).</summary>
    public string KeyOf(T obj) => Key(Namespace(obj), Name(obj) ?? "");

    internal static string Key(string? ns, string name) => string.IsNullOrEmpty(ns) ? name : string.Concat(ns, "/", name);
}

/// <summary>The built-in <see cref="ObjectAccessor{T}"/>s.</summary>
public static class ObjectAccessors
{
    /// <summary>Reads <see cref="JsonObject"/>s' <c>metadata</c>.</summary>
    public static ObjectAccessor<JsonObject> Unstructured { get; } = new()
    {
        Namespace = static o => (o["metadata"] as JsonObject)?.GetString("namespace"),
        Name = static o => (o["metadata"] as JsonObject)?.GetString("name"),
        ResourceVersion = static o => (o["metadata"] as JsonObject)?.GetString("resourceVersion"),
        Uid = static o => (o["metadata"] as JsonObject)?.GetString("uid"),
        MatchesLabels = static (o, selector) => selector.IsEverything || selector.Matches(o.Labels()),
    };

    /// <summary>Reads the <see cref="ObjectMeta"/> of any typed <see cref="KubeObject"/>.</summary>
    public static ObjectAccessor<T> Typed<T>()
        where T : KubeObject => TypedAccessor<T>.Instance;

    private static class TypedAccessor<T>
        where T : KubeObject
    {
        public static readonly ObjectAccessor<T> Instance = new()
        {
            Namespace = static o => o.Metadata.Namespace,
            Name = static o => o.Metadata.Name,
            ResourceVersion = static o => o.Metadata.ResourceVersion,
            Uid = static o => o.Metadata.Uid,
            MatchesLabels = static (o, selector) => selector.IsEverything || selector.Matches(o.Metadata.Labels),
        };
    }
}
