using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Admission;
using Flotilla.Api.Cluster;
using Flotilla.Api.Cluster.Admission;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Api.Networking.Admission;
using Flotilla.Api.Placement;
using Flotilla.Api.Placement.Admission;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Registry;
using Flotilla.Storage;

namespace Flotilla.ApiServer.Core;

/// <summary>
/// Admission of fleet objects, in-process: the CEL rules the fleet CRDs declare (which this server does not evaluate
/// as CEL, so their C# equivalents run here, on every server serving those CRDs) and, on a hub, upstream's hub-agent
/// webhooks (mutating defaulters and validators for placements, member clusters, overrides, evictions…).
/// </summary>
/// <remarks>
/// Objects reach here after the schema has pruned, defaulted and validated them, so they decode into the typed
/// models without loss. Rule violations are 422 Invalid; webhook denials are 403 with upstream's
/// <c>admission webhook "…" denied the request</c> wording.
/// </remarks>
internal sealed class FleetAdmission(IResourceStore store, ResourceRegistry registry, bool webhooks)
{
    private static readonly PlacementJsonContext Placement = PlacementJsonContext.Default;

    private readonly PlacementValidator _placements = new(new RegistryScopes(registry));

    /// <summary>Defaulting webhooks (hub only), before the schema validates the object.</summary>
    public void Mutate(ResourceDefinition resource, JsonObject obj)
    {
        if (!webhooks)
        {
            return;
        }
        switch (resource.Group, resource.Kind)
        {
            case (ClusterApi.Group, "MemberCluster"):
                Rewrite(obj, ClusterJsonContext.Default.MemberCluster, MemberClusterDefaulter.Default, "spec");
                break;
            case (PlacementApi.Group, "ClusterResourcePlacement"):
                // Only CRPs have a mutating webhook upstream; controllers default ResourcePlacements themselves.
                Rewrite(obj, Placement.ClusterResourcePlacement, crp => PlacementDefaulter.Default(crp), "spec");
                break;
        }
    }

    /// <summary>CEL equivalents always; validating webhooks on a hub.</summary>
    /// <exception cref="ApiException">422 Invalid or 403 Forbidden, as upstream answers.</exception>
    public void Validate(ResourceDefinition resource, JsonObject obj, JsonObject? old)
    {
        var result = (resource.Group, resource.Kind) switch
        {
            (ClusterApi.Group, "MemberCluster") => old is null
                ? MemberClusterValidator.ValidateCreate(Decode(obj, ClusterJsonContext.Default.MemberCluster))
                : MemberClusterValidator.ValidateUpdate(Decode(old, ClusterJsonContext.Default.MemberCluster), Decode(obj, ClusterJsonContext.Default.MemberCluster)),
            (NetworkingApi.Group, _) when DecodeNetworking(resource.Kind, obj) is { } typed =>
                NetworkingValidator.Validate(typed, old is null ? null : DecodeNetworking(resource.Kind, old)),
            (PlacementApi.Group, _) => ValidatePlacementKind(resource.Kind, obj, old),
            _ => AdmissionResult.Allowed,
        };
        Enforce(resource, obj, result);
    }

    private AdmissionResult ValidatePlacementKind(string kind, JsonObject obj, JsonObject? old)
    {
        T? Old<T>(JsonTypeInfo<T> typeInfo)
            where T : class => old is null ? null : Decode(old, typeInfo);
        switch (kind)
        {
            case "ClusterResourcePlacement":
                return _placements.Validate(Decode(obj, Placement.ClusterResourcePlacement), Old(Placement.ClusterResourcePlacement));
            case "ResourcePlacement":
                return _placements.Validate(Decode(obj, Placement.ResourcePlacement), Old(Placement.ResourcePlacement));
            case "ClusterResourceOverride":
            {
                var cro = Decode(obj, Placement.ClusterResourceOverride);
                var existing = List(PlacementApi.Group, "clusterresourceoverrides", null, Placement.ClusterResourceOverride);
                return OverrideValidator.Validate(cro, Old(Placement.ClusterResourceOverride), [.. existing.Where(o => o.Metadata.Name != cro.Metadata.Name)]);
            }
            case "ResourceOverride":
            {
                var ro = Decode(obj, Placement.ResourceOverride);
                var existing = List(PlacementApi.Group, "resourceoverrides", obj.Namespace(), Placement.ResourceOverride);
                return OverrideValidator.Validate(ro, Old(Placement.ResourceOverride), [.. existing.Where(o => o.Metadata.Name != ro.Metadata.Name)]);
            }
            case "ClusterResourcePlacementEviction":
            {
                var eviction = Decode(obj, Placement.ClusterResourcePlacementEviction);
                return EvictionValidator.ValidateEviction(eviction, Old(Placement.ClusterResourcePlacementEviction), StoredPlacement(eviction.Spec.PlacementName));
            }
            case "ClusterResourcePlacementDisruptionBudget":
                return EvictionValidator.ValidateDisruptionBudget(
                    Decode(obj, Placement.ClusterResourcePlacementDisruptionBudget), Old(Placement.ClusterResourcePlacementDisruptionBudget), StoredPlacement(obj.Name()));
            case "ClusterStagedUpdateRun":
                return StagedUpdateValidator.ValidateUpdateRun(Decode(obj, Placement.ClusterStagedUpdateRun), Old(Placement.ClusterStagedUpdateRun));
            case "StagedUpdateRun":
                return StagedUpdateValidator.ValidateUpdateRun(Decode(obj, Placement.StagedUpdateRun), Old(Placement.StagedUpdateRun));
            case "ClusterStagedUpdateStrategy":
                return StagedUpdateValidator.ValidateUpdateStrategy(Decode(obj, Placement.ClusterStagedUpdateStrategy).Spec);
            case "StagedUpdateStrategy":
                return StagedUpdateValidator.ValidateUpdateStrategy(Decode(obj, Placement.StagedUpdateStrategy).Spec);
            case "ClusterApprovalRequest":
                return StagedUpdateValidator.ValidateApprovalRequest(Decode(obj, Placement.ClusterApprovalRequest), Old(Placement.ClusterApprovalRequest));
            case "ApprovalRequest":
                return StagedUpdateValidator.ValidateApprovalRequest(Decode(obj, Placement.ApprovalRequest), Old(Placement.ApprovalRequest));
            default:
                return AdmissionResult.Allowed;
        }
    }

