using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for built-in kinds: a JSON merge patch
/// whose lists merge according to <see cref="IMergeSchema"/> and which understands the patch directives.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Objects merge recursively; a null member deletes; scalars replace.</item>
/// <item>List-map lists merge item by item on their keys: a matching item merges recursively, a new item is
/// appended, an item with <c>"$patch": "delete"</c> removes its match. Set lists are unions (the original's items
/// first). Atomic lists are replaced.</item>
/// <item><c>"$patch": "replace"</c> in an object replaces it with the rest of the patch object; as a list item it
/// replaces the list with the other items. <c>"$patch": "delete"</c> in an object empties it. <c>"merge"</c> is the
/// default.</item>
/// <item><c>"$retainKeys": [names]</c> drops the original's other keys before merging.</item>
/// <item><c>"$deleteFromPrimitiveList/f": [values]</c> removes those values from list <c>f</c> before merging.</item>
/// <item><c>"$setElementOrder/f": [items]</c> orders list <c>f</c> after merging (see <see cref="Reorder"/>).</item>
/// </list>
/// Only these directive keys are special; any other key is an ordinary field. Directives never reach the result:
/// patch values that land where the original has nothing are merged into an empty value, which consumes them.
/// A malformed directive or a list-map item without its key is 400 BadRequest.
/// </remarks>
internal static class StrategicMergePatch
{
    private const string PatchDirective = "$patch";
    private const string RetainKeysDirective = "$retainKeys";
    private const string SetElementOrderPrefix = "$setElementOrder/";
    private const string DeleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/";

    /// <summary>Patches <paramref name="original"/> and returns a new object; the inputs are not modified.</summary>
    public static JsonObject Apply(JsonObject original, JsonNode? patch, IMergeSchema schema)
    {
        if (patch is not JsonObject patchObject)
        {
            throw ApiException.BadRequest("a strategic merge patch must be a JSON object");
        }
        return MergeObject(original.DeepClone().AsObject(), patchObject, [], schema);
    }

