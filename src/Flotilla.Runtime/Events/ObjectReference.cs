using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.Runtime.Events;

/// <summary>The object an Event is about: an Event's <c>involvedObject</c>.</summary>
public sealed record ObjectReference
{
    /// <summary><c>v1</c>, <c>apps/v1</c>, <c>placement.kubernetes-fleet.io/v1beta1</c>, …</summary>
    public required string ApiVersion { get; init; }

    /// <summary>The object's kind.</summary>
    public required string Kind { get; init; }

    /// <summary>The object's name.</summary>
    public required string Name { get; init; }

    /// <summary>The object's namespace; null for cluster-scoped objects (their Events go to <c>default</c>).</summary>
    public string? Namespace { get; init; }

    /// <summary>The object's uid; <c>kubectl describe</c> shows only Events that carry it.</summary>
    public string? Uid { get; init; }

    /// <summary>The resourceVersion the Event is about, when it matters. Repeats aggregate regardless.</summary>
    public string? ResourceVersion { get; init; }

    /// <summary>A part of the object, e.g. <c>spec.containers{web}</c>.</summary>
    public string? FieldPath { get; init; }

    /// <summary>The reference to an object as read from the API (its <c>apiVersion</c>, <c>kind</c> and metadata).</summary>
    /// <exception cref="ArgumentException">The object lacks <c>apiVersion</c>, <c>kind</c> or <c>metadata.name</c>.</exception>
    public static ObjectReference FromObject(JsonObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        string Required(string? value, string field) =>
            string.IsNullOrEmpty(value) ? throw new ArgumentException($"The object has no {field}; an Event needs it to name its involvedObject.", nameof(obj)) : value;
        return new ObjectReference
        {
            ApiVersion = Required(obj.GetString("apiVersion"), "apiVersion"),
            Kind = Required(obj.GetString("kind"), "kind"),
            Name = Required(obj.Name(), "metadata.name"),
            Namespace = NullIfEmpty(obj.Namespace()),
            Uid = NullIfEmpty(obj.Uid()),
            ResourceVersion = NullIfEmpty(obj.ResourceVersion()),
        };
    }

    /// <summary>The <c>involvedObject</c> JSON, without absent fields.</summary>
    internal JsonObject ToJson()
    {
        var json = new JsonObject { ["kind"] = Kind };
        Add(json, "namespace", Namespace);
        json["name"] = Name;
        Add(json, "uid", Uid);
        json["apiVersion"] = ApiVersion;
        Add(json, "resourceVersion", ResourceVersion);
        Add(json, "fieldPath", FieldPath);
        return json;
    }

    private static void Add(JsonObject json, string field, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json[field] = value;
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
