using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Defaulting;
using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Schema;
using Flotilla.ApiServer.Validation;
using Flotilla.Storage;

namespace Flotilla.ApiServer.Core;

/// <summary>
/// Per-kind admission, in upstream's order: decode checks (unknown and duplicate fields per
/// <c>fieldValidation</c>, pruning), defaulting, then validation (metadata, schema or built-in rules, CRDs). It also
/// carries the kind-specific side effects of writes: CRD status and API registration, namespace termination.
/// </summary>
internal sealed class Admission(ResourceRegistry registry, TimeProvider time, FleetAdmission? fleet = null)
{
    private const string CrdGroup = "apiextensions.k8s.io";

    public void AdmitCreate(ResourceDefinition resource, JsonObject obj, RequestOptions options)
    {
        Decode(resource, obj, options);
        Default(resource, obj);
        fleet?.Mutate(resource, obj);
        if (IsCrd(resource))
        {
            CrdDefaults.Apply(obj);
        }
        var causes = Validate(resource, obj);
        if (IsCrd(resource))
        {
            causes.AddRange(CrdValidation.Validate(obj));
        }
        Reject(resource, obj, causes);
        fleet?.Validate(resource, obj, old: null);
        if (IsCrd(resource))
        {
            obj["status"] = CrdDefaults.AcceptedStatus(obj, time.GetUtcNow());
        }
        if (resource.Group.Length == 0 && resource.Kind == "Pod")
        {
            // Upstream's pod create strategy: a new pod is Pending with its QoS class until a kubelet reports.
            obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = PodQos.ClassOf(obj) };
        }
    }

    public void AdmitUpdate(ResourceDefinition resource, JsonObject obj, JsonObject old, RequestOptions options, string? subresource)
    {
        Decode(resource, obj, options);
        if (ServiceAddresses.IsService(resource) && subresource is null)
        {
            ServiceAddresses.KeepAllocated(obj, old);
        }
        Default(resource, obj);
        if (subresource is null)
        {
            fleet?.Mutate(resource, obj);
        }
        if (IsCrd(resource) && subresource is null)
        {
            CrdDefaults.Apply(obj);
        }
        var causes = Validate(resource, obj);
        if (IsCrd(resource) && subresource is null)
        {
            causes.AddRange(CrdValidation.ValidateUpdate(obj, old));
        }
        Reject(resource, obj, causes);
        if (subresource is null)
        {
            // Upstream's webhooks and CRD rules guard the object, not its status subresource.
            fleet?.Validate(resource, obj, old);
        }
        if (IsCrd(resource) && subresource is null)
        {
            obj["status"] = CrdDefaults.AcceptedStatus(obj, time.GetUtcNow(), old["status"] as JsonObject);
        }
        if (IsNamespace(resource) && obj.IsDeleting() && obj["status"] is JsonObject status)
        {
            status["phase"] = "Terminating";
        }
    }

    /// <summary>Admission of a DELETE request (fleet webhooks); throws when it is refused.</summary>
    public void AdmitDelete(ResourceDefinition resource, JsonObject obj) => fleet?.ValidateDelete(resource, obj);

    /// <summary>Prepares an object for deletion: what must happen before it may go.</summary>
    public static void PrepareDelete(ResourceDefinition resource, JsonObject obj)
    {
        if (IsCrd(resource) && !obj.Finalizers().Contains(Finalizers.CustomResourceCleanup))
        {
            // Instances are deleted before the CRD and its API disappear.
            obj.SetFinalizers([.. obj.Finalizers(), Finalizers.CustomResourceCleanup]);
        }
        if (IsNamespace(resource))
        {
            if (obj["status"] is not JsonObject status)
            {
                status = [];
                obj["status"] = status;
            }
            status["phase"] = "Terminating";
        }
    }

    /// <summary>Runs after a write is stored: a CRD's served API follows the stored CRD, synchronously.</summary>
    public void AfterCommit(ResourceDefinition resource, JsonObject obj, bool deleted)
    {
        if (!IsCrd(resource))
        {
            return;
        }
        if (deleted)
        {
            registry.RemoveCustom(obj.Name());
        }
        else
        {
            registry.SetCustom(obj.Name(), CustomResources.Definitions(obj));
        }
    }

    /// <summary>Serves the APIs of every stored CRD (at start-up, before the first request).</summary>
    public void RegisterStoredDefinitions(IResourceStore store)
    {
        var crds = registry.Find(CrdGroup, "v1", "customresourcedefinitions")!;
        foreach (var item in store.List(ObjectKeys.Prefix(crds, null)).Items)
        {
            var crd = Obj.Parse(item.Value);
            registry.SetCustom(crd.Name(), CustomResources.Definitions(crd));
        }
    }

    /// <summary>
    /// Unknown and duplicate fields: a custom resource is pruned to its schema; the request's fieldValidation mode
    /// decides whether what was dropped is an error, a warning or nothing.
    /// </summary>
    private static void Decode(ResourceDefinition resource, JsonObject obj, RequestOptions options)
    {
        IReadOnlyList<string> unknown = [];
        if (resource.IsCustom && resource.Schema is { } schema)
        {
            // Pruning works in place: obj is the pruned object.
            unknown = StructuralSchema.For(schema).Prune(obj).UnknownFields;
        }
        foreach (var warning in FieldValidation.Apply(options.FieldValidation, resource.Kind, resource.Version, options.DuplicateFields, unknown))
        {
            if (!options.Warnings.Contains(warning))
            {
                options.Warnings.Add(warning);
            }
        }
    }

    private static void Default(ResourceDefinition resource, JsonObject obj)
    {
        if (resource.IsCustom)
        {
            if (resource.Schema is { } schema)
            {
                StructuralSchema.For(schema).ApplyDefaults(obj);
            }
            return;
        }
        BuiltinDefaults.Apply(resource.Group, resource.Kind, obj);
    }

    private static List<StatusCause> Validate(ResourceDefinition resource, JsonObject obj)
    {
        var causes = ObjectMetaValidation.Validate(obj, resource);
        if (resource.IsCustom)
        {
            if (resource.Schema is { } schema)
            {
                causes.AddRange(StructuralSchema.For(schema).Validate(obj));
            }
        }
        else
        {
            causes.AddRange(BuiltinValidation.Validate(resource.Group, resource.Kind, obj));
        }
        return causes;
    }

    private static void Reject(ResourceDefinition resource, JsonObject obj, List<StatusCause> causes)
    {
        if (causes.Count > 0)
        {
            throw ApiException.Invalid(resource.Kind, resource.Group, obj.Name(), causes);
        }
    }

    private static bool IsCrd(ResourceDefinition resource) => resource.Group == CrdGroup && resource.Plural == "customresourcedefinitions";

    private static bool IsNamespace(ResourceDefinition resource) => resource.Group.Length == 0 && resource.Plural == "namespaces";
}
