using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Controllers;

/// <summary>
/// Cleans up after a deleted CustomResourceDefinition: deletes every instance, then removes the
/// <c>customresourcecleanup.apiextensions.k8s.io</c> finalizer so the CRD (and its API) goes away.
/// </summary>
internal sealed class CrdLifecycle(ResourceService service)
{
    private static readonly RequestOptions Options = RequestOptions.System("apiextensions-controller");

    private ResourceDefinition Crds => service.Registry.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;

    /// <summary>The CRD of a deleted instance when that CRD is itself being deleted (its cleanup may now finish).</summary>
    public ObjectRef? IsInstanceOfDeletingCrd(ObjectRef instance)
    {
        if (instance.Group.Length == 0 || !instance.Group.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }
        var name = $"{instance.Plural}.{instance.Group}";
        if (service.GetRaw(Crds, null, name) is not { } stored)
        {
            return null;
        }
        var crd = Obj.Parse(stored.Value);
        return crd.IsDeleting() ? ObjectRef.From(stored.Key, crd) : null;
    }

    public async Task CleanupAsync(string name, CancellationToken cancellationToken)
    {
        if (service.GetRaw(Crds, null, name) is not { } stored)
        {
            return;
        }
        var crd = Obj.Parse(stored.Value);
        if (!crd.IsDeleting() || !crd.Finalizers().Contains(Finalizers.CustomResourceCleanup))
        {
            return;
        }
        var group = crd.At("spec", "group")?.GetValue<string>() ?? "";
        var plural = crd.At("spec", "names", "plural")?.GetValue<string>() ?? "";
        var remaining = 0;
        if (service.Registry.Versions(group, plural).FirstOrDefault() is { } resource)
        {
            foreach (var item in service.List(resource, null).Items)
            {
                remaining++;
                var obj = ResourceService.Decode(resource, item);
                if (!obj.IsDeleting())
                {
                    var ns = obj.Namespace();
                    await GarbageCollector.IgnoreNotFound(service.DeleteAsync(resource, ns.Length == 0 ? null : ns, obj.Name(), new DeleteOptions(PropagationPolicy.Background), cancellationToken)).ConfigureAwait(false);
                }
            }
        }
        if (remaining > 0)
        {
            return;
        }
        await GarbageCollector.IgnoreNotFound(service.MutateAsync(Crds, null, name, null, current =>
        {
            var obj = current!;
            obj.SetFinalizers(obj.Finalizers().Where(f => f != Finalizers.CustomResourceCleanup));
            obj.Metadata().Remove("resourceVersion");
            return obj;
        }, Options, null, cancellationToken)).ConfigureAwait(false);
    }
}
