using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// One <c>metadata.managedFields</c> entry: which fields one manager owns through one kind of operation. An object
/// has at most one entry per (<see cref="Manager"/>, <see cref="Operation"/>, <see cref="Subresource"/>).
/// </summary>
internal sealed class ManagedFieldsEntry
{
    public const string Apply = "Apply";

    public const string Update = "Update";

    public required string Manager { get; init; }

    /// <summary><see cref="Apply"/> or <see cref="Update"/>.</summary>
    public required string Operation { get; init; }

    /// <summary>Null for the main resource, e.g. <c>status</c> for writes through <c>/status</c>.</summary>
    public string? Subresource { get; init; }

    public string? ApiVersion { get; set; }

    /// <summary>RFC 3339 UTC, seconds precision; see <see cref="ManagedFields.FormatTime"/>.</summary>
    public string? Time { get; set; }

    public required FieldSet Fields { get; set; }

    public bool Is(string manager, string operation, string? subresource) =>
        Manager == manager && Operation == operation && (Subresource ?? "") == (subresource ?? "");

    public JsonObject ToJson()
    {
        var json = new JsonObject { ["manager"] = Manager, ["operation"] = Operation };
        if (ApiVersion is not null)
        {
            json["apiVersion"] = ApiVersion;
        }
        if (Time is not null)
        {
            json["time"] = Time;
        }
        json["fieldsType"] = "FieldsV1";
        json["fieldsV1"] = Fields.ToFieldsV1();
        if (!string.IsNullOrEmpty(Subresource))
        {
            json["subresource"] = Subresource;
        }
        return json;
    }
}

/// <summary>
/// Reads and writes <c>metadata.managedFields</c>, and records non-apply writes (create, PUT, merge/JSON/strategic
/// PATCH) in it. Server-side apply is in <see cref="ServerSideApply"/>.
/// </summary>
/// <remarks>
/// Entries are written sorted: Apply before Update, then by time, manager, apiVersion, subresource, so the
/// list is deterministic. An entry whose field set becomes empty is dropped; when no entry remains the
/// <c>managedFields</c> key is removed.
/// </remarks>
internal static class ManagedFields
{
    /// <summary>RFC 3339 in UTC with seconds precision, e.g. <c>2025-01-01T12:00:00Z</c>.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Records a non-apply write by <paramref name="manager"/> into <paramref name="newObj"/>: only its
    /// <c>metadata.managedFields</c> is rewritten (in place, so every write does not copy the object), and
    /// <paramref name="newObj"/> is returned. <paramref name="oldObj"/> is not modified.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Starting entries: those in <paramref name="newObj"/> when it carries a non-empty list (a client may
    /// overwrite managedFields wholesale, e.g. kubectl's client-side to server-side apply migration); <c>[{}]</c>
    /// clears them; an absent or empty list keeps <paramref name="oldObj"/>'s, so clients unaware of managedFields
    /// never drop them.</item>
    /// <item>The fields that changed between the two objects (<see cref="FieldSets.Compare"/>) are taken from every
    /// other entry (forced, as upstream does for updates); removed fields leave every entry.</item>
    /// <item>The manager's (Update, <paramref name="subresource"/>) entry gains the modified and added fields; its
    /// <c>time</c> and <c>apiVersion</c> are set when its set or apiVersion changes or the entry is new.</item>
    /// </list>
    /// Status isolation is the caller's: pass objects whose out-of-scope parts are already reset (for the main
    /// resource, status equal to the stored one), and <paramref name="subresource"/> <c>"status"</c> for /status writes.
    /// </remarks>
    /// <exception cref="ApiException">422 when <paramref name="newObj"/> carries a malformed managedFields list.</exception>
    public static JsonObject RecordUpdate(JsonObject? oldObj, JsonObject newObj, string manager, string apiVersion, string? subresource, DateTimeOffset now, IMergeSchema schema)
    {
        var entries = RequestedEntries(newObj) ?? (oldObj is null ? [] : ReadLenient(oldObj));
        var comparison = FieldSets.Compare(oldObj, newObj, schema);
        if (!comparison.IsEmpty)
        {
            var changed = comparison.Changed();
            foreach (var entry in entries)
            {
                if (!entry.Is(manager, ManagedFieldsEntry.Update, subresource))
                {
                    entry.Fields.ExceptWith(changed);
                    entry.Fields.ExceptWith(comparison.Removed);
                }
            }
            var mine = entries.Find(e => e.Is(manager, ManagedFieldsEntry.Update, subresource));
            var fields = mine?.Fields.Clone() ?? new FieldSet();
            fields.ExceptWith(comparison.Removed);
            fields.UnionWith(changed);
            if (mine is null)
            {
                mine = new ManagedFieldsEntry { Manager = manager, Operation = ManagedFieldsEntry.Update, Subresource = subresource, Fields = fields };
                entries.Add(mine);
            }
            Touch(mine, fields, apiVersion, now, isNew: mine.Time is null);
        }
        Write(newObj, entries);
        return newObj;
    }

    /// <summary>
    /// The entries of a stored object. Malformed entries are skipped rather than failing the write: stored data
    /// was validated when written, and a bad entry must not make an object unwritable.
    /// </summary>
    public static List<ManagedFieldsEntry> ReadLenient(JsonObject obj)
    {
        var entries = new List<ManagedFieldsEntry>();
        if (PatchJson.Metadata(obj)?["managedFields"] is JsonArray list)
        {
            foreach (var item in list)
            {
                if (item is JsonObject json && TryParse(json, out var entry, out _, out _))
                {
                    entries.Add(entry);
                }
            }
        }
        return entries;
    }

