using System.Text.Json.Nodes;
using Flotilla.Api.Placement;

namespace Flotilla.Member.Work;

/// <summary>
/// Drift and diff computation (placement spec §5.6): both sides are normalized, walked together, and every differing
/// leaf or subtree becomes one <see cref="PatchDetail"/>, as a JSON-patch diff from the hub side to the member side
/// would report it.
/// </summary>
internal static class ObjectDiff
{
    /// <summary>At most this many details are kept per object (upstream's limit).</summary>
    public const int MaxDetails = 100;

    /// <summary>What replaces a Secret's data values in the details.</summary>
    public const string RedactedValue = "(redacted for security reasons)";

    // Reserved label/annotation domains: users cannot (should not) set these, and Kubernetes or Fleet change them
    // behind the user's back, so they are never drift. Matched anywhere in the key, as upstream does.
    private static readonly string[] ReservedDomains = ["kubernetes.io/", "k8s.io/", "kubernetes-fleet.io/"];

    private static readonly string[] IgnoredMetadata =
    [
        "name", "namespace", "generateName", "finalizers", "managedFields", "ownerReferences", "deletionTimestamp",
        "deletionGracePeriodSeconds", "generation", "resourceVersion", "selfLink", "uid", "creationTimestamp",
    ];

    // Pod templates carry a metadata block whose creationTimestamp Go clients serialize as null; it is never drift.
    private static readonly string[][] TemplateMetadataPaths =
    [
        ["spec", "template"],
        ["spec", "jobTemplate"],
        ["spec", "jobTemplate", "spec", "template"],
    ];

    /// <summary>
    /// A deep copy without what §5.6 ignores: name, namespace, generateName, reserved labels and annotations,
    /// finalizers, managedFields, ownerReferences, the deletion fields, generation, resourceVersion, selfLink, uid,
    /// creationTimestamp (also in <c>spec.template.metadata</c>, <c>spec.jobTemplate.metadata</c> and
    /// <c>spec.jobTemplate.spec.template.metadata</c>) and status. Emptied maps are removed, so <c>{}</c> and a missing
    /// map are not a difference.
    /// </summary>
    public static JsonObject Normalize(JsonObject obj)
    {
        var copy = (JsonObject)obj.DeepClone();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject metadata)
        {
            JsonFields.Remove(metadata, IgnoredMetadata);
            RemoveReservedKeys(metadata, "labels");
            RemoveReservedKeys(metadata, "annotations");
            JsonFields.RemoveIfEmpty(copy, "metadata");
        }
        foreach (var path in TemplateMetadataPaths)
        {
            if (JsonFields.ObjectAt(copy, path) is { } template && template["metadata"] is JsonObject templateMetadata)
            {
                templateMetadata.Remove("creationTimestamp");
                JsonFields.RemoveIfEmpty(template, "metadata");
            }
        }
        return copy;
    }

    /// <summary>
    /// Full comparison: the differences between a hub manifest and the live member object, both normalized. Paths are
    /// JSON pointers; <c>ValueInHub</c>/<c>ValueInMember</c> are the values' text (null when absent there). Details are
    /// in path order (segment by segment: object keys ordinally, array indices numerically), capped at
    /// <see cref="MaxDetails"/>; a Secret's <c>/data</c> and <c>/stringData</c> values are redacted.
    /// </summary>
    public static IReadOnlyList<PatchDetail> Compare(JsonObject hub, JsonObject member) =>
        Details(hub, Normalize(hub), Normalize(member));

    /// <summary>
    /// Partial comparison: the dry-run result (the live object after a forced server-side apply of the manifest) against
    /// the live object, both normalized, so that only the fields the manifest sets can differ. Same output as
    /// <see cref="Compare"/>; the manifest decides whether values are redacted.
    /// </summary>
    public static IReadOnlyList<PatchDetail> ComparePartial(JsonObject manifest, JsonObject dryRunResult, JsonObject live) =>
        Details(IsSecret(manifest) ? manifest : dryRunResult, Normalize(dryRunResult), Normalize(live));

    private static List<PatchDetail> Details(JsonObject hubSide, JsonObject hub, JsonObject member)
    {
        var details = new List<PatchDetail>();
        // The walk visits keys in ordinal order and indices in ascending order, so details come out sorted and
        // the walk can stop as soon as the cap is reached.
        Walk("", hub, member, details);
        if (IsSecret(hubSide))
        {
            foreach (var detail in details.Where(d => IsSecretData(d.Path)))
            {
                // Only present values are redacted, so "absent on one side" stays visible.
                detail.ValueInHub = string.IsNullOrEmpty(detail.ValueInHub) ? detail.ValueInHub : RedactedValue;
                detail.ValueInMember = string.IsNullOrEmpty(detail.ValueInMember) ? detail.ValueInMember : RedactedValue;
            }
        }
        return details;
    }

    private static void Walk(string path, JsonNode? hub, JsonNode? member, List<PatchDetail> details)
    {
        if (details.Count >= MaxDetails)
        {
            return;
        }
        switch (hub, member)
        {
            case (JsonObject hubObject, JsonObject memberObject):
                // A property holding null is the same as a missing one: Kubernetes drops nulls when it decodes.
                var keys = hubObject.Where(p => p.Value is not null).Select(p => p.Key)
                    .Union(memberObject.Where(p => p.Value is not null).Select(p => p.Key))
                    .Order(StringComparer.Ordinal);
                foreach (var key in keys)
                {
                    Walk(path + "/" + JsonFields.EscapePointerToken(key), hubObject[key], memberObject[key], details);
                }
                break;
            case (JsonArray hubArray, JsonArray memberArray):
                // Element by element by index: simple and deterministic; extra elements are reported at their index.
                for (var i = 0; i < Math.Max(hubArray.Count, memberArray.Count); i++)
                {
                    Walk(path + "/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        i < hubArray.Count ? hubArray[i] : null, i < memberArray.Count ? memberArray[i] : null, details);
                }
                break;
            default:
                if (!JsonNode.DeepEquals(hub, member))
                {
                    details.Add(new PatchDetail
                    {
                        Path = path,
                        ValueInHub = JsonFields.Text(hub),
                        ValueInMember = JsonFields.Text(member),
                    });
                }
                break;
        }
    }

    private static void RemoveReservedKeys(JsonObject metadata, string map)
    {
        if (metadata[map] is JsonObject entries)
        {
            foreach (var key in entries.Select(p => p.Key).Where(IsReserved).ToList())
            {
                entries.Remove(key);
            }
        }
        JsonFields.RemoveIfEmpty(metadata, map);
    }

    private static bool IsReserved(string key) =>
        ReservedDomains.Any(domain => key.Contains(domain, StringComparison.Ordinal));

    private static bool IsSecret(JsonObject obj) =>
        JsonFields.Text(obj["apiVersion"]) == "v1" && JsonFields.Text(obj["kind"]) == "Secret";

    private static bool IsSecretData(string path) =>
        path is "/data" or "/stringData"
        || path.StartsWith("/data/", StringComparison.Ordinal)
        || path.StartsWith("/stringData/", StringComparison.Ordinal);
}