    private ClusterResourcePlacement? StoredPlacement(string name)
    {
        var definition = registry.Versions(PlacementApi.Group, "clusterresourceplacements").FirstOrDefault();
        return definition is not null && store.Get(ObjectKeys.Key(definition, null, name)) is { } stored
            ? JsonSerializer.Deserialize(stored.Value, Placement.ClusterResourcePlacement)
            : null;
    }

    /// <summary>Validating webhooks on DELETE (hub only).</summary>
    /// <exception cref="ApiException">403 Forbidden with the webhook's reason.</exception>
    public void ValidateDelete(ResourceDefinition resource, JsonObject obj)
    {
        if (!webhooks)
        {
            return;
        }
        var result = (resource.Group, resource.Kind) switch
        {
            (ClusterApi.Group, "MemberCluster") => MemberClusterValidator.ValidateDelete(
                Decode(obj, ClusterJsonContext.Default.MemberCluster),
                List(NetworkingApi.Group, "internalserviceexports", ClusterApi.MemberNamespace(obj.Name()), NetworkingJsonContext.Default.InternalServiceExport)),
            _ => AdmissionResult.Allowed,
        };
        Enforce(resource, obj, result);
    }

    private void Enforce(ResourceDefinition resource, JsonObject obj, AdmissionResult result)
    {
        // A CRD rule holds wherever the CRD is served; a webhook's verdict only where the hub's webhooks run.
        if (result.IsInvalid || (result.IsDenied && webhooks))
        {
            throw result.ToException(resource.Kind, resource.Group, obj.Name())!;
        }
    }

    /// <summary>The stored objects of a resource in a namespace, typed; none when the resource is not served.</summary>
    private List<T> List<T>(string group, string plural, string? ns, JsonTypeInfo<T> typeInfo)
    {
        var definition = registry.Versions(group, plural).FirstOrDefault();
        if (definition is null)
        {
            return [];
        }
        return [.. store.List(ObjectKeys.Prefix(definition, ns)).Items.Select(v => JsonSerializer.Deserialize(v.Value, typeInfo)!)];
    }

    private static KubeObject? DecodeNetworking(string kind, JsonObject obj) => kind switch
    {
        "ServiceExport" => Decode(obj, NetworkingJsonContext.Default.ServiceExport),
        "ServiceImport" => Decode(obj, NetworkingJsonContext.Default.ServiceImport),
        "MultiClusterService" => Decode(obj, NetworkingJsonContext.Default.MultiClusterService),
        "TrafficManagerProfile" => Decode(obj, NetworkingJsonContext.Default.TrafficManagerProfile),
        "TrafficManagerBackend" => Decode(obj, NetworkingJsonContext.Default.TrafficManagerBackend),
        _ => null,
    };

    private static T Decode<T>(JsonObject obj, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            return obj.Deserialize(typeInfo) ?? throw ApiException.BadRequest($"the object could not be read as {typeof(T).Name}");
        }
        catch (JsonException e)
        {
            // The schema admitted it, so this is a model gap, reported rather than hidden.
            throw ApiException.BadRequest($"the object could not be read as {typeof(T).Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Runs a typed defaulter and, when it changed anything, writes back only the parts it may change, so fields the
    /// model does not carry are never lost.
    /// </summary>
    private static void Rewrite<T>(JsonObject obj, JsonTypeInfo<T> typeInfo, Func<T, bool> defaulter, params string[] parts)
    {
        var typed = Decode(obj, typeInfo);
        if (!defaulter(typed))
        {
            return;
        }
        var written = JsonSerializer.SerializeToNode(typed, typeInfo)!.AsObject();
        foreach (var part in parts)
        {
            obj[part] = written[part]?.DeepClone();
        }
    }

    /// <summary>The registry as the placement validator's REST mapper: served kinds and their scope.</summary>
    private sealed class RegistryScopes(ResourceRegistry registry) : IResourceScopeResolver
    {
        public bool TryResolve(string group, string version, string kind, out bool namespaced)
        {
            var definition = registry.InGroupVersion(group, version).FirstOrDefault(d => d.Kind == kind);
            namespaced = definition?.Namespaced ?? false;
            return definition is not null;
        }
    }
}
