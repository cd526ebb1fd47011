using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;

namespace Flotilla.LocalCluster.Workloads;

/// <summary>
/// The pure arithmetic of Deployments, after upstream's <c>deploymentutil</c>: surge and unavailability budgets,
/// how far a new ReplicaSet may grow, the status a set of ReplicaSets adds up to, and the progress conditions.
/// Objects are unstructured and never modified here.
/// </summary>
internal static class DeploymentLogic
{
    public const string RevisionAnnotation = "deployment.kubernetes.io/revision";
    public const string RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
    public const string DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
    public const string MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
    public const string PodTemplateHashLabel = "pod-template-hash";

    /// <summary>Annotations of a Deployment never copied to its ReplicaSets.</summary>
    public static readonly HashSet<string> AnnotationsToSkip = new(StringComparer.Ordinal)
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        RevisionAnnotation,
        RevisionHistoryAnnotation,
        DesiredReplicasAnnotation,
        MaxReplicasAnnotation,
        "deprecated.deployment.rollback.to",
    };

    public static int Replicas(JsonObject obj) => Json.Int(obj.At("spec", "replicas"), 1);

    public static int StatusReplicas(JsonObject rs) => Json.Int(rs.At("status", "replicas"));

    public static int Available(JsonObject rs) => Json.Int(rs.At("status", "availableReplicas"));

    public static int Ready(JsonObject rs) => Json.Int(rs.At("status", "readyReplicas"));

    public static bool IsRollingUpdate(JsonObject d) => Json.Str(d.At("spec", "strategy", "type")) != "Recreate";

    public static bool HasProgressDeadline(JsonObject d) =>
        Json.Long(d.At("spec", "progressDeadlineSeconds")) is { } seconds && seconds != int.MaxValue;

    /// <summary>Upstream's <c>ResolveFenceposts</c>: surge rounds up, unavailability down, and both zero means one unavailable.</summary>
    public static (int Surge, int Unavailable) ResolveFenceposts(JsonObject d)
    {
        var replicas = Replicas(d);
        var rolling = d.At("spec", "strategy", "rollingUpdate") as JsonObject;
        var surge = IntOrPercent.Scaled(rolling?["maxSurge"] ?? "25%", replicas, roundUp: true);
        var unavailable = IntOrPercent.Scaled(rolling?["maxUnavailable"] ?? "25%", replicas, roundUp: false);
        if (surge == 0 && unavailable == 0)
        {
            // Validation forbids both being zero; were they, no rollout could make progress.
            unavailable = 1;
        }
        return (surge, unavailable);
    }

    public static int MaxSurge(JsonObject d) => IsRollingUpdate(d) ? ResolveFenceposts(d).Surge : 0;

    public static int MaxUnavailable(JsonObject d)
    {
        var replicas = Replicas(d);
        if (!IsRollingUpdate(d) || replicas == 0)
        {
            return 0;
        }
        return Math.Min(ResolveFenceposts(d).Unavailable, replicas);
    }

    /// <summary>How many replicas the new ReplicaSet may have now: up to the surge budget, never more than desired.</summary>
    public static int NewRSNewReplicas(JsonObject d, IEnumerable<JsonObject> allRSs, JsonObject newRS)
    {
        var replicas = Replicas(d);
        if (!IsRollingUpdate(d))
        {
            return replicas;
        }
        var rolling = d.At("spec", "strategy", "rollingUpdate") as JsonObject;
        var surge = IntOrPercent.Scaled(rolling?["maxSurge"] ?? "25%", replicas, roundUp: true);
        var current = allRSs.Sum(Replicas);
        var maxTotal = replicas + surge;
        if (current >= maxTotal)
        {
            return Replicas(newRS);
        }
        var scaleUp = Math.Min(maxTotal - current, replicas - Replicas(newRS));
        return Replicas(newRS) + scaleUp;
    }

    public static long Revision(JsonObject rs) =>
        long.TryParse(Json.Str(rs.At("metadata", "annotations", RevisionAnnotation)), NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    public static int? DesiredReplicasAnnotationOf(JsonObject rs) =>
        int.TryParse(Json.Str(rs.At("metadata", "annotations", DesiredReplicasAnnotation)), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static int? MaxReplicasAnnotationOf(JsonObject rs) =>
        int.TryParse(Json.Str(rs.At("metadata", "annotations", MaxReplicasAnnotation)), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Whether two pod templates are equal once the <c>pod-template-hash</c> label is ignored.</summary>
    public static bool EqualIgnoreHash(JsonNode? a, JsonNode? b)
    {
        static JsonNode? Strip(JsonNode? template)
        {
            if (template is not JsonObject obj)
            {
                return template;
            }
            var copy = Json.Clone(obj);
            if (copy.At("metadata", "labels") is JsonObject labels)
            {
                labels.Remove(PodTemplateHashLabel);
            }
            return copy;
        }
        return JsonNode.DeepEquals(Strip(a), Strip(b));
    }

    public static DateTimeOffset Created(JsonObject obj) => Json.Time(obj.At("metadata", "creationTimestamp")) ?? DateTimeOffset.MinValue;

    /// <summary>Oldest first; ties by name.</summary>
    public static int ByCreation(JsonObject a, JsonObject b)
    {
        var byTime = Created(a).CompareTo(Created(b));
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Name(), b.Name());
    }

    public static bool IsActive(JsonObject? rs) => rs is not null && Replicas(rs) > 0;

    /// <summary>The status the ReplicaSets add up to, with <c>Available</c> set from the unavailability budget: upstream's <c>calculateStatus</c>.</summary>
    public static JsonObject CalculateStatus(IReadOnlyList<JsonObject> allRSs, JsonObject? newRS, JsonObject d, DateTimeOffset now)
    {
        var available = allRSs.Sum(Available);
        var total = allRSs.Sum(Replicas);
        var previous = d["status"] as JsonObject;
        var status = new JsonObject();
        Json.SetCount(status, "observedGeneration", Json.Long(d.At("metadata", "generation")) ?? 0);
        Json.SetCount(status, "replicas", allRSs.Sum(StatusReplicas));
        Json.SetCount(status, "updatedReplicas", newRS is null ? 0 : StatusReplicas(newRS));
        Json.SetCount(status, "readyReplicas", allRSs.Sum(Ready));
        Json.SetCount(status, "availableReplicas", available);
        Json.SetCount(status, "unavailableReplicas", Math.Max(total - available, 0));
        if (previous?["conditions"] is JsonArray conditions)
        {
            status["conditions"] = conditions.DeepClone();
        }
        if (previous?["collisionCount"] is { } collisions)
        {
            status["collisionCount"] = collisions.DeepClone();
        }
        if (available >= Replicas(d) - MaxUnavailable(d))
        {
            StatusConditions.Set(status, Condition("Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now));
        }
        else
        {
            StatusConditions.Set(status, Condition("Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now));
        }
        return status;
    }

    /// <summary>Every replica updated, present and available, and the spec observed: upstream's <c>DeploymentComplete</c>.</summary>
    public static bool Complete(JsonObject d, JsonObject? status)
    {
        var replicas = Replicas(d);
        return Json.Int(status?["updatedReplicas"]) == replicas
            && Json.Int(status?["replicas"]) == replicas
            && Json.Int(status?["availableReplicas"]) == replicas
            && (Json.Long(status?["observedGeneration"]) ?? 0) >= (Json.Long(d.At("metadata", "generation")) ?? 0);
    }

    /// <summary>Whether <paramref name="newStatus"/> shows progress over the Deployment's current status: upstream's <c>DeploymentProgressing</c>.</summary>
    public static bool Progressing(JsonObject d, JsonObject newStatus)
    {
        var old = d["status"] as JsonObject;
        var oldOld = Json.Int(old?["replicas"]) - Json.Int(old?["updatedReplicas"]);
        var newOld = Json.Int(newStatus["replicas"]) - Json.Int(newStatus["updatedReplicas"]);
        return Json.Int(newStatus["updatedReplicas"]) > Json.Int(old?["updatedReplicas"])
            || newOld < oldOld
            || Json.Int(newStatus["readyReplicas"]) > Json.Int(old?["readyReplicas"])
            || Json.Int(newStatus["availableReplicas"]) > Json.Int(old?["availableReplicas"]);
    }

    /// <summary>Whether the progress deadline passed without progress: upstream's <c>DeploymentTimedOut</c>.</summary>
    public static bool TimedOut(JsonObject d, JsonObject status, DateTimeOffset now)
    {
        if (!HasProgressDeadline(d) || StatusConditions.Find(status, "Progressing") is not { } condition)
        {
            return false;
        }
        var reason = Json.Str(condition["reason"]);
        if (reason == "NewReplicaSetAvailable")
        {
            return false;
        }
        if (reason == "ProgressDeadlineExceeded")
        {
            return true;
        }
        var from = Json.Time(condition["lastUpdateTime"]) ?? now;
        return from.AddSeconds(Json.Long(d.At("spec", "progressDeadlineSeconds")) ?? 600) < now;
    }

    /// <summary>A Deployment condition, both times now.</summary>
    public static JsonObject Condition(string type, string status, string reason, string message, DateTimeOffset now)
    {
        var time = Obj.FormatTime(now);
        return new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = time,
            ["lastTransitionTime"] = time,
            ["reason"] = reason,
            ["message"] = message,
        };
    }

    /// <summary>
    /// How much of a proportional scale of <paramref name="replicasToAdd"/> falls to <paramref name="rs"/>: its share
    /// of the Deployment's size before the scale (the <c>max-replicas</c> annotation), bounded by what is left to
    /// add: upstream's <c>GetProportion</c>.
    /// </summary>
    public static int Proportion(JsonObject rs, JsonObject d, int replicasToAdd, int replicasAdded)
    {
        if (Replicas(rs) == 0 || replicasToAdd == 0 || replicasToAdd == replicasAdded)
        {
            return 0;
        }
        var fraction = Fraction(rs, d);
        var allowed = replicasToAdd - replicasAdded;
        return replicasToAdd > 0 ? Math.Min(fraction, allowed) : Math.Max(fraction, allowed);
    }

    private static int Fraction(JsonObject rs, JsonObject d)
    {
        var replicas = Replicas(d);
        if (replicas == 0)
        {
            return -Replicas(rs);
        }
        var maxNow = replicas + MaxSurge(d);
        var maxBefore = MaxReplicasAnnotationOf(rs) ?? 0;
        if (maxBefore == 0)
        {
            maxBefore = Json.Int(d.At("status", "replicas"));
            if (maxBefore == 0)
            {
                return 0;
            }
        }
        var size = (double)Replicas(rs) * maxNow / maxBefore;
        return (int)Math.Round(size, MidpointRounding.AwayFromZero) - Replicas(rs);
    }
}
