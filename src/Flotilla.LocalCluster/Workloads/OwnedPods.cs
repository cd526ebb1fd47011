using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.Runtime;
using Flotilla.Runtime.WorkQueue;

namespace Flotilla.LocalCluster.Workloads;

/// <summary>The pod event wiring every pod-owning controller shares: requeue the controlling owner, and settle its expectations.</summary>
internal static class OwnedPods
{
    public static EventHandlerRegistration Watch(SharedInformer<JsonObject> podInformer, ResourceMapping ownerKind, Expectations<NamespacedName> expectations, WorkQueue<NamespacedName> queue)
    {
        NamespacedName? Owner(JsonObject pod) =>
            ObjectRefs.IsControlledBy(pod, ownerKind, out var name, out _) ? new NamespacedName(pod.Namespace(), name) : null;
        return podInformer.AddEventHandler(
            onAdd: pod =>
            {
                if (Owner(pod) is { } key)
                {
                    expectations.CreationObserved(key);
                    queue.Add(key);
                }
            },
            onUpdate: (old, pod) =>
            {
                if (Owner(old) is { } before && Owner(pod) != before)
                {
                    queue.Add(before);
                }
                if (Owner(pod) is { } key)
                {
                    queue.Add(key);
                }
            },
            onDelete: deleted =>
            {
                if (Owner(deleted.Object) is { } key)
                {
                    expectations.DeletionObserved(key, deleted.Object.Name());
                    queue.Add(key);
                }
            });
    }
}
