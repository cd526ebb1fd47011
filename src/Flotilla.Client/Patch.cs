using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.Client;

/// <summary>The patch formats of PATCH requests (server-side apply has its own verb: <c>ApplyAsync</c>).</summary>
public enum PatchType
{
    /// <summary>RFC 6902 JSON patch: a list of operations (<c>application/json-patch+json</c>).</summary>
    Json,

    /// <summary>RFC 7386 JSON merge patch (<c>application/merge-patch+json</c>).</summary>
    Merge,

    /// <summary>Strategic merge patch, built-in kinds only; custom resources answer 415 (<c>application/strategic-merge-patch+json</c>).</summary>
    StrategicMerge,
}

/// <summary>A patch body and its format.</summary>
public sealed class Patch
{
    private Patch(PatchType type, ReadOnlyMemory<byte> body)
    {
        Type = type;
        Body = body;
    }

    /// <summary>The format, which decides the request's Content-Type.</summary>
    public PatchType Type { get; }

    /// <summary>The UTF-8 JSON body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    internal string ContentType => Type switch
    {
        PatchType.Json => "application/json-patch+json",
        PatchType.Merge => "application/merge-patch+json",
        _ => "application/strategic-merge-patch+json",
    };

    /// <summary>A JSON patch: <c>[{"op":"replace","path":"/spec/replicas","value":3}]</c>.</summary>
    public static Patch Json(JsonArray operations) => new(PatchType.Json, Obj.ToBytes(operations));

    /// <summary>A JSON merge patch: objects merge, <c>null</c> deletes, lists replace.</summary>
    public static Patch Merge(JsonObject patch) => new(PatchType.Merge, Obj.ToBytes(patch));

    /// <summary>A strategic merge patch (built-in kinds): lists with merge keys merge item by item.</summary>
    public static Patch StrategicMerge(JsonObject patch) => new(PatchType.StrategicMerge, Obj.ToBytes(patch));

    /// <summary>A patch from UTF-8 JSON bytes already in the given format.</summary>
    public static Patch FromBytes(PatchType type, ReadOnlyMemory<byte> body) => new(type, body);
}
