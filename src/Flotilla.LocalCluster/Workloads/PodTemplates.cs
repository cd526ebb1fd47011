using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.LocalCluster.Common;

namespace Flotilla.LocalCluster.Workloads;

/// <summary>Pods from a workload's pod template, as upstream's <c>GetPodFromTemplate</c> builds them.</summary>
internal static class PodTemplates
{
    /// <summary>
    /// A pod of <paramref name="owner"/> from <paramref name="template"/>: the template's labels, annotations,
    /// finalizers and spec, a controller reference to the owner, and either a fixed <paramref name="name"/> or the
    /// <c>generateName</c> <paramref name="generateName"/> (the server adds five random characters).
    /// </summary>
    public static JsonObject NewPod(JsonObject owner, ResourceMapping ownerKind, JsonObject template, string? name, string? generateName,
        IEnumerable<KeyValuePair<string, string>>? extraLabels = null)
    {
        var templateMeta = template["metadata"] as JsonObject;
        var labels = templateMeta?["labels"] is JsonObject l ? Json.Clone(l) : [];
        foreach (var (key, value) in extraLabels ?? [])
        {
            labels[key] = value;
        }
        var metadata = new JsonObject { ["namespace"] = owner.Namespace() };
        if (name is not null)
        {
            metadata["name"] = name;
        }
        else
        {
            metadata["generateName"] = generateName;
        }
        metadata["labels"] = labels;
        if (templateMeta?["annotations"] is JsonObject { Count: > 0 } annotations)
        {
            metadata["annotations"] = annotations.DeepClone();
        }
        if (templateMeta?["finalizers"] is JsonArray { Count: > 0 } finalizers)
        {
            metadata["finalizers"] = finalizers.DeepClone();
        }
        metadata["ownerReferences"] = new JsonArray(ObjectRefs.ControllerRef(owner, ownerKind));
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = metadata,
            ["spec"] = template["spec"]?.DeepClone() ?? new JsonObject(),
        };
    }
}
