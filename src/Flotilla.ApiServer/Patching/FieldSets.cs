using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Patching;

/// <summary>What changed between two versions of an object, as field sets (see <see cref="FieldSets.Compare"/>).</summary>
internal sealed record FieldComparison(FieldSet Modified, FieldSet Added, FieldSet Removed)
{
    public bool IsEmpty => Modified.IsEmpty && Added.IsEmpty && Removed.IsEmpty;

    /// <summary>Modified ∪ added: the fields a write set to a new value.</summary>
    public FieldSet Changed()
    {
        var changed = Modified.Clone();
        changed.UnionWith(Added);
        return changed;
    }
}

/// <summary>
/// Computes field sets from objects, using an <see cref="IMergeSchema"/> for list semantics: a list-map item is
/// addressed by <c>k:</c>, a set item by <c>v:</c>, and an atomic list is one leaf.
/// </summary>
/// <remarks>
/// Paths that are never tracked (apiVersion, kind, metadata itself, metadata.name, namespace, uid,
/// resourceVersion, generation, creationTimestamp, selfLink, managedFields) are removed from every result, as
/// upstream strips them from managed fields.
/// </remarks>
internal static class FieldSets
{
    private static readonly string[] UntrackedMetadata =
        ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "selfLink", "managedFields"];

    /// <summary>
    /// The fields an applied configuration claims: every scalar (including explicit nulls), every atomic list,
    /// every empty object, every list-map item (itself and its fields) and every set item. A non-empty object is
    /// not claimed itself (only its fields), and neither is a non-atomic list.
    /// </summary>
    /// <exception cref="ApiException">422 when a list-map item is not an object, lacks a key field, or repeats a key.</exception>
    public static FieldSet FromApplied(JsonObject config, IMergeSchema schema)
    {
        var set = new FieldSet();
        ClaimObject(config, set, [], [], schema);
        RemoveUntracked(set);
        return set;
    }

    /// <summary>
    /// Compares two versions of an object. Modified: leaves (scalars, atomic lists) whose value changed. Added: paths
    /// present only in <paramref name="newer"/>, including each new object, list-map item and set item and
    /// everything below it. Removed: likewise for paths present only in <paramref name="older"/> (null = nothing).
    /// Reordering list-map or set items is not a change. A list that cannot be keyed (an item without its key
    /// fields) is compared as an atomic leaf, so stored data never makes a write fail here.
    /// </summary>
    public static FieldComparison Compare(JsonObject? older, JsonObject newer, IMergeSchema schema)
    {
        var comparison = new FieldComparison(new FieldSet(), new FieldSet(), new FieldSet());
        CompareObjects(older ?? [], newer, [], [], schema, comparison);
        RemoveUntracked(comparison.Modified);
        RemoveUntracked(comparison.Added);
        RemoveUntracked(comparison.Removed);
        return comparison;
    }

    /// <summary>Removes the paths upstream never records in managed fields.</summary>
    public static void RemoveUntracked(FieldSet set)
    {
        set.Remove([FieldsV1Path.Field("apiVersion")]);
        set.Remove([FieldsV1Path.Field("kind")]);
        set.Remove([FieldsV1Path.Field("metadata")]);
        foreach (var name in UntrackedMetadata)
        {
            set.RemoveSubtree([FieldsV1Path.Field("metadata"), FieldsV1Path.Field(name)]);
        }
    }

    /// <summary>True for <c>metadata.managedFields</c>, which no walk descends into.</summary>
    private static bool IsManagedFields(List<string> schemaPath, string key) =>
        schemaPath.Count == 1 && schemaPath[0] == "metadata" && key == "managedFields";

    private static void ClaimObject(JsonObject obj, FieldSet set, List<string> path, List<string> schemaPath, IMergeSchema schema)
    {
        foreach (var (key, value) in obj)
        {
            if (IsManagedFields(schemaPath, key))
            {
                continue;
            }
            path.Add(FieldsV1Path.Field(key));
            schemaPath.Add(key);
            ClaimValue(value, set, path, schemaPath, schema);
            schemaPath.RemoveAt(schemaPath.Count - 1);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static void ClaimValue(JsonNode? value, FieldSet set, List<string> path, List<string> schemaPath, IMergeSchema schema)
    {
        switch (value)
        {
            case JsonObject { Count: 0 }:
                set.Insert(path);
                break;
            case JsonObject obj:
                ClaimObject(obj, set, path, schemaPath, schema);
                break;
            case JsonArray list:
                ClaimList(list, set, path, schemaPath, schema);
                break;
            default:
                set.Insert(path);
                break;
        }
    }

    private static void ClaimList(JsonArray list, FieldSet set, List<string> path, List<string> schemaPath, IMergeSchema schema)
    {
        var semantics = schema.ListAt(schemaPath);
        switch (semantics.Type)
        {
            case ListType.Map:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < list.Count; i++)
                {
                    var element = FieldsV1Path.Key(list[i], semantics.Keys) ?? throw InvalidItem(path, i,
                        list[i] is JsonObject
                            ? $"associative list with keys has an element that omits key field(s) {string.Join(", ", semantics.Keys.Select(k => $"\"{k}\""))}"
                            : "associative list with keys may not have non-object elements");
                    if (!seen.Add(element))
                    {
                        throw InvalidItem(path, i, $"duplicate entries for key {FieldsV1Path.Describe([element])}");
                    }
                    path.Add(element);
                    set.Insert(path);
                    ClaimObject(list[i]!.AsObject(), set, path, schemaPath, schema);
                    path.RemoveAt(path.Count - 1);
                }
                break;
            case ListType.Set:
                foreach (var item in list)
                {
                    path.Add(FieldsV1Path.Value(item));
                    set.Insert(path);
                    path.RemoveAt(path.Count - 1);
                }
                break;
            default:
                set.Insert(path);
                break;
        }
    }

    private static ApiException InvalidItem(List<string> path, int index, string why) =>
        new(422, "Invalid", $"failed to create typed patch object: {FieldsV1Path.Describe(path)}: element {index}: {why}");

    private static void CompareObjects(JsonObject older, JsonObject newer, List<string> path, List<string> schemaPath, IMergeSchema schema, FieldComparison into)
    {
        foreach (var (key, newValue) in newer)
        {
            if (IsManagedFields(schemaPath, key))
            {
                continue;
            }
            path.Add(FieldsV1Path.Field(key));
            schemaPath.Add(key);
            if (older.TryGetPropertyValue(key, out var oldValue))
            {
                CompareValues(oldValue, newValue, path, schemaPath, schema, into);
            }
            else
            {
                AddAll(newValue, into.Added, path, schemaPath, schema);
            }
            schemaPath.RemoveAt(schemaPath.Count - 1);
            path.RemoveAt(path.Count - 1);
        }
        foreach (var (key, oldValue) in older)
        {
            if (newer.ContainsKey(key) || IsManagedFields(schemaPath, key))
            {
                continue;
            }
            path.Add(FieldsV1Path.Field(key));
            schemaPath.Add(key);
            AddAll(oldValue, into.Removed, path, schemaPath, schema);
            schemaPath.RemoveAt(schemaPath.Count - 1);
            path.RemoveAt(path.Count - 1);
        }
    }

    private static void CompareValues(JsonNode? older, JsonNode? newer, List<string> path, List<string> schemaPath, IMergeSchema schema, FieldComparison into)
    {
        if (older is JsonObject oldObject && newer is JsonObject newObject)
        {
            CompareObjects(oldObject, newObject, path, schemaPath, schema, into);
            return;
        }
        if (older is JsonArray oldList && newer is JsonArray newList)
        {
            CompareLists(oldList, newList, path, schemaPath, schema, into);
            return;
        }
        if (older is JsonObject or JsonArray || newer is JsonObject or JsonArray)
        {
            // The kind of value changed: the old subtree is gone, the new one is new, the path itself changed.
            AddAll(older, into.Removed, path, schemaPath, schema);
            AddAll(newer, into.Added, path, schemaPath, schema);
            into.Removed.Remove(path);
            into.Added.Remove(path);
            into.Modified.Insert(path);
            return;
        }
        if (!JsonNode.DeepEquals(older, newer))
        {
            into.Modified.Insert(path);
        }
    }

    private static void CompareLists(JsonArray older, JsonArray newer, List<string> path, List<string> schemaPath, IMergeSchema schema, FieldComparison into)
    {
        var semantics = schema.ListAt(schemaPath);
        var oldItems = Index(older, semantics);
        var newItems = Index(newer, semantics);
        if (oldItems is null || newItems is null)
        {
            if (!JsonNode.DeepEquals(older, newer))
            {
                into.Modified.Insert(path);
            }
            return;
        }
        foreach (var (element, newItem) in newItems)
        {
            path.Add(element);
            if (!oldItems.TryGetValue(element, out var oldItem))
            {
                AddItem(newItem, into.Added, path, schemaPath, schema);
            }
            else if (semantics.Type == ListType.Map)
            {
                CompareObjects(oldItem!.AsObject(), newItem!.AsObject(), path, schemaPath, schema, into);
            }
            path.RemoveAt(path.Count - 1);
        }
        foreach (var (element, oldItem) in oldItems)
        {
            if (!newItems.ContainsKey(element))
            {
                path.Add(element);
                AddItem(oldItem, into.Removed, path, schemaPath, schema);
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    /// <summary>
    /// Items of a list-map or set by their path element; null for atomic lists and for lists that cannot be keyed
    /// (an item without its keys, or a repeated key), which are then handled as atomic.
    /// </summary>
    private static Dictionary<string, JsonNode?>? Index(JsonArray list, ListSemantics semantics)
    {
        if (semantics.Type == ListType.Atomic)
        {
            return null;
        }
        var items = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var item in list)
        {
            var element = semantics.Type == ListType.Map ? FieldsV1Path.Key(item, semantics.Keys) : FieldsV1Path.Value(item);
            if (element is null || (!items.TryAdd(element, item) && semantics.Type == ListType.Map))
            {
                return null;
            }
        }
        return items;
    }

    /// <summary>Marks a whole subtree: the path itself and everything below it.</summary>
    private static void AddAll(JsonNode? value, FieldSet set, List<string> path, List<string> schemaPath, IMergeSchema schema)
    {
        if (value is JsonArray list && list.Count > 0 && Index(list, schema.ListAt(schemaPath)) is { } items)
        {
            // A granular list is not a member itself (upstream does not own list nodes), only its items.
            foreach (var (element, item) in items)
            {
                path.Add(element);
                AddItem(item, set, path, schemaPath, schema);
                path.RemoveAt(path.Count - 1);
            }
            return;
        }
        if (path.Count > 0)
        {
            set.Insert(path);
        }
        if (value is JsonObject obj)
        {
            foreach (var (key, child) in obj)
            {
                if (IsManagedFields(schemaPath, key))
                {
                    continue;
                }
                path.Add(FieldsV1Path.Field(key));
                schemaPath.Add(key);
                AddAll(child, set, path, schemaPath, schema);
                schemaPath.RemoveAt(schemaPath.Count - 1);
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    /// <summary>Marks a list item: the item path and, for list-map items, every field below it.</summary>
    private static void AddItem(JsonNode? item, FieldSet set, List<string> path, List<string> schemaPath, IMergeSchema schema)
    {
        set.Insert(path);
        if (item is JsonObject obj)
        {
            foreach (var (key, child) in obj)
            {
                path.Add(FieldsV1Path.Field(key));
                schemaPath.Add(key);
                AddAll(child, set, path, schemaPath, schema);
                schemaPath.RemoveAt(schemaPath.Count - 1);
                path.RemoveAt(path.Count - 1);
            }
        }
    }
}
