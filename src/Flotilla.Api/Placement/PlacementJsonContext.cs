using System.Text.Json.Serialization;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement;

/// <summary>Source-generated JSON for the <c>placement.kubernetes-fleet.io</c> types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubeTimeConverter)])]
[JsonSerializable(typeof(ClusterResourcePlacement))]
[JsonSerializable(typeof(ResourcePlacement))]
[JsonSerializable(typeof(ClusterResourcePlacementStatus))]
[JsonSerializable(typeof(ClusterSchedulingPolicySnapshot))]
[JsonSerializable(typeof(SchedulingPolicySnapshot))]
[JsonSerializable(typeof(ClusterResourceSnapshot))]
[JsonSerializable(typeof(ResourceSnapshot))]
[JsonSerializable(typeof(ClusterResourceBinding))]
[JsonSerializable(typeof(ResourceBinding))]
[JsonSerializable(typeof(Work))]
[JsonSerializable(typeof(AppliedWork))]
[JsonSerializable(typeof(ClusterResourceOverride))]
[JsonSerializable(typeof(ClusterResourceOverrideSnapshot))]
[JsonSerializable(typeof(ResourceOverride))]
[JsonSerializable(typeof(ResourceOverrideSnapshot))]
[JsonSerializable(typeof(ClusterResourcePlacementEviction))]
[JsonSerializable(typeof(ClusterResourcePlacementDisruptionBudget))]
[JsonSerializable(typeof(ClusterStagedUpdateRun))]
[JsonSerializable(typeof(StagedUpdateRun))]
[JsonSerializable(typeof(ClusterStagedUpdateStrategy))]
[JsonSerializable(typeof(StagedUpdateStrategy))]
[JsonSerializable(typeof(ClusterApprovalRequest))]
[JsonSerializable(typeof(ApprovalRequest))]
[JsonSerializable(typeof(ClusterResourceEnvelope))]
[JsonSerializable(typeof(ResourceEnvelope))]
public sealed partial class PlacementJsonContext : JsonSerializerContext;
