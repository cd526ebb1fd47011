using System.Text.Json.Nodes;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Schema;

/// <summary>The outcome of pruning: the same object, now without unknown fields, and where those fields were.</summary>
/// <param name="Pruned">The pruned object (the instance that was passed in).</param>
/// <param name="UnknownFields">Paths of removed fields, e.g. <c>spec.foo</c>, <c>spec.items[0].bar</c>, in document order.</param>
internal sealed record PruneResult(JsonObject Pruned, IReadOnlyList<string> UnknownFields);

/// <summary>
/// Removes fields a structural schema does not specify, as upstream does for every custom resource whatever the
/// <c>fieldValidation</c> mode, and reports them so the caller can warn or reject. Mutates the object in place.
/// </summary>
internal static class SchemaPruner
{
    private static readonly HashSet<string> OwnerReferenceFields = new(StringComparer.Ordinal)
    {
        "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion",
    };

    /// <summary>Prunes <paramref name="obj"/> (a whole resource) in place against its root schema.</summary>
    public static PruneResult Prune(JsonObject obj, SchemaNode root)
    {
        var unknown = new List<string>();
        PruneObject(obj, root, FieldPath.Root, isResource: true, unknown);
        return new PruneResult(obj, unknown);
    }

    private static void PruneValue(JsonNode? value, SchemaNode schema, FieldPath path, List<string> unknown)
    {
        switch (value)
        {
            case JsonObject obj:
                PruneObject(obj, schema, path, schema.EmbeddedResource, unknown);
                break;
            case JsonArray array when schema.Items is not null:
                for (var i = 0; i < array.Count; i++)
                {
                    PruneValue(array[i], schema.Items, path.Index(i), unknown);
                }
                break;
        }
    }

    private static void PruneObject(JsonObject obj, SchemaNode schema, FieldPath path, bool isResource, List<string> unknown)
    {
        List<string>? remove = null;
        foreach (var (key, value) in obj)
        {
            if (isResource && key is "apiVersion" or "kind")
            {
                continue;
            }
            if (isResource && key == "metadata")
            {
                // metadata is ObjectMeta whatever the schema says; it is validated separately.
                PruneMetadata(value, path.Child(key), unknown);
                continue;
            }
            if (schema.Properties is not null && schema.Properties.TryGetValue(key, out var property))
            {
                PruneValue(value, property, path.Child(key), unknown);
            }
            else if (schema.AdditionalProperties is not null)
            {
                PruneValue(value, schema.AdditionalProperties, path.Child(key), unknown);
            }
            else if (!schema.PreserveUnknownFields && !schema.AdditionalPropertiesAllowAll)
            {
                (remove ??= []).Add(key);
                unknown.Add(path.Child(key).ToString());
            }
        }
        if (remove is not null)
        {
            foreach (var key in remove)
            {
                obj.Remove(key);
            }
        }
    }

    private static void PruneMetadata(JsonNode? metadata, FieldPath path, List<string> unknown)
    {
        if (metadata is not JsonObject meta)
        {
            return;
        }
        RemoveUnlisted(meta, ObjectMetaValidation.KnownFields, path, unknown);
        if (meta["ownerReferences"] is JsonArray refs)
        {
            var refsPath = path.Child("ownerReferences");
            for (var i = 0; i < refs.Count; i++)
            {
                if (refs[i] is JsonObject reference)
                {
                    RemoveUnlisted(reference, OwnerReferenceFields, refsPath.Index(i), unknown);
                }
            }
        }
    }

    private static void RemoveUnlisted(JsonObject obj, IReadOnlySet<string> known, FieldPath path, List<string> unknown)
    {
        var remove = obj.Select(p => p.Key).Where(k => !known.Contains(k)).ToList();
        foreach (var key in remove)
        {
            unknown.Add(path.Child(key).ToString());
            obj.Remove(key);
        }
    }
}
