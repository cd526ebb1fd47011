using System.Text.Json.Serialization;

namespace Flotilla.Api.Meta;

/// <summary>metav1.Condition.</summary>
public sealed class Condition
{
    public string Type { get; set; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; set; } = ConditionStatus.Unknown;

    public long? ObservedGeneration { get; set; }

    public DateTimeOffset LastTransitionTime { get; set; }

    public string Reason { get; set; } = "";

    public string Message { get; set; } = "";

    [JsonIgnore]
    public bool IsTrue => Status == ConditionStatus.True;

    [JsonIgnore]
    public bool IsFalse => Status == ConditionStatus.False;

    public Condition Clone() => (Condition)MemberwiseClone();
}

/// <summary>The three condition statuses.</summary>
public static class ConditionStatus
{
    public const string True = "True";
    public const string False = "False";
    public const string Unknown = "Unknown";

    public static string Of(bool value) => value ? True : False;
}

/// <summary>Reading and writing condition lists as upstream's <c>meta.SetStatusCondition</c> does.</summary>
public static class Conditions
{
    public static Condition? Find(IEnumerable<Condition>? conditions, string type) =>
        conditions?.FirstOrDefault(c => c.Type == type);

    /// <summary>True when the condition is True and was observed at <paramref name="generation"/>.</summary>
    public static bool IsTrueAt(IEnumerable<Condition>? conditions, string type, long generation) =>
        Find(conditions, type) is { IsTrue: true } c && c.ObservedGeneration == generation;

    /// <summary>
    /// Adds or updates the condition of the same type. The transition time moves only when the status changes (a
    /// new condition takes <paramref name="now"/> unless it carries its own). Returns true when anything changed.
    /// </summary>
    public static bool Set(List<Condition> conditions, Condition condition, DateTimeOffset now)
    {
        var existing = Find(conditions, condition.Type);
        if (existing is null)
        {
            var added = condition.Clone();
            if (added.LastTransitionTime == default)
            {
                added.LastTransitionTime = now;
            }
            conditions.Add(added);
            return true;
        }
        var changed = false;
        if (existing.Status != condition.Status)
        {
            existing.Status = condition.Status;
            existing.LastTransitionTime = condition.LastTransitionTime == default ? now : condition.LastTransitionTime;
            changed = true;
        }
        if (existing.Reason != condition.Reason)
        {
            existing.Reason = condition.Reason;
            changed = true;
        }
        if (existing.Message != condition.Message)
        {
            existing.Message = condition.Message;
            changed = true;
        }
        if (existing.ObservedGeneration != condition.ObservedGeneration)
        {
            existing.ObservedGeneration = condition.ObservedGeneration;
            changed = true;
        }
        return changed;
    }

    /// <summary>Removes the condition of that type; true when there was one.</summary>
    public static bool Remove(List<Condition> conditions, string type) => conditions.RemoveAll(c => c.Type == type) > 0;
}
