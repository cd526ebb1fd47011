using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Patching;

/// <summary>Picks the <see cref="IMergeSchema"/> of a served resource.</summary>
internal static class MergeSchemas
{
    /// <summary>
    /// One schema per CRD version schema object: building one copies the schema, so it is done once per
    /// <see cref="ResourceDefinition.Schema"/> instance (a CRD update registers a new definition with a new
    /// schema object, and the old entry goes with the old object).
    /// </summary>
    private static readonly ConditionalWeakTable<JsonObject, SchemaMergeSchema> Custom = [];

    /// <summary>
    /// Custom resources: their version's <c>openAPIV3Schema</c> (metadata rules only when there is none).
    /// Built-in kinds: the upstream path table.
    /// </summary>
    public static IMergeSchema For(ResourceDefinition resource)
    {
        if (resource.IsCustom && resource.Schema is { } schema)
        {
            return Custom.GetValue(schema, s => new SchemaMergeSchema(s));
        }
        return BuiltinMergeSchema.For(resource.Group, resource.Kind);
    }
}
