using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Flotilla.Api.Meta;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement;

/// <summary>Policy snapshot rules (placement spec §2.1) that need no I/O.</summary>
internal static class PolicySnapshots
{
    /// <summary>The default <c>revisionHistoryLimit</c>, also used for values ≤ 0.</summary>
    public const int DefaultRevisionHistoryLimit = 10;

    /// <summary>
    /// The policy's hash as the snapshot's <c>policyHash</c> holds it: the lowercase hex sha256 of the policy's JSON with
    /// <c>numberOfClusters</c> unset (so scaling a PickN keeps its snapshot), as bytes — base64 on the wire.
    /// </summary>
    public static string Hash(PlacementPolicy? policy)
    {
        var node = policy is null ? null : JsonSerializer.SerializeToNode(policy, PlacementJsonContext.Default.PlacementPolicy)!.AsObject();
        node?.Remove("numberOfClusters");
        var json = node?.ToJsonString() ?? "null";
        var hex = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        return Convert.ToBase64String(Encoding.ASCII.GetBytes(hex));
    }

    public static int RevisionHistoryLimit(PlacementSpec spec) =>
        spec.RevisionHistoryLimit is int limit && limit > 0 ? limit : DefaultRevisionHistoryLimit;

    /// <summary>The snapshot's <c>policy-index</c> label; -1 when missing or malformed.</summary>
    public static int Index(ObjectMeta meta) =>
        int.TryParse(meta.Label(PlacementApi.PolicyIndexLabel), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1;

    public static bool IsLatest(ObjectMeta meta) => meta.Label(PlacementApi.IsLatestSnapshotLabel) == "true";

    /// <summary>
    /// The annotations a placement's latest snapshot carries: the placement generation, and for PickN the number of
    /// clusters. Returns whether <paramref name="meta"/> changed.
    /// </summary>
    public static bool SetAnnotations(ObjectMeta meta, IPlacement placement)
    {
        var changed = meta.SetAnnotation(PlacementApi.PlacementGenerationAnnotation,
            (placement.Metadata.Generation ?? 0).ToString(CultureInfo.InvariantCulture));
        if (placement.Spec.Policy?.PlacementType == PlacementType.PickN)
        {
            changed |= meta.SetAnnotation(PlacementApi.NumberOfClustersAnnotation,
                (placement.Spec.Policy.NumberOfClusters ?? 0).ToString(CultureInfo.InvariantCulture));
        }
        return changed;
    }
}
