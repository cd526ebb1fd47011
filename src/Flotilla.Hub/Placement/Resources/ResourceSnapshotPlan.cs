using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;

namespace Flotilla.Hub.Placement.Resources;

/// <summary>
/// One resource snapshot object to write: its name, namespace (the placement's for a ResourceSnapshot, null for a
/// ClusterResourceSnapshot), labels, annotations and its share of the selection.
/// </summary>
internal sealed record PlannedResourceSnapshot(
    string Name,
    string? Namespace,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyList<JsonObject> SelectedResources);

/// <summary>
/// Plans the snapshot group for one resource index (placement spec §2.2): the hash of the whole selection, and the
/// master plus sub-index snapshots it is split into so that no object exceeds the API server's size limit.
/// </summary>
internal static class ResourceSnapshotPlan
{
    /// <summary>
    /// 800 KiB: the most selected-resource bytes one snapshot carries, leaving headroom under etcd's 1.5 MiB request
    /// limit for metadata and encoding overhead.
    /// </summary>
    public const int MaxSnapshotBytes = 800 * 1024;

    /// <summary>
    /// The snapshot objects for <paramref name="selected"/> (sorted and sanitized already) as group
    /// <paramref name="index"/> of <paramref name="placement"/>: the master first, then sub-index snapshots 0, 1, ….
    /// </summary>
    public static List<PlannedResourceSnapshot> Plan(
        string placement, string? placementNamespace, int index, IReadOnlyList<JsonObject> selected, int envelopedObjects = 0)
    {
        var raw = selected.Select(RawBytes).ToList();
        var chunks = Split(raw.Select(r => r.Length).ToList());
        var indexText = index.ToString(CultureInfo.InvariantCulture);
        var result = new List<PlannedResourceSnapshot>(chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            var items = chunks[i].Select(j => selected[j]).ToList();
            var labels = new Dictionary<string, string>
            {
                [PlacementApi.ParentPlacementLabel] = placement,
                [PlacementApi.ResourceIndexLabel] = indexText,
            };
            if (i == 0)
            {
                labels[PlacementApi.IsLatestSnapshotLabel] = "true";
                var annotations = new Dictionary<string, string>
                {
                    [PlacementApi.ResourceHashAnnotation] = Hash(raw),
                    [PlacementApi.NumberOfResourceSnapshotsAnnotation] = chunks.Count.ToString(CultureInfo.InvariantCulture),
                    [PlacementApi.NumberOfEnvelopedObjectsAnnotation] = envelopedObjects.ToString(CultureInfo.InvariantCulture),
                };
                result.Add(new(PlacementApi.ResourceSnapshotName(placement, index), placementNamespace, labels, annotations, items));
            }
            else
            {
                var subindex = i - 1;
                var annotations = new Dictionary<string, string>
                {
                    [PlacementApi.SubindexOfResourceSnapshotAnnotation] = subindex.ToString(CultureInfo.InvariantCulture),
                };
                result.Add(new(PlacementApi.SubResourceSnapshotName(placement, index, subindex), placementNamespace, labels, annotations, items));
            }
        }
        return result;
    }

    /// <summary>
    /// <c>resource-hash</c>: lowercase hex sha256 of <c>{"selectedResources":[…]}</c>, compact, over the whole
    /// (unsplit) list in order.
    /// </summary>
    public static string Hash(IReadOnlyList<JsonObject> selected) => Hash(selected.Select(RawBytes).ToList());

    /// <summary>
    /// Groups item sizes into chunks of item indexes: a new chunk starts when adding the next item would take the
    /// current one past <see cref="MaxSnapshotBytes"/>. An item larger than the limit therefore sits alone. There is
    /// always at least one (possibly empty) chunk, because a group always has its master.
    /// </summary>
    public static List<List<int>> Split(IReadOnlyList<int> sizes, int limit = MaxSnapshotBytes)
    {
        var chunks = new List<List<int>> { new() };
        long current = 0;
        for (var i = 0; i < sizes.Count; i++)
        {
            if (chunks[^1].Count > 0 && current + sizes[i] > limit)
            {
                chunks.Add([]);
                current = 0;
            }
            chunks[^1].Add(i);
            current += sizes[i];
        }
        return chunks;
    }

    /// <summary>
    /// An item's stored bytes: compact JSON with properties in ordinal order, the canonical form
    /// <see cref="ResourceContent.Sanitize"/> already produces, so hashing is independent of property arrival order.
    /// </summary>
    public static byte[] RawBytes(JsonObject item) => Encoding.UTF8.GetBytes(Obj.ToSortedJson(item));

    private static string Hash(IReadOnlyList<byte[]> raw)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData("{\"selectedResources\":["u8);
        for (var i = 0; i < raw.Count; i++)
        {
            if (i > 0)
            {
                sha.AppendData(","u8);
            }
            sha.AppendData(raw[i]);
        }
        sha.AppendData("]}"u8);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
