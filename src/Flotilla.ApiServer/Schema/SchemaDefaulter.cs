using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Schema;

/// <summary>
/// Applies a structural schema's <c>default</c> values, as upstream does on create, update and when reading stored
/// objects. Mutates the object in place; default values are deep-cloned, never shared with the schema.
/// </summary>
internal static class SchemaDefaulter
{
    /// <summary>
    /// Fills defaults into <paramref name="obj"/>: an absent property (or a null one that may not be null) gets its
    /// default, recursively, including inside defaults just placed, array items and map values. Then, as upstream,
    /// nulls left in non-nullable fields without a default are dropped.
    /// </summary>
    public static void Apply(JsonObject obj, SchemaNode root)
    {
        Default(obj, root);
        DropNonNullableNulls(obj, root);
    }

    private static void Default(JsonNode? value, SchemaNode schema)
    {
        switch (value)
        {
            case JsonObject obj:
                DefaultObject(obj, schema);
                break;
            case JsonArray array when schema.Items is not null:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is null && IsDefaultableNull(schema.Items))
                    {
                        array[i] = schema.Items.Default!.DeepClone();
                    }
                    Default(array[i], schema.Items);
                }
                break;
        }
    }

    private static void DefaultObject(JsonObject obj, SchemaNode schema)
    {
        if (schema.Properties is not null)
        {
            foreach (var (name, property) in schema.Properties)
            {
                if (property.Default is null)
                {
                    continue;
                }
                if (!obj.TryGetPropertyValue(name, out var current) || (current is null && !property.Nullable))
                {
                    obj[name] = property.Default.DeepClone();
                }
            }
        }
        // Snapshot the keys: defaulting a child may replace it in this object.
        foreach (var key in obj.Select(p => p.Key).ToList())
        {
            if (schema.Properties is not null && schema.Properties.TryGetValue(key, out var property))
            {
                Default(obj[key], property);
            }
            else if (schema.AdditionalProperties is { } mapValues)
            {
                if (obj[key] is null && IsDefaultableNull(mapValues))
                {
                    obj[key] = mapValues.Default!.DeepClone();
                }
                Default(obj[key], mapValues);
            }
        }
    }

    private static bool IsDefaultableNull(SchemaNode schema) => schema.Default is not null && !schema.Nullable;

    private static void DropNonNullableNulls(JsonNode? value, SchemaNode schema)
    {
        switch (value)
        {
            case JsonObject obj:
                List<string>? drop = null;
                foreach (var (key, child) in obj)
                {
                    var childSchema = schema.Properties is not null && schema.Properties.TryGetValue(key, out var p) ? p : schema.AdditionalProperties;
                    if (childSchema is null)
                    {
                        continue;
                    }
                    if (child is null)
                    {
                        if (!childSchema.Nullable && childSchema.Default is null)
                        {
                            (drop ??= []).Add(key);
                        }
                        continue;
                    }
                    DropNonNullableNulls(child, childSchema);
                }
                if (drop is not null)
                {
                    foreach (var key in drop)
                    {
                        obj.Remove(key);
                    }
                }
                break;
            case JsonArray array when schema.Items is not null:
                foreach (var item in array)
                {
                    DropNonNullableNulls(item, schema.Items);
                }
                break;
        }
    }
}
