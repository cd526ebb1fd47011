using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Selectors;

namespace Flotilla.ApiServer.Core;

/// <summary>The label and field selectors of a list or watch; an empty filter matches everything.</summary>
internal sealed class ObjectFilter
{
    private readonly LabelSelector? _labels;
    private readonly FieldSelector? _fields;

    private ObjectFilter(LabelSelector? labels, FieldSelector? fields)
    {
        _labels = labels;
        _fields = fields;
    }

    public bool IsEmpty => _labels is null && _fields is null;

    /// <summary>Parses the query's selectors; malformed ones are 400 BadRequest.</summary>
    public static ObjectFilter Parse(ResourceDefinition resource, string? labelSelector, string? fieldSelector) => new(
        string.IsNullOrWhiteSpace(labelSelector) ? null : LabelSelector.Parse(labelSelector),
        string.IsNullOrWhiteSpace(fieldSelector) ? null : FieldSelector.Parse(fieldSelector, resource));

    public bool Matches(JsonObject obj) =>
        (_labels is null || _labels.Matches(obj.Labels())) &&
        (_fields is null || _fields.Matches(obj));
}
