using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Printing;

/// <summary>
/// One <c>columnDefinitions</c> entry of a Table. <see cref="Name"/> is what upstream sends (<c>Up-to-date</c>);
/// kubectl upper-cases it for the header. <see cref="Priority"/> 0 columns show by default, higher ones with
/// <c>-o wide</c>.
/// </summary>
internal sealed record TableColumn(string Name, string Type, string Description = "", int Priority = 0, string Format = "")
{
    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["type"] = Type,
        ["format"] = Format,
        ["description"] = Description,
        ["priority"] = Priority,
    };
}

/// <summary>
/// How to print one kind: its columns and a function computing one object's cells — always every column, wide
/// ones included, because the server prints with upstream's <c>Wide: true</c> and kubectl hides the
/// priority &gt; 0 columns itself. <see cref="Conditions"/> optionally adds row conditions (a finished Pod's
/// <c>Completed</c>).
/// </summary>
internal sealed record KindPrinter(
    IReadOnlyList<TableColumn> Columns,
    Func<JsonObject, DateTimeOffset, JsonNode?[]> Cells,
    Func<JsonObject, JsonArray?>? Conditions = null);

/// <summary>The columns most printers share, with upstream's descriptions (ObjectMeta's swagger docs).</summary>
internal static class StandardColumns
{
    public const string NameDescription =
        "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";

    public const string CreationTimestampDescription =
        "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    public const string ContainersDescription = "Names of each container in the template.";

    public const string ImagesDescription = "Images referenced by each container in the template.";

    /// <summary><c>Name</c>, format <c>name</c>: the first column of nearly every table.</summary>
    public static readonly TableColumn Name = new("Name", "string", NameDescription, Format: "name");

    /// <summary>Built-in printers' <c>Age</c>: upstream declares it <c>string</c> and sends the formatted age.</summary>
    public static readonly TableColumn Age = new("Age", "string", CreationTimestampDescription);

    /// <summary>The <c>Age</c> of CRDs without printer columns and of kinds without a printer: type <c>date</c>.</summary>
    public static readonly TableColumn AgeDate = new("Age", "date", CreationTimestampDescription);

    /// <summary>Upstream's default table convertor (Role, CRD, LimitRange, …): an RFC 3339 creation time.</summary>
    public static readonly TableColumn CreatedAt = new("Created At", "date", CreationTimestampDescription);

    public static readonly TableColumn Containers = new("Containers", "string", ContainersDescription, Priority: 1);

    public static readonly TableColumn Images = new("Images", "string", ImagesDescription, Priority: 1);
}
