using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flotilla.ApiServer.Schema;

/// <summary>
/// One node of an <c>openAPIV3Schema</c>, compiled once so that every write walks typed fields instead of looking up
/// JSON keys, and so that patterns are compiled once. Immutable after <see cref="Compile"/> and safe to share
/// between threads; it keeps no reference into the source schema.
/// </summary>
internal sealed class SchemaNode
{
    /// <summary>
    /// Matching a pattern the linear-time engine cannot run may not take longer than this; structural schemas come
    /// from users.
    /// </summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(250);

    // Patterns are shared across schemas and versions (CRDs repeat them); the cap bounds memory if CRDs churn.
    private const int PatternCacheLimit = 4096;
    private static readonly ConcurrentDictionary<string, CompiledPattern> Patterns = new(StringComparer.Ordinal);

    private SchemaNode()
    {
    }

    /// <summary>The declared type (<c>object</c>, <c>array</c>, <c>string</c>, <c>integer</c>, <c>number</c>, <c>boolean</c>), or null.</summary>
    public string? Type { get; private init; }

    public bool Nullable { get; private init; }

    /// <summary><c>x-kubernetes-int-or-string</c>: the value is an integer or a string.</summary>
    public bool IntOrString { get; private init; }

    /// <summary><c>x-kubernetes-preserve-unknown-fields: true</c> on this node: fields it does not list are kept.</summary>
    public bool PreserveUnknownFields { get; private init; }

    /// <summary><c>x-kubernetes-embedded-resource</c>: an object with its own apiVersion, kind and metadata.</summary>
    public bool EmbeddedResource { get; private init; }

    /// <summary>Declared properties, in schema order (null when none are declared).</summary>
    public IReadOnlyDictionary<string, SchemaNode>? Properties { get; private init; }

    /// <summary>The schema of map values (<c>additionalProperties: {…}</c>).</summary>
    public SchemaNode? AdditionalProperties { get; private init; }

    /// <summary><c>additionalProperties: true</c>: any value is accepted for unlisted keys and kept.</summary>
    public bool AdditionalPropertiesAllowAll { get; private init; }

    public SchemaNode? Items { get; private init; }

    /// <summary>The <c>default</c> value; clone it before placing it in an object.</summary>
    public JsonNode? Default { get; private init; }

    public IReadOnlyList<JsonNode?>? Enum { get; private init; }

    public double? Minimum { get; private init; }

    public double? Maximum { get; private init; }

    public bool ExclusiveMinimum { get; private init; }

    public bool ExclusiveMaximum { get; private init; }

    public double? MultipleOf { get; private init; }

    public long? MinLength { get; private init; }

    public long? MaxLength { get; private init; }

    public string? Pattern { get; private init; }

    /// <summary>The compiled <see cref="Pattern"/>, or null with <see cref="PatternError"/> set when it does not compile.</summary>
    public Regex? PatternRegex { get; private init; }

    public string? PatternError { get; private init; }

    public long? MinItems { get; private init; }

    public long? MaxItems { get; private init; }

    public bool UniqueItems { get; private init; }

    public long? MinProperties { get; private init; }

    public long? MaxProperties { get; private init; }

    public string? Format { get; private init; }

    public IReadOnlyList<string> Required { get; private init; } = [];

    public IReadOnlyList<SchemaNode>? AllOf { get; private init; }

    public IReadOnlyList<SchemaNode>? AnyOf { get; private init; }

    public IReadOnlyList<SchemaNode>? OneOf { get; private init; }

    public SchemaNode? Not { get; private init; }

    /// <summary><c>x-kubernetes-list-type</c>: <c>atomic</c>, <c>set</c> or <c>map</c>.</summary>
    public string? ListType { get; private init; }

    public IReadOnlyList<string> ListMapKeys { get; private init; } = [];

