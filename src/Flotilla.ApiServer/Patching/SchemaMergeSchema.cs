using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// List semantics of a custom resource, read from its version's <c>openAPIV3Schema</c>: a list with
/// <c>x-kubernetes-list-type: map</c> merges by its <c>x-kubernetes-list-map-keys</c>, <c>set</c> is a set, and
/// anything else (<c>atomic</c>, no list type, or a path the schema does not describe) is atomic. Paths under the
/// root <c>metadata</c> follow the ObjectMeta rules whatever the schema says, since CRD schemas rarely describe
/// metadata. Nothing retains keys.
/// </summary>
/// <remarks>
/// The walk follows <c>properties</c>, then <c>additionalProperties</c> (for any key), and steps through
/// <c>items</c> implicitly because paths do not name list items. <c>x-kubernetes-map-type</c> is ignored.
/// The schema is copied on construction, so later changes to the caller's object have no effect.
/// </remarks>
internal sealed class SchemaMergeSchema : IMergeSchema
{
    private readonly JsonObject _root;

    public SchemaMergeSchema(JsonObject openApiV3Schema)
    {
        _root = openApiV3Schema.DeepClone().AsObject();
    }

    public ListSemantics ListAt(IReadOnlyList<string> path)
    {
        if (path.Count > 0 && path[0] == "metadata")
        {
            return BuiltinMergeSchema.MetadataListAt(path);
        }
        JsonObject? node = _root;
        foreach (var field in path)
        {
            node = Descend(node, field);
            if (node is null)
            {
                return ListSemantics.Atomic;
            }
        }
        if (!IsArray(node!))
        {
            return ListSemantics.Atomic;
        }
        switch (PatchJson.AsString(node!["x-kubernetes-list-type"]))
        {
            case "map":
                var keys = node!["x-kubernetes-list-map-keys"] is JsonArray list
                    ? list.Select(PatchJson.AsString).OfType<string>().ToArray()
                    : [];
                // A map list without keys cannot be merged by key; atomic is the safe reading.
                return keys.Length > 0 ? ListSemantics.MapBy(keys) : ListSemantics.Atomic;
            case "set":
                return ListSemantics.Set;
            default:
                return ListSemantics.Atomic;
        }
    }

    public bool RetainsKeys(IReadOnlyList<string> path) => false;

    private static JsonObject? Descend(JsonObject node, string field)
    {
        // A field below a list is a field of the list's items.
        while (node["items"] is JsonObject items)
        {
            node = items;
        }
        if (node["properties"] is JsonObject properties && properties[field] is JsonObject property)
        {
            return property;
        }
        return node["additionalProperties"] as JsonObject;
    }

    private static bool IsArray(JsonObject node) =>
        PatchJson.AsString(node["type"]) == "array" || node["items"] is JsonObject;
}
