using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.ApiServer.Registry;

/// <summary>Turns a stored CustomResourceDefinition into the resource definitions of its served versions.</summary>
internal static class CustomResources
{
    public static IReadOnlyList<ResourceDefinition> Definitions(JsonObject crd)
    {
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var kind = names.GetString("kind") ?? "";
        var plural = names.GetString("plural") ?? "";
        var group = spec.GetString("group") ?? "";
        var namespaced = spec.GetString("scope") != "Cluster";
        var definitions = new List<ResourceDefinition>();
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"] is JsonValue served && served.TryGetValue<bool>(out var isServed) && !isServed)
            {
                continue;
            }
            var subresources = version["subresources"] as JsonObject;
            var scale = subresources?["scale"] as JsonObject;
            definitions.Add(new ResourceDefinition
            {
                Group = group,
                Version = version.GetString("name") ?? "",
                Kind = kind,
                Plural = plural,
                Singular = names.GetString("singular") is { Length: > 0 } singular ? singular : kind.ToLowerInvariant(),
                Namespaced = namespaced,
                ListKindOverride = names.GetString("listKind"),
                ShortNames = Strings(names["shortNames"]),
                Categories = Strings(names["categories"]),
                HasStatusSubresource = subresources?["status"] is JsonObject,
                Scale = scale is null ? null : new ScaleMapping(
                    scale.GetString("specReplicasPath") ?? ".spec.replicas",
                    scale.GetString("statusReplicasPath") ?? ".status.replicas",
                    scale.GetString("labelSelectorPath")),
                TracksGeneration = true,
                IsCustom = true,
                Schema = version.At("schema", "openAPIV3Schema") as JsonObject,
                PrinterColumns = [.. (version["additionalPrinterColumns"] as JsonArray ?? []).OfType<JsonObject>().Select(c => new PrinterColumn(
                    c.GetString("name") ?? "",
                    c.GetString("type") ?? "string",
                    c.GetString("jsonPath") ?? "",
                    c.GetString("format") ?? "",
                    c.GetString("description") ?? "",
                    Priority(c["priority"])))],
            });
        }
        return definitions;
    }

    /// <summary>A column's priority, however the number node was built (parsed JSON, YAML, or code).</summary>
    private static int Priority(JsonNode? node) =>
        node is JsonValue value && int.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var priority) ? priority : 0;

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>()] : [];
}
