using System.Text.Json.Nodes;

namespace Flotilla.Member.Work;

/// <summary>
/// The client-side-apply patch (placement spec §5.5 step 6): a JSON merge patch (RFC 7386) computed from three
/// objects, as <c>kubectl apply</c> does: the last applied configuration (the merge base, from the
/// <c>kubernetes-fleet.io/last-applied-configuration</c> annotation), the desired manifest and the live object.
/// </summary>
/// <remarks>
/// Lists are replaced whole, as JSON merge patch can only do; upstream uses a strategic merge patch for built-in
/// types, which merges some lists by key (containers by name, say). The applier only ever sends the full desired
/// list, so the outcome differs only for list entries other writers added to the live object: this patch removes
/// them where a strategic merge would keep them.
/// </remarks>
internal static class ThreeWayMerge
{
    /// <summary>
    /// The merge patch that takes <paramref name="live"/> to <paramref name="desired"/> while leaving alone what other
    /// writers own: additions and changes are the fields of <paramref name="desired"/> whose value the live object
    /// does not already hold (objects recursively; a list or scalar that differs is replaced whole); deletions (null) are the
    /// fields present in <paramref name="lastApplied"/> but absent from <paramref name="desired"/> and still present
    /// live, recursively for objects present in both. Fields only the live object has (resourceVersion, uid, status,
    /// defaults) are never touched. Null when the patch would be empty, i.e. the live object is already as desired.
    /// </summary>
    public static JsonObject? CreatePatch(JsonObject? lastApplied, JsonObject desired, JsonObject live)
    {
        var patch = Diff(lastApplied, desired, live);
        return patch.Count == 0 ? null : patch;
    }

    private static JsonObject Diff(JsonObject? lastApplied, JsonObject desired, JsonObject live)
    {
        var patch = new JsonObject();
        foreach (var (key, want) in desired)
        {
            var have = live[key];
            if (want is null)
            {
                // An explicit null in the manifest means "absent"; only worth sending when something is there.
                if (have is not null)
                {
                    patch[key] = null;
                }
            }
            else if (want is JsonObject wantObject && have is JsonObject haveObject)
            {
                var nested = Diff(lastApplied?[key] as JsonObject, wantObject, haveObject);
                if (nested.Count > 0)
                {
                    patch[key] = nested;
                }
            }
            else if (!IsSatisfiedBy(want, have))
            {
                patch[key] = want.DeepClone();
            }
        }
        if (lastApplied is not null)
        {
            foreach (var (key, _) in lastApplied)
            {
                // Removed from the manifest since the last apply: delete it, unless it is already gone (a null for a
                // missing field would make a no-op patch on every reconcile).
                if (!desired.ContainsKey(key) && live[key] is not null)
                {
                    patch[key] = null;
                }
            }
        }
        return patch;
    }

    /// <summary>
    /// Whether <paramref name="live"/> already holds everything <paramref name="want"/> says: objects field by field
    /// (extra live fields are defaults or other writers'), lists element by element with the same length, scalars
    /// equal. A list the server only defaulted inside (a container's <c>imagePullPolicy</c>, a port's
    /// <c>protocol</c>) is therefore not sent again on every re-processing.
    /// </summary>
    private static bool IsSatisfiedBy(JsonNode? want, JsonNode? live) => (want, live) switch
    {
        (null, _) => live is null,
        (JsonObject w, JsonObject l) => w.All(field => IsSatisfiedBy(field.Value, l[field.Key])),
        (JsonArray w, JsonArray l) => w.Count == l.Count && w.Select((element, i) => IsSatisfiedBy(element, l[i])).All(satisfied => satisfied),
        _ => JsonNode.DeepEquals(want, live),
    };
}
