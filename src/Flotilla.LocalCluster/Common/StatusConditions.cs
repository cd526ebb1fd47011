using System.Text.Json.Nodes;

namespace Flotilla.LocalCluster.Common;

/// <summary>Reads and writes <c>status.conditions</c> lists of built-in kinds.</summary>
internal static class StatusConditions
{
    public static JsonObject? Find(JsonObject? status, string type) =>
        Json.Items(status?["conditions"]).FirstOrDefault(c => Json.Str(c["type"]) == type);

    public static bool IsTrue(JsonObject? status, string type) => Json.Str(Find(status, type)?["status"]) == "True";

    public static void Remove(JsonObject status, string type)
    {
        if (status["conditions"] is not JsonArray list)
        {
            return;
        }
        for (var i = list.Count - 1; i >= 0; i--)
        {
            if (list[i] is JsonObject c && Json.Str(c["type"]) == type)
            {
                list.RemoveAt(i);
            }
        }
        if (list.Count == 0)
        {
            status.Remove("conditions");
        }
    }

    /// <summary>
    /// Upstream's <c>SetDeploymentCondition</c> (and the same for other workload kinds): a condition equal in status
    /// and reason to the current one changes nothing; otherwise the new one replaces it, moved to the end of the
    /// list, keeping the old <c>lastTransitionTime</c> when the status did not change.
    /// </summary>
    public static void Set(JsonObject status, JsonObject condition)
    {
        var type = Json.Str(condition["type"]) ?? "";
        var current = Find(status, type);
        if (current is not null && Json.Str(current["status"]) == Json.Str(condition["status"]) && Json.Str(current["reason"]) == Json.Str(condition["reason"]))
        {
            return;
        }
        if (current is not null && Json.Str(current["status"]) == Json.Str(condition["status"]) && current["lastTransitionTime"] is { } since)
        {
            condition["lastTransitionTime"] = since.DeepClone();
        }
        Remove(status, type);
        if (status["conditions"] is not JsonArray list)
        {
            list = [];
            status["conditions"] = list;
        }
        list.Add(condition);
    }
}
