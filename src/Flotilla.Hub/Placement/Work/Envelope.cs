using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.Hub.Placement.Work;

/// <summary>
/// A selected ClusterResourceEnvelope or ResourceEnvelope (placement spec §2.5): the work generator places its wrapped
/// manifests in a Work of their own instead of placing the envelope.
/// </summary>
/// <param name="Type"><see cref="EnvelopeType.ClusterResourceEnvelope"/> or <see cref="EnvelopeType.ResourceEnvelope"/>.</param>
/// <param name="Name">The envelope's name.</param>
/// <param name="Namespace">The envelope's namespace; empty for a ClusterResourceEnvelope.</param>
/// <param name="Data">Its <c>data</c> map (key → wrapped manifest); null when absent.</param>
internal sealed record Envelope(string Type, string Name, string Namespace, JsonObject? Data)
{
    /// <summary>The envelope when <paramref name="resource"/> is one (either version of the fleet placement group), else null.</summary>
    public static Envelope? From(JsonObject resource)
    {
        var gvk = GroupVersionKind.FromApiVersion(resource.GetString("apiVersion") ?? "", resource.GetString("kind") ?? "");
        if (gvk.Group != PlacementApi.Group || gvk.Kind is not (EnvelopeType.ClusterResourceEnvelope or EnvelopeType.ResourceEnvelope))
        {
            return null;
        }
        return new Envelope(gvk.Kind, resource.Name(), resource.Namespace(), resource["data"] as JsonObject);
    }

    /// <summary>klog's object reference, as upstream's messages print it: <c>namespace/name</c>, or <c>name</c> when cluster-scoped.</summary>
    public string ObjectRef => Ref(Namespace, Name);

    /// <summary>
    /// The suffix of the envelope's Work name: the first 8 bytes of sha256(<c>type/namespace/name</c>) as 16 lowercase
    /// hex characters. Deterministic, so two racing creations of the same envelope's Work collide on the name at the API
    /// server instead of producing duplicates; the type keeps a ClusterResourceEnvelope and a ResourceEnvelope apart.
    /// </summary>
    public string WorkNameSuffix =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Type}/{Namespace}/{Name}")).AsSpan(0, 8));

    /// <summary>
    /// Validates the wrapped manifests and returns them deep-copied, sorted by their JSON text in DESCENDING order
    /// (upstream's order, kept so that an unchanged envelope never rewrites its Work); or the user error of the first
    /// invalid one.
    /// </summary>
    /// <remarks>
    /// Entries are checked in key order so the reported error does not depend on map order (upstream's Go map iteration
    /// picks an arbitrary invalid entry). The sort key is the canonical JSON (<see cref="Obj.ToSortedJson"/>: keys
    /// sorted at every level, as Go marshals unstructured maps), compared as UTF-8 bytes as Go compares strings.
    /// Upstream reports an entry that is not an object as an unexpected (retried) error; a snapshot never changes, so
    /// a retry cannot help and it is reported as a user error here.
    /// </remarks>
    public string? Unwrap(out List<JsonObject> manifests)
    {
        manifests = [];
        var keyed = new List<(byte[] SortKey, JsonObject Manifest)>();
        foreach (var (key, value) in (Data ?? []).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is not JsonObject manifest)
            {
                return $"failed to parse the wrapped manifest data to a Kubernetes runtime object (manifestKey={key},envelopeObjRef={ObjectRef}): not a JSON object";
            }
            var ns = manifest.Namespace();
            var wrappedRef = Ref(ns, manifest.Name());
            if (Type == EnvelopeType.ClusterResourceEnvelope && ns.Length > 0)
            {
                return $"a namespaced object {key} ({wrappedRef}) has been wrapped in a cluster resource envelope {ObjectRef}";
            }
            if (Type == EnvelopeType.ResourceEnvelope && ns.Length == 0)
            {
                return $"a cluster scope object {key} ({wrappedRef}) has been wrapped in a resource envelope {ObjectRef}";
            }
            if (ns != Namespace)
            {
                // Upstream's text, including its stray "in".
                return $"a namespaced object {key} ({wrappedRef}) in has been wrapped in a resource envelope from another namespace ({ObjectRef})";
            }
            keyed.Add((Encoding.UTF8.GetBytes(Obj.ToSortedJson(manifest)), manifest));
        }
        keyed.Sort((a, b) => b.SortKey.AsSpan().SequenceCompareTo(a.SortKey));
        manifests.AddRange(keyed.Select(k => k.Manifest.DeepClone().AsObject()));
        return null;
    }

    private static string Ref(string ns, string name) => ns.Length == 0 ? name : ns + "/" + name;
}
