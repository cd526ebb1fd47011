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
/// The MultiClusterService controller (networking spec §5.2): claims the fleet service through a member ServiceImport
/// it controls, and while the import is valid keeps a derived Service <c>fleet-system/&lt;ns&gt;-&lt;name&gt;</c> of type
/// LoadBalancer without selector (its endpoints are the imported EndpointSlices), whose load balancer status the MCS
/// reports.
/// </summary>
internal sealed class MultiClusterServiceReconciler(
    Lister<MultiClusterService> services, Lister<ServiceImport> imports, KubernetesClient member, IEventRecorder events, TimeProvider time)
    : IReconciler<NamespacedName>
{
    /// <summary>How soon an MCS looks again when another MCS controls the ServiceImport it names.</summary>
    internal static readonly TimeSpan OwnedElsewhereRecheck = TimeSpan.FromSeconds(5);

    private static readonly ResourceMapping ServiceMapping = new("", "v1", "services", "Service", namespaced: true);

    private readonly ResourceClient<MultiClusterService> _mcs = member.Resource(CustomResourceMappings.Of<MultiClusterService>(), NetworkingJsonContext.Default.MultiClusterService);
    private readonly ResourceClient<ServiceImport> _imports = member.Resource(CustomResourceMappings.Of<ServiceImport>(), NetworkingJsonContext.Default.ServiceImport);
    private readonly ResourceClient<JsonObject> _services = member.Resource(ServiceMapping);
    private readonly ResourceClient<JsonObject> _namespaces = member.Resource(new ResourceMapping("", "v1", "namespaces", "Namespace", namespaced: false));

    public Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken) =>
        MemberWrites.RequeueOnConflictAsync(() => ReconcileOnceAsync(key, cancellationToken));

    private async Task<ReconcileResult> ReconcileOnceAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var mcs = services.Get(key.Namespace, key.Name);
        if (mcs is null)
        {
            return ReconcileResult.Done;
        }
        var client = _mcs.InNamespace(key.Namespace);
        if (mcs.Metadata.IsDeleting)
        {
            await DeleteAsync(mcs, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (!mcs.Metadata.HasFinalizer(NetworkingApi.ServiceResourcesCleanupFinalizer))
        {
            mcs = await client.PatchAsync(key.Name, MemberWrites.FinalizersPatch(mcs.Metadata, NetworkingApi.ServiceResourcesCleanupFinalizer, add: true),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var importName = mcs.Spec.ServiceImport.Name;
        // §5.8: re-pointed — the old claim goes.
        if (mcs.Metadata.Label(NetworkingApi.ServiceImportLabel) is { } previous && previous != importName)
        {
            await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_imports.InNamespace(key.Namespace), previous, cancellationToken).ConfigureAwait(false);
        }
        if (mcs.Metadata.Label(NetworkingApi.ServiceImportLabel) != importName)
        {
            mcs = await client.PatchAsync(key.Name, LabelPatch(mcs.Metadata, NetworkingApi.ServiceImportLabel, importName), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        var serviceImport = imports.Get(key.Namespace, importName);
        if (serviceImport is null)
        {
            serviceImport = await _imports.InNamespace(key.Namespace).CreateAsync(new ServiceImport
            {
                ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
                Kind = "ServiceImport",
                Metadata = new ObjectMeta { Name = importName, Namespace = key.Namespace, OwnerReferences = [OwnerReferenceTo(mcs)] },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else if (serviceImport.Metadata.OwnerReferences?.FirstOrDefault(r => r.Controller == true) is { } controller && controller.Uid != mcs.Metadata.Uid)
        {
            // Another MCS in this namespace already imports the service.
            mcs = await InvalidAsync(mcs, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(OwnedElsewhereRecheck);
        }
        else if (serviceImport.Metadata.OwnerReferences?.Any(r => r.Controller == true) != true)
        {
            serviceImport.Metadata.OwnerReferences = [.. serviceImport.Metadata.OwnerReferences ?? [], OwnerReferenceTo(mcs)];
            serviceImport = await _imports.InNamespace(key.Namespace).UpdateAsync(serviceImport, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if ((serviceImport.Status?.Clusters?.Count ?? 0) == 0)
        {
            await InvalidAsync(mcs, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        events.Record(EventReference(mcs), EventType.Normal, "FoundValidService", $"Found valid service {importName} and importing");
        var derivedName = mcs.Metadata.Label(NetworkingApi.DerivedServiceLabel) ?? NetworkingApi.DerivedServiceName(key.Namespace, key.Name);
        if (mcs.Metadata.Label(NetworkingApi.DerivedServiceLabel) is null)
        {
            mcs = await client.PatchAsync(key.Name, LabelPatch(mcs.Metadata, NetworkingApi.DerivedServiceLabel, derivedName), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        var derived = await EnsureDerivedServiceAsync(mcs, derivedName, serviceImport.Status!.Ports ?? [], cancellationToken).ConfigureAwait(false);
        var loadBalancer = derived["status"]?["loadBalancer"] is JsonObject lb
            ? JsonSerializer.Deserialize(lb.ToJsonString(), NetworkingJsonContext.Default.LoadBalancerStatus)
            : new LoadBalancerStatus();
        if (await WriteStatusAsync(mcs, ConditionStatus.True, MultiClusterServiceConditions.FoundServiceImportReason, MultiClusterServiceConditions.FoundServiceImportMessage,
                loadBalancer, cancellationToken).ConfigureAwait(false))
        {
            events.Record(EventReference(mcs), EventType.Normal, "SuccessfulUpdateStatus", $"Imported {importName} service and updated {key.Name} status");
        }
        return ReconcileResult.Done;
    }

    /// <summary>§5.2 step 8: the derived Service, from the ServiceImport's ports; the internal-LB annotation follows the MCS's.</summary>
    private async Task<JsonObject> EnsureDerivedServiceAsync(MultiClusterService mcs, string derivedName, IReadOnlyList<ServicePort> ports, CancellationToken cancellationToken)
    {
        await EnsureFleetSystemNamespaceAsync(cancellationToken).ConfigureAwait(false);
        var client = _services.InNamespace(NetworkingApi.DefaultFleetSystemNamespace);
        JsonObject? existing;
        try
        {
            existing = await client.GetAsync(derivedName, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            existing = null;
        }
        var service = existing is null
            ? new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = derivedName, ["namespace"] = NetworkingApi.DefaultFleetSystemNamespace },
                ["spec"] = new JsonObject(),
            }
            : (JsonObject)existing.DeepClone();
        var before = service.ToJsonString();
        var metadata = service.Metadata();
        var labels = metadata["labels"] as JsonObject ?? [];
        labels[NetworkingApi.MultiClusterServiceNameLabel] = mcs.Metadata.Name;
        labels[NetworkingApi.MultiClusterServiceNamespaceLabel] = mcs.Metadata.Namespace;
        metadata["labels"] = labels;
        var annotations = metadata["annotations"] as JsonObject ?? [];
        // Upstream only ever adds the annotation; here it follows the MCS both ways (docs/compatibility.md).
        if (NetworkingAnnotations.IsInternalLoadBalancerRequested(mcs.Metadata.Annotation(NetworkingApi.AzureLoadBalancerInternalAnnotation)))
        {
            annotations[NetworkingApi.ServiceAzureLoadBalancerInternalAnnotation] = "true";
        }
        else
        {
            annotations.Remove(NetworkingApi.ServiceAzureLoadBalancerInternalAnnotation);
        }
        metadata["annotations"] = annotations;
        var spec = (JsonObject)service["spec"]!;
        spec["type"] = "LoadBalancer";
        spec["ports"] = new JsonArray([.. ports.Select(p => (JsonNode)PortJson(p))]);
        if (existing is null)
        {
            return await client.CreateAsync(service, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return service.ToJsonString() == before ? existing : await client.UpdateAsync(service, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static JsonObject PortJson(ServicePort port)
    {
        var json = new JsonObject { ["port"] = port.Port, ["protocol"] = port.Protocol ?? "TCP" };
        if (port.Name is { Length: > 0 })
        {
            json["name"] = port.Name;
        }
        if (port.AppProtocol is { Length: > 0 })
        {
            json["appProtocol"] = port.AppProtocol;
        }
        if (port.TargetPort is { } target)
        {
            json["targetPort"] = JsonSerializer.SerializeToNode(target, NetworkingJsonContext.Default.IntOrString);
        }
        return json;
    }

    private async Task EnsureFleetSystemNamespaceAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _namespaces.CreateAsync(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Namespace",
                ["metadata"] = new JsonObject { ["name"] = NetworkingApi.DefaultFleetSystemNamespace },
            }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsAlreadyExists())
        {
        }
    }

    /// <summary>§5.2 handleInvalidServiceImport: Valid Unknown, no load balancer, and no derived Service.</summary>
    private async Task<MultiClusterService> InvalidAsync(MultiClusterService mcs, CancellationToken cancellationToken)
    {
        if (await WriteStatusAsync(mcs, ConditionStatus.Unknown, MultiClusterServiceConditions.UnknownServiceImportReason,
                MultiClusterServiceConditions.UnknownServiceImportMessage, new LoadBalancerStatus(), cancellationToken).ConfigureAwait(false))
        {
            events.Record(EventReference(mcs), EventType.Normal, "SuccessfulUpdateStatus", $"Importing {mcs.Spec.ServiceImport.Name} service and updated {mcs.Metadata.Name} status");
        }
        if (mcs.Metadata.Label(NetworkingApi.DerivedServiceLabel) is { } derived)
        {
            await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_services.InNamespace(NetworkingApi.DefaultFleetSystemNamespace), derived, cancellationToken).ConfigureAwait(false);
            mcs = await _mcs.InNamespace(mcs.Metadata.Namespace).PatchAsync(mcs.Metadata.Name!, LabelPatch(mcs.Metadata, NetworkingApi.DerivedServiceLabel, null),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return mcs;
    }

    /// <summary>§5.2 delete: the derived Service and the claim go, then the finalizer.</summary>
    private async Task DeleteAsync(MultiClusterService mcs, CancellationToken cancellationToken)
    {
        if (!mcs.Metadata.HasFinalizer(NetworkingApi.ServiceResourcesCleanupFinalizer))
        {
            return;
        }
        if (mcs.Metadata.Label(NetworkingApi.DerivedServiceLabel) is { } derived)
        {
            await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_services.InNamespace(NetworkingApi.DefaultFleetSystemNamespace), derived, cancellationToken).ConfigureAwait(false);
        }
        if (mcs.Metadata.Label(NetworkingApi.ServiceImportLabel) is { } claim)
        {
            await ServiceImportClaimReconciler.DeleteIgnoringNotFoundAsync(_imports.InNamespace(mcs.Metadata.Namespace), claim, cancellationToken).ConfigureAwait(false);
        }
        events.Record(EventReference(mcs), EventType.Normal, "UnimportedService", $"Unimported service {mcs.Metadata.Name}");
        await _mcs.InNamespace(mcs.Metadata.Namespace).PatchAsync(mcs.Metadata.Name!,
            MemberWrites.FinalizersPatch(mcs.Metadata, NetworkingApi.ServiceResourcesCleanupFinalizer, add: false), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes Valid and the load balancer status when either changed; true when written.</summary>
    private async Task<bool> WriteStatusAsync(MultiClusterService mcs, string status, string reason, string message, LoadBalancerStatus? loadBalancer,
        CancellationToken cancellationToken)
    {
        var conditions = mcs.Status?.Conditions?.Select(c => c.Clone()).ToList() ?? [];
        var changed = Conditions.Set(conditions, new Condition
        {
            Type = MultiClusterServiceConditions.Valid, Status = status, Reason = reason, Message = message, ObservedGeneration = mcs.Metadata.Generation,
        }, time.GetUtcNow());
        var lbJson = JsonSerializer.Serialize(loadBalancer ?? new LoadBalancerStatus(), NetworkingJsonContext.Default.LoadBalancerStatus);
        changed |= lbJson != JsonSerializer.Serialize(mcs.Status?.LoadBalancer ?? new LoadBalancerStatus(), NetworkingJsonContext.Default.LoadBalancerStatus);
        if (!changed)
        {
            return false;
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject { ["resourceVersion"] = mcs.Metadata.ResourceVersion },
            ["status"] = JsonSerializer.SerializeToNode(new MultiClusterServiceStatus { Conditions = conditions, LoadBalancer = loadBalancer ?? new LoadBalancerStatus() },
                NetworkingJsonContext.Default.MultiClusterServiceStatus),
        };
        await _mcs.InNamespace(mcs.Metadata.Namespace).PatchStatusAsync(mcs.Metadata.Name!, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static Patch LabelPatch(ObjectMeta meta, string label, string? value) => Patch.Merge(new JsonObject
    {
        ["metadata"] = new JsonObject
        {
            ["resourceVersion"] = meta.ResourceVersion,
            ["labels"] = new JsonObject { [label] = value },
        },
    });

    private static OwnerReference OwnerReferenceTo(MultiClusterService mcs) => new()
    {
        ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
        Kind = "MultiClusterService",
        Name = mcs.Metadata.Name ?? "",
        Uid = mcs.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static ObjectReference EventReference(MultiClusterService mcs) => new()
    {
        ApiVersion = NetworkingApi.ApiVersionV1Alpha1,
        Kind = "MultiClusterService",
        Name = mcs.Metadata.Name ?? "",
        Namespace = mcs.Metadata.Namespace,
        Uid = mcs.Metadata.Uid,
        ResourceVersion = mcs.Metadata.ResourceVersion,
    };
}
