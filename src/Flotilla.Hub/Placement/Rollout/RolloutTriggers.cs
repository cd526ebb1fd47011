using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;

namespace Flotilla.Hub.Placement.Rollout;

/// <summary>Which changes start a rollout round (placement spec §4.1).</summary>
internal static class RolloutTriggers
{
    /// <summary>A master resource snapshot (it carries the group's hash) labelled latest.</summary>
    public static bool IsLatestMaster(JsonObject snapshot) =>
        snapshot.Labels()?.GetString(PlacementApi.IsLatestSnapshotLabel) == "true"
        && (snapshot.At("metadata", "annotations") as JsonObject)?.GetString(PlacementApi.ResourceHashAnnotation) is not null;

    /// <summary>The binding's spec changed, or its Available or DiffReported condition did (status, reason, observed generation).</summary>
    public static bool BindingChanged(IBinding old, IBinding current) =>
        old.Metadata.Generation != current.Metadata.Generation
        || !SameCondition(old, current, BindingConditionType.Available)
        || !SameCondition(old, current, BindingConditionType.DiffReported);

    /// <summary>The placement's strategy type or apply strategy changed.</summary>
    public static bool StrategyChanged(PlacementSpec old, PlacementSpec current) =>
        old.Strategy?.Type != current.Strategy?.Type
        || !JsonNode.DeepEquals(
            JsonSerializer.SerializeToNode(old.Strategy?.ApplyStrategy, PlacementJsonContext.Default.ApplyStrategy),
            JsonSerializer.SerializeToNode(current.Strategy?.ApplyStrategy, PlacementJsonContext.Default.ApplyStrategy));

    private static bool SameCondition(IBinding old, IBinding current, string type)
    {
        var a = Conditions.Find(old.Status?.Conditions, type);
        var b = Conditions.Find(current.Status?.Conditions, type);
        return (a is null && b is null) || (a is not null && b is not null && a.Status == b.Status && a.Reason == b.Reason && a.ObservedGeneration == b.ObservedGeneration);
    }
}
