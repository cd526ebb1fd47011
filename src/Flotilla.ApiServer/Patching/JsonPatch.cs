using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Patching;

/// <summary>JSON patch (RFC 6902, <c>application/json-patch+json</c>) with JSON Pointer paths (RFC 6901).</summary>
/// <remarks>
/// Errors: a malformed document (not an array, an operation that is not an object, a missing or unknown
/// <c>op</c>, a missing <c>path</c>, <c>from</c> or <c>value</c>) is 400 BadRequest naming the operation's index;
/// an operation that cannot be applied (a path that does not resolve, a bad pointer or index, moving a value into
/// itself, a failed <c>test</c>) is 422 Invalid. A failed <c>test</c> of <c>/metadata/resourceVersion</c> is 409
/// Conflict, the optimistic-lock failure it expresses. The operations apply in order to a copy, so a failure
/// leaves nothing half-applied and the inputs are never modified.
/// </remarks>
internal static class JsonPatch
{
    private sealed record Operation(int Index, string Op, string Path, string? From, JsonNode? Value);

    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        var operations = Parse(patch);
        JsonNode? document = target.DeepClone();
        foreach (var operation in operations)
        {
            document = ApplyOne(document, operation);
        }
        return document as JsonObject
            ?? throw new ApiException(422, "Invalid", "the json patch replaced the object with a value that is not a JSON object");
    }

    private static List<Operation> Parse(JsonNode? patch)
    {
        if (patch is not JsonArray list)
        {
            throw ApiException.BadRequest("a json patch must be a JSON array of operations");
        }
        var operations = new List<Operation>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject json)
            {
                throw ApiException.BadRequest($"json patch operation {i}: must be a JSON object");
            }
            var op = RequiredString(json, "op", i);
            if (op is not ("add" or "remove" or "replace" or "move" or "copy" or "test"))
            {
                throw ApiException.BadRequest($"json patch operation {i}: unsupported op \"{op}\": supported ops are add, remove, replace, move, copy, test");
            }
            var path = RequiredString(json, "path", i);
            var from = op is "move" or "copy" ? RequiredString(json, "from", i) : null;
            JsonNode? value = null;
            if (op is "add" or "replace" or "test" && !json.TryGetPropertyValue("value", out value))
            {
                throw ApiException.BadRequest($"json patch operation {i} ({op} {path}): missing \"value\"");
            }
            operations.Add(new Operation(i, op, path, from, value));
        }
        return operations;
    }

    private static string RequiredString(JsonObject json, string name, int index) =>
        PatchJson.AsString(json[name])
        ?? throw ApiException.BadRequest($"json patch operation {index}: missing or non-string \"{name}\"");

    private static JsonNode? ApplyOne(JsonNode? document, Operation operation)
    {
        var path = ParsePointer(operation.Path, operation);
        switch (operation.Op)
        {
            case "add":
                return Add(document, path, operation.Value?.DeepClone(), operation);
            case "remove":
                Detach(document, path, operation);
                return document;
            case "replace":
                if (path.Length == 0)
                {
                    return operation.Value?.DeepClone();
                }
                Replace(document, path, operation.Value?.DeepClone(), operation);
                return document;
            case "move":
                var from = ParsePointer(operation.From!, operation);
                if (IsProperPrefix(from, path))
                {
                    throw Failed(operation, $"cannot move \"{operation.From}\" into one of its own children");
                }
                if (from.AsSpan().SequenceEqual(path))
                {
                    Get(document, from, operation);
                    return document;
                }
                return Add(document, path, Detach(document, from, operation), operation);
            case "copy":
                var source = ParsePointer(operation.From!, operation);
                return Add(document, path, Get(document, source, operation)?.DeepClone(), operation);
            default:
                if (!JsonNode.DeepEquals(Get(document, path, operation), operation.Value))
                {
                    if (path is ["metadata", "resourceVersion"])
                    {
                        throw new ApiException(409, "Conflict",
                            $"json patch operation {operation.Index} (test {operation.Path}) failed: the object has been modified; please apply your changes to the latest version and try again");
                    }
                    throw Failed(operation, $"the value at \"{operation.Path}\" is not {FieldsV1Path.Compact(operation.Value)}");
                }
                return document;
        }
    }

    /// <summary>Inserts <paramref name="value"/> (a node without a parent) and returns the document.</summary>
    private static JsonNode? Add(JsonNode? document, string[] path, JsonNode? value, Operation operation)
    {
        if (path.Length == 0)
        {
            return value;
        }
        var parent = Get(document, path.AsSpan(0, path.Length - 1), operation);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj:
                obj[last] = value;
                break;
            case JsonArray list when last == "-":
                list.Add(value);
                break;
            case JsonArray list:
                var index = ArrayIndex(last, operation);
                if (index > list.Count)
                {
                    throw Failed(operation, $"index {index} is out of range for an array of length {list.Count}");
                }
                list.Insert(index, value);
                break;
            default:
                throw Failed(operation, $"the parent of \"{Render(path)}\" is not an object or array");
        }
        return document;
    }

    /// <summary>Replaces the value at a path that must exist, in place (an object keeps its member order).</summary>
    private static void Replace(JsonNode? document, string[] path, JsonNode? value, Operation operation)
    {
        var parent = Get(document, path.AsSpan(0, path.Length - 1), operation);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when obj.ContainsKey(last):
                obj[last] = value;
                break;
            case JsonArray list when last != "-" && ArrayIndex(last, operation) < list.Count:
                list[ArrayIndex(last, operation)] = value;
                break;
            default:
                throw Failed(operation, $"path \"{Render(path)}\" does not exist");
        }
    }

    /// <summary>Removes the value at a path that must exist and returns it, detached from the document.</summary>
    private static JsonNode? Detach(JsonNode? document, string[] path, Operation operation)
    {
        if (path.Length == 0)
        {
            throw Failed(operation, "cannot remove the whole document");
        }
        var parent = Get(document, path.AsSpan(0, path.Length - 1), operation);
        var last = path[^1];
        switch (parent)
        {
            case JsonObject obj when obj.TryGetPropertyValue(last, out var value):
                obj.Remove(last);
                return value;
            case JsonArray list:
                var index = ArrayIndex(last, operation);
                if (index >= list.Count)
                {
                    throw Failed(operation, $"index {index} is out of range for an array of length {list.Count}");
                }
                var item = list[index];
                list.RemoveAt(index);
                return item;
            default:
                throw Failed(operation, $"path \"{Render(path)}\" does not exist");
        }
    }

    /// <summary>The value at a path that must exist (a member whose value is null exists).</summary>
    private static JsonNode? Get(JsonNode? document, ReadOnlySpan<string> path, Operation operation)
    {
        var node = document;
        for (var depth = 0; depth < path.Length; depth++)
        {
            var token = path[depth];
            switch (node)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    node = child;
                    break;
                case JsonArray list when token != "-" && ArrayIndex(token, operation) < list.Count:
                    node = list[ArrayIndex(token, operation)];
                    break;
                default:
                    throw Failed(operation, $"path \"{Render(path[..(depth + 1)])}\" does not exist");
            }
        }
        return node;
    }

    /// <summary>An RFC 6901 array index: <c>0</c> or digits without a leading zero.</summary>
    private static int ArrayIndex(string token, Operation operation)
    {
        var valid = token.Length > 0 && token.Length <= 9 && token.All(char.IsAsciiDigit) && (token == "0" || token[0] != '0');
        return valid ? int.Parse(token, CultureInfo.InvariantCulture)
            : throw Failed(operation, $"\"{token}\" is not a valid array index");
    }

    /// <summary>Splits an RFC 6901 pointer into unescaped tokens (<c>~1</c> is <c>/</c>, <c>~0</c> is <c>~</c>).</summary>
    private static string[] ParsePointer(string pointer, Operation operation)
    {
        if (pointer.Length == 0)
        {
            return [];
        }
        if (pointer[0] != '/')
        {
            throw Failed(operation, $"\"{pointer}\" is not a JSON pointer: it must be empty or start with \"/\"");
        }
        var tokens = pointer[1..].Split('/');
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (!token.Contains('~', StringComparison.Ordinal))
            {
                continue;
            }
            var text = new StringBuilder(token.Length);
            for (var c = 0; c < token.Length; c++)
            {
                if (token[c] != '~')
                {
                    text.Append(token[c]);
                }
                else if (c + 1 < token.Length && token[c + 1] is '0' or '1')
                {
                    text.Append(token[++c] == '0' ? '~' : '/');
                }
                else
                {
                    throw Failed(operation, $"\"{pointer}\" is not a JSON pointer: \"~\" must be followed by 0 or 1");
                }
            }
            tokens[i] = text.ToString();
        }
        return tokens;
    }

    private static bool IsProperPrefix(string[] prefix, string[] path) =>
        prefix.Length < path.Length && path.AsSpan(0, prefix.Length).SequenceEqual(prefix);

    private static string Render(ReadOnlySpan<string> path)
    {
        var text = new StringBuilder();
        foreach (var token in path)
        {
            text.Append('/').Append(token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal));
        }
        return text.ToString();
    }

    private static ApiException Failed(Operation operation, string why) =>
        new(422, "Invalid", $"json patch operation {operation.Index} ({operation.Op} {operation.Path}) failed: {why}");
}