    /// <summary>Stores <paramref name="entries"/> (sorted, empty ones dropped) into <paramref name="obj"/>'s metadata.</summary>
    public static void Write(JsonObject obj, IEnumerable<ManagedFieldsEntry> entries)
    {
        var kept = entries
            .Where(e => !e.Fields.IsEmpty)
            .OrderBy(e => e.Operation == ManagedFieldsEntry.Apply ? 0 : 1)
            .ThenBy(e => e.Time ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.Manager, StringComparer.Ordinal)
            .ThenBy(e => e.ApiVersion ?? "", StringComparer.Ordinal)
            .ThenBy(e => e.Subresource ?? "", StringComparer.Ordinal)
            .ToList();
        if (obj["metadata"] is not JsonObject metadata)
        {
            if (kept.Count == 0)
            {
                return;
            }
            metadata = [];
            obj["metadata"] = metadata;
        }
        if (kept.Count == 0)
        {
            metadata.Remove("managedFields");
            return;
        }
        metadata["managedFields"] = new JsonArray([.. kept.Select(e => (JsonNode)e.ToJson())]);
    }

    /// <summary>Sets an entry's fields, and its apiVersion and time when anything about it changed.</summary>
    internal static void Touch(ManagedFieldsEntry entry, FieldSet fields, string apiVersion, DateTimeOffset now, bool isNew)
    {
        if (isNew || !entry.Fields.SetEquals(fields) || entry.ApiVersion != apiVersion)
        {
            entry.Time = FormatTime(now);
            entry.ApiVersion = apiVersion;
        }
        entry.Fields = fields;
    }

    /// <summary>
    /// The entries a client wrote into the new object: null when it carries none (absent, null or <c>[]</c>), empty
    /// for the reset form <c>[{}]</c>.
    /// </summary>
    private static List<ManagedFieldsEntry>? RequestedEntries(JsonObject obj)
    {
        if (PatchJson.Metadata(obj)?["managedFields"] is not { } node)
        {
            return null;
        }
        if (node is not JsonArray list)
        {
            throw Invalid(obj, [new StatusCause("FieldValueTypeInvalid", "Invalid value: must be a list of managed fields entries", "metadata.managedFields")]);
        }
        if (list.Count == 0)
        {
            return null;
        }
        if (list is [JsonObject { Count: 0 }])
        {
            return [];
        }
        var entries = new List<ManagedFieldsEntry>();
        var causes = new List<StatusCause>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is not JsonObject json)
            {
                causes.Add(new StatusCause("FieldValueTypeInvalid", "Invalid value: must be an object", $"metadata.managedFields[{i}]"));
            }
            else if (TryParse(json, out var entry, out var field, out var cause))
            {
                if (entries.Any(e => e.Is(entry.Manager, entry.Operation, entry.Subresource)))
                {
                    causes.Add(new StatusCause("FieldValueDuplicate", $"Duplicate value: manager \"{entry.Manager}\" with operation {entry.Operation} appears more than once", $"metadata.managedFields[{i}]"));
                }
                entries.Add(entry);
            }
            else
            {
                causes.Add(new StatusCause(cause!.Value.Reason, cause.Value.Message, $"metadata.managedFields[{i}].{field}"));
            }
        }
        if (causes.Count > 0)
        {
            throw Invalid(obj, causes);
        }
        return entries;
    }

    private static bool TryParse(JsonObject json, out ManagedFieldsEntry entry, out string? field, out (string Reason, string Message)? cause)
    {
        entry = null!;
        field = null;
        cause = null;
        var manager = PatchJson.AsString(json["manager"]);
        var operation = PatchJson.AsString(json["operation"]);
        if (json["manager"] is not null && manager is null)
        {
            (field, cause) = ("manager", ("FieldValueTypeInvalid", "Invalid value: must be a string"));
            return false;
        }
        if (operation is not (ManagedFieldsEntry.Apply or ManagedFieldsEntry.Update))
        {
            (field, cause) = ("operation", ("FieldValueNotSupported", $"Unsupported value: {FieldsV1Path.Compact(json["operation"])}: supported values: \"Apply\", \"Update\""));
            return false;
        }
        if (json["fieldsType"] is { } type && PatchJson.AsString(type) != "FieldsV1")
        {
            (field, cause) = ("fieldsType", ("FieldValueNotSupported", $"Unsupported value: {FieldsV1Path.Compact(type)}: supported values: \"FieldsV1\""));
            return false;
        }
        FieldSet fields;
        try
        {
            fields = json["fieldsV1"] switch
            {
                null => new FieldSet(),
                JsonObject trie => FieldSet.FromFieldsV1(trie),
                _ => throw new FormatException("fieldsV1 must be an object"),
            };
        }
        catch (FormatException e)
        {
            (field, cause) = ("fieldsV1", ("FieldValueInvalid", $"Invalid value: {e.Message}"));
            return false;
        }
        entry = new ManagedFieldsEntry
        {
            Manager = manager ?? "",
            Operation = operation,
            Subresource = NonEmpty(PatchJson.AsString(json["subresource"])),
            ApiVersion = NonEmpty(PatchJson.AsString(json["apiVersion"])),
            Time = NonEmpty(PatchJson.AsString(json["time"])),
            Fields = fields,
        };
        return true;

        static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
    }

    private static ApiException Invalid(JsonObject obj, IReadOnlyList<StatusCause> causes)
    {
        var apiVersion = PatchJson.AsString(obj["apiVersion"]) ?? "";
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        var group = slash < 0 ? "" : apiVersion[..slash];
        return ApiException.Invalid(PatchJson.AsString(obj["kind"]) ?? "", group, PatchJson.AsString(PatchJson.Metadata(obj)?["name"]) ?? "", causes);
    }
}
