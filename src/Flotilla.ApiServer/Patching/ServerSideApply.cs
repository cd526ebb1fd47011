using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>): merges a manager's full intended configuration into the
/// live object, tracks field ownership in <c>metadata.managedFields</c>, removes fields the manager stopped
/// applying, and reports conflicts with other managers.
/// </summary>
internal static class ServerSideApply
{
    /// <summary>
    /// Applies <paramref name="applied"/> (already converted from YAML to JSON) for <paramref name="manager"/> and
    /// returns the resulting object, whose <c>metadata.managedFields</c> holds the updated entries. The inputs are
    /// not modified.
    /// </summary>
    /// <param name="live">The stored object, or null to create (the result is then the configuration itself).</param>
    /// <param name="applied">The configuration.</param>
    /// <param name="manager">The <c>fieldManager</c> query parameter; required.</param>
    /// <param name="force">Take ownership of conflicting fields instead of failing.</param>
    /// <param name="schema">List semantics of the kind.</param>
    /// <param name="apiVersion">The request's group-version (from the URL), recorded in the manager's entry.</param>
    /// <param name="subresource">Null for the main resource, <c>"status"</c> for <c>/status</c>.</param>
    /// <param name="now">The time recorded in entries that change.</param>
    /// <remarks>
    /// Steps:
    /// <list type="number">
    /// <item>The manager's new field set is computed from the configuration (<see cref="FieldSets.FromApplied"/>).</item>
    /// <item>The configuration is merged into the live object: objects recursively, list-maps item by item (by key;
    /// live items keep their order, new items are appended), sets by union, atomic lists and scalars replaced,
    /// null deletes.</item>
    /// <item>Fields in the manager's previous Apply set but not in its new one are removed, unless some manager
    /// (the applier's new set included) owns them or anything below them; objects and lists emptied by that are
    /// removed too.</item>
    /// <item>Fields the merge changed (value or presence) that other entries own are conflicts: 409 without
    /// <paramref name="force"/>; with it, they move to the applier. Identical values are shared, not conflicts.</item>
    /// </list>
    /// The caller owns the rest of the request: the apiVersion/kind check against the URL, status isolation (strip
    /// <c>status</c> from the configuration for the main resource of a kind with a status subresource; apply only
    /// <c>status</c> for <c>/status</c>), the resourceVersion check on the result, and defaulting/validation.
    /// </remarks>
    /// <exception cref="ApiException">
    /// 422 without a manager or for a list-map item without its keys; 400 when the configuration carries
    /// managedFields; 409 Conflict on ownership conflicts without <paramref name="force"/>.
    /// </exception>
    public static JsonObject Apply(JsonObject? live, JsonObject applied, string manager, bool force, IMergeSchema schema, string apiVersion, string? subresource, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(manager))
        {
            throw ApiException.Invalid("PatchOptions", "meta.k8s.io", "",
                [new StatusCause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager")]);
        }
        if (PatchJson.Metadata(applied)?["managedFields"] is not null)
        {
            throw ApiException.BadRequest("metadata.managedFields must be nil");
        }
        var newSet = FieldSets.FromApplied(applied, schema);

        var entries = live is null ? [] : ManagedFields.ReadLenient(live);
        var liveBody = live?.DeepClone().AsObject();
        if (liveBody is not null)
        {
            PatchJson.Metadata(liveBody)?.Remove("managedFields");
        }
        var merged = liveBody?.DeepClone().AsObject() ?? new JsonObject();
        MergeObject(merged, applied, [], schema);

        var mine = entries.Find(e => e.Is(manager, ManagedFieldsEntry.Apply, subresource));
        var others = entries.Where(e => e != mine).ToList();
        if (mine is not null)
        {
            var keep = newSet.Clone();
            foreach (var other in others)
            {
                keep.UnionWith(other.Fields);
            }
            Prune(merged, mine.Fields, keep);
        }

        var comparison = FieldSets.Compare(liveBody, merged, schema);
        var changed = comparison.Changed();
        var upgradable = LastAppliedFields(liveBody, manager, schema);
        var conflicts = others
            .Select(e => (Entry: e, Paths: Unforgiven(e.Fields.Intersect(changed), upgradable).Members()))
            .Where(c => c.Paths.Count > 0)
            .ToList();
        if (conflicts.Count > 0 && !force)
        {
            throw ConflictError(conflicts);
        }
        foreach (var other in others)
        {
            other.Fields.ExceptWith(changed);
            other.Fields.ExceptWith(comparison.Removed);
        }
        if (mine is null)
        {
            mine = new ManagedFieldsEntry { Manager = manager, Operation = ManagedFieldsEntry.Apply, Subresource = subresource, Fields = newSet };
            entries.Add(mine);
            ManagedFields.Touch(mine, newSet, apiVersion, now, isNew: true);
        }
        else
        {
            ManagedFields.Touch(mine, newSet, apiVersion, now, isNew: false);
        }
        ManagedFields.Write(merged, entries);
        return merged;
    }

    /// <summary>
    /// Fields kubectl may take over without a conflict when it moves an object from client-side to server-side
    /// apply, as upstream allows: those of the <c>kubectl.kubernetes.io/last-applied-configuration</c> annotation
    /// whose live value still equals the last applied one. Only the manager <c>kubectl</c> gets this.
    /// </summary>
    private static FieldSet? LastAppliedFields(JsonObject? live, string manager, IMergeSchema schema)
    {
        if (manager != "kubectl" || live is null
            || PatchJson.Metadata(live)?["annotations"]?[LastAppliedAnnotation] is not JsonValue annotation
            || !annotation.TryGetValue<string>(out var text))
        {
            return null;
        }
        try
        {
            if (JsonNode.Parse(text) is not JsonObject config)
            {
                return null;
            }
            var fields = FieldSets.FromApplied(config, schema);
            fields.ExceptWith(FieldSets.Compare(config, live, schema).Modified);
            return fields;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ApiException)
        {
            // A corrupt annotation grants nothing; ordinary conflict rules apply.
            return null;
        }
    }

    private static FieldSet Unforgiven(FieldSet conflicting, FieldSet? upgradable)
    {
        if (upgradable is null)
        {
            return conflicting;
        }
        var remaining = conflicting.Clone();
        remaining.ExceptWith(upgradable);
        return remaining;
    }

    private const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private static void MergeObject(JsonObject target, JsonObject config, List<string> schemaPath, IMergeSchema schema)
    {
        foreach (var (key, value) in config)
        {
            if (value is null)
            {
                target.Remove(key);
                continue;
            }
            schemaPath.Add(key);
            target.TryGetPropertyValue(key, out var existing);
            switch (value)
            {
                case JsonObject obj when existing is JsonObject existingObject:
                    MergeObject(existingObject, obj, schemaPath, schema);
                    break;
                case JsonArray list when existing is JsonArray existingList:
                    PatchJson.Set(target, key, MergeList(existingList, list, schemaPath, schema));
                    break;
                default:
                    target[key] = PatchJson.CloneWithoutNulls(value);
                    break;
            }
            schemaPath.RemoveAt(schemaPath.Count - 1);
        }
    }

    private static JsonArray MergeList(JsonArray live, JsonArray config, List<string> schemaPath, IMergeSchema schema)
    {
        var semantics = schema.ListAt(schemaPath);
        switch (semantics.Type)
        {
            case ListType.Set:
                var present = new HashSet<string>(live.Select(FieldsV1Path.Value), StringComparer.Ordinal);
                foreach (var item in config)
                {
                    if (present.Add(FieldsV1Path.Value(item)))
                    {
                        live.Add(item?.DeepClone());
                    }
                }
                return live;
            case ListType.Map:
                var positions = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i < live.Count; i++)
                {
                    // A live list that cannot be keyed is replaced as a whole, like an atomic one.
                    if (FieldsV1Path.Key(live[i], semantics.Keys) is not { } element || !positions.TryAdd(element, i))
                    {
                        return (JsonArray)PatchJson.CloneWithoutNulls(config)!;
                    }
                }
                foreach (var item in config)
                {
                    // FieldSets.FromApplied already rejected configuration items without keys.
                    var element = FieldsV1Path.Key(item, semantics.Keys)!;
                    if (positions.TryGetValue(element, out var index))
                    {
                        MergeObject(live[index]!.AsObject(), item!.AsObject(), schemaPath, schema);
                    }
                    else
                    {
                        live.Add(PatchJson.CloneWithoutNulls(item));
                    }
                }
                return live;
            default:
                return config.DeepClone().AsArray();
        }
    }

