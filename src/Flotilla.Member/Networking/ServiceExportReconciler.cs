using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;

using NamespacedName = Flotilla.Runtime.NamespacedName;

namespace Flotilla.Member.Networking;

/// <summary>
/// The member ServiceExport controller (networking spec §2.2): decides whether the Service of a ServiceExport may be
/// exported, says so in the <c>Valid</c> condition, and keeps the hub's InternalServiceExport
/// (<c>fleet-member-&lt;me&gt;/&lt;ns&gt;-&lt;name&gt;</c>) equal to the Service's ports — or deletes it (unexport, §2.8).
/// </summary>
internal sealed class ServiceExportReconciler : IReconciler<NamespacedName>
{
    private readonly string _clusterId;
    private readonly Lister<ServiceExport> _exports;
    private readonly Lister<JsonObject> _services;
    private readonly ResourceClient<ServiceExport> _memberExports;
    private readonly ResourceClient<InternalServiceExport> _hubExports;
    private readonly IEventRecorder _events;
    private readonly TimeProvider _time;

    public ServiceExportReconciler(string clusterId, Lister<ServiceExport> exports, Lister<JsonObject> services, KubernetesClient member, KubernetesClient hub,
        IEventRecorder events, TimeProvider time)
    {
        _clusterId = clusterId;
        _exports = exports;
        _services = services;
        _memberExports = member.Resource(CustomResourceMappings.Of<ServiceExport>(), NetworkingJsonContext.Default.ServiceExport);
        _hubExports = hub.Resource(CustomResourceMappings.Of<InternalServiceExport>(), NetworkingJsonContext.Default.InternalServiceExport)
            .InNamespace(NetworkingApi.ClusterNamespace(clusterId));
        _events = events;
        _time = time;
    }

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        MemberWrites.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var export = _exports.Get(key.Namespace, key.Name);
        if (export is null)
        {
            return ReconcileResult.Done;
        }
        var (ns, name) = (key.Namespace, key.Name);
        if (export.Metadata.IsDeleting)
        {
            await UnexportAsync(export, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var service = _services.Get(ns, name);
        if (service is null || service.IsDeleting())
        {
            _events.Record(EventReference(export), EventType.Warning, "ServiceNotFound", $"Service {name} is not found or in the deleting state");
            export = await UnexportAsync(export, cancellationToken).ConfigureAwait(false);
            await SetValidAsync(export, ConditionStatus.False, ServiceExportConditions.ServiceNotFoundReason,
                ServiceExportConditions.NotFoundMessage(ns, name), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (!IsEligible(service))
        {
            _events.Record(EventReference(export), EventType.Warning, "ServiceNotEligible", $"Service {name} is not eligible for exporting and please check service spec");
            export = await UnexportAsync(export, cancellationToken).ConfigureAwait(false);
            await SetValidAsync(export, ConditionStatus.False, ServiceExportConditions.ServiceIneligibleReason,
                ServiceExportConditions.IneligibleMessage(ns, name), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        var (weight, weightError) = NetworkingAnnotations.ParseWeight(export.Metadata.Annotation(NetworkingApi.WeightAnnotation));
        if (weightError is not null)
        {
            // Upstream keeps the hub export (Traffic Manager keeps its traffic); Valid False withdraws the endpoints.
            if (await SetValidAsync(export, ConditionStatus.False, ServiceExportConditions.InvalidWeightAnnotationReason,
                    ServiceExportConditions.InvalidWeightAnnotationMessage(ns, name, weightError), cancellationToken).ConfigureAwait(false))
            {
                _events.Record(EventReference(export), EventType.Warning, ServiceExportConditions.InvalidWeightAnnotationReason,
                    $"ServiceExport {name} has invalid weight value in the annotation");
            }
            return ReconcileResult.Done;
        }
        if (weight == 0)
        {
            _events.Record(EventReference(export), EventType.Normal, "Service", $"Service {name} weight is set to 0");
            export = await UnexportAsync(export, cancellationToken).ConfigureAwait(false);
            await SetValidAsync(export, ConditionStatus.True, ServiceExportConditions.ServiceIsValidReason,
                ServiceExportConditions.ValidWithZeroWeightMessage(ns, name), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        // §2.5: the finalizer is there before anything is written to the hub.
        if (!export.Metadata.HasFinalizer(NetworkingApi.ServiceExportCleanupFinalizer))
        {
            export = await _memberExports.InNamespace(ns).PatchAsync(name, MemberWrites.FinalizersPatch(export.Metadata, NetworkingApi.ServiceExportCleanupFinalizer, add: true), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        if (await MarkValidAsync(export, cancellationToken).ConfigureAwait(false))
        {
            _events.Record(EventReference(export), EventType.Normal, "ValidServiceExport", $"Service {name} is valid for export");
            _events.Record(EventReference(export), EventType.Normal, "PendingExportConflictResolution", $"Service {name} is pending export conflict resolution");
        }
        return await ExportAsync(export, service, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>§2.2 step 4: ExternalName and headless Services cannot be exported.</summary>
    internal static bool IsEligible(JsonObject service) =>
        service.At("spec", "type")?.GetValue<string>() != "ExternalName" && service.At("spec", "clusterIP")?.GetValue<string>() != "None";

    /// <summary>§2.2 step 10: creates or updates the hub InternalServiceExport from the Service.</summary>
    private async Task<ReconcileResult> ExportAsync(ServiceExport export, JsonObject service, CancellationToken cancellationToken)
    {
        var name = NetworkingApi.InternalServiceExportName(export.Metadata.Namespace!, export.Metadata.Name!);
        InternalServiceExport? existing;
        try
        {
            existing = await _hubExports.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            existing = null;
        }
        if (existing is not null && existing.Spec.ServiceReference.Uid != service.Uid())
        {
            // The Service was deleted and created again under the same name: the old export goes first.
            await UnexportAsync(export, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(TimeSpan.Zero);
        }
        var spec = new InternalServiceExportSpec
        {
            Ports = ServicePorts(service),
            ServiceReference = new ExportedObjectReference
            {
                ClusterId = _clusterId,
                ApiVersion = "v1",
                Kind = "Service",
                Namespace = service.Namespace(),
                Name = service.Name(),
                ResourceVersion = service.ResourceVersion(),
                Generation = service.At("metadata", "generation")?.GetValue<long>() ?? 0,
                Uid = service.Uid(),
                NamespacedName = NetworkingApi.NamespacedName(service.Namespace(), service.Name()),
                ExportedSince = existing?.Spec.ServiceReference.ExportedSince ?? _time.GetUtcNow(),
            },
            Type = service.At("spec", "type")?.GetValue<string>() ?? "ClusterIP",
        };
        if (existing is null)
        {
            await _hubExports.CreateAsync(new InternalServiceExport
            {
                ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                Kind = "InternalServiceExport",
                Metadata = new ObjectMeta { Name = name, Namespace = NetworkingApi.ClusterNamespace(_clusterId) },
                Spec = spec,
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (JsonSerializer.Serialize(existing.Spec, NetworkingJsonContext.Default.InternalServiceExportSpec) != JsonSerializer.Serialize(spec, NetworkingJsonContext.Default.InternalServiceExportSpec))
        {
            existing.Spec = spec;
            await _hubExports.UpdateAsync(existing, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return ReconcileResult.Done;
    }

    /// <summary>The Service's ports as the export carries them, in order (conflicts compare the whole list).</summary>
    internal static List<ServicePort> ServicePorts(JsonObject service) =>
        [.. ((service.At("spec", "ports") as JsonArray) ?? []).OfType<JsonObject>().Select(p => new ServicePort
        {
            Name = p.GetString("name") is { Length: > 0 } portName ? portName : null,
            Protocol = p.GetString("protocol") ?? "TCP",
            AppProtocol = p.GetString("appProtocol"),
            Port = p["port"]?.GetValue<int>() ?? 0,
            TargetPort = p["targetPort"] switch
            {
                JsonValue number when number.TryGetValue<int>(out var n) => IntOrString.FromInt(n),
                JsonValue text when text.TryGetValue<string>(out var t) => IntOrString.FromString(t),
                _ => (IntOrString?)null,
            },
        })];

    /// <summary>§2.8: deletes the hub export, then the finalizer (never the other way round). Returns the export as it now is.</summary>
    private async Task<ServiceExport> UnexportAsync(ServiceExport export, CancellationToken cancellationToken)
    {
        if (!export.Metadata.HasFinalizer(NetworkingApi.ServiceExportCleanupFinalizer))
        {
            return export;
        }
        try
        {
            await _hubExports.DeleteAsync(NetworkingApi.InternalServiceExportName(export.Metadata.Namespace!, export.Metadata.Name!), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
        }
        return await _memberExports.InNamespace(export.Metadata.Namespace).PatchAsync(export.Metadata.Name!, MemberWrites.FinalizersPatch(export.Metadata, NetworkingApi.ServiceExportCleanupFinalizer, add: false),
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>§2.2 step 8: Valid True, and Conflict Unknown until the hub has decided. True when anything changed.</summary>
    private async Task<bool> MarkValidAsync(ServiceExport export, CancellationToken cancellationToken)
    {
        var (ns, name) = (export.Metadata.Namespace!, export.Metadata.Name!);
        var conditions = CloneConditions(export);
        var generation = export.Metadata.Generation ?? 0;
        var changed = Set(conditions, ServiceExportConditions.Valid, ConditionStatus.True, ServiceExportConditions.ServiceIsValidReason,
            ServiceExportConditions.ValidMessage(ns, name), generation);
        if (Conditions.Find(conditions, ServiceExportConditions.Conflict) is null)
        {
            changed |= Set(conditions, ServiceExportConditions.Conflict, ConditionStatus.Unknown, ServiceExportConditions.PendingConflictResolutionReason,
                ServiceExportConditions.PendingConflictResolutionMessage(ns, name), generation);
        }
        if (changed)
        {
            await WriteConditionsAsync(export, conditions, cancellationToken).ConfigureAwait(false);
        }
        return changed;
    }

    /// <summary>Sets the Valid condition (message included in the comparison); the Conflict condition stays as it was (§2.3).</summary>
    private async Task<bool> SetValidAsync(ServiceExport export, string status, string reason, string message, CancellationToken cancellationToken)
    {
        var conditions = CloneConditions(export);
        if (!Set(conditions, ServiceExportConditions.Valid, status, reason, message, export.Metadata.Generation ?? 0))
        {
            return false;
        }
        await WriteConditionsAsync(export, conditions, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private bool Set(List<Condition> conditions, string type, string status, string reason, string message, long generation) =>
        Conditions.Set(conditions, new Condition { Type = type, Status = status, Reason = reason, Message = message, ObservedGeneration = generation },
            _time.GetUtcNow());

    private async Task WriteConditionsAsync(ServiceExport export, List<Condition> conditions, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = export.Metadata.ResourceVersion },
            ["status"] = JsonSerializer.SerializeToNode(new ServiceExportStatus { Conditions = conditions }, NetworkingJsonContext.Default.ServiceExportStatus),
        };
        await _memberExports.InNamespace(export.Metadata.Namespace).PatchStatusAsync(export.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }

    private static List<Condition> CloneConditions(ServiceExport export) => export.Status?.Conditions?.Select(c => c.Clone()).ToList() ?? [];

    internal static ObjectReference EventReference(ServiceExport export) => new()
    {
        ApiVersion = NetworkingApi.ApiVersionV1Beta1,
        Kind = "ServiceExport",
        Name = export.Metadata.Name ?? "",
        Namespace = export.Metadata.Namespace,
        Uid = export.Metadata.Uid,
        ResourceVersion = export.Metadata.ResourceVersion,
    };
}