    /// <summary>Compiles a schema node and everything below it.</summary>
    public static SchemaNode Compile(JsonObject schema)
    {
        var pattern = String(schema, "pattern");
        CompiledPattern? compiled = pattern is null ? null : CompilePattern(pattern);
        return new SchemaNode
        {
            Type = String(schema, "type"),
            Nullable = Bool(schema, "nullable"),
            IntOrString = Bool(schema, "x-kubernetes-int-or-string"),
            PreserveUnknownFields = Bool(schema, "x-kubernetes-preserve-unknown-fields"),
            EmbeddedResource = Bool(schema, "x-kubernetes-embedded-resource"),
            Properties = schema["properties"] is JsonObject props
                ? props.Where(p => p.Value is JsonObject).ToDictionary(p => p.Key, p => Compile((JsonObject)p.Value!), StringComparer.Ordinal)
                : null,
            AdditionalProperties = schema["additionalProperties"] is JsonObject ap ? Compile(ap) : null,
            AdditionalPropertiesAllowAll = JsonKinds.IsTrue(schema["additionalProperties"]),
            Items = schema["items"] is JsonObject items ? Compile(items) : null,
            // Own, fully materialized copies: requests clone and compare these concurrently, and the source schema
            // may be element-backed (lazily materialized) or changed by its owner.
            Default = schema["default"]?.DeepClone(),
            Enum = schema["enum"] is JsonArray values ? [.. values.Select(v => v?.DeepClone())] : null,
            Minimum = Number(schema, "minimum"),
            Maximum = Number(schema, "maximum"),
            ExclusiveMinimum = Bool(schema, "exclusiveMinimum"),
            ExclusiveMaximum = Bool(schema, "exclusiveMaximum"),
            MultipleOf = Number(schema, "multipleOf"),
            MinLength = Integer(schema, "minLength"),
            MaxLength = Integer(schema, "maxLength"),
            Pattern = pattern,
            PatternRegex = compiled?.Regex,
            PatternError = compiled?.Error,
            MinItems = Integer(schema, "minItems"),
            MaxItems = Integer(schema, "maxItems"),
            UniqueItems = Bool(schema, "uniqueItems"),
            MinProperties = Integer(schema, "minProperties"),
            MaxProperties = Integer(schema, "maxProperties"),
            Format = String(schema, "format"),
            Required = Strings(schema["required"]),
            AllOf = List(schema["allOf"]),
            AnyOf = List(schema["anyOf"]),
            OneOf = List(schema["oneOf"]),
            Not = schema["not"] is JsonObject not ? Compile(not) : null,
            ListType = String(schema, "x-kubernetes-list-type"),
            ListMapKeys = Strings(schema["x-kubernetes-list-map-keys"]),
        };
    }

    private static CompiledPattern CompilePattern(string pattern)
    {
        if (Patterns.TryGetValue(pattern, out var cached))
        {
            return cached;
        }
        CompiledPattern compiled;
        try
        {
            // Default .NET syntax rather than RegexOptions.ECMAScript: upstream evaluates patterns with Go's RE2, which
            // accepts constructs such as \p{L} that the ECMAScript option rejects. Patterns are unanchored, as in RE2.
            // The non-backtracking engine matches in linear time like RE2, so it needs no timeout: a wall-clock limit
            // rejected valid writes (422) when the server was merely short of CPU. Patterns it cannot run (lookarounds,
            // backreferences — which RE2 rejects too) keep the backtracking engine and its timeout.
            compiled = new CompiledPattern(NonBacktracking(pattern) ?? new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout), null);
        }
        catch (ArgumentException e)
        {
            compiled = new CompiledPattern(null, e.Message);
        }
        if (Patterns.Count < PatternCacheLimit)
        {
            Patterns.TryAdd(pattern, compiled);
        }
        return compiled;
    }

    private static Regex? NonBacktracking(string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }

    private static string? String(JsonObject schema, string key) =>
        schema[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static bool Bool(JsonObject schema, string key) => JsonKinds.IsTrue(schema[key]);

    private static double? Number(JsonObject schema, string key)
    {
        var kind = JsonKinds.Of(schema[key]);
        return kind is JsonKind.Integer or JsonKind.Number ? JsonKinds.GetDouble(schema[key]) : null;
    }

    private static long? Integer(JsonObject schema, string key) =>
        JsonKinds.TryGetInt64(schema[key], out var l) ? l : null;

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array
            ? [.. array.Where(n => JsonKinds.Of(n) == JsonKind.String).Select(n => n!.GetValue<string>())]
            : [];

    private static SchemaNode[]? List(JsonNode? node) =>
        node is JsonArray array ? [.. array.OfType<JsonObject>().Select(Compile)] : null;

    private sealed record CompiledPattern(Regex? Regex, string? Error);
}
