using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Printing;

/// <summary>What each Table row carries in <c>object</c> (the <c>includeObject</c> query parameter).</summary>
internal enum IncludeObject
{
    /// <summary>No <c>object</c> at all.</summary>
    None,

    /// <summary>A <c>PartialObjectMetadata</c> with the full metadata minus managedFields (the default).</summary>
    Metadata,

    /// <summary>The whole object (kubectl <c>get --sort-by</c> asks for this).</summary>
    Object,
}

/// <summary>
/// Builds <c>meta.k8s.io/v1</c> Tables (server-side printing for <c>kubectl get</c>). The printer is chosen in
/// one place: custom resources use their printer columns, built-in kinds their upstream columns
/// (<see cref="BuiltInPrinters"/>), anything else <c>Name</c> and <c>Age</c>.
/// </summary>
internal static class TableBuilder
{
    private static readonly KindPrinter Fallback = new(
        [StandardColumns.Name, StandardColumns.AgeDate],
        (obj, now) => [PrintFormat.Name(obj), PrintFormat.Age(obj, now)]);

    /// <summary>Reads the <c>includeObject</c> query parameter; absent or empty means <see cref="IncludeObject.Metadata"/>.</summary>
    /// <exception cref="ApiException">400 BadRequest for any other value.</exception>
    public static IncludeObject ParseIncludeObject(string? value) => value switch
    {
        null or "" or "Metadata" => IncludeObject.Metadata,
        "None" => IncludeObject.None,
        "Object" => IncludeObject.Object,
        _ => throw ApiException.BadRequest($"includeObject: unsupported value \"{value}\": must be 'Metadata', 'Object', 'None', or empty"),
    };

    /// <summary>The columns a Table of <paramref name="resource"/> has, in order.</summary>
    public static IReadOnlyList<TableColumn> ColumnsFor(ResourceDefinition resource) => PrinterFor(resource).Columns;

    /// <summary>
    /// Builds the Table for <paramref name="objects"/> (one object for a GET or a watch event, many for a list).
    /// </summary>
    /// <param name="resource">The resource the objects belong to; decides the columns.</param>
    /// <param name="objects">The objects, one row each, in the given order. They are not modified.</param>
    /// <param name="now">The time ages are computed against.</param>
    /// <param name="includeObject">What each row's <c>object</c> carries.</param>
    /// <param name="resourceVersion">The list's (or the object's) resourceVersion for <c>metadata</c>; omitted when null.</param>
    /// <param name="continueToken">The pagination token for <c>metadata.continue</c>; omitted when null or empty.</param>
    /// <param name="includeColumnDefinitions">
    /// False leaves <c>columnDefinitions</c> out, as upstream does for watch events after the first.
    /// </param>
    /// <param name="remainingItemCount">For paginated lists, <c>metadata.remainingItemCount</c>; omitted when null.</param>
    public static JsonObject Build(
        ResourceDefinition resource,
        IEnumerable<JsonObject> objects,
        DateTimeOffset now,
        IncludeObject includeObject = IncludeObject.Metadata,
        string? resourceVersion = null,
        string? continueToken = null,
        bool includeColumnDefinitions = true,
        long? remainingItemCount = null)
    {
        var printer = PrinterFor(resource);

        var metadata = new JsonObject();
        if (resourceVersion is not null)
        {
            metadata["resourceVersion"] = resourceVersion;
        }
        if (!string.IsNullOrEmpty(continueToken))
        {
            metadata["continue"] = continueToken;
        }
        if (remainingItemCount is not null)
        {
            metadata["remainingItemCount"] = remainingItemCount;
        }

        var table = new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
        };
        if (includeColumnDefinitions)
        {
            table["columnDefinitions"] = new JsonArray(printer.Columns.Select(c => (JsonNode?)c.ToJson()).ToArray());
        }

        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            rows.Add(Row(printer, obj, now, includeObject));
        }
        table["rows"] = rows;
        return table;
    }

    private static JsonObject Row(KindPrinter printer, JsonObject obj, DateTimeOffset now, IncludeObject includeObject)
    {
        var row = new JsonObject { ["cells"] = new JsonArray(printer.Cells(obj, now)) };
        if (printer.Conditions?.Invoke(obj) is { } conditions)
        {
            row["conditions"] = conditions;
        }
        switch (includeObject)
        {
            case IncludeObject.Metadata:
                row["object"] = PartialObjectMetadata(obj);
                break;
            case IncludeObject.Object:
                row["object"] = obj.DeepClone();
                break;
        }
        return row;
    }

    // kubectl builds NAMESPACE, LABELS and -L columns from this metadata, so it must be complete; managedFields is
    // dropped because nothing reads it there and it is often the bulk of the metadata.
    private static JsonObject PartialObjectMetadata(JsonObject obj)
    {
        var metadata = obj["metadata"] is JsonObject source ? (JsonObject)source.DeepClone() : [];
        metadata.Remove("managedFields");
        return new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
        };
    }

    private static KindPrinter PrinterFor(ResourceDefinition resource)
    {
        if (resource.IsCustom)
        {
            return CustomResourcePrinter.For(resource);
        }
        return BuiltInPrinters.Find(resource.Group, resource.Kind) ?? Fallback;
    }
}
