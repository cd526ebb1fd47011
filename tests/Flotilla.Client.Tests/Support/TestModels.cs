using System.Text.Json.Serialization;
using Flotilla.Api.Meta;

namespace Flotilla.Client.Tests.Support;

/// <summary>A hand-written typed model (Flotilla.Api has no typed ConfigMap), to exercise the typed client path.</summary>
internal sealed class ConfigMap : KubeObject
{
    public ConfigMap()
    {
        ApiVersion = "v1";
        Kind = "ConfigMap";
    }

    public Dictionary<string, string>? Data { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(KubeTimeConverter)])]
[JsonSerializable(typeof(ConfigMap))]
internal sealed partial class TestJson : JsonSerializerContext;

/// <summary>Mappings of the built-in resources the tests use, stated as a caller would for well-known types.</summary>
internal static class Resources
{
    public static readonly ResourceMapping ConfigMaps = new("", "v1", "configmaps", "ConfigMap", namespaced: true);
    public static readonly ResourceMapping Namespaces = new("", "v1", "namespaces", "Namespace", namespaced: false);
    public static readonly ResourceMapping Deployments = new("apps", "v1", "deployments", "Deployment", namespaced: true);
    public static readonly ResourceMapping Crds = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", namespaced: false);
}
