using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.LocalCluster.Common;

/// <summary>What controllers ask of pods: phase, readiness, availability, activity; upstream's <c>podutil</c>.</summary>
internal static class Pods
{
    public static string Phase(JsonObject pod) => Json.Str(pod.At("status", "phase")) ?? "";

    public static bool IsTerminal(JsonObject pod) => Phase(pod) is "Succeeded" or "Failed";

    /// <summary>Neither finished nor being deleted: upstream's <c>IsPodActive</c>.</summary>
    public static bool IsActive(JsonObject pod) => !IsTerminal(pod) && !pod.IsDeleting();

    public static bool IsReady(JsonObject pod) => StatusConditions.IsTrue(pod["status"] as JsonObject, "Ready");

    /// <summary>When the pod last became ready; null when not ready or unknown.</summary>
    public static DateTimeOffset? ReadySince(JsonObject pod)
    {
        var ready = StatusConditions.Find(pod["status"] as JsonObject, "Ready");
        return Json.Str(ready?["status"]) == "True" ? Json.Time(ready!["lastTransitionTime"]) : null;
    }

    /// <summary>
    /// Ready for at least <paramref name="minReadySeconds"/>: upstream's <c>IsPodAvailable</c> (the ready condition's
    /// transition time plus the minimum must be strictly before now).
    /// </summary>
    public static bool IsAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (!IsReady(pod))
        {
            return false;
        }
        if (minReadySeconds <= 0)
        {
            return true;
        }
        return ReadySince(pod) is { } since && since.AddSeconds(minReadySeconds) < now;
    }

    /// <summary>How long until the pod becomes available; null when it is not ready or already available.</summary>
    public static TimeSpan? UntilAvailable(JsonObject pod, int minReadySeconds, DateTimeOffset now)
    {
        if (minReadySeconds <= 0 || !IsReady(pod) || ReadySince(pod) is not { } since)
        {
            return null;
        }
        var due = since.AddSeconds(minReadySeconds) - now;
        return due >= TimeSpan.Zero ? due + TimeSpan.FromMilliseconds(1) : null;
    }

    public static string NodeName(JsonObject pod) => Json.Str(pod.At("spec", "nodeName")) ?? "";

    public static string PodIp(JsonObject pod) => Json.Str(pod.At("status", "podIP")) ?? "";

    /// <summary>The pod's containers (not init containers).</summary>
    public static IEnumerable<JsonObject> Containers(JsonObject pod) => Json.Items(pod.At("spec", "containers"));

    /// <summary>Whether every label of <paramref name="labels"/> is on the pod with the same value.</summary>
    public static bool HasLabels(JsonObject pod, JsonObject? labels)
    {
        if (labels is null)
        {
            return true;
        }
        var own = pod.Labels();
        foreach (var (key, value) in labels)
        {
            if (Json.Str(own?[key]) != Json.Str(value))
            {
                return false;
            }
        }
        return true;
    }
}
