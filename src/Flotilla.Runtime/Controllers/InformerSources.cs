using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.WorkQueue;

namespace Flotilla.Runtime.Controllers;

/// <summary>
/// Feeds a controller's queue from informers: <c>controller.Queue.EnqueueObjects(informer)</c>. Every add, update
/// (resyncs included) and delete enqueues keys; the queue deduplicates, and the reconciler reads current state from
/// the informers' listers, so only the key matters.
/// </summary>
public static class InformerSources
{
    /// <summary>Enqueues the <see cref="NamespacedName"/> of every object that changes (and passes <paramref name="predicate"/>, when given).</summary>
    /// <returns>The handler's registration: dispose it to stop.</returns>
    public static EventHandlerRegistration EnqueueObjects<T>(this WorkQueue<NamespacedName> queue, SharedInformer<T> informer, Func<T, bool>? predicate = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(informer);
        var accessor = informer.Accessor;
        return queue.EnqueueMapped(informer, obj => predicate is null || predicate(obj)
            ? [new NamespacedName(accessor.Namespace(obj) ?? "", accessor.Name(obj) ?? "")]
            : []);
    }

    /// <summary>
    /// For owned objects: enqueues the owner of every object that changes, taken from its
    /// <c>metadata.ownerReferences</c> entries of the owner's kind (group and kind; any version), only the controller
    /// reference when <paramref name="controllerOnly"/>. An update enqueues the owners before and after the change,
    /// so an object that changes owner reaches both. Owners of namespaced kinds are in the object's namespace, as
    /// owner references require.
    /// </summary>
    /// <returns>The handler's registration: dispose it to stop.</returns>
    public static EventHandlerRegistration EnqueueOwners(this WorkQueue<NamespacedName> queue, SharedInformer<JsonObject> informer, ResourceMapping owner, bool controllerOnly = true)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(owner);
        return queue.EnqueueMapped(informer, obj => OwnersOf(obj, owner, controllerOnly));
    }

    /// <summary>
    /// Enqueues the keys <paramref name="map"/> gives for every object that changes: for relations other than owner
    /// references (an annotation naming the source, a label shared by a group). An update enqueues the keys of both
    /// the old and the new object.
    /// </summary>
    /// <returns>The handler's registration: dispose it to stop.</returns>
    public static EventHandlerRegistration EnqueueMapped<T, TKey>(this WorkQueue<TKey> queue, SharedInformer<T> informer, Func<T, IEnumerable<TKey>> map)
        where T : class
        where TKey : notnull, IEquatable<TKey>
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(map);
        void Enqueue(T obj)
        {
            foreach (var key in map(obj))
            {
                queue.Add(key);
            }
        }
        return informer.AddEventHandler(
            onAdd: Enqueue,
            onUpdate: (old, current) =>
            {
                if (!ReferenceEquals(old, current))
                {
                    Enqueue(old);
                }
                Enqueue(current);
            },
            onDelete: deleted => Enqueue(deleted.Object));
    }

    private static IEnumerable<NamespacedName> OwnersOf(JsonObject obj, ResourceMapping owner, bool controllerOnly)
    {
        if ((obj["metadata"] as JsonObject)?["ownerReferences"] is not JsonArray references)
        {
            yield break;
        }
        var ns = owner.Namespaced ? obj.Namespace() : "";
        foreach (var reference in references.OfType<JsonObject>())
        {
            if (controllerOnly && !(reference["controller"] is JsonValue flag && flag.TryGetValue<bool>(out var isController) && isController))
            {
                continue;
            }
            var kind = GroupVersionKind.FromApiVersion(reference.GetString("apiVersion") ?? "", reference.GetString("kind") ?? "");
            if (kind.Group == owner.Kind.Group && kind.Kind == owner.Kind.Kind && reference.GetString("name") is { Length: > 0 } name)
            {
                yield return new NamespacedName(ns, name);
            }
        }
    }
}
