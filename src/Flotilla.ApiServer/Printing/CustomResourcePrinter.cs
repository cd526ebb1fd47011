using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Printing;

/// <summary>
/// Prints custom resources from their version's <c>additionalPrinterColumns</c>: <c>Name</c>, then the columns in
/// order; with no columns, <c>Name</c> and a <c>date</c>-typed <c>Age</c> (upstream does not add Age when columns
/// are defined). Cells follow upstream's CRD table convertor: the first JSONPath result, typed per column.
/// </summary>
internal static class CustomResourcePrinter
{
    private static readonly PrinterColumn DefaultAge =
        new("Age", "date", ".metadata.creationTimestamp", Description: StandardColumns.CreationTimestampDescription);

    // Compiled once per definition: parsing the JSONPaths on every request would be wasted work. Keyed by the
    // definition instance (ConditionalWeakTable compares references), so a re-registered CRD gets a fresh entry and
    // the stale one is collected with its definition.
    private static readonly ConditionalWeakTable<ResourceDefinition, KindPrinter> Compiled = [];

    public static KindPrinter For(ResourceDefinition resource) => Compiled.GetValue(resource, Compile);

    private static KindPrinter Compile(ResourceDefinition resource)
    {
        var printerColumns = resource.PrinterColumns.Count > 0 ? resource.PrinterColumns : [DefaultAge];
        var columns = new List<TableColumn> { StandardColumns.Name };
        var paths = new JsonPath?[printerColumns.Count];
        for (var i = 0; i < printerColumns.Count; i++)
        {
            var column = printerColumns[i];
            columns.Add(new TableColumn(column.Name, column.Type, column.Description, column.Priority, column.Format));
            // An invalid path prints as an empty cell rather than failing the request; CRD validation rejects it up front.
            paths[i] = JsonPath.TryParse(column.JsonPath, out var path, out _) ? path : null;
        }

        return new KindPrinter(columns, (obj, now) =>
        {
            var cells = new JsonNode?[printerColumns.Count + 1];
            cells[0] = PrintFormat.Name(obj);
            for (var i = 0; i < printerColumns.Count; i++)
            {
                cells[i + 1] = paths[i] is { } path && path.TryEvaluateFirst(obj, out var value)
                    ? Cell(printerColumns[i].Type, value, now)
                    : null;
            }
            return cells;
        });
    }

    /// <summary>
    /// One typed cell (upstream <c>cellForJSONValue</c>): <c>integer</c> and <c>number</c> keep JSON numbers,
    /// <c>boolean</c> keeps booleans, <c>string</c> stringifies anything, <c>date</c> turns an RFC 3339 string into an
    /// age. A value of the wrong type, JSON <c>null</c> or an unknown column type gives a <c>null</c> cell.
    /// </summary>
    internal static JsonNode? Cell(string type, JsonNode? value, DateTimeOffset now)
    {
        if (value is null)
        {
            return null;
        }
        var kind = value is JsonValue v ? v.GetValueKind() : JsonValueKind.Object;
        switch (type)
        {
            case "string":
                return PrintFormat.Stringify(value);
            case "integer" when kind == JsonValueKind.Number:
                return JsonRead.AsLong(value);
            case "number" when kind == JsonValueKind.Number:
                return JsonRead.AsDouble(value);
            case "boolean" when kind is JsonValueKind.True or JsonValueKind.False:
                return kind == JsonValueKind.True;
            case "date" when kind == JsonValueKind.String:
                return JsonRead.ParseTime(value.GetValue<string>()) is { } time ? HumanDuration.Since(time, now) : "<invalid>";
            default:
                return null;
        }
    }
}
