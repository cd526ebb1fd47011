using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.ApiServer.Printing;

/// <summary>Cell formats shared by several printers, each matching the upstream helper named in its doc.</summary>
internal static class PrintFormat
{
    public const string None = "<none>";

    /// <summary><c>metadata.name</c>, or <c>""</c>.</summary>
    public static string Name(JsonObject obj) => obj.Obj("metadata").Str("name") ?? "";

    /// <summary>The age from <c>metadata.creationTimestamp</c>, or <c>&lt;unknown&gt;</c>.</summary>
    public static string Age(JsonObject obj, DateTimeOffset now) =>
        HumanDuration.Since(obj.Obj("metadata").Time("creationTimestamp"), now);

    /// <summary>
    /// <c>creationTimestamp</c> as RFC 3339 in UTC, for the default convertor's <c>Created At</c>; Go's zero time
    /// when absent, as upstream prints it.
    /// </summary>
    public static string CreatedAt(JsonObject obj) =>
        (obj.Obj("metadata").Time("creationTimestamp") ?? DateTimeOffset.MinValue).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary><c>labels.FormatLabels</c>: <c>k=v</c> pairs sorted by key, comma-joined; <c>&lt;none&gt;</c> when empty.</summary>
    public static string Labels(JsonObject? map)
    {
        if (map is null || map.Count == 0)
        {
            return None;
        }
        return string.Join(',', map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={JsonRead.AsString(p.Value) ?? p.Value?.ToJsonString() ?? ""}"));
    }

    /// <summary>
    /// <c>metav1.FormatLabelSelector</c>: the selector's string form; <c>&lt;none&gt;</c> when absent or empty,
    /// <c>&lt;error&gt;</c> when malformed.
    /// </summary>
    public static string LabelSelector(JsonObject? selector)
    {
        if (!Flotilla.Api.Meta.LabelSelector.TryFromStructured(selector, out var parsed, out _))
        {
            return "<error>";
        }
        var text = parsed?.ToString() ?? "";
        return text.Length == 0 ? None : text;
    }

    /// <summary>
    /// A Deployment's selector cell: the string form, <c>""</c> when absent or empty, <c>&lt;invalid&gt;</c> when
    /// malformed (upstream prints <c>LabelSelectorAsSelector(...).String()</c> here, not FormatLabelSelector).
    /// </summary>
    public static string SelectorString(JsonObject? selector) =>
        Flotilla.Api.Meta.LabelSelector.TryFromStructured(selector, out var parsed, out _) ? parsed?.ToString() ?? "" : "<invalid>";

    /// <summary><c>layoutContainerCells</c>: container names and images, each comma-joined.</summary>
    public static (string Names, string Images) Containers(JsonObject? podSpec)
    {
        var containers = podSpec.Arr("containers").Objects().ToList();
        return (string.Join(',', containers.Select(c => c.Str("name") ?? "")), string.Join(',', containers.Select(c => c.Str("image") ?? "")));
    }

    /// <summary>"a,b,c + N more..." after <paramref name="max"/> items (upstream's endpoint and host lists).</summary>
    public static string ListWithMore(IReadOnlyList<string> items, int total, int max, string empty)
    {
        if (total > max)
        {
            return $"{string.Join(',', items.Take(max))} + {total - max} more...";
        }
        return items.Count == 0 ? empty : string.Join(',', items);
    }

    /// <summary><c>net.JoinHostPort</c>: IPv6 addresses are bracketed.</summary>
    public static string HostPort(string host, long port) =>
        host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

    /// <summary>
    /// The load balancer ingress points (IP, else hostname) of a Service or Ingress status, sorted and distinct,
    /// comma-joined — never clipped, since the server prints wide.
    /// </summary>
    public static string LoadBalancerIngress(JsonObject? status) =>
        string.Join(',', status.Obj("loadBalancer").Arr("ingress").Objects()
            .Select(i => i.Str("ip") is { Length: > 0 } ip ? ip : i.Str("hostname") ?? "")
            .Where(s => s.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal));

    /// <summary><c>printBool</c>: <c>True</c>/<c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>Whether a <c>status.conditions</c> entry of <paramref name="type"/> has status <c>True</c>.</summary>
    public static bool HasTrueCondition(JsonObject? status, string type) =>
        status.Arr("conditions").Objects().FirstOrDefault(c => c.Str("type") == type)?.Str("status") == "True";

    /// <summary>
    /// A JSON value as a string column shows it: strings as they are, numbers and booleans as JSON text, objects
    /// and arrays as compact JSON with keys sorted (Go's <c>json.Marshal</c> of a map sorts them).
    /// </summary>
    public static string? Stringify(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonValue value => value.ToJsonString(),
        _ => Obj.ToSortedJson(node),
    };
}
