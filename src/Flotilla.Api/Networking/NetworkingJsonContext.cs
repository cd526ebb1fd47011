using System.Text.Json.Serialization;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>Source-generated JSON for the <c>networking.fleet.azure.com</c> types.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubeTimeConverter)])]
[JsonSerializable(typeof(ServiceExport))]
[JsonSerializable(typeof(ServiceImport))]
[JsonSerializable(typeof(InternalServiceExport))]
[JsonSerializable(typeof(InternalServiceImport))]
[JsonSerializable(typeof(MultiClusterService))]
[JsonSerializable(typeof(EndpointSliceExport))]
[JsonSerializable(typeof(EndpointSliceImport))]
[JsonSerializable(typeof(TrafficManagerProfile))]
[JsonSerializable(typeof(TrafficManagerBackend))]
public sealed partial class NetworkingJsonContext : JsonSerializerContext;
