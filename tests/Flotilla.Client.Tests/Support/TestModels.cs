using System.Text.Json.Serialization;

namespace Flotilla.Client.Tests.Support;

/// <summary>A hand-written typed model (Flotilla.Api has no typed ConfigMap), to exercise the typed client path.</summary>
internal sealed class ConfigMap
{
    public string ApiVersion { get; set; } = "v1";

    public string Kind { get; set; } = "ConfigMap";

    public ObjectMeta Metadata { get; set; } = new();

    public Dictionary<string, string>? Data { get; set; }
}

internal sealed class ObjectMeta
{
    public string? Name { get; set; }

    public string? GenerateName { get; set; }

    public string? Namespace { get; set; }

    public string? Uid { get; set; }

    public string? ResourceVersion { get; set; }

    public Dictionary<string, string>? Labels { get; set; }

    public List<string>? Finalizers { get; set; }

    public string? DeletionTimestamp { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
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