    /// <summary>
    /// Removes from <paramref name="container"/> what <paramref name="previous"/> owned and <paramref name="keep"/>
    /// (null = nothing) does not reach: a previous member is removed when nothing is kept at or below it; an
    /// intermediate object or list is removed when this pruning emptied it and nothing below it is kept.
    /// </summary>
    private static void Prune(JsonNode container, FieldSet previous, FieldSet? keep)
    {
        var doomed = new List<int>();
        foreach (var (element, previousChild) in previous.Children)
        {
            var keepChild = keep?.Child(element);
            foreach (var (index, child) in Locate(container, element))
            {
                var remove = keepChild is null && previousChild.IsMember;
                if (!remove && previousChild.ChildCount > 0 && child is JsonObject or JsonArray)
                {
                    var before = Count(child);
                    Prune(child, previousChild, keepChild);
                    remove = keepChild is null && before > 0 && Count(child) == 0;
                }
                if (remove)
                {
                    if (container is JsonObject obj)
                    {
                        obj.Remove(FieldsV1Path.FieldName(element));
                    }
                    else
                    {
                        doomed.Add(index);
                    }
                }
            }
        }
        if (container is JsonArray list)
        {
            // Remove from the end so earlier indexes stay valid.
            foreach (var index in doomed.Distinct().OrderDescending())
            {
                list.RemoveAt(index);
            }
        }
    }

