using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Member.Networking;

/// <summary>
/// The member ServiceImport controller (networking spec §5.4): each member ServiceImport (an MCS's claim on a fleet
/// service) is mirrored on the hub as InternalServiceImport <c>fleet-member-&lt;me&gt;/&lt;ns&gt;-&lt;name&gt;</c>, and withdrawn
/// before the ServiceImport goes.
/// </summary>
internal sealed class ServiceImportClaimReconciler(string clusterId, Lister<ServiceImport> imports, KubernetesClient member, KubernetesClient hub)
    : IReconciler<NamespacedName>
{
    private readonly ResourceClient<ServiceImport> _memberImports = member.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);

    private readonly ResourceClient<InternalServiceImport> _hubImports =
        hub.Resource(CustomResourceMappings.Of<InternalServiceImport>(), NetworkingJsonContext.Default.InternalServiceImport).InNamespace(NetworkingApi.ClusterNamespace(clusterId));

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var serviceImport = imports.Get(key.Namespace, key.Name);
        if (serviceImport is null)
        {
            return ReconcileResult.Done;
        }
        var hubName = NetworkingApi.InternalServiceImportName(key.Namespace, key.Name);
        var memberClient = _memberImports.InNamespace(key.Namespace);
        try
        {
            if (serviceImport.Metadata.IsDeleting)
            {
                if (serviceImport.Metadata.HasFinalizer(NetworkingApi.ServiceImportCleanupFinalizer))
                {
                    await DeleteIgnoringNotFoundAsync(_hubImports, hubName, cancellationToken).ConfigureAwait(false);
                    await memberClient.PatchAsync(key.Name, MemberWrites.FinalizersPatch(serviceImport.Metadata, NetworkingApi.ServiceImportCleanupFinalizer, add: false),
                        cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                return ReconcileResult.Done;
            }
            if (!serviceImport.Metadata.HasFinalizer(NetworkingApi.ServiceImportCleanupFinalizer))
            {
                serviceImport = await memberClient.PatchAsync(key.Name, MemberWrites.FinalizersPatch(serviceImport.Metadata, NetworkingApi.ServiceImportCleanupFinalizer, add: true),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            var reference = new ExportedObjectReference
            {
                ClusterId = clusterId,
                ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                Kind = "ServiceImport",
                Namespace = key.Namespace,
                Name = key.Name,
                ResourceVersion = serviceImport.Metadata.ResourceVersion ?? "",
                Generation = serviceImport.Metadata.Generation ?? 0,
                Uid = serviceImport.Metadata.Uid ?? "",
                NamespacedName = NetworkingApi.NamespacedName(key.Namespace, key.Name),
                ExportedSince = serviceImport.Metadata.CreationTimestamp,
            };
            InternalServiceImport? existing;
            try
            {
                existing = await _hubImports.GetAsync(hubName, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                existing = null;
            }
            if (existing is null)
            {
                await _hubImports.CreateAsync(new InternalServiceImport
                {
                    ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                    Kind = "InternalServiceImport",
                    Metadata = new ObjectMeta { Name = hubName, Namespace = NetworkingApi.ClusterNamespace(clusterId) },
                    Spec = new InternalServiceImportSpec { ServiceImportReference = reference },
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else if (existing.Spec.ServiceImportReference.ResourceVersion != reference.ResourceVersion
                     || existing.Spec.ServiceImportReference.Generation != reference.Generation)
            {
                existing.Spec.ServiceImportReference.ResourceVersion = reference.ResourceVersion;
                existing.Spec.ServiceImportReference.Generation = reference.Generation;
                await _hubImports.UpdateAsync(existing, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        catch (ApiException e) when (e.IsConflict() || e.IsAlreadyExists())
        {
            return ReconcileResult.Requeue;
        }
    }

    internal static async Task DeleteIgnoringNotFoundAsync<T>(ResourceClient<T> client, string name, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            await client.DeleteAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
    }
}

/// <summary>
/// The member InternalServiceImport controller (networking spec §5.5): the hub's verdict on this member's claim (the
/// resolved ports and clusters, or nothing when another cluster holds the import) becomes the member ServiceImport's
/// status; a hub claim whose member ServiceImport is gone is deleted.
/// </summary>
internal sealed class ServiceImportStatusMirror(Lister<InternalServiceImport> hubImports, KubernetesClient member, KubernetesClient hub) : IReconciler<NamespacedName>
{
    private readonly ResourceClient<ServiceImport> _memberImports = member.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);

    private readonly ResourceClient<InternalServiceImport> _hubClient =
        hub.Resource(CustomResourceMappings.Of<InternalServiceImport>(), NetworkingJsonContext.Default.InternalServiceImport);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var claim = hubImports.Get(key.Namespace, key.Name);
        if (claim is null || claim.Metadata.IsDeleting)
        {
            return ReconcileResult.Done;
        }
        var reference = claim.Spec.ServiceImportReference;
        var client = _memberImports.InNamespace(reference.Namespace);
        ServiceImport serviceImport;
        try
        {
            serviceImport = await client.GetAsync(reference.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_hubClient.InNamespace(key.Namespace), key.Name, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var desired = JsonSerializer.SerializeToNode(claim.Status ?? new ServiceImportStatus(), NetworkingJsonContext.Default.ServiceImportStatus)!.AsObject();
        if (desired.ToJsonString() == JsonSerializer.Serialize(serviceImport.Status ?? new ServiceImportStatus(), NetworkingJsonContext.Default.ServiceImportStatus))
        {
            return ReconcileResult.Done;
        }
        foreach (var field in new[] { "ports", "clusters", "type", "ips", "sessionAffinity", "sessionAffinityConfig" })
        {
            desired.TryAdd(field, null);
        }
        try
        {
            await client.PatchStatusAsync(reference.Name, Patch.Merge(new JsonObject { ["status"] = desired }), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
        return ReconcileResult.Done;
    }
}
