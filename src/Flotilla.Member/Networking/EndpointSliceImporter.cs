using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Member.Networking;

/// <summary>
/// The member EndpointSliceImport controller (networking spec §4.4): each EndpointSliceImport distributed to this
/// member becomes an EndpointSlice of the same name in <c>fleet-system</c>, labelled for the derived Service of the MCS
/// importing the service, so the derived Service's endpoints are pods of every exporting cluster.
/// </summary>
internal sealed class EndpointSliceImporter(
    Lister<EndpointSliceImport> hubImports, Lister<MultiClusterService> multiClusterServices, Lister<JsonObject> services, KubernetesClient member, KubernetesClient hub)
    : IReconciler<NamespacedName>
{
    /// <summary>How soon an import looks again while its derived Service does not exist yet.</summary>
    internal static readonly TimeSpan DerivedServiceRecheck = TimeSpan.FromSeconds(2);

    private readonly ResourceClient<JsonObject> _slices = member.Resource(EndpointSliceExporter.EndpointSliceMapping).InNamespace(NetworkingApi.DefaultFleetSystemNamespace);

    private readonly ResourceClient<EndpointSliceImport> _hubClient =
        hub.Resource(CustomResourceMappings.Of<EndpointSliceImport>(), NetworkingJsonContext.Default.EndpointSliceImport);

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        MemberWrites.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var import = hubImports.Get(key.Namespace, key.Name);
        if (import is null)
        {
            return ReconcileResult.Done;
        }
        var hubClient = _hubClient.InNamespace(key.Namespace);
        if (import.Metadata.IsDeleting)
        {
            if (import.Metadata.HasFinalizer(NetworkingApi.EndpointSliceImportCleanupFinalizer))
            {
                await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_slices, key.Name, cancellationToken).ConfigureAwait(false);
                await hubClient.PatchAsync(key.Name, MemberWrites.FinalizersPatch(import.Metadata, NetworkingApi.EndpointSliceImportCleanupFinalizer, add: false),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        var owner = import.Spec.OwnerServiceReference;
        var importers = multiClusterServices.List(owner.Namespace).Where(m => m.Spec.ServiceImport.Name == owner.Name).ToList();
        if (importers.Count == 0)
        {
            return ReconcileResult.Done;
        }
        var derived = importers.Where(m => !m.Metadata.IsDeleting).Select(m => m.Metadata.Label(NetworkingApi.DerivedServiceLabel)).FirstOrDefault(l => l is not null);
        var derivedService = derived is null ? null : services.Get(NetworkingApi.DefaultFleetSystemNamespace, derived);
        if (derivedService is null || derivedService.IsDeleting())
        {
            return ReconcileResult.RequeueAfter(DerivedServiceRecheck);
        }
        if (!import.Metadata.HasFinalizer(NetworkingApi.EndpointSliceImportCleanupFinalizer))
        {
            import = await hubClient.PatchAsync(key.Name, MemberWrites.FinalizersPatch(import.Metadata, NetworkingApi.EndpointSliceImportCleanupFinalizer, add: true),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var desired = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["name"] = key.Name,
                ["namespace"] = NetworkingApi.DefaultFleetSystemNamespace,
                ["labels"] = new JsonObject
                {
                    [NetworkingApi.ServiceNameLabel] = derived,
                    [NetworkingApi.EndpointSliceManagedByLabel] = NetworkingApi.EndpointSliceImportControllerName,
                },
            },
            ["addressType"] = import.Spec.AddressType,
            ["endpoints"] = new JsonArray([.. import.Spec.Endpoints.Select(e => (JsonNode)new JsonObject { ["addresses"] = new JsonArray([.. e.Addresses.Select(a => (JsonNode)a)]) })]),
            ["ports"] = import.Spec.Ports is null ? new JsonArray() : JsonSerializer.SerializeToNode(import.Spec.Ports, NetworkingJsonContext.Default.ListEndpointPort),
        };
        JsonObject? existing;
        try
        {
            existing = await _slices.GetAsync(key.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            existing = null;
        }
        if (existing is null)
        {
            await _slices.CreateAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (!JsonNode.DeepEquals(existing["endpoints"], desired["endpoints"]) || !JsonNode.DeepEquals(existing["ports"], desired["ports"])
            || !JsonNode.DeepEquals(existing.Labels(), desired.Labels()))
        {
            desired.Metadata()["resourceVersion"] = existing.ResourceVersion();
            await _slices.UpdateAsync(desired, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return ReconcileResult.Done;
    }
}
