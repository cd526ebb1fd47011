using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// Upstream's defaults for <c>apiextensions.k8s.io/v1 CustomResourceDefinition</c>, and the status the server writes
/// once it has accepted a CRD (what upstream's naming and establishing controllers write, done synchronously here).
/// </summary>
internal static class CrdDefaults
{
    /// <summary>
    /// Fills in <c>spec.names.singular</c> (lowercase kind), <c>spec.names.listKind</c> (<c>&lt;Kind&gt;List</c>),
    /// <c>spec.conversion</c> (<c>{strategy: None}</c>) and a conversion webhook service's port (443), in place.
    /// Versions (served, storage, schema) are left exactly as given.
    /// </summary>
    public static void Apply(JsonObject crd)
    {
        if (crd["spec"] is not JsonObject spec)
        {
            return;
        }
        if (spec["names"] is JsonObject names)
        {
            var kind = JsonKinds.Text(names["kind"]);
            if (JsonKinds.Text(names["singular"]).Length == 0 && kind.Length > 0)
            {
                names["singular"] = kind.ToLowerInvariant();
            }
            if (JsonKinds.Text(names["listKind"]).Length == 0 && kind.Length > 0)
            {
                names["listKind"] = kind + "List";
            }
        }
        if (spec["conversion"] is not JsonObject conversion)
        {
            spec["conversion"] = new JsonObject { ["strategy"] = "None" };
        }
        else if (conversion.At("webhook", "clientConfig", "service") is JsonObject service && service["port"] is null)
        {
            service["port"] = 443;
        }
    }

    /// <summary>
    /// The <c>status</c> of an accepted CRD: <c>acceptedNames</c> (the defaulted <c>spec.names</c>), the
    /// <c>NamesAccepted</c> and <c>Established</c> conditions, and <c>storedVersions</c> (earlier stored versions kept,
    /// the current storage version added). A condition that was already True keeps its <c>lastTransitionTime</c>.
    /// </summary>
    /// <param name="crd">The CRD, after <see cref="Apply"/>.</param>
    /// <param name="now">The transition time for conditions that change now.</param>
    /// <param name="previousStatus">The stored CRD's status on update; null on create.</param>
    public static JsonObject AcceptedStatus(JsonObject crd, DateTimeOffset now, JsonObject? previousStatus = null)
    {
        var spec = crd["spec"] as JsonObject ?? [];
        var names = spec["names"] as JsonObject ?? [];
        var accepted = new JsonObject();
        foreach (var field in (string[])["plural", "singular", "shortNames", "kind", "listKind", "categories"])
        {
            if (names[field] is { } value)
            {
                accepted[field] = value.DeepClone();
            }
        }

        var timestamp = now.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var conditions = new JsonArray
        {
            Condition("NamesAccepted", "NoConflicts", "no conflicts found", timestamp, previousStatus),
            Condition("Established", "InitialNamesAccepted", "the initial names have been accepted", timestamp, previousStatus),
        };

        var stored = new JsonArray();
        foreach (var version in (previousStatus?["storedVersions"] as JsonArray ?? []).Select(JsonKinds.Text).Where(v => v.Length > 0))
        {
            stored.Add(version);
        }
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = JsonKinds.Text(version["name"]);
            if (JsonKinds.IsTrue(version["storage"]) && name.Length > 0 && !stored.Any(s => JsonKinds.Text(s) == name))
            {
                stored.Add(name);
            }
        }

        return new JsonObject
        {
            ["acceptedNames"] = accepted,
            ["conditions"] = conditions,
            ["storedVersions"] = stored,
        };
    }

    private static JsonObject Condition(string type, string reason, string message, string timestamp, JsonObject? previousStatus)
    {
        var previous = (previousStatus?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => JsonKinds.Text(c["type"]) == type);
        var since = previous is not null && JsonKinds.Text(previous["status"]) == "True" && JsonKinds.Text(previous["lastTransitionTime"]).Length > 0
            ? JsonKinds.Text(previous["lastTransitionTime"])
            : timestamp;
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = "True",
            ["lastTransitionTime"] = since,
            ["reason"] = reason,
            ["message"] = message,
        };
    }
}
