using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Controllers;

/// <summary>
/// Owner-reference garbage collection, matched by uid: dependents whose owners are all gone are deleted
/// (background); Foreground deletion deletes dependents first and releases the owner once no dependent with
/// <c>blockOwnerDeletion</c> remains; Orphan deletion strips the owner from its dependents, then releases it.
/// </summary>
internal sealed class GarbageCollector(ResourceService service, ObjectIndex index)
{
    private static readonly RequestOptions Options = RequestOptions.System("garbage-collector");

    public async Task CheckOwnersAsync(ObjectRef dependent, CancellationToken cancellationToken)
    {
        if (Load(dependent) is not ({ } resource, { } obj) || obj.Uid() != dependent.Uid)
        {
            return;
        }
        var owners = ObjectIndex.OwnerUids(obj);
        if (owners.Count == 0)
        {
            return;
        }
        var missing = owners.Where(o => !index.Exists(o)).ToHashSet(StringComparer.Ordinal);
        if (missing.Count == 0)
        {
            return;
        }
        if (missing.Count == owners.Count)
        {
            if (!obj.IsDeleting())
            {
                await IgnoreNotFound(service.DeleteAsync(resource, Ns(dependent), dependent.Name, new DeleteOptions(PropagationPolicy.Background), cancellationToken)).ConfigureAwait(false);
            }
            return;
        }
        await RemoveOwnersAsync(resource, dependent, missing, cancellationToken).ConfigureAwait(false);
    }

    public async Task ForegroundAsync(ObjectRef owner, CancellationToken cancellationToken)
    {
        if (Load(owner) is not ({ } resource, { } obj) || !obj.IsDeleting() || !obj.Finalizers().Contains(Finalizers.ForegroundDeletion))
        {
            return;
        }
        var blocking = 0;
        foreach (var dependent in index.DependentsOf(owner.Uid))
        {
            if (Load(dependent) is not ({ } depResource, { } depObj))
            {
                continue;
            }
            if (BlocksOwner(depObj, owner.Uid))
            {
                blocking++;
            }
            if (!depObj.IsDeleting())
            {
                await IgnoreNotFound(service.DeleteAsync(depResource, Ns(dependent), dependent.Name, new DeleteOptions(PropagationPolicy.Foreground), cancellationToken)).ConfigureAwait(false);
            }
        }
        if (blocking == 0)
        {
            await RemoveFinalizerAsync(resource, owner, Finalizers.ForegroundDeletion, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task OrphanAsync(ObjectRef owner, CancellationToken cancellationToken)
    {
        if (Load(owner) is not ({ } resource, { } obj) || !obj.IsDeleting() || !obj.Finalizers().Contains(Finalizers.Orphan))
        {
            return;
        }
        foreach (var dependent in index.DependentsOf(owner.Uid))
        {
            if (Load(dependent) is ({ } depResource, _))
            {
                await RemoveOwnersAsync(depResource, dependent, new HashSet<string>(StringComparer.Ordinal) { owner.Uid }, cancellationToken).ConfigureAwait(false);
            }
        }
        await RemoveFinalizerAsync(resource, owner, Finalizers.Orphan, cancellationToken).ConfigureAwait(false);
    }

    private Task RemoveOwnersAsync(ResourceDefinition resource, ObjectRef dependent, IReadOnlySet<string> owners, CancellationToken cancellationToken) =>
        IgnoreNotFound(service.MutateAsync(resource, Ns(dependent), dependent.Name, null, current =>
        {
            var obj = current!;
            if (obj.At("metadata", "ownerReferences") is JsonArray refs)
            {
                var kept = new JsonArray([.. refs.OfType<JsonObject>().Where(r => !owners.Contains(r.GetString("uid") ?? "")).Select(r => (JsonNode)r.DeepClone())]);
                if (kept.Count == 0)
                {
                    obj.Metadata().Remove("ownerReferences");
                }
                else
                {
                    obj.Metadata()["ownerReferences"] = kept;
                }
            }
            obj.Metadata().Remove("resourceVersion");
            return obj;
        }, Options, null, cancellationToken));

    private Task RemoveFinalizerAsync(ResourceDefinition resource, ObjectRef target, string finalizer, CancellationToken cancellationToken) =>
        IgnoreNotFound(service.MutateAsync(resource, Ns(target), target.Name, null, current =>
        {
            var obj = current!;
            obj.SetFinalizers(obj.Finalizers().Where(f => f != finalizer));
            obj.Metadata().Remove("resourceVersion");
            return obj;
        }, Options, null, cancellationToken));

    private static bool BlocksOwner(JsonObject dependent, string ownerUid) =>
        dependent.At("metadata", "ownerReferences") is JsonArray refs &&
        refs.OfType<JsonObject>().Any(r => r.GetString("uid") == ownerUid && r["blockOwnerDeletion"] is JsonValue b && b.TryGetValue<bool>(out var blocks) && blocks);

    private (ResourceDefinition?, JsonObject?) Load(ObjectRef reference)
    {
        var resource = service.Registry.Versions(reference.Group, reference.Plural).FirstOrDefault();
        if (resource is null || service.GetRaw(resource, Ns(reference), reference.Name) is not { } stored)
        {
            return (null, null);
        }
        return (resource, ResourceService.Decode(resource, stored));
    }

    private static string? Ns(ObjectRef reference) => reference.Namespace.Length == 0 ? null : reference.Namespace;

    internal static async Task IgnoreNotFound(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 404)
        {
        }
    }
}
