using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.ApiServer.Core;

/// <summary>A pod's quality-of-service class, as upstream derives it from container resources.</summary>
internal static class PodQos
{
    private static readonly string[] Tracked = ["cpu", "memory"];

    /// <summary>
    /// BestEffort: no container sets a cpu or memory request or limit. Guaranteed: every container sets cpu and
    /// memory limits, and requests (when set) equal them. Burstable: anything else.
    /// </summary>
    public static string ClassOf(JsonObject pod)
    {
        var containers = (pod.At("spec", "containers") as JsonArray ?? []).Concat(pod.At("spec", "initContainers") as JsonArray ?? []).OfType<JsonObject>().ToList();
        var anySet = false;
        var guaranteed = containers.Count > 0;
        foreach (var container in containers)
        {
            var requests = container.At("resources", "requests") as JsonObject;
            var limits = container.At("resources", "limits") as JsonObject;
            foreach (var name in Tracked)
            {
                var request = requests?[name];
                var limit = limits?[name];
                anySet |= request is not null || limit is not null;
                if (limit is null || (request is not null && request.ToJsonString() != limit.ToJsonString()))
                {
                    guaranteed = false;
                }
            }
        }
        return !anySet ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
