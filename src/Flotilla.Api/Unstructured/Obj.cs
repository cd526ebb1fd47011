using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.Api.Unstructured;

/// <summary>
/// Helpers for Kubernetes objects held as <see cref="JsonObject"/> (unstructured): metadata access, time
/// formatting and the one serializer setting every component uses.
/// </summary>
public static class Obj
{
    /// <summary>
    /// Serializer options for the wire: no HTML escaping (upstream writes '&lt;' and '+' as they are), compact.
    /// </summary>
    public static readonly JsonSerializerOptions Wire = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
        MaxDepth = MaxDepth,
    };

    /// <summary>
    /// How deeply objects may nest when written and read. System.Text.Json's default of 64 is too shallow for real
    /// objects (a CRD's openAPIV3Schema nests two levels per property), and an object the API server accepted
    /// (its body reader allows 512 levels; managedFields add a few) must always serialize and parse back.
    /// </summary>
    public const int MaxDepth = 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    /// <summary>Node options: property names are case-sensitive, as Kubernetes JSON is.</summary>
    public static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };

    public static byte[] ToBytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Wire);

    public static string ToJson(JsonNode node) => node.ToJsonString(Wire);

    /// <summary>Parses bytes that must hold a JSON object.</summary>
    public static JsonObject Parse(ReadOnlySpan<byte> json) =>
        JsonNode.Parse(json, NodeOptions, DocumentOptions) as JsonObject ?? throw new JsonException("expected a JSON object");

    /// <summary>The <c>metadata</c> object, created when absent or not an object.</summary>
    public static JsonObject Metadata(this JsonObject obj)
    {
        if (obj["metadata"] is JsonObject metadata)
        {
            return metadata;
        }
        metadata = [];
        obj["metadata"] = metadata;
        return metadata;
    }

    public static string? GetString(this JsonObject obj, string property) =>
        obj[property] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static string Name(this JsonObject obj) => (obj["metadata"] as JsonObject)?.GetString("name") ?? "";

    public static string Namespace(this JsonObject obj) => (obj["metadata"] as JsonObject)?.GetString("namespace") ?? "";

    public static string Uid(this JsonObject obj) => (obj["metadata"] as JsonObject)?.GetString("uid") ?? "";

    public static string ResourceVersion(this JsonObject obj) => (obj["metadata"] as JsonObject)?.GetString("resourceVersion") ?? "";

    public static bool IsDeleting(this JsonObject obj) => (obj["metadata"] as JsonObject)?["deletionTimestamp"] is not null;

    /// <summary>The labels map, or null when absent.</summary>
    public static JsonObject? Labels(this JsonObject obj) => (obj["metadata"] as JsonObject)?["labels"] as JsonObject;

    /// <summary><c>metadata.finalizers</c> as strings (empty when absent).</summary>
    public static List<string> Finalizers(this JsonObject obj) =>
        (obj["metadata"] as JsonObject)?["finalizers"] is JsonArray array
            ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : "").Where(s => s.Length > 0)]
            : [];

    /// <summary>Sets <c>metadata.finalizers</c>; an empty list removes the field.</summary>
    public static void SetFinalizers(this JsonObject obj, IEnumerable<string> finalizers)
    {
        var list = new JsonArray([.. finalizers.Select(f => (JsonNode)JsonValue.Create(f))]);
        if (list.Count == 0)
        {
            obj.Metadata().Remove("finalizers");
        }
        else
        {
            obj.Metadata()["finalizers"] = list;
        }
    }

    /// <summary>RFC 3339 in UTC with seconds precision, the format of Kubernetes <c>metav1.Time</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Parses an RFC 3339 time as Kubernetes writes it; null when absent or malformed.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    /// <summary>Reads a value at a dotted path of object fields (no list indexing); null when any step is missing.</summary>
    public static JsonNode? At(this JsonObject obj, params string[] path)
    {
        JsonNode? node = obj;
        foreach (var step in path)
        {
            node = (node as JsonObject)?[step];
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>
    /// Compact JSON with object properties sorted by ordinal name at every level (as Go's <c>json.Marshal</c> of maps):
    /// equal documents give equal text whatever order their properties arrived in, so it can be compared and hashed.
    /// </summary>
    public static string ToSortedJson(JsonNode? node)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteSorted(node, writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteSorted(JsonNode? node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(value, writer);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(item, writer);
                }
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
