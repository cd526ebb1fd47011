using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.Api.Networking;

/// <summary>
/// Reading and writing the user-facing and bookkeeping annotations of §0.4 with upstream's parsing rules (Go's
/// <c>strconv</c> and <c>encoding/json</c>), so an object annotated for upstream means the same thing here.
/// </summary>
public static class NetworkingAnnotations
{
    /// <summary>The weight of a ServiceExport without the weight annotation.</summary>
    public const long DefaultWeight = 1;

    public const long MaxWeight = 1000;

    /// <summary>
    /// Parses the ServiceExport weight annotation (spec §2.7): absent means <see cref="DefaultWeight"/>; otherwise a
    /// base-10 integer in [0, 1000]. On failure <c>Error</c> is upstream's message, which the member agent embeds in
    /// the <c>ServiceExportInvalidWeightAnnotation</c> condition. Admission does not check this annotation.
    /// </summary>
    public static (long Weight, string? Error) ParseWeight(string? annotationValue)
    {
        if (annotationValue is null)
        {
            return (DefaultWeight, null);
        }
        // Go's Atoi: an optional sign and ASCII digits, nothing else (no spaces, no thousands separators).
        if (!long.TryParse(annotationValue, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var weight))
        {
            return (0, $"the weight annotation is not a valid integer: {annotationValue}");
        }
        if (weight is < 0 or > MaxWeight)
        {
            return (0, $"the weight annotation is not in the range [0, 1000]: {annotationValue}");
        }
        return (weight, null);
    }

    /// <summary>
    /// Whether a MultiClusterService asks for an internal load balancer: its
    /// <see cref="NetworkingApi.AzureLoadBalancerInternalAnnotation"/> parses as true with Go's <c>ParseBool</c>.
    /// </summary>
    public static bool IsInternalLoadBalancerRequested(string? annotationValue) =>
        annotationValue is "1" or "t" or "T" or "TRUE" or "true" or "True";

    /// <summary>
    /// Reads the hub ServiceImport's <see cref="NetworkingApi.ServiceInUseByAnnotation"/>: cluster namespace → cluster
    /// ID. Returns null when the JSON is invalid; callers decide (the import arbiter treats it as empty, the
    /// EndpointSliceExport distributor stops). Keys match case-insensitively, as Go's decoder does.
    /// </summary>
    public static Dictionary<string, string>? ParseServiceInUseBy(string annotationValue)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(annotationValue);
        }
        catch (JsonException)
        {
            return null;
        }
        var clusters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root is null)
        {
            return clusters;
        }
        if (root is not JsonObject obj)
        {
            return null;
        }
        foreach (var (key, value) in obj)
        {
            if (!string.Equals(key, ServiceInUseByProperty, StringComparison.OrdinalIgnoreCase) || value is null)
            {
                continue;
            }
            if (value is not JsonObject map)
            {
                return null;
            }
            clusters.Clear();
            foreach (var (ns, id) in map)
            {
                if (id is null)
                {
                    clusters[ns] = "";
                }
                else if (id is JsonValue v && v.TryGetValue<string>(out var text))
                {
                    clusters[ns] = text;
                }
                else
                {
                    return null;
                }
            }
        }
        return clusters;
    }

    /// <summary>
    /// Writes the <see cref="NetworkingApi.ServiceInUseByAnnotation"/> value, e.g.
    /// <c>{"MemberClusters":{"fleet-member-member-1":"member-1"}}</c>, with keys sorted as Go's encoder sorts map keys.
    /// </summary>
    public static string FormatServiceInUseBy(IReadOnlyDictionary<string, string> clusters)
    {
        var map = new JsonObject();
        foreach (var (ns, id) in clusters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            map[ns] = id;
        }
        return new JsonObject { [ServiceInUseByProperty] = map }.ToJsonString();
    }

    // The payload's only property, literally capitalised (it is a Go field name without a JSON tag).
    private const string ServiceInUseByProperty = "MemberClusters";
}
