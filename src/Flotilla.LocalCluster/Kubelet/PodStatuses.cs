using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Nodes;

namespace Flotilla.LocalCluster.Kubelet;

/// <summary>What the kubelet knows of one pod it runs: addresses, times, container ids, listeners.</summary>
internal sealed class PodRun
{
    public required string Uid { get; init; }

    public required string Node { get; init; }

    public required string HostIp { get; init; }

    public required string Ip { get; init; }

    public required bool HostNetwork { get; init; }

    /// <summary>When the kubelet accepted the pod (<c>status.startTime</c>).</summary>
    public required DateTimeOffset AcceptedAt { get; init; }

    /// <summary>When its containers started (<c>state.running.startedAt</c>).</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Whether the pod was already running when this kubelet started (no start events then).</summary>
    public bool Adopted { get; init; }

    /// <summary>Whether this is a Job's pod, which runs for a while and succeeds.</summary>
    public bool RunsToCompletion { get; init; }

    public Dictionary<string, string> ContainerIds { get; } = new(StringComparer.Ordinal);

    public Responder.PodListeners? Listeners { get; set; }

    public bool Finished { get; set; }

    public bool DeleteRequested { get; set; }

    public string ContainerId(string container)
    {
        if (!ContainerIds.TryGetValue(container, out var id))
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            ContainerIds[container] = id;
        }
        return $"{ContainerRuntime.Scheme}://{id}";
    }
}

/// <summary>
/// The pod status a kubelet reports, built from the spec and what the kubelet knows of the run: phase, the five
/// conditions (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled), container statuses
/// (sorted by name, as the kubelet sorts them), addresses and start time. Condition transition times carry over
/// from the current status while a condition keeps its status.
/// </summary>
internal static class PodStatuses
{
    /// <summary>The status fields the kubelet owns; others (<c>qosClass</c>, …) are left as they are.</summary>
    public static readonly string[] OwnedFields =
        ["phase", "conditions", "hostIP", "hostIPs", "podIP", "podIPs", "startTime", "initContainerStatuses", "containerStatuses"];

    /// <summary>When a container becomes started and ready, relative to <see cref="PodRun.StartedAt"/>.</summary>
    public static (TimeSpan Started, TimeSpan Ready) Delays(JsonObject container, TimeSpan readinessDelay)
    {
        var startup = TimeSpan.FromSeconds(Json.Long(container.At("startupProbe", "initialDelaySeconds")) ?? 0);
        var readiness = container["readinessProbe"] is JsonObject probe
            ? TimeSpan.FromSeconds(Json.Long(probe["initialDelaySeconds"]) ?? 0)
            : readinessDelay;
        return (startup, startup + readiness);
    }

