using System.Text.Json;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement;
using Flotilla.Runtime.Controllers;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub.Networking;

/// <summary>
/// The hub EndpointSliceExport controller (networking spec §4.3): copies each exported slice to the cluster namespaces
/// that import its service (the ServiceImport's <c>service-in-use-by</c>) as EndpointSliceImports of the same name,
/// and withdraws the copies from clusters that no longer import it, or when the export goes.
/// </summary>
internal sealed class EndpointSliceDistributionReconciler(Lister<EndpointSliceExport> exports, Lister<EndpointSliceImport> imports, KubernetesClient hub)
    : IReconciler<NamespacedName>
{
    /// <summary>How soon an export looks again while its ServiceImport is missing or unresolved.</summary>
    internal static readonly TimeSpan UnresolvedRecheck = TimeSpan.FromSeconds(5);

    private readonly ResourceClient<EndpointSliceExport> _exports = hub.Resource(CustomResourceMappings.Of<EndpointSliceExport>(), NetworkingJsonContext.Default.EndpointSliceExport);
    private readonly ResourceClient<EndpointSliceImport> _imports = hub.Resource(CustomResourceMappings.Of<EndpointSliceImport>(), NetworkingJsonContext.Default.EndpointSliceImport);
    private readonly ResourceClient<ServiceImport> _serviceImports = hub.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var export = exports.Get(key.Namespace, key.Name);
        if (export is null)
        {
            return ReconcileResult.Done;
        }
        if (export.Metadata.IsDeleting)
        {
            if (export.Metadata.HasFinalizer(NetworkingApi.EndpointSliceExportCleanupFinalizer))
            {
                await WithdrawAllAsync(export, cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        var owner = export.Spec.OwnerServiceReference;
        var serviceImport = await InternalServiceExportReconciler.GetAsync(_serviceImports.InNamespace(owner.Namespace), owner.Name, cancellationToken).ConfigureAwait(false);
        if (serviceImport is null || (serviceImport.Status?.Clusters?.Count ?? 0) == 0)
        {
            return ReconcileResult.RequeueAfter(UnresolvedRecheck);
        }
        if (serviceImport.Metadata.Annotation(NetworkingApi.ServiceInUseByAnnotation) is not { } inUseBy)
        {
            if (export.Metadata.HasFinalizer(NetworkingApi.EndpointSliceExportCleanupFinalizer))
            {
                await WithdrawAllAsync(export, cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        if (NetworkingAnnotations.ParseServiceInUseBy(inUseBy) is not { } importers)
        {
            // Invalid JSON: the next write of the annotation brings this back.
            return ReconcileResult.Done;
        }
        if (!export.Metadata.HasFinalizer(NetworkingApi.EndpointSliceExportCleanupFinalizer))
        {
            export = await _exports.InNamespace(key.Namespace).PatchAsync(key.Name, Writes.FinalizersPatch(export.Metadata, add: NetworkingApi.EndpointSliceExportCleanupFinalizer),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var specJson = JsonSerializer.Serialize(export.Spec, NetworkingJsonContext.Default.EndpointSliceExportSpec);
        var copies = imports.List().Where(i => i.Metadata.Name == key.Name).ToList();
        foreach (var copy in copies.Where(c => !importers.ContainsKey(c.Metadata.Namespace ?? "") && !c.Metadata.IsDeleting))
        {
            await DeleteAsync(copy, cancellationToken).ConfigureAwait(false);
        }
        foreach (var clusterNamespace in importers.Keys)
        {
            var existing = copies.FirstOrDefault(c => c.Metadata.Namespace == clusterNamespace);
            var spec = JsonSerializer.Deserialize(specJson, NetworkingJsonContext.Default.EndpointSliceExportSpec)!;
            if (existing is null)
            {
                await _imports.InNamespace(clusterNamespace).CreateAsync(new EndpointSliceImport
                {
                    ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                    Kind = "EndpointSliceImport",
                    Metadata = new ObjectMeta { Name = key.Name, Namespace = clusterNamespace },
                    Spec = spec,
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else if (JsonSerializer.Serialize(existing.Spec, NetworkingJsonContext.Default.EndpointSliceExportSpec) != specJson)
            {
                existing.Spec = spec;
                await _imports.InNamespace(clusterNamespace).UpdateAsync(existing, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        return ReconcileResult.Done;
    }

    private async Task WithdrawAllAsync(EndpointSliceExport export, CancellationToken cancellationToken)
    {
        foreach (var copy in imports.List().Where(i => i.Metadata.Name == export.Metadata.Name && !i.Metadata.IsDeleting))
        {
            await DeleteAsync(copy, cancellationToken).ConfigureAwait(false);
        }
        if (export.Metadata.HasFinalizer(NetworkingApi.EndpointSliceExportCleanupFinalizer))
        {
            await _exports.InNamespace(export.Metadata.Namespace).PatchAsync(export.Metadata.Name!,
                Writes.FinalizersPatch(export.Metadata, remove: NetworkingApi.EndpointSliceExportCleanupFinalizer), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteAsync(EndpointSliceImport copy, CancellationToken cancellationToken)
    {
        try
        {
            await _imports.InNamespace(copy.Metadata.Namespace).DeleteAsync(copy.Metadata.Name!, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
    }
}
