using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Http;

/// <summary>The <c>scale</c> subresource: an <c>autoscaling/v1 Scale</c> view of an object's replicas.</summary>
internal static class Scale
{
    public static JsonObject From(ResourceDefinition resource, JsonObject obj)
    {
        var mapping = resource.Scale!;
        var metadata = obj.Metadata();
        var scale = new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = new JsonObject
            {
                ["name"] = obj.Name(),
                ["uid"] = metadata["uid"]?.DeepClone(),
                ["resourceVersion"] = metadata["resourceVersion"]?.DeepClone(),
                ["creationTimestamp"] = metadata["creationTimestamp"]?.DeepClone(),
            },
            ["spec"] = new JsonObject { ["replicas"] = Read(obj, mapping.SpecReplicasPath)?.DeepClone() ?? 0 },
            ["status"] = new JsonObject { ["replicas"] = Read(obj, mapping.StatusReplicasPath)?.DeepClone() ?? 0 },
        };
        if (resource.Namespaced)
        {
            scale["metadata"]!["namespace"] = obj.Namespace();
        }
        if (mapping.LabelSelectorPath is { } selectorPath && Read(obj, selectorPath) is { } selector)
        {
            scale["status"]!["selector"] = selector is JsonObject structured ? Flotilla.Api.Meta.LabelSelector.FromStructured(structured).ToString() : selector.DeepClone();
        }
        return scale;
    }

    /// <summary><c>spec.replicas</c> of a Scale body; 422 when absent or negative.</summary>
    public static long Replicas(JsonObject scale)
    {
        if (scale.At("spec", "replicas") is JsonValue v && v.TryGetValue<long>(out var replicas) && replicas >= 0)
        {
            return replicas;
        }
        throw ApiException.Invalid("Scale", "autoscaling", scale.Name(),
            [new StatusCause("FieldValueInvalid", $"Invalid value: {scale.At("spec", "replicas")?.ToJsonString() ?? "null"}: must be greater than or equal to 0", "spec.replicas")]);
    }

    /// <summary>Writes <paramref name="replicas"/> back into the object; the Scale's resourceVersion guards the write.</summary>
    public static JsonObject Apply(ResourceDefinition resource, JsonObject current, long replicas, string resourceVersion)
    {
        var path = resource.Scale!.SpecReplicasPath.TrimStart('.').Split('.');
        var node = current;
        foreach (var step in path[..^1])
        {
            if (node[step] is not JsonObject next)
            {
                next = [];
                node[step] = next;
            }
            node = next;
        }
        node[path[^1]] = replicas;
        current.Metadata()["resourceVersion"] = resourceVersion;
        return current;
    }

    private static JsonNode? Read(JsonObject obj, string path) => obj.At(path.TrimStart('.').Split('.'));
}
