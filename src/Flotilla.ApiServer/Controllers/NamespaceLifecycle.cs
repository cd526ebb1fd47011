using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;

namespace Flotilla.ApiServer.Controllers;

/// <summary>
/// Terminates namespaces: deletes everything in a namespace marked for deletion (honouring each object's
/// finalizers) and, once it is empty, removes the <c>kubernetes</c> finalizer from <c>spec.finalizers</c> so the
/// namespace itself goes away.
/// </summary>
internal sealed class NamespaceLifecycle(ResourceService service)
{
    private static readonly RequestOptions Options = RequestOptions.System("namespace-controller");

    public async Task TerminateAsync(string name, CancellationToken cancellationToken)
    {
        var namespaces = service.Registry.Find("", "v1", "namespaces")!;
        if (service.GetRaw(namespaces, null, name) is not { } stored || !Obj.Parse(stored.Value).IsDeleting())
        {
            return;
        }
        var remaining = 0;
        // One version per resource: every version addresses the same stored objects.
        foreach (var resource in service.Registry.All.Where(r => r.Namespaced).DistinctBy(r => (r.Group, r.Plural)))
        {
            foreach (var item in service.List(resource, name).Items)
            {
                remaining++;
                var obj = ResourceService.Decode(resource, item);
                if (!obj.IsDeleting())
                {
                    await GarbageCollector.IgnoreNotFound(service.DeleteAsync(resource, name, obj.Name(), new DeleteOptions(PropagationPolicy.Background), cancellationToken)).ConfigureAwait(false);
                }
            }
        }
        if (remaining > 0)
        {
            // Each deletion in this namespace re-queues the namespace; the last one finds it empty.
            return;
        }
        await GarbageCollector.IgnoreNotFound(service.MutateAsync(namespaces, null, name, "finalize", current =>
        {
            if (current!["spec"] is JsonObject spec && spec["finalizers"] is JsonArray finalizers)
            {
                spec["finalizers"] = new JsonArray([.. finalizers.Where(f => (string?)f != Finalizers.Kubernetes).Select(f => f?.DeepClone())]);
            }
            current.Metadata().Remove("resourceVersion");
            return current;
        }, Options, null, cancellationToken)).ConfigureAwait(false);
    }
}
