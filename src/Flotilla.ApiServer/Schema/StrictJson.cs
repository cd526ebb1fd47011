using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Schema;

/// <summary>A parsed body and the fields that appeared more than once in it.</summary>
/// <param name="Root">The parsed value; for a repeated key the last value wins, as in upstream's decoder.</param>
/// <param name="DuplicateFields">Paths of repeated keys in document order, e.g. <c>metadata.name</c>, <c>spec.containers[0].image</c>.</param>
internal sealed record StrictJsonResult(JsonNode? Root, IReadOnlyList<string> DuplicateFields);

/// <summary>
/// Reads a JSON request body while noticing repeated object keys, which <c>fieldValidation=Strict</c> must reject.
/// <see cref="JsonNode.Parse(string, JsonNodeOptions?, JsonDocumentOptions)"/> cannot be used for this: it throws an
/// ArgumentException on a repeated key instead of reporting it, so Warn and Ignore could not accept such bodies.
/// Integers that fit in 64 bits become long values and other numbers doubles, like upstream's unstructured decoder.
/// </summary>
internal static class StrictJson
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        // Deep enough for any real manifest; bounded so hostile nesting cannot exhaust the stack of later walkers.
        MaxDepth = 512,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    /// <summary>Parses <paramref name="utf8"/>; throws <see cref="JsonException"/> when it is not one well-formed JSON value.</summary>
    public static StrictJsonResult Parse(ReadOnlySpan<byte> utf8) => Read(utf8, build: true);

    /// <summary>Only finds repeated keys (the body is not materialized).</summary>
    public static IReadOnlyList<string> FindDuplicateFields(ReadOnlySpan<byte> utf8) => Read(utf8, build: false).DuplicateFields;

    private static StrictJsonResult Read(ReadOnlySpan<byte> utf8, bool build)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        var stack = new Stack<Frame>();
        var duplicates = new List<string>();
        JsonNode? root = null;

        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                {
                    var frame = stack.Peek();
                    var key = ReadString(ref reader);
                    if (!frame.Seen!.Add(key))
                    {
                        duplicates.Add(frame.Path.Child(key).ToString());
                    }
                    frame.Key = key;
                    break;
                }
                case JsonTokenType.StartObject:
                {
                    var path = NextPath(stack);
                    var obj = build ? new JsonObject() : null;
                    Attach(stack, obj, ref root);
                    stack.Push(new Frame(path, isObject: true, obj, null));
                    break;
                }
                case JsonTokenType.StartArray:
                {
                    var path = NextPath(stack);
                    var array = build ? new JsonArray() : null;
                    Attach(stack, array, ref root);
                    stack.Push(new Frame(path, isObject: false, null, array));
                    break;
                }
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    stack.Pop();
                    break;
                case JsonTokenType.String:
                    Attach(stack, build ? JsonValue.Create(ReadString(ref reader)) : null, ref root);
                    break;
                case JsonTokenType.Number:
                    Attach(stack, build ? Number(ref reader) : null, ref root);
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    Attach(stack, build ? JsonValue.Create(reader.TokenType == JsonTokenType.True) : null, ref root);
                    break;
                case JsonTokenType.Null:
                    Attach(stack, null, ref root);
                    break;
            }
        }
        return new StrictJsonResult(root, duplicates);
    }

    /// <summary>
    /// The reader validates a string only when decoding it, and then throws InvalidOperationException (an escaped
    /// unpaired surrogate such as <c>\ud800</c>, or invalid UTF-8): malformed input like any other.
    /// </summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException($"the string at byte {reader.TokenStartIndex} cannot be decoded: {e.Message}", e);
        }
    }

    private static JsonValue Number(ref Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var l))
        {
            return JsonValue.Create(l);
        }
        if (reader.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return JsonValue.Create(d);
        }
        throw new JsonException($"number {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is out of range");
    }

    /// <summary>The path of the value about to be read: the pending key of an object, or the next index of an array.</summary>
    private static FieldPath NextPath(Stack<Frame> stack)
    {
        if (stack.Count == 0)
        {
            return FieldPath.Root;
        }
        var top = stack.Peek();
        return top.Seen is not null ? top.Path.Child(top.Key!) : top.Path.Index(top.Index);
    }

    private static void Attach(Stack<Frame> stack, JsonNode? node, ref JsonNode? root)
    {
        if (stack.Count == 0)
        {
            root = node;
            return;
        }
        var top = stack.Peek();
        if (top.Seen is not null)
        {
            if (top.Object is not null)
            {
                // The indexer replaces an earlier value: the last occurrence of a key wins.
                top.Object[top.Key!] = node;
            }
        }
        else
        {
            top.Array?.Add(node);
            top.Index++;
        }
    }

    private sealed class Frame(FieldPath path, bool isObject, JsonObject? obj, JsonArray? array)
    {
        public FieldPath Path { get; } = path;

        public JsonObject? Object { get; } = obj;

        public JsonArray? Array { get; } = array;

        /// <summary>Keys seen so far; non-null exactly when the frame is an object (also when nothing is built).</summary>
        public HashSet<string>? Seen { get; } = isObject ? new HashSet<string>(StringComparer.Ordinal) : null;

        public string? Key { get; set; }

        public int Index { get; set; }
    }
}