    /// <summary>The nodes an element addresses inside a container (a set value may repeat in live data).</summary>
    private static List<(int Index, JsonNode? Node)> Locate(JsonNode container, string element)
    {
        var found = new List<(int, JsonNode?)>();
        if (container is JsonObject obj)
        {
            if (FieldsV1Path.IsField(element) && obj.TryGetPropertyValue(FieldsV1Path.FieldName(element), out var value))
            {
                found.Add((-1, value));
            }
            return found;
        }
        if (container is not JsonArray list)
        {
            return found;
        }
        switch (element[0])
        {
            case 'k':
                var keys = FieldsV1Path.KeyNames(element);
                for (var i = 0; i < list.Count; i++)
                {
                    if (FieldsV1Path.Key(list[i], keys) == element)
                    {
                        found.Add((i, list[i]));
                        break;
                    }
                }
                break;
            case 'v':
                for (var i = 0; i < list.Count; i++)
                {
                    if (FieldsV1Path.Value(list[i]) == element)
                    {
                        found.Add((i, list[i]));
                    }
                }
                break;
            case 'i':
                var position = int.Parse(element[2..], CultureInfo.InvariantCulture);
                if (position < list.Count)
                {
                    found.Add((position, list[position]));
                }
                break;
        }
        return found;
    }

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject obj => obj.Count,
        JsonArray list => list.Count,
        _ => 0,
    };

    /// <summary>
    /// 409 Conflict as upstream words it: one conflict is
    /// <c>Apply failed with 1 conflict: conflict with "m" using apps/v1: .spec.replicas</c>; several are grouped by
    /// manager, one <c>- path</c> line each. Each cause is <c>FieldManagerConflict</c> with the path as field.
    /// </summary>
    private static ApiException ConflictError(List<(ManagedFieldsEntry Entry, List<IReadOnlyList<string>> Paths)> conflicts)
    {
        var ordered = conflicts.OrderBy(c => c.Entry.Manager, StringComparer.Ordinal).ThenBy(c => c.Entry.Operation, StringComparer.Ordinal).ToList();
        var causes = ordered
            .SelectMany(c => c.Paths.Select(p => new StatusCause("FieldManagerConflict", $"conflict with {Describe(c.Entry)}", FieldsV1Path.Describe(p))))
            .ToList();
        string message;
        if (causes.Count == 1)
        {
            message = $"Apply failed with 1 conflict: {causes[0].Message}: {causes[0].Field}";
        }
        else
        {
            var text = new StringBuilder($"Apply failed with {causes.Count} conflicts: ");
            var lines = new List<string>();
            foreach (var (entry, paths) in ordered)
            {
                lines.Add($"conflicts with {Describe(entry)}:");
                lines.AddRange(paths.Select(p => $"- {FieldsV1Path.Describe(p)}"));
            }
            message = text.AppendJoin('\n', lines).ToString();
        }
        return new ApiException(409, "Conflict", message, new StatusDetails(Causes: causes));
    }

    /// <summary>
    /// How upstream names a manager in conflicts: <c>"m"</c>, plus <c> with subresource "status"</c>, plus
    /// <c> using apps/v1</c> for Update entries (Apply managers are named without their apiVersion).
    /// </summary>
    private static string Describe(ManagedFieldsEntry entry)
    {
        var text = FieldsV1Path.Compact(JsonValue.Create(entry.Manager));
        if (!string.IsNullOrEmpty(entry.Subresource))
        {
            text += $" with subresource {FieldsV1Path.Compact(JsonValue.Create(entry.Subresource))}";
        }
        if (entry.Operation == ManagedFieldsEntry.Update)
        {
            text += $" using {entry.ApiVersion}";
        }
        return text;
    }
}
