using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Selectors;

/// <summary>
/// One field label a field selector may name, and where its value lives in the object. Several candidate paths
/// exist where one logical field has two spellings (core <c>Event.involvedObject</c> is
/// <c>events.k8s.io</c> <c>Event.regarding</c>); the first one present wins.
/// </summary>
/// <param name="Label">The label as written in the selector, e.g. <c>spec.nodeName</c>.</param>
/// <param name="Paths">Candidate property paths into the object, tried in order.</param>
/// <param name="Missing">
/// The value compared when no path is present: <c>""</c> for strings (so <c>involvedObject.namespace=</c> matches
/// events about cluster-scoped objects) and the Go zero value for typed fields (<c>false</c>, <c>0</c>), as upstream
/// compares the defaulted typed object.
/// </param>
internal sealed record SelectableField(string Label, string[][] Paths, string Missing = "")
{
    /// <summary>The field's value in <paramref name="obj"/> as the string a selector compares against.</summary>
    public string ValueOf(JsonObject obj)
    {
        foreach (var path in Paths)
        {
            JsonNode? node = obj;
            foreach (var segment in path)
            {
                node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) ? child : null;
                if (node is null)
                {
                    break;
                }
            }
            if (node is JsonValue value)
            {
                return value.GetValueKind() switch
                {
                    JsonValueKind.String => value.GetValue<string>(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => value.ToJsonString(),
                };
            }
        }
        return Missing;
    }
}

/// <summary>
/// Which field labels each resource supports, keyed by (group, kind) in one table. Every kind supports
/// <c>metadata.name</c> and <c>metadata.namespace</c>; the rest mirror upstream's per-kind field label conversions.
/// </summary>
internal static class SelectableFields
{
    // Declared first: static initializers run in textual order and ByKind reads this.
    private static readonly string[] InvolvedObjectFields = ["kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath"];

    private static readonly FrozenDictionary<string, SelectableField> Common = Fields(
        Field("metadata.name"),
        Field("metadata.namespace"));

    private static readonly FrozenDictionary<(string Group, string Kind), FrozenDictionary<string, SelectableField>> ByKind =
        new Dictionary<(string Group, string Kind), FrozenDictionary<string, SelectableField>>
        {
            [("", "Event")] = Fields([.. CoreEventFields()]),
            // events.k8s.io/v1 names the same fields regarding.* and reportingController; accept both spellings
            // and read whichever shape the stored object has.
            [("events.k8s.io", "Event")] = Fields([.. CoreEventFields(), .. EventsV1Fields()]),
            [("", "Pod")] = Fields(
                Field("spec.nodeName"),
                Field("spec.restartPolicy"),
                Field("spec.schedulerName"),
                Field("spec.serviceAccountName"),
                Field("spec.hostNetwork") with { Missing = "false" },
                Field("status.phase"),
                Field("status.podIP"),
                Field("status.nominatedNodeName")),
            [("", "Secret")] = Fields(Field("type")),
            [("", "Namespace")] = Fields(Field("status.phase")),
            [("", "Node")] = Fields(Field("spec.unschedulable") with { Missing = "false" }),
            [("", "ReplicationController")] = Fields(Field("status.replicas") with { Missing = "0" }),
            [("apps", "ReplicaSet")] = Fields(Field("status.replicas") with { Missing = "0" }),
            // Upstream's label is "successful" although the status field is "succeeded".
            [("batch", "Job")] = Fields(new SelectableField("status.successful", [["status", "succeeded"]], "0")),
        }.ToFrozenDictionary();

    /// <summary>The field <paramref name="label"/> on <paramref name="resource"/>, or <c>null</c> if it is not selectable.</summary>
    public static SelectableField? Find(ResourceDefinition resource, string label)
    {
        if (Common.TryGetValue(label, out var common))
        {
            return common;
        }
        return ByKind.TryGetValue((resource.Group, resource.Kind), out var fields) && fields.TryGetValue(label, out var field)
            ? field
            : null;
    }

    private static IEnumerable<SelectableField> CoreEventFields()
    {
        foreach (var name in InvolvedObjectFields)
        {
            yield return new SelectableField($"involvedObject.{name}", [["involvedObject", name], ["regarding", name]]);
        }
        yield return Field("reason");
        yield return Field("type");
        yield return new SelectableField("source", [["source", "component"], ["deprecatedSource", "component"]]);
        yield return new SelectableField("reportingComponent", [["reportingComponent"], ["reportingController"]]);
    }

    private static IEnumerable<SelectableField> EventsV1Fields()
    {
        foreach (var name in InvolvedObjectFields)
        {
            yield return new SelectableField($"regarding.{name}", [["regarding", name], ["involvedObject", name]]);
        }
        yield return new SelectableField("reportingController", [["reportingController"], ["reportingComponent"]]);
    }

    private static SelectableField Field(string label) => new(label, [label.Split('.')]);

    private static FrozenDictionary<string, SelectableField> Fields(params SelectableField[] fields) =>
        fields.ToFrozenDictionary(f => f.Label, StringComparer.Ordinal);
}
