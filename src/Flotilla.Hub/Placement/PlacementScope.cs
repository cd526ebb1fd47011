using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Client;

namespace Flotilla.Hub.Placement;

/// <summary>
/// One of the two placement scopes: a ClusterResourcePlacement with its cluster-scoped policy snapshots and bindings,
/// or a ResourcePlacement with its namespaced ones. The placement controller and the scheduler runner are written
/// once over this, and instantiated for each scope.
/// </summary>
internal sealed class PlacementScope<TPlacement, TSnapshot, TBinding>
    where TPlacement : KubeObject, IPlacement
    where TSnapshot : KubeObject, IPolicySnapshot, new()
    where TBinding : KubeObject, IBinding, new()
{
    public required bool ClusterScoped { get; init; }

    public required JsonTypeInfo<TPlacement> PlacementJson { get; init; }

    public required JsonTypeInfo<TSnapshot> SnapshotJson { get; init; }

    public required JsonTypeInfo<TBinding> BindingJson { get; init; }

    /// <summary>"crp" or "rp": the name in logs and controller names.</summary>
    public string ShortName => ClusterScoped ? "crp" : "rp";

    public ResourceMapping PlacementMapping => CustomResourceMappings.Of<TPlacement>();

    public ResourceMapping SnapshotMapping => CustomResourceMappings.Of<TSnapshot>();

    public ResourceMapping BindingMapping => CustomResourceMappings.Of<TBinding>();

    /// <summary>ClusterResourceSnapshot or ResourceSnapshot.</summary>
    public ResourceMapping ResourceSnapshotMapping => ClusterScoped ? CustomResourceMappings.Of<ClusterResourceSnapshot>() : CustomResourceMappings.Of<ResourceSnapshot>();

    /// <summary>The placement controller's finalizer (placement spec §7.2).</summary>
    public string CleanupFinalizer => ClusterScoped ? PlacementApi.ClusterResourcePlacementCleanupFinalizer : PlacementApi.ResourcePlacementCleanupFinalizer;

    /// <summary><c>ClusterResourcePlacementScheduled</c> or <c>ResourcePlacementScheduled</c>.</summary>
    public string ScheduledCondition => PlacementConditionType.For(ClusterScoped, PerClusterConditionType.Scheduled);

    /// <summary>The key of a placement in the work queues: its name, and its namespace for a ResourcePlacement.</summary>
    public static Runtime.NamespacedName KeyOf(IPlacement placement) => new(placement.Metadata.Namespace ?? "", placement.Metadata.Name ?? "");

    /// <summary>The key of the placement that owns a policy snapshot or binding, from its <c>parent-CRP</c> label.</summary>
    public static Runtime.NamespacedName? ParentKey(ObjectMeta meta) =>
        meta.Label(PlacementApi.ParentPlacementLabel) is { Length: > 0 } parent ? new Runtime.NamespacedName(meta.Namespace ?? "", parent) : null;

    /// <summary>The label selector of everything a placement owns.</summary>
    public static string ChildrenSelector(string placementName) => $"{PlacementApi.ParentPlacementLabel}={placementName}";

    /// <summary>The controller owner reference of a placement's snapshots (the storage version, whatever the cache holds).</summary>
    public OwnerReference OwnerReferenceTo(IPlacement placement) => new()
    {
        ApiVersion = PlacementMapping.Kind.ApiVersion,
        Kind = PlacementMapping.Kind.Kind,
        Name = placement.Metadata.Name ?? "",
        Uid = placement.Metadata.Uid ?? "",
        Controller = true,
        BlockOwnerDeletion = true,
    };

    /// <summary>The Event reference of a placement, for <c>kubectl describe</c>.</summary>
    public Runtime.Events.ObjectReference EventReferenceTo(IPlacement placement) => EventReference(PlacementMapping, placement.Metadata);

    /// <summary>The Event reference of any object of this scope (placement, snapshot, binding), in its storage version.</summary>
    public static Runtime.Events.ObjectReference EventReference(ResourceMapping mapping, ObjectMeta meta) => new()
    {
        ApiVersion = mapping.Kind.ApiVersion,
        Kind = mapping.Kind.Kind,
        Name = meta.Name ?? "",
        Namespace = meta.Namespace,
        Uid = meta.Uid,
        ResourceVersion = meta.ResourceVersion,
    };

    /// <summary>A new, empty object of the snapshot kind, with its type meta.</summary>
    public TSnapshot NewSnapshot() => new() { ApiVersion = SnapshotMapping.Kind.ApiVersion, Kind = SnapshotMapping.Kind.Kind };

    /// <summary>A new, empty object of the binding kind, with its type meta.</summary>
    public TBinding NewBinding() => new() { ApiVersion = BindingMapping.Kind.ApiVersion, Kind = BindingMapping.Kind.Kind };
}

/// <summary>The two placement scopes.</summary>
internal static class PlacementScopes
{
    public static PlacementScope<ClusterResourcePlacement, ClusterSchedulingPolicySnapshot, ClusterResourceBinding> Cluster { get; } = new()
    {
        ClusterScoped = true,
        PlacementJson = PlacementJsonContext.Default.ClusterResourcePlacement,
        SnapshotJson = PlacementJsonContext.Default.ClusterSchedulingPolicySnapshot,
        BindingJson = PlacementJsonContext.Default.ClusterResourceBinding,
    };

    public static PlacementScope<ResourcePlacement, SchedulingPolicySnapshot, ResourceBinding> Namespaced { get; } = new()
    {
        ClusterScoped = false,
        PlacementJson = PlacementJsonContext.Default.ResourcePlacement,
        SnapshotJson = PlacementJsonContext.Default.SchedulingPolicySnapshot,
        BindingJson = PlacementJsonContext.Default.ResourceBinding,
    };
}
