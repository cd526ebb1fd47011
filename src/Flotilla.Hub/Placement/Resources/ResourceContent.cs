using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.Hub.Placement.Resources;

/// <summary>
/// Turns a selected hub object into the content a resource snapshot stores (placement spec §1.3.2 "Content
/// sanitization"): everything the hub's API server or controllers own is cleared, so the content — and therefore the
/// snapshot hash — changes only when what the user declared changes.
/// </summary>
internal static class ResourceContent
{
    /// <summary>Annotations written by tools on the hub that must not travel to members.</summary>
    internal const string LastAppliedConfigurationAnnotation = "kubectl.kubernetes.io/last-applied-configuration";
    internal const string DeploymentRevisionAnnotation = "deployment.kubernetes.io/revision";

    /// <summary>The labels the Job controller stamps on a Job's selector and pod template.</summary>
    internal const string LegacyControllerUidLabel = "controller-uid";
    internal const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";

    // Server-owned metadata; labels, other annotations, finalizers and deletionGracePeriodSeconds stay.
    private static readonly string[] ClearedMetadata =
    [
        "resourceVersion", "generation", "uid", "selfLink", "deletionTimestamp", "managedFields", "creationTimestamp",
        "ownerReferences",
    ];

    /// <summary>
    /// The sanitized content of <paramref name="obj"/>: a deep copy (the input is never mutated) with the server-owned
    /// fields removed and object properties sorted by ordinal name at every level.
    /// </summary>
    /// <remarks>
    /// Sorting makes the content canonical, as upstream's Go serialization of an unstructured map is: two selections
    /// that differ only in the order the API server returned fields serialize, and so hash, identically, and the
    /// stored object writes the very bytes that were hashed.
    /// </remarks>
    public static JsonObject Sanitize(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject metadata)
        {
            foreach (var field in ClearedMetadata)
            {
                metadata.Remove(field);
            }
            if (metadata["annotations"] is JsonObject annotations)
            {
                annotations.Remove(LastAppliedConfigurationAnnotation);
                annotations.Remove(DeploymentRevisionAnnotation);
                if (annotations.Count == 0)
                {
                    metadata.Remove("annotations");
                }
            }
        }

        var (group, _, _) = GroupVersionKind.FromApiVersion(copy.GetString("apiVersion") ?? "", "");
        var kind = copy.GetString("kind") ?? "";
        if (group == "" && kind == "Service")
        {
            SanitizeService(copy);
        }
        else if (group == "batch" && kind == "Job")
        {
            SanitizeJob(copy);
        }
        return (JsonObject)Sorted(copy)!;
    }

    /// <summary>The identifier of <paramref name="obj"/> as placement status lists it; empty group and namespace are null (omitted).</summary>
    public static ResourceIdentifier Identify(JsonObject obj)
    {
        var (group, version, _) = GroupVersionKind.FromApiVersion(obj.GetString("apiVersion") ?? "", "");
        var ns = obj.Namespace();
        return new ResourceIdentifier
        {
            Group = group.Length == 0 ? null : group,
            Version = version,
            Kind = obj.GetString("kind") ?? "",
            Name = obj.Name(),
            Namespace = ns.Length == 0 ? null : ns,
        };
    }

    // The cluster allocates these on each member; carrying the hub's values would collide or be rejected there.
    // A headless Service's "None" is user intent, so it stays.
    private static void SanitizeService(JsonObject service)
    {
        if (service["spec"] is not JsonObject spec)
        {
            return;
        }
        if (spec.GetString("clusterIP") != "None")
        {
            spec.Remove("clusterIP");
            spec.Remove("clusterIPs");
        }
        spec.Remove("healthCheckNodePort");
        if (spec["ports"] is JsonArray ports)
        {
            foreach (var port in ports.OfType<JsonObject>())
            {
                port.Remove("nodePort");
            }
        }
    }

    // The Job controller stamps the hub Job's uid into its selector and template; on a member the uid differs and the
    // Job would select nothing (or be rejected). With manualSelector the user owns the selector, so it is kept whole.
    private static void SanitizeJob(JsonObject job)
    {
        if (job["spec"] is not JsonObject spec || spec["manualSelector"] is JsonValue manual && manual.TryGetValue<bool>(out var m) && m)
        {
            return;
        }
        if (spec.At("selector", "matchLabels") is JsonObject matchLabels)
        {
            matchLabels.Remove(LegacyControllerUidLabel);
            matchLabels.Remove(ControllerUidLabel);
        }
        if (spec.At("template", "metadata") is JsonObject templateMetadata)
        {
            templateMetadata.Remove("creationTimestamp");
            if (templateMetadata["labels"] is JsonObject labels)
            {
                labels.Remove(LegacyControllerUidLabel);
                labels.Remove(ControllerUidLabel);
            }
        }
    }

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(
            obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value))).ToList(),
            Obj.NodeOptions),
        JsonArray array => new JsonArray([.. array.Select(Sorted)]),
        null => null,
        _ => node.DeepClone(),
    };
}
