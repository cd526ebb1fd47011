using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;

namespace Flotilla.Member.Work;

/// <summary>
/// What the member does to a manifest before applying it (placement spec §2.5, §5.5 step 6). Every method returns a
/// deep copy: the manifests inside a Work are shared with the informer cache and must never be mutated.
/// </summary>
internal static class ManifestSanitizer
{
    /// <summary>kubectl's client-side-apply record; a copied object must not bring another tool's merge base along.</summary>
    public const string KubectlLastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    /// <summary>Written by the Deployment controller of the cluster the object was copied from.</summary>
    public const string DeploymentRevisionAnnotation = "deployment.kubernetes.io/revision";

    // Metadata the API server owns: copying it from another cluster would be rejected or mean nothing here.
    private static readonly string[] ServerOwnedMetadata =
    [
        "ownerReferences", "managedFields", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
        "generation", "resourceVersion", "selfLink", "uid",
    ];

    /// <summary>
    /// Re-sanitizes a manifest that came out of an envelope (§2.5): envelopes are not sanitized on the hub, so the member
    /// strips the two fleet annotations, kubectl's last-applied, the deployment revision, ownerReferences,
    /// managedFields, creationTimestamp, the deletion fields, generation, resourceVersion, selfLink, uid and status.
    /// Unlike the hub it keeps Service clusterIP/nodePort and Job selectors. Empty labels/annotations maps are removed.
    /// </summary>
    public static JsonObject SanitizeEnveloped(JsonObject manifest)
    {
        var copy = (JsonObject)manifest.DeepClone();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject metadata)
        {
            JsonFields.Remove(metadata, ServerOwnedMetadata);
            JsonFields.Remove(metadata["annotations"] as JsonObject,
                PlacementApi.ManifestHashAnnotation, PlacementApi.LastAppliedConfigAnnotation,
                KubectlLastAppliedAnnotation, DeploymentRevisionAnnotation);
            JsonFields.RemoveIfEmpty(metadata, "annotations");
            JsonFields.RemoveIfEmpty(metadata, "labels");
        }
        return copy;
    }

    /// <summary>
    /// The manifest as the applier sends it, before its own annotations are added: a copy without the hub-side
    /// <c>spec-hash</c> and fleet <c>last-applied-configuration</c> annotations (an empty annotations map is removed).
    /// The caller then sets <c>spec-hash</c> to <see cref="SpecHash"/> of this result.
    /// </summary>
    public static JsonObject PrepareForApply(JsonObject manifest)
    {
        var copy = (JsonObject)manifest.DeepClone();
        if (copy["metadata"] is JsonObject metadata)
        {
            JsonFields.Remove(metadata["annotations"] as JsonObject,
                PlacementApi.ManifestHashAnnotation, PlacementApi.LastAppliedConfigAnnotation);
            JsonFields.RemoveIfEmpty(metadata, "annotations");
        }
        return copy;
    }

    /// <summary>
    /// The <c>spec-hash</c> annotation value: lowercase hex SHA-256 of the <see cref="PrepareForApply"/> form serialized
    /// with sorted keys, so property order does not matter and hashing an already prepared (or already annotated)
    /// manifest gives the same value. Pre-apply drift detection compares it with the live object's annotation.
    /// </summary>
    public static string SpecHash(JsonObject manifest)
    {
        var json = Obj.ToSortedJson(PrepareForApply(manifest));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}
