using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Patching;

/// <summary>JSON merge patch (RFC 7386, <c>application/merge-patch+json</c>).</summary>
internal static class JsonMergePatch
{
    /// <summary>
    /// Patches an API object and returns a new object; the inputs are not modified. Objects merge recursively, a
    /// null member deletes, arrays and scalars replace.
    /// </summary>
    /// <exception cref="ApiException">400 when the patch is not a JSON object (the result would not be an object).</exception>
    public static JsonObject Apply(JsonObject target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            throw ApiException.BadRequest($"a merge patch for an object must be a JSON object, not {Describe(patch)}");
        }
        var result = target.DeepClone().AsObject();
        MergeInto(result, patchObject);
        return result;
    }

    /// <summary>The RFC 7386 <c>MergePatch(Target, Patch)</c> function on any JSON values; the inputs are not modified.</summary>
    public static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }
        var result = target is JsonObject targetObject ? targetObject.DeepClone().AsObject() : [];
        MergeInto(result, patchObject);
        return result;
    }

    /// <summary>Merges into <paramref name="target"/>, which the caller owns; patch values are copied, never moved.</summary>
    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (name, value) in patch)
        {
            if (value is null)
            {
                target.Remove(name);
            }
            else if (value is JsonObject patchChild)
            {
                if (target[name] is not JsonObject targetChild)
                {
                    // RFC 7386: a non-object target becomes {} before merging, which also drops the patch's nulls.
                    targetChild = [];
                    target[name] = targetChild;
                }
                MergeInto(targetChild, patchChild);
            }
            else
            {
                target[name] = value.DeepClone();
            }
        }
    }

    private static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
    };
}
