using System.Text.Json.Serialization;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Cluster;

/// <summary>Source-generated JSON for the <c>cluster.kubernetes-fleet.io</c> types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubeTimeConverter)])]
[JsonSerializable(typeof(MemberCluster))]
[JsonSerializable(typeof(InternalMemberCluster))]
public sealed partial class ClusterJsonContext : JsonSerializerContext;