    private static bool IsDirective(string key) =>
        key is PatchDirective or RetainKeysDirective
        || key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal)
        || key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal);

    /// <summary>Merges into <paramref name="target"/> (owned by the caller) and returns the result, which is
    /// <paramref name="target"/> unless a <c>$patch</c> directive replaced it.</summary>
    private static JsonObject MergeObject(JsonObject target, JsonObject patch, List<string> path, IMergeSchema schema)
    {
        switch (PatchDirectiveOf(patch, path))
        {
            case "replace":
                var replacement = new JsonObject();
                var rest = new JsonObject();
                foreach (var (key, value) in patch.Where(p => p.Key != PatchDirective))
                {
                    rest[key] = value?.DeepClone();
                }
                return MergeObject(replacement, rest, path, schema);
            case "delete":
                return [];
        }

        // Order is decided against the original, so remember each reordered list's items before they change.
        var originalOrder = new Dictionary<string, List<string?>>(StringComparer.Ordinal);
        foreach (var (key, _) in patch)
        {
            if (key.StartsWith(SetElementOrderPrefix, StringComparison.Ordinal))
            {
                var field = key[SetElementOrderPrefix.Length..];
                var semantics = schema.ListAt([.. path, field]);
                originalOrder[field] = target[field] is JsonArray list ? [.. list.Select(item => Identity(item, semantics))] : [];
            }
        }

        if (patch.TryGetPropertyValue(RetainKeysDirective, out var retain))
        {
            var keep = StringList(retain, RetainKeysDirective, path);
            foreach (var key in target.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                target.Remove(key);
            }
        }

        foreach (var (key, value) in patch)
        {
            if (!key.StartsWith(DeleteFromPrimitiveListPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            if (value is not JsonArray doomed)
            {
                throw Malformed(path, $"{key} must be a list of values");
            }
            if (target[key[DeleteFromPrimitiveListPrefix.Length..]] is JsonArray list)
            {
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    if (doomed.Any(d => JsonNode.DeepEquals(d, list[i])))
                    {
                        list.RemoveAt(i);
                    }
                }
            }
        }

        foreach (var (key, value) in patch)
        {
            if (IsDirective(key))
            {
                continue;
            }
            path.Add(key);
            target.TryGetPropertyValue(key, out var existing);
            switch (value)
            {
                case null:
                    target.Remove(key);
                    break;
                case JsonObject patchObject:
                    PatchJson.Set(target, key, MergeObject(existing as JsonObject ?? [], patchObject, path, schema));
                    break;
                case JsonArray patchList:
                    PatchJson.Set(target, key, MergeList(existing as JsonArray ?? [], patchList, path, schema));
                    break;
                default:
                    target[key] = value.DeepClone();
                    break;
            }
            path.RemoveAt(path.Count - 1);
        }

        foreach (var (field, before) in originalOrder)
        {
            var order = patch[SetElementOrderPrefix + field] as JsonArray ?? throw Malformed(path, $"{SetElementOrderPrefix}{field} must be a list");
            if (target[field] is JsonArray list)
            {
                var semantics = schema.ListAt([.. path, field]);
                if (semantics.Type != ListType.Atomic)
                {
                    Reorder(list, [.. order.Select(item => Identity(item, semantics))], before, semantics);
                }
            }
        }
        return target;
    }

    /// <summary>Merges a patch list into <paramref name="target"/> (owned by the caller) and returns the result.</summary>
    private static JsonArray MergeList(JsonArray target, JsonArray patch, List<string> path, IMergeSchema schema)
    {
        var semantics = schema.ListAt(path);
        if (patch.Any(item => item is JsonObject obj && PatchDirectiveOf(obj, path) == "replace"))
        {
            var rest = patch.Where(item => !(item is JsonObject obj && obj.ContainsKey(PatchDirective))).ToList();
            if (semantics.Type != ListType.Map)
            {
                return [.. rest.Select(item => item?.DeepClone())];
            }
            return [.. rest.Select(item => (JsonNode)MergeObject([], item as JsonObject ?? throw Malformed(path, "items of a list merged by key must be objects"), path, schema))];
        }
        switch (semantics.Type)
        {
            case ListType.Set:
                foreach (var item in patch)
                {
                    if (!target.Any(existing => JsonNode.DeepEquals(existing, item)))
                    {
                        target.Add(item?.DeepClone());
                    }
                }
                return target;
            case ListType.Map:
                foreach (var item in patch)
                {
                    if (item is not JsonObject patchItem)
                    {
                        throw Malformed(path, "items of a list merged by key must be objects");
                    }
                    if (patchItem.Count == 1 && patchItem.ContainsKey(PatchDirective))
                    {
                        continue;
                    }
                    var element = FieldsV1Path.Key(patchItem, semantics.Keys)
                        ?? throw Malformed(path, $"an item does not contain the merge key {string.Join(", ", semantics.Keys)}");
                    if (PatchDirectiveOf(patchItem, path) == "delete")
                    {
                        for (var i = target.Count - 1; i >= 0; i--)
                        {
                            if (FieldsV1Path.Key(target[i], semantics.Keys) == element)
                            {
                                target.RemoveAt(i);
                            }
                        }
                        continue;
                    }
                    var index = IndexOf(target, element, semantics);
                    if (index < 0)
                    {
                        target.Add(MergeObject([], patchItem, path, schema));
                    }
                    else
                    {
                        var merged = MergeObject(target[index]!.AsObject(), patchItem, path, schema);
                        if (!ReferenceEquals(merged, target[index]))
                        {
                            target[index] = merged;
                        }
                    }
                }
                return target;
            default:
                return patch.DeepClone().AsArray();
        }
    }

    private static int IndexOf(JsonArray list, string element, ListSemantics semantics)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (FieldsV1Path.Key(list[i], semantics.Keys) == element)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>
    /// Orders <paramref name="list"/> by <paramref name="order"/>. Items the order names come in that order. An item
    /// it does not name (one only the server had) goes right before the first named item that followed it in the
    /// original list, and after all named items when none did; named items absent from the list are ignored.
    /// </summary>
    private static void Reorder(JsonArray list, List<string?> order, List<string?> before, ListSemantics semantics)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in order)
        {
            if (id is not null)
            {
                rank.TryAdd(id, rank.Count);
            }
        }
        var originalPosition = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < before.Count; i++)
        {
            if (before[i] is { } id)
            {
                originalPosition.TryAdd(id, i);
            }
        }
        var items = list.Select(item => (Id: Identity(item, semantics), Item: item)).ToList();
        var named = items.Where(x => x.Id is not null && rank.ContainsKey(x.Id)).OrderBy(x => rank[x.Id!]).ToList();
        var unnamed = items.Where(x => x.Id is null || !rank.ContainsKey(x.Id)).ToList();

        var result = new List<JsonNode?>(items.Count);
        int n = 0, u = 0;
        while (n < named.Count || u < unnamed.Count)
        {
            var takeUnnamed = n == named.Count
                || (u < unnamed.Count && Precedes(unnamed[u].Id, named[n].Id, originalPosition));
            result.Add(takeUnnamed ? unnamed[u++].Item : named[n++].Item);
        }
        list.Clear();
        foreach (var item in result)
        {
            list.Add(item);
        }

        static bool Precedes(string? unnamed, string? named, Dictionary<string, int> position) =>
            unnamed is not null && named is not null
            && position.TryGetValue(unnamed, out var u) && position.TryGetValue(named, out var n) && u < n;
    }

    /// <summary>How reordering identifies an item: its key element for list-maps, its value otherwise.</summary>
    private static string? Identity(JsonNode? item, ListSemantics semantics) =>
        semantics.Type == ListType.Map ? FieldsV1Path.Key(item, semantics.Keys) : FieldsV1Path.Value(item);

    private static string? PatchDirectiveOf(JsonObject patch, List<string> path)
    {
        if (!patch.TryGetPropertyValue(PatchDirective, out var node))
        {
            return null;
        }
        var directive = PatchJson.AsString(node);
        return directive is "replace" or "delete" or "merge"
            ? directive
            : throw Malformed(path, $"unknown $patch directive {FieldsV1Path.Compact(node)}: expected \"replace\", \"delete\" or \"merge\"");
    }

    private static HashSet<string> StringList(JsonNode? node, string directive, List<string> path)
    {
        if (node is JsonArray list && list.All(item => PatchJson.AsString(item) is not null))
        {
            return new HashSet<string>(list.Select(item => PatchJson.AsString(item)!), StringComparer.Ordinal);
        }
        throw Malformed(path, $"{directive} must be a list of strings");
    }

    private static ApiException Malformed(List<string> path, string why) =>
        ApiException.BadRequest($"invalid strategic merge patch at {(path.Count == 0 ? "the root" : string.Join('.', path))}: {why}");
}
