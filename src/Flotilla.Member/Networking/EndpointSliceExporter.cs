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
/// The member EndpointSlice controller (networking spec §4.1): the ready IPv4 endpoints of every EndpointSlice of a
/// valid, non-conflicting exported Service go to the hub as an EndpointSliceExport named by the slice's fleet-unique
/// name; anything else withdraws it.
/// </summary>
internal sealed class EndpointSliceExporter(
    string clusterId, Lister<JsonObject> slices, Lister<ServiceExport> exports, KubernetesClient member, KubernetesClient hub) : IReconciler<NamespacedName>
{
    internal static readonly ResourceMapping EndpointSliceMapping = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", namespaced: true);

    private readonly ResourceClient<JsonObject> _slices = member.Resource(EndpointSliceMapping);

    private readonly ResourceClient<EndpointSliceExport> _hubExports =
        hub.Resource(CustomResourceMappings.Of<EndpointSliceExport>(), NetworkingJsonContext.Default.EndpointSliceExport).InNamespace(NetworkingApi.ClusterNamespace(clusterId));

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        MemberWrites.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var slice = slices.Get(key.Namespace, key.Name);
        if (slice is null || slice.GetString("addressType") != EndpointAddressType.IPv4)
        {
            // A deleted slice's export is withdrawn by the orphan check, at once (see EndpointSliceExportOrphans).
            return ReconcileResult.Done;
        }
        var service = slice.Labels()?.GetString(NetworkingApi.ServiceNameLabel);
        var uniqueName = UniqueName(slice);
        var export = service is null ? null : exports.Get(key.Namespace, service);
        var exported = export is not null && !export.Metadata.IsDeleting
            && Conditions.Find(export.Status?.Conditions, ServiceExportConditions.Valid) is { IsTrue: true }
            && Conditions.Find(export.Status?.Conditions, ServiceExportConditions.Conflict) is { IsFalse: true }
            && !slice.IsDeleting();
        if (!exported)
        {
            if (uniqueName is not null)
            {
                await UnexportAsync(slice, uniqueName, cancellationToken).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        if (uniqueName is null)
        {
            // The name is written on the slice first, so a crash between the two writes never leaves an export nobody names.
            uniqueName = NetworkingApi.FleetUniqueName(clusterId, key.Namespace, key.Name, Guid.NewGuid(), Random.Shared);
            await _slices.InNamespace(key.Namespace).PatchAsync(key.Name, Patch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["resourceVersion"] = slice.ResourceVersion(),
                    ["annotations"] = new JsonObject { [NetworkingApi.FleetUniqueNameAnnotation] = uniqueName },
                },
            }), cancellationToken: cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var spec = new EndpointSliceExportSpec
        {
            AddressType = EndpointAddressType.IPv4,
            Endpoints = ReadyEndpoints(slice),
            Ports = slice["ports"] is JsonArray ports ? JsonSerializer.Deserialize(ports.ToJsonString(), NetworkingJsonContext.Default.ListEndpointPort) : null,
            EndpointSliceReference = new ExportedObjectReference
            {
                ClusterId = clusterId,
                ApiVersion = "discovery.k8s.io/v1",
                Kind = "EndpointSlice",
                Namespace = key.Namespace,
                Name = key.Name,
                ResourceVersion = slice.ResourceVersion(),
                Generation = slice.At("metadata", "generation")?.GetValue<long>() ?? 0,
                Uid = slice.Uid(),
                NamespacedName = NetworkingApi.NamespacedName(key.Namespace, key.Name),
            },
            OwnerServiceReference = new OwnerServiceReference
            {
                Namespace = key.Namespace, Name = service!, NamespacedName = NetworkingApi.NamespacedName(key.Namespace, service!),
            },
        };
        EndpointSliceExport? existing;
        try
        {
            existing = await _hubExports.GetAsync(uniqueName, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            existing = null;
        }
        if (existing is null)
        {
            spec.EndpointSliceReference.ExportedSince = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            await _hubExports.CreateAsync(new EndpointSliceExport
            {
                ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                Kind = "EndpointSliceExport",
                Metadata = new ObjectMeta { Name = uniqueName, Namespace = NetworkingApi.ClusterNamespace(clusterId) },
                Spec = spec,
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (existing.Spec.EndpointSliceReference.Uid != slice.Uid())
        {
            // The name is taken by another slice (re-created, or tampered with): drop it, and a fresh one is assigned.
            await RemoveAnnotationsAsync(slice, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        spec.EndpointSliceReference.ExportedSince = existing.Spec.EndpointSliceReference.ExportedSince;
        if (JsonSerializer.Serialize(existing.Spec, NetworkingJsonContext.Default.EndpointSliceExportSpec) != JsonSerializer.Serialize(spec, NetworkingJsonContext.Default.EndpointSliceExportSpec))
        {
            existing.Spec = spec;
            await _hubExports.UpdateAsync(existing, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return ReconcileResult.Done;
    }

    /// <summary>§4.1: endpoints whose ready condition is unset or true, all their addresses; not-ready ones are dropped.</summary>
    internal static List<Endpoint> ReadyEndpoints(JsonObject slice) =>
        [.. ((slice["endpoints"] as JsonArray) ?? []).OfType<JsonObject>()
            .Where(e => e.At("conditions", "ready") is not JsonValue ready || !ready.TryGetValue<bool>(out var isReady) || isReady)
            .Select(e => new Endpoint { Addresses = [.. ((e["addresses"] as JsonArray) ?? []).Select(a => a?.GetValue<string>() ?? "").Where(a => a.Length > 0)] })];

    internal static string? UniqueName(JsonObject slice) =>
        (slice.At("metadata", "annotations") as JsonObject)?.GetString(NetworkingApi.FleetUniqueNameAnnotation) is { Length: > 0 } name ? name : null;

    private async Task UnexportAsync(JsonObject slice, string uniqueName, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await _hubExports.GetAsync(uniqueName, cancellationToken).ConfigureAwait(false);
            if (existing.Spec.EndpointSliceReference.Uid == slice.Uid())
            {
                await _hubExports.DeleteAsync(uniqueName, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
        await RemoveAnnotationsAsync(slice, cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveAnnotationsAsync(JsonObject slice, CancellationToken cancellationToken)
    {
        if (slice.IsDeleting())
        {
            return;
        }
        try
        {
            await _slices.InNamespace(slice.Namespace()).PatchAsync(slice.Name(), Patch.Merge(new JsonObject
            {
                ["metadata"] = new JsonObject
                {
                    ["annotations"] = new JsonObject
                    {
                        [NetworkingApi.FleetUniqueNameAnnotation] = null,
                        [NetworkingApi.LastSeenGenerationAnnotation] = null,
                        [NetworkingApi.LastSeenTimestampAnnotation] = null,
                    },
                },
            }), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
    }
}

/// <summary>
/// The member EndpointSliceExport controller (networking spec §4.2): an export on the hub whose slice is gone, or no
/// longer carries its name, is deleted. Upstream finds a slice deleted outright only by a 5-minute re-scan; here the
/// slice's deletion event brings its export here at once (docs/compatibility.md), and the re-scan stays as a safety net.
/// </summary>
internal sealed class EndpointSliceExportOrphans(Lister<EndpointSliceExport> hubExports, Lister<JsonObject> slices, KubernetesClient hub) : IReconciler<NamespacedName>
{
    /// <summary>Upstream's periodic re-scan of every export.</summary>
    internal static readonly TimeSpan Rescan = TimeSpan.FromMinutes(5);

    private readonly ResourceClient<EndpointSliceExport> _hubClient =
        hub.Resource(CustomResourceMappings.Of<EndpointSliceExport>(), NetworkingJsonContext.Default.EndpointSliceExport);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var export = hubExports.Get(key.Namespace, key.Name);
        if (export is null || export.Metadata.IsDeleting)
        {
            return ReconcileResult.Done;
        }
        var reference = export.Spec.EndpointSliceReference;
        var slice = slices.Get(reference.Namespace, reference.Name);
        if (slice is not null && !slice.IsDeleting() && EndpointSliceExporter.UniqueName(slice) == key.Name)
        {
            return ReconcileResult.RequeueAfter(Rescan);
        }
        await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_hubClient.InNamespace(key.Namespace), key.Name, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }
}
