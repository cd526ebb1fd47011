using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Schema;

/// <summary>
/// A custom resource version's compiled <c>openAPIV3Schema</c> and the three things a write does with it, in
/// upstream's order: <see cref="Prune"/> (what the decoder does), <see cref="ApplyDefaults"/>, then
/// <see cref="Validate"/>. Compiled schemas are cached per schema instance, so callers can pass
/// <c>ResourceDefinition.Schema</c> on every request.
/// </summary>
internal sealed class StructuralSchema
{
    private static readonly ConditionalWeakTable<JsonObject, StructuralSchema> Cache = [];

    // A JsonObject parsed from text materializes its children lazily, and that is not thread-safe: compiling reads
    // the whole schema, so only one thread may do it at a time.
    private static readonly Lock CompileGate = new();

    private StructuralSchema(SchemaNode root) => Root = root;

    public SchemaNode Root { get; }

    /// <summary>The compiled form of <paramref name="openApiV3Schema"/>; the schema must not be mutated afterwards.</summary>
    public static StructuralSchema For(JsonObject openApiV3Schema)
    {
        if (Cache.TryGetValue(openApiV3Schema, out var compiled))
        {
            return compiled;
        }
        lock (CompileGate)
        {
            if (!Cache.TryGetValue(openApiV3Schema, out compiled))
            {
                compiled = new StructuralSchema(SchemaNode.Compile(openApiV3Schema));
                Cache.Add(openApiV3Schema, compiled);
            }
            return compiled;
        }
    }

    /// <summary>Removes unknown fields in place and reports their paths (see <see cref="SchemaPruner"/>).</summary>
    public PruneResult Prune(JsonObject obj) => SchemaPruner.Prune(obj, Root);

    /// <summary>Applies schema defaults in place (see <see cref="SchemaDefaulter"/>).</summary>
    public void ApplyDefaults(JsonObject obj) => SchemaDefaulter.Apply(obj, Root);

    /// <summary>Schema validation causes for a whole resource; empty when valid.</summary>
    public List<StatusCause> Validate(JsonObject obj) => SchemaValidator.Validate(obj, Root);
}
