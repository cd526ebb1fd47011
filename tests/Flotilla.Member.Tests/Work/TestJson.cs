using System.Text.Json.Nodes;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;

namespace Flotilla.Member.Tests.Work;

/// <summary>Test shorthand: objects from JSON text (single quotes allowed, for readable inline data) and back.</summary>
internal static class TestJson
{
    /// <summary>Parses JSON written with single quotes (tests never need a literal single quote).</summary>
    public static JsonObject Parse(string json) => (JsonObject)JsonNode.Parse(json.Replace('\'', '"'))!;

    /// <summary>Sorted compact JSON, so whole-object assertions ignore property order and show a readable diff.</summary>
    public static string Sorted(JsonNode? node) => Obj.ToSortedJson(node);

    /// <summary>Sorted compact JSON of JSON text written with single quotes.</summary>
    public static string Sorted(string json) => Sorted(Parse(json));

    /// <summary>Details as tuples, so lists compare whole with a readable failure message.</summary>
    public static (string Path, string? Hub, string? Member)[] Tuples(IEnumerable<PatchDetail> details) =>
        [.. details.Select(d => (d.Path, d.ValueInHub, d.ValueInMember))];
}
