using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Hub.Placement;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Hub.Networking;

/// <summary>
/// The hub InternalServiceExport controller (networking spec §3.1): admits each member's export of a service into the
/// hub ServiceImport of the same namespace and name when its ports equal the resolved ones, and marks it conflicting
/// otherwise; on deletion takes the cluster out of the ServiceImport.
/// </summary>
internal sealed class InternalServiceExportReconciler(
    Lister<InternalServiceExport> exports, KubernetesClient hub, TimeProvider time) : IReconciler<NamespacedName>
{
    /// <summary>Upstream's <c>--internalserviceexport-retry-interval</c>: how soon an export looks again while the ServiceImport is being resolved.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(2);

    private readonly ResourceClient<InternalServiceExport> _exports =
        hub.Resource(CustomResourceMappings.Of<InternalServiceExport>(), NetworkingJsonContext.Default.InternalServiceExport);

    private readonly ResourceClient<ServiceImport> _imports = hub.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var export = exports.Get(key.Namespace, key.Name);
        if (export is null)
        {
            return ReconcileResult.Done;
        }
        var reference = export.Spec.ServiceReference;
        var imports = _imports.InNamespace(reference.Namespace);
        if (export.Metadata.IsDeleting)
        {
            if (!export.Metadata.HasFinalizer(NetworkingApi.InternalServiceExportCleanupFinalizer))
            {
                return ReconcileResult.Done;
            }
            var current = await GetAsync(imports, reference.Name, cancellationToken).ConfigureAwait(false);
            if (current is not null)
            {
                if ((current.Status?.Ports?.Count ?? 0) == 0)
                {
                    return ReconcileResult.RequeueAfter(RetryInterval);
                }
                await WriteStatusAsync(imports, current, WithoutCluster(current.Status!, reference.ClusterId), cancellationToken).ConfigureAwait(false);
            }
            await _exports.InNamespace(key.Namespace).PatchAsync(key.Name, Writes.FinalizersPatch(export.Metadata, remove: NetworkingApi.InternalServiceExportCleanupFinalizer),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        if (!export.Metadata.HasFinalizer(NetworkingApi.InternalServiceExportCleanupFinalizer))
        {
            export = await _exports.InNamespace(key.Namespace).PatchAsync(key.Name,
                Writes.FinalizersPatch(export.Metadata, add: NetworkingApi.InternalServiceExportCleanupFinalizer), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var serviceImport = await GetAsync(imports, reference.Name, cancellationToken).ConfigureAwait(false)
            ?? await imports.CreateAsync(new ServiceImport
            {
                ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                Kind = "ServiceImport",
                Metadata = new ObjectMeta { Name = reference.Name, Namespace = reference.Namespace },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        if ((serviceImport.Status?.Ports?.Count ?? 0) == 0)
        {
            // Not resolved yet: the ServiceImport controller picks the spec from the admitted exports.
            return ReconcileResult.RequeueAfter(RetryInterval);
        }
        if (!ServicePorts.Equal(serviceImport.Status!.Ports!, export.Spec.Ports))
        {
            var without = WithoutCluster(serviceImport.Status!, reference.ClusterId);
            await WriteStatusAsync(imports, serviceImport, without, cancellationToken).ConfigureAwait(false);
            if ((without.Ports?.Count ?? 0) == 0)
            {
                // It was the only exporter and changed its ports: the ServiceImport is resolved again.
                return ReconcileResult.RequeueAfter(RetryInterval);
            }
            await ConflictCondition.SetAsync(_exports, export, conflict: true, time, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var clusters = serviceImport.Status!.Clusters ?? [];
        if (!clusters.Any(c => c.Cluster == reference.ClusterId))
        {
            var with = Clone(serviceImport.Status!);
            with.Clusters = [.. clusters, new ClusterStatus { Cluster = reference.ClusterId }];
            await WriteStatusAsync(imports, serviceImport, with, cancellationToken).ConfigureAwait(false);
        }
        await ConflictCondition.SetAsync(_exports, export, conflict: false, time, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The status without the cluster; no clusters left resets the whole status (ports too), so it is resolved again.</summary>
    private static ServiceImportStatus WithoutCluster(ServiceImportStatus status, string clusterId)
    {
        var remaining = (status.Clusters ?? []).Where(c => c.Cluster != clusterId).ToList();
        if (remaining.Count == 0)
        {
            return new ServiceImportStatus();
        }
        var copy = Clone(status);
        copy.Clusters = remaining;
        return copy;
    }

    private static ServiceImportStatus Clone(ServiceImportStatus status) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(status, NetworkingJsonContext.Default.ServiceImportStatus), NetworkingJsonContext.Default.ServiceImportStatus)!;

    internal static async Task<ServiceImport?> GetAsync(ResourceClient<ServiceImport> imports, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await imports.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    /// <summary>Writes the ServiceImport status when it changed, replacing it whole and pinned to the resourceVersion read.</summary>
    internal static async Task WriteStatusAsync(ResourceClient<ServiceImport> imports, ServiceImport serviceImport, ServiceImportStatus status, CancellationToken cancellationToken)
    {
        var after = JsonSerializer.SerializeToNode(status, NetworkingJsonContext.Default.ServiceImportStatus)!.AsObject();
        if (after.ToJsonString() == JsonSerializer.Serialize(serviceImport.Status ?? new ServiceImportStatus(), NetworkingJsonContext.Default.ServiceImportStatus))
        {
            return;
        }
        foreach (var field in new[] { "ports", "clusters", "type" })
        {
            after.TryAdd(field, null);
        }
        await imports.PatchStatusAsync(serviceImport.Metadata.Name!, Patch.Merge(new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = serviceImport.Metadata.ResourceVersion },
            ["status"] = after,
        }), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// The hub ServiceImport controller (networking spec §3.2): resolves an unresolved ServiceImport from the admitted
/// exports of its service — the first one's ports win and every export with the same ports is in — or deletes it when
/// no export is left.
/// </summary>
internal sealed class ServiceImportResolver(
    Lister<ServiceImport> imports, Lister<InternalServiceExport> exports, KubernetesClient hub, IEventRecorder events, TimeProvider time) : IReconciler<NamespacedName>
{
    private readonly ResourceClient<ServiceImport> _imports = hub.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);

    private readonly ResourceClient<InternalServiceExport> _exports =
        hub.Resource(CustomResourceMappings.Of<InternalServiceExport>(), NetworkingJsonContext.Default.InternalServiceExport);

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        Writes.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var serviceImport = imports.Get(key.Namespace, key.Name);
        if (serviceImport is null || (serviceImport.Status?.Clusters?.Count ?? 0) > 0)
        {
            // Resolved: the incumbent spec stays while any cluster is in.
            return ReconcileResult.Done;
        }
        var namespacedName = NetworkingApi.NamespacedName(key.Namespace, key.Name);
        var all = exports.List().Where(e => e.Spec.ServiceReference.NamespacedName == namespacedName).ToList();
        if (all.Count == 0)
        {
            await DeleteAsync(serviceImport, cancellationToken).ConfigureAwait(false);
            events.Record(EventReference(serviceImport), EventType.Normal, "NoExportedService", $"No exported service and deleting serviceImport {key.Name}");
            return ReconcileResult.Done;
        }
        // Upstream picks the first in cache order (arbitrary); here the earliest export, then the cluster ID, so the
        // same exports always resolve the same way.
        var admitted = all
            .Where(e => !e.Metadata.IsDeleting && e.Metadata.HasFinalizer(NetworkingApi.InternalServiceExportCleanupFinalizer))
            .OrderBy(e => e.Spec.ServiceReference.ExportedSince ?? DateTimeOffset.MaxValue)
            .ThenBy(e => e.Spec.ServiceReference.ClusterId, StringComparer.Ordinal)
            .ToList();
        if (admitted.Count == 0)
        {
            await DeleteAsync(serviceImport, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var resolved = admitted[0].Spec.Ports;
        var clusters = new List<ClusterStatus>();
        foreach (var export in admitted)
        {
            var fits = ServicePorts.Equal(resolved, export.Spec.Ports);
            try
            {
                await ConflictCondition.SetAsync(_exports, export, conflict: !fits, time, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                continue;
            }
            if (fits)
            {
                clusters.Add(new ClusterStatus { Cluster = export.Spec.ServiceReference.ClusterId });
            }
        }
        if (clusters.Count == 0)
        {
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }
        await InternalServiceExportReconciler.WriteStatusAsync(_imports.InNamespace(key.Namespace), serviceImport,
            new ServiceImportStatus { Ports = resolved, Clusters = clusters, Type = ServiceImportType.ClusterSetIP }, cancellationToken).ConfigureAwait(false);
        events.Record(EventReference(serviceImport), EventType.Normal, "SuccessfulUpdateStatus", $"Resolved exported service properties and updated {key.Name} status");
        return ReconcileResult.Done;
    }

    private async Task DeleteAsync(ServiceImport serviceImport, CancellationToken cancellationToken)
    {
        try
        {
            await _imports.InNamespace(serviceImport.Metadata.Namespace).DeleteAsync(serviceImport.Metadata.Name!, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
    }

    private static ObjectReference EventReference(ServiceImport serviceImport) => new()
    {
        ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
        Kind = "ServiceImport",
        Name = serviceImport.Metadata.Name ?? "",
        Namespace = serviceImport.Metadata.Namespace,
        Uid = serviceImport.Metadata.Uid,
    };
}

/// <summary>The hub's <c>Conflict</c> verdict on an InternalServiceExport (§3.3 texts), written only when it changes.</summary>
internal static class ConflictCondition
{
    public static async Task SetAsync(ResourceClient<InternalServiceExport> exports, InternalServiceExport export, bool conflict, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (ns, name) = (export.Spec.ServiceReference.Namespace, export.Spec.ServiceReference.Name);
        var conditions = export.Status?.Conditions?.Select(c => c.Clone()).ToList() ?? [];
        var changed = Conditions.Set(conditions, new Condition
        {
            Type = ServiceExportConditions.Conflict,
            Status = ConditionStatus.Of(conflict),
            Reason = conflict ? ServiceExportConditions.ConflictFoundReason : ServiceExportConditions.NoConflictFoundReason,
            Message = conflict ? ServiceExportConditions.ConflictFoundMessage(ns, name) : ServiceExportConditions.NoConflictFoundMessage(ns, name),
            ObservedGeneration = export.Metadata.Generation,
        }, time.GetUtcNow());
        if (!changed)
        {
            return;
        }
        await exports.InNamespace(export.Metadata.Namespace).PatchStatusAsync(export.Metadata.Name!, Patch.Merge(new JsonObject
        {
            ["status"] = JsonSerializer.SerializeToNode(new InternalServiceExportStatus { Conditions = conditions }, NetworkingJsonContext.Default.InternalServiceExportStatus),
        }), cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>§3.3: two exports are compatible iff their port lists are identical, order and every field included.</summary>
internal static class ServicePorts
{
    public static bool Equal(IReadOnlyList<ServicePort> a, IReadOnlyList<ServicePort> b) =>
        JsonSerializer.Serialize(a.ToList(), NetworkingJsonContext.Default.ListServicePort) == JsonSerializer.Serialize(b.ToList(), NetworkingJsonContext.Default.ListServicePort);
}
