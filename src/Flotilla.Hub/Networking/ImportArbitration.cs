using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement;
using Flotilla.Runtime.Controllers;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub.Networking;

/// <summary>
/// The hub InternalServiceImport controller (networking spec §5.6): one importing cluster per fleet service. The first
/// claim on a resolved ServiceImport takes it (the <c>service-in-use-by</c> annotation and finalizers), gets its status
/// copied into the claim, and keeps it until it withdraws; other claims get an empty status and wait — when the holder
/// withdraws, the ServiceImport update brings them back and the first one processed takes over.
/// </summary>
internal sealed class ImportArbitrationReconciler(Lister<InternalServiceImport> claims, KubernetesClient hub) : IReconciler<NamespacedName>
{
    /// <summary>How soon a claim looks again while its ServiceImport is being resolved.</summary>
    internal static readonly TimeSpan ResolvingRecheck = TimeSpan.FromSeconds(2);

    private readonly ResourceClient<InternalServiceImport> _claims =
        hub.Resource(CustomResourceMappings.Of<InternalServiceImport>(), NetworkingJsonContext.Default.InternalServiceImport);

    private readonly ResourceClient<ServiceImport> _imports = hub.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var claim = claims.Get(key.Namespace, key.Name);
        if (claim is null)
        {
            return ReconcileResult.Done;
        }
        var reference = claim.Spec.ServiceImportReference;
        var clusterNamespace = key.Namespace;
        var imports = _imports.InNamespace(reference.Namespace);
        var serviceImport = await InternalServiceExportReconciler.GetAsync(imports, reference.Name, cancellationToken).ConfigureAwait(false);
        if (serviceImport is null)
        {
            await ClearAsync(claim, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (!serviceImport.Metadata.IsDeleting && (serviceImport.Status?.Clusters?.Count ?? 0) == 0)
        {
            // Being resolved again: the claim keeps its status, so the importer's load balancer is not torn down meanwhile.
            return claim.Metadata.IsDeleting ? await WithdrawAsync(claim, serviceImport, clusterNamespace, cancellationToken).ConfigureAwait(false)
                : ReconcileResult.RequeueAfter(ResolvingRecheck);
        }
        if (claim.Metadata.IsDeleting || serviceImport.Metadata.IsDeleting)
        {
            return await WithdrawAsync(claim, serviceImport, clusterNamespace, cancellationToken).ConfigureAwait(false);
        }
        var holders = InUseBy(serviceImport);
        if (holders.ContainsKey(clusterNamespace))
        {
            await FulfilAsync(claim, serviceImport, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (holders.Count > 0)
        {
            await ClearAsync(claim, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        // Claim it: the claim's finalizer first, then the annotation and the ServiceImport's finalizer in one write.
        if (!claim.Metadata.HasFinalizer(NetworkingApi.InternalServiceImportCleanupFinalizer))
        {
            claim = await _claims.InNamespace(clusterNamespace).PatchAsync(key.Name,
                Writes.FinalizersPatch(claim.Metadata, add: NetworkingApi.InternalServiceImportCleanupFinalizer), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var finalizers = (serviceImport.Metadata.Finalizers ?? []).Where(f => f != NetworkingApi.ServiceImportCleanupFinalizer).Append(NetworkingApi.ServiceImportCleanupFinalizer);
        serviceImport = await imports.PatchAsync(reference.Name, Patch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = serviceImport.Metadata.ResourceVersion,
                ["annotations"] = new JsonObject
                {
                    [NetworkingApi.ServiceInUseByAnnotation] = NetworkingAnnotations.FormatServiceInUseBy(new Dictionary<string, string> { [clusterNamespace] = reference.ClusterId }),
                },
                ["finalizers"] = new JsonArray([.. finalizers.Select(f => (JsonNode)f)]),
            },
        }), cancellationToken: cancellationToken).ConfigureAwait(false);
        await FulfilAsync(claim, serviceImport, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The holder withdraws: out of the annotation (and the ServiceImport's finalizer with the last holder), then its own finalizer.</summary>
    private async Task<ReconcileResult> WithdrawAsync(InternalServiceImport claim, ServiceImport serviceImport, string clusterNamespace, CancellationToken cancellationToken)
    {
        if (!claim.Metadata.HasFinalizer(NetworkingApi.InternalServiceImportCleanupFinalizer))
        {
            return ReconcileResult.Done;
        }
        var holders = InUseBy(serviceImport);
        if (holders.Remove(clusterNamespace) || serviceImport.Metadata.Annotation(NetworkingApi.ServiceInUseByAnnotation) is not null)
        {
            var metadata = new JsonObject { ["resourceVersion"] = serviceImport.Metadata.ResourceVersion };
            if (holders.Count == 0)
            {
                metadata["annotations"] = new JsonObject { [NetworkingApi.ServiceInUseByAnnotation] = null };
                metadata["finalizers"] = new JsonArray([.. (serviceImport.Metadata.Finalizers ?? []).Where(f => f != NetworkingApi.ServiceImportCleanupFinalizer).Select(f => (JsonNode)f)]);
            }
            else
            {
                metadata["annotations"] = new JsonObject { [NetworkingApi.ServiceInUseByAnnotation] = NetworkingAnnotations.FormatServiceInUseBy(holders) };
            }
            try
            {
                await _imports.InNamespace(serviceImport.Metadata.Namespace).PatchAsync(serviceImport.Metadata.Name!, Patch.Merge(new JsonObject { ["metadata"] = metadata }),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound())
            {
            }
        }
        await _claims.InNamespace(claim.Metadata.Namespace).PatchAsync(claim.Metadata.Name!,
            Writes.FinalizersPatch(claim.Metadata, remove: NetworkingApi.InternalServiceImportCleanupFinalizer), cancellationToken: cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The holder's claim carries the ServiceImport's status (the member mirrors it into its ServiceImport).</summary>
    private Task FulfilAsync(InternalServiceImport claim, ServiceImport serviceImport, CancellationToken cancellationToken) =>
        WriteStatusAsync(claim, serviceImport.Status ?? new ServiceImportStatus(), cancellationToken);

    /// <summary>A claim that does not hold the import: no finalizer, empty status.</summary>
    private async Task ClearAsync(InternalServiceImport claim, CancellationToken cancellationToken)
    {
        if (claim.Metadata.HasFinalizer(NetworkingApi.InternalServiceImportCleanupFinalizer))
        {
            claim = await _claims.InNamespace(claim.Metadata.Namespace).PatchAsync(claim.Metadata.Name!,
                Writes.FinalizersPatch(claim.Metadata, remove: NetworkingApi.InternalServiceImportCleanupFinalizer), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        await WriteStatusAsync(claim, new ServiceImportStatus(), cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteStatusAsync(InternalServiceImport claim, ServiceImportStatus status, CancellationToken cancellationToken)
    {
        var desired = JsonSerializer.SerializeToNode(status, NetworkingJsonContext.Default.ServiceImportStatus)!.AsObject();
        if (desired.ToJsonString() == JsonSerializer.Serialize(claim.Status ?? new ServiceImportStatus(), NetworkingJsonContext.Default.ServiceImportStatus))
        {
            return;
        }
        foreach (var field in new[] { "ports", "clusters", "type", "ips", "sessionAffinity", "sessionAffinityConfig" })
        {
            desired.TryAdd(field, null);
        }
        await _claims.InNamespace(claim.Metadata.Namespace).PatchStatusAsync(claim.Metadata.Name!, Patch.Merge(new JsonObject { ["status"] = desired }),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The importing clusters by cluster namespace; invalid JSON counts as none (and is overwritten by the next claim).</summary>
    private static Dictionary<string, string> InUseBy(ServiceImport serviceImport) =>
        serviceImport.Metadata.Annotation(NetworkingApi.ServiceInUseByAnnotation) is { } text
            ? NetworkingAnnotations.ParseServiceInUseBy(text) ?? []
            : [];
}