    public static JsonObject Pending(JsonObject pod, PodRun run, JsonObject? current, DateTimeOffset now)
    {
        var containers = SortedContainers(pod);
        var names = string.Join(" ", containers.Select(c => Json.Str(c["name"])));
        var status = new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = Conditions(current, now, run,
                ("PodReadyToStartContainers", false, null, null),
                ("Initialized", true, null, null),
                ("Ready", false, "ContainersNotReady", $"containers with unready status: [{names}]"),
                ("ContainersReady", false, "ContainersNotReady", $"containers with unready status: [{names}]")),
        };
        AddAddresses(status, run, withPodIp: false);
        status["containerStatuses"] = new JsonArray([.. containers.Select(c => (JsonNode)ContainerStatus(c, run, ready: false, started: false, new JsonObject
        {
            ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" },
        }, withId: false))]);
        return status;
    }

    public static JsonObject Running(JsonObject pod, PodRun run, JsonObject? current, DateTimeOffset now, TimeSpan readinessDelay)
    {
        var containers = SortedContainers(pod);
        var unready = new List<string>();
        var statuses = new JsonArray();
        foreach (var container in containers)
        {
            var (startedAfter, readyAfter) = Delays(container, readinessDelay);
            var started = now >= run.StartedAt + startedAfter;
            var ready = now >= run.StartedAt + readyAfter;
            if (!ready)
            {
                unready.Add(Json.Str(container["name"]) ?? "");
            }
            statuses.Add(ContainerStatus(container, run, ready, started, new JsonObject
            {
                ["running"] = new JsonObject { ["startedAt"] = Obj.FormatTime(run.StartedAt) },
            }, withId: true));
        }
        var allReady = unready.Count == 0;
        var message = allReady ? null : $"containers with unready status: [{string.Join(" ", unready)}]";
        var status = new JsonObject
        {
            ["phase"] = "Running",
            ["conditions"] = Conditions(current, now, run,
                ("PodReadyToStartContainers", true, null, null),
                ("Initialized", true, null, null),
                ("Ready", allReady, allReady ? null : "ContainersNotReady", message),
                ("ContainersReady", allReady, allReady ? null : "ContainersNotReady", message)),
        };
        AddAddresses(status, run, withPodIp: true);
        AddInitContainers(status, pod, run);
        status["containerStatuses"] = statuses;
        return status;
    }

    public static JsonObject Succeeded(JsonObject pod, PodRun run, JsonObject? current, DateTimeOffset now, DateTimeOffset finishedAt)
    {
        var status = new JsonObject
        {
            ["phase"] = "Succeeded",
            ["conditions"] = Conditions(current, now, run,
                ("PodReadyToStartContainers", false, null, null),
                ("Initialized", true, "PodCompleted", null),
                ("Ready", false, "PodCompleted", null),
                ("ContainersReady", false, "PodCompleted", null)),
        };
        AddAddresses(status, run, withPodIp: true);
        AddInitContainers(status, pod, run);
        status["containerStatuses"] = new JsonArray([.. SortedContainers(pod).Select(c => (JsonNode)ContainerStatus(c, run, ready: false, started: false, new JsonObject
        {
            ["terminated"] = Terminated(c, run, finishedAt),
        }, withId: true))]);
        return status;
    }

    /// <summary>The image as the runtime reports it: <c>nginx</c> is <c>docker.io/library/nginx:latest</c>.</summary>
    public static string NormalizeImage(string image)
    {
        if (string.IsNullOrEmpty(image))
        {
            return image;
        }
        var slash = image.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : image[..slash];
        var hasRegistry = slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        var name = hasRegistry ? image : "docker.io/" + (slash < 0 ? "library/" : "") + image;
        var lastSlash = name.LastIndexOf('/');
        var hasTag = name.LastIndexOf(':') > lastSlash || name.Contains('@', StringComparison.Ordinal);
        return hasTag ? name : name + ":latest";
    }

    /// <summary>A content-addressed image id; the digest is derived from the image reference, since nothing is pulled.</summary>
    public static string ImageId(string image)
    {
        var normalized = NormalizeImage(image);
        if (normalized.Contains('@', StringComparison.Ordinal))
        {
            return normalized;
        }
        var colon = normalized.LastIndexOf(':');
        var repository = colon > normalized.LastIndexOf('/') ? normalized[..colon] : normalized;
        return $"{repository}@sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)))}";
    }

    private static List<JsonObject> SortedContainers(JsonObject pod) =>
        Pods.Containers(pod).OrderBy(c => Json.Str(c["name"]), StringComparer.Ordinal).ToList();

    private static JsonObject ContainerStatus(JsonObject container, PodRun run, bool ready, bool started, JsonObject state, bool withId)
    {
        var image = Json.Str(container["image"]) ?? "";
        var status = new JsonObject();
        var name = Json.Str(container["name"]) ?? "";
        if (withId)
        {
            status["containerID"] = run.ContainerId(name);
        }
        status["image"] = NormalizeImage(image);
        status["imageID"] = withId ? ImageId(image) : "";
        status["lastState"] = new JsonObject();
        status["name"] = name;
        status["ready"] = ready;
        status["restartCount"] = 0;
        status["started"] = started;
        status["state"] = state;
        return status;
    }

    private static JsonObject Terminated(JsonObject container, PodRun run, DateTimeOffset finishedAt) => new()
    {
        ["containerID"] = run.ContainerId(Json.Str(container["name"]) ?? ""),
        ["exitCode"] = 0,
        ["finishedAt"] = Obj.FormatTime(finishedAt),
        ["reason"] = "Completed",
        ["startedAt"] = Obj.FormatTime(run.StartedAt),
    };

    private static void AddInitContainers(JsonObject status, JsonObject pod, PodRun run)
    {
        var init = Json.Items(pod.At("spec", "initContainers")).OrderBy(c => Json.Str(c["name"]), StringComparer.Ordinal).ToList();
        if (init.Count == 0)
        {
            return;
        }
        status["initContainerStatuses"] = new JsonArray([.. init.Select(c => (JsonNode)ContainerStatus(c, run, ready: true, started: false, new JsonObject
        {
            ["terminated"] = Terminated(c, run, run.StartedAt),
        }, withId: true))]);
    }

    private static void AddAddresses(JsonObject status, PodRun run, bool withPodIp)
    {
        status["hostIP"] = run.HostIp;
        status["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = run.HostIp });
        if (withPodIp)
        {
            status["podIP"] = run.Ip;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = run.Ip });
        }
        status["startTime"] = Obj.FormatTime(run.AcceptedAt);
    }

    private static JsonArray Conditions(JsonObject? current, DateTimeOffset now, PodRun run, params (string Type, bool True, string? Reason, string? Message)[] conditions)
    {
        var list = new JsonArray();
        foreach (var (type, isTrue, reason, message) in conditions.Append(("PodScheduled", true, null, null)))
        {
            var status = isTrue ? "True" : "False";
            var previous = StatusConditions.Find(current, type);
            var since = Json.Str(previous?["status"]) == status && previous?["lastTransitionTime"] is { } t
                ? t.DeepClone()
                : type == "PodScheduled" ? Obj.FormatTime(run.AcceptedAt) : Obj.FormatTime(now);
            var condition = new JsonObject
            {
                ["lastProbeTime"] = null,
                ["lastTransitionTime"] = since,
            };
            if (message is not null)
            {
                condition["message"] = message;
            }
            if (reason is not null)
            {
                condition["reason"] = reason;
            }
            condition["status"] = status;
            condition["type"] = type;
            list.Add(condition);
        }
        return list;
    }

    /// <summary>
    /// A JSON patch bringing the owned status fields of <paramref name="pod"/> to <paramref name="desired"/>, guarded by
    /// the pod's uid (so it never lands on a new pod of the same name); null when nothing differs.
    /// </summary>
    public static JsonArray? Diff(JsonObject pod, JsonObject desired)
    {
        var current = pod["status"] as JsonObject;
        var operations = new JsonArray(new JsonObject { ["op"] = "test", ["path"] = "/metadata/uid", ["value"] = pod.Uid() });
        if (current is null)
        {
            operations.Add(new JsonObject { ["op"] = "add", ["path"] = "/status", ["value"] = new JsonObject() });
        }
        foreach (var field in OwnedFields)
        {
            var want = desired[field];
            var have = current?[field];
            if (want is null && have is not null)
            {
                operations.Add(new JsonObject { ["op"] = "remove", ["path"] = "/status/" + field });
            }
            else if (want is not null && !JsonNode.DeepEquals(want, have))
            {
                operations.Add(new JsonObject { ["op"] = "add", ["path"] = "/status/" + field, ["value"] = want.DeepClone() });
            }
        }
        return operations.Count > 1 ? operations : null;
    }
}
