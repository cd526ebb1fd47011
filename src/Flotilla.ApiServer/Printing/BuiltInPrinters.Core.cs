using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Printing;

// Cells for core/v1 kinds; each function mirrors the upstream print function of the same name.
internal static partial class BuiltInPrinters
{
    private static JsonNode?[] Namespace(JsonObject obj, DateTimeOffset now) =>
        [PrintFormat.Name(obj), obj.Obj("status").Str("phase") ?? "", PrintFormat.Age(obj, now)];

    private static JsonNode?[] ConfigMap(JsonObject obj, DateTimeOffset now) =>
        [PrintFormat.Name(obj), (long)(obj.CountOf("data") + obj.CountOf("binaryData")), PrintFormat.Age(obj, now)];

    private static JsonNode?[] Secret(JsonObject obj, DateTimeOffset now) =>
        [PrintFormat.Name(obj), obj.Str("type") ?? "Opaque", (long)obj.CountOf("data"), PrintFormat.Age(obj, now)];

    private static JsonNode?[] ServiceAccount(JsonObject obj, DateTimeOffset now) =>
        [PrintFormat.Name(obj), (long)obj.CountOf("secrets"), PrintFormat.Age(obj, now)];

    private static JsonNode?[] Service(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var type = spec.Str("type") ?? "ClusterIP";
        var clusterIP = spec.Arr("clusterIPs").Strings().FirstOrDefault() ?? spec.Str("clusterIP");
        var ports = string.Join(',', spec.Arr("ports").Objects().Select(p =>
        {
            var protocol = p.Str("protocol") ?? "TCP";
            return p.Long("nodePort") is > 0 and var nodePort
                ? $"{p.Long("port") ?? 0}:{nodePort}/{protocol}"
                : $"{p.Long("port") ?? 0}/{protocol}";
        }));
        return
        [
            PrintFormat.Name(obj),
            type,
            string.IsNullOrEmpty(clusterIP) ? PrintFormat.None : clusterIP,
            ServiceExternalIP(type, spec, obj.Obj("status")),
            ports.Length == 0 ? PrintFormat.None : ports,
            PrintFormat.Age(obj, now),
            PrintFormat.Labels(spec.Obj("selector")),
        ];
    }

    // getServiceExternalIP.
    private static string ServiceExternalIP(string type, JsonObject? spec, JsonObject? status)
    {
        var externalIPs = spec.Arr("externalIPs").Strings().ToList();
        switch (type)
        {
            case "ClusterIP" or "NodePort":
                return externalIPs.Count > 0 ? string.Join(',', externalIPs) : PrintFormat.None;
            case "LoadBalancer":
                var ingress = PrintFormat.LoadBalancerIngress(status);
                if (externalIPs.Count > 0)
                {
                    return ingress.Length > 0 ? $"{ingress},{string.Join(',', externalIPs)}" : string.Join(',', externalIPs);
                }
                return ingress.Length > 0 ? ingress : "<pending>";
            case "ExternalName":
                return spec.Str("externalName") ?? "";
            default:
                return "<unknown>";
        }
    }

    // formatEndpoints: up to three "ip:port" (or bare IPs for port-less subsets), then "+ N more...".
    private static JsonNode?[] Endpoints(JsonObject obj, DateTimeOffset now)
    {
        var subsets = obj.Arr("subsets");
        string text;
        if (subsets is null || subsets.Count == 0)
        {
            text = PrintFormat.None;
        }
        else
        {
            var shown = new List<string>();
            var total = 0;
            foreach (var subset in subsets.Objects())
            {
                var addresses = subset.Arr("addresses").Objects().Select(a => a.Str("ip") ?? "").ToList();
                var ports = subset.Arr("ports").Objects().ToList();
                if (ports.Count == 0)
                {
                    total += addresses.Count;
                    shown.AddRange(addresses);
                    continue;
                }
                foreach (var port in ports)
                {
                    total += addresses.Count;
                    shown.AddRange(addresses.Select(ip => PrintFormat.HostPort(ip, port.Long("port") ?? 0)));
                }
            }
            text = PrintFormat.ListWithMore(shown, total, 3, empty: "");
        }
        return [PrintFormat.Name(obj), text, PrintFormat.Age(obj, now)];
    }

    // printPod: READY counts ready app containers plus started-and-ready sidecars (restartable init containers);
    // STATUS is the most specific reason found, from init containers while initializing, else app containers.
    private static JsonNode?[] Pod(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var initContainers = spec.Arr("initContainers").Objects().ToList();
        var sidecars = initContainers.Where(c => c.Str("restartPolicy") == "Always").Select(c => c.Str("name") ?? "").ToHashSet(StringComparer.Ordinal);
        var total = spec.CountOf("containers") + sidecars.Count;
        var ready = 0;
        long restarts = 0;
        long sidecarRestarts = 0;
        DateTimeOffset? lastRestart = null;
        DateTimeOffset? lastSidecarRestart = null;

        var phase = status.Str("phase") ?? "";
        var reason = status.Str("reason") is { Length: > 0 } statusReason ? statusReason : phase;
        if (status.Arr("conditions").Objects().Any(c => c.Str("type") == "PodScheduled" && c.Str("reason") == "SchedulingGated"))
        {
            reason = "SchedulingGated";
        }

        var initializing = false;
        var initStatuses = status.Arr("initContainerStatuses").Objects().ToList();
        for (var i = 0; i < initStatuses.Count; i++)
        {
            var container = initStatuses[i];
            var count = container.Long("restartCount") ?? 0;
            var finished = container.Obj("lastState").Obj("terminated").Time("finishedAt");
            restarts += count;
            lastRestart = Latest(lastRestart, finished);
            var isSidecar = sidecars.Contains(container.Str("name") ?? "");
            if (isSidecar)
            {
                sidecarRestarts += count;
                lastSidecarRestart = Latest(lastSidecarRestart, finished);
            }

            var terminated = container.Obj("state").Obj("terminated");
            var waiting = container.Obj("state").Obj("waiting");
            if (terminated is not null && (terminated.Long("exitCode") ?? 0) == 0)
            {
                continue;
            }
            if (isSidecar && container.Bool("started") == true)
            {
                if (container.Bool("ready") == true)
                {
                    ready++;
                }
                continue;
            }
            if (terminated is not null)
            {
                reason = "Init:" + TerminationReason(terminated);
            }
            else if (waiting.Str("reason") is { Length: > 0 } waitingReason && waitingReason != "PodInitializing")
            {
                reason = "Init:" + waitingReason;
            }
            else
            {
                reason = $"Init:{i}/{initContainers.Count}";
            }
            initializing = true;
            break;
        }

        if (!initializing || PrintFormat.HasTrueCondition(status, "Initialized"))
        {
            restarts = sidecarRestarts;
            lastRestart = lastSidecarRestart;
            var hasRunning = false;
            var statuses = status.Arr("containerStatuses").Objects().ToList();
            for (var i = statuses.Count - 1; i >= 0; i--)
            {
                var container = statuses[i];
                restarts += container.Long("restartCount") ?? 0;
                lastRestart = Latest(lastRestart, container.Obj("lastState").Obj("terminated").Time("finishedAt"));
                var state = container.Obj("state");
                if (state.Obj("waiting").Str("reason") is { Length: > 0 } waitingReason)
                {
                    reason = waitingReason;
                }
                else if (state.Obj("terminated") is { } terminated)
                {
                    reason = TerminationReason(terminated);
                }
                else if (container.Bool("ready") == true && state.Has("running"))
                {
                    hasRunning = true;
                    ready++;
                }
            }
            // A completed container next to one still running means the pod as a whole is still running.
            if (reason == "Completed" && hasRunning)
            {
                reason = PrintFormat.HasTrueCondition(status, "Ready") ? "Running" : "NotReady";
            }
        }

        if (obj.Obj("metadata").Has("deletionTimestamp"))
        {
            if (status.Str("reason") == "NodeLost")
            {
                reason = "Unknown";
            }
            else if (phase is not ("Succeeded" or "Failed"))
            {
                reason = "Terminating";
            }
        }

        var restartsText = restarts != 0 && lastRestart is not null
            ? $"{restarts} ({HumanDuration.Since(lastRestart, now)} ago)"
            : restarts.ToString(CultureInfo.InvariantCulture);

        var podIP = status.Arr("podIPs").Objects().FirstOrDefault()?.Str("ip") ?? status.Str("podIP");
        var gates = spec.Arr("readinessGates").Objects().Select(g => g.Str("conditionType")).ToList();
        var readinessGates = gates.Count == 0
            ? PrintFormat.None
            : $"{gates.Count(g => g is not null && PrintFormat.HasTrueCondition(status, g))}/{gates.Count}";

        return
        [
            PrintFormat.Name(obj),
            $"{ready}/{total}",
            reason,
            restartsText,
            PrintFormat.Age(obj, now),
            OrNone(podIP),
            OrNone(spec.Str("nodeName")),
            OrNone(status.Str("nominatedNodeName")),
            readinessGates,
        ];

        static DateTimeOffset? Latest(DateTimeOffset? current, DateTimeOffset? candidate) =>
            candidate is not null && (current is null || candidate > current) ? candidate : current;
    }

    // A finished pod's row says so, which kubectl can use to tell finished pods apart.
    private static JsonArray? PodConditions(JsonObject obj) => obj.Obj("status").Str("phase") switch
    {
        "Succeeded" => [Completed("Succeeded", "The pod has completed successfully.")],
        "Failed" => [Completed("Failed", "The pod failed.")],
        _ => null,
    };

    private static JsonObject Completed(string reason, string message) => new()
    {
        ["type"] = "Completed",
        ["status"] = "True",
        ["reason"] = reason,
        ["message"] = message,
    };

    private static string TerminationReason(JsonObject terminated)
    {
        if (terminated.Str("reason") is { Length: > 0 } reason)
        {
            return reason;
        }
        return terminated.Long("signal") is { } signal and not 0 ? $"Signal:{signal}" : $"ExitCode:{terminated.Long("exitCode") ?? 0}";
    }

    private static JsonNode?[] Node(JsonObject obj, DateTimeOffset now)
    {
        var status = obj.Obj("status");
        var ready = status.Arr("conditions").Objects().FirstOrDefault(c => c.Str("type") == "Ready");
        var states = new List<string> { ready is null ? "Unknown" : ready.Str("status") == "True" ? "Ready" : "NotReady" };
        if (obj.Obj("spec").Bool("unschedulable") == true)
        {
            states.Add("SchedulingDisabled");
        }

        // Roles come from node-role.kubernetes.io/<role> label keys and the kubernetes.io/role label's value.
        const string rolePrefix = "node-role.kubernetes.io/";
        var roles = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in obj.Obj("metadata").Obj("labels") ?? [])
        {
            if (key.StartsWith(rolePrefix, StringComparison.Ordinal) && key.Length > rolePrefix.Length)
            {
                roles.Add(key[rolePrefix.Length..]);
            }
            else if (key == "kubernetes.io/role" && JsonRead.AsString(value) is { Length: > 0 } role)
            {
                roles.Add(role);
            }
        }

        var info = status.Obj("nodeInfo");
        return
        [
            PrintFormat.Name(obj),
            string.Join(',', states),
            roles.Count == 0 ? PrintFormat.None : string.Join(',', roles),
            PrintFormat.Age(obj, now),
            info.Str("kubeletVersion") ?? "",
            Address("InternalIP"),
            Address("ExternalIP"),
            OrUnknown(info.Str("osImage")),
            OrUnknown(info.Str("kernelVersion")),
            OrUnknown(info.Str("containerRuntimeVersion")),
        ];

        string Address(string type) =>
            status.Arr("addresses").Objects().FirstOrDefault(a => a.Str("type") == type)?.Str("address") ?? PrintFormat.None;

        static string OrUnknown(string? text) => string.IsNullOrEmpty(text) ? "<unknown>" : text;
    }

    // printEvent over either shape: core/v1 (involvedObject, source, count, first/lastTimestamp) or
    // events.k8s.io/v1 (regarding, deprecatedSource, deprecatedCount, deprecatedFirst/LastTimestamp, note).
    private static JsonNode?[] Event(JsonObject obj, DateTimeOffset now)
    {
        var firstSeen = obj.Time("firstTimestamp") ?? obj.Time("deprecatedFirstTimestamp");
        var first = firstSeen is not null ? HumanDuration.Since(firstSeen, now) : HumanDuration.Since(obj.Time("eventTime"), now);
        var lastSeen = obj.Time("lastTimestamp") ?? obj.Time("deprecatedLastTimestamp");
        var last = lastSeen is not null ? HumanDuration.Since(lastSeen, now) : first;

        var count = obj.Long("count") ?? obj.Long("deprecatedCount") ?? 0;
        if (obj.Obj("series") is { } series)
        {
            last = HumanDuration.Since(series.Time("lastObservedTime"), now);
            count = series.Long("count") ?? 0;
        }
        else if (count == 0)
        {
            // Singleton events of the new API carry no count.
            count = 1;
        }

        var involved = obj.Obj("involvedObject") ?? obj.Obj("regarding");
        var kind = (involved.Str("kind") ?? "").ToLowerInvariant();
        var target = involved.Str("name") is { Length: > 0 } name ? $"{kind}/{name}" : kind;

        var source = obj.Obj("source") ?? obj.Obj("deprecatedSource");
        var component = FirstNonEmpty(source.Str("component"), obj.Str("reportingComponent"), obj.Str("reportingController"));
        var instance = FirstNonEmpty(source.Str("host"), obj.Str("reportingInstance"));

        return
        [
            last,
            obj.Str("type") ?? "",
            obj.Str("reason") ?? "",
            target,
            involved.Str("fieldPath") ?? "",
            instance.Length == 0 ? component : $"{component}, {instance}",
            (obj.Str("message") ?? obj.Str("note") ?? "").Trim(),
            first,
            count,
            PrintFormat.Name(obj),
        ];

        static string FirstNonEmpty(params string?[] candidates) => candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c)) ?? "";
    }

    private static JsonNode?[] PersistentVolumeClaim(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var phase = obj.Obj("metadata").Has("deletionTimestamp") ? "Terminating" : status.Str("phase") ?? "";
        var volumeName = spec.Str("volumeName") ?? "";
        var capacity = "";
        var accessModes = "";
        if (volumeName.Length > 0)
        {
            accessModes = AccessModes(status.Arr("accessModes").Strings());
            capacity = status.Obj("capacity").IntOrString("storage") ?? "";
        }
        // GetPersistentVolumeClaimClass: the beta annotation still wins over the field.
        var storageClass = obj.Obj("metadata").Obj("annotations").Str("volume.beta.kubernetes.io/storage-class")
            ?? spec.Str("storageClassName")
            ?? "";
        return
        [
            PrintFormat.Name(obj),
            phase,
            volumeName,
            capacity,
            accessModes,
            storageClass,
            spec.Str("volumeAttributesClassName") ?? "<unset>",
            PrintFormat.Age(obj, now),
            spec.Str("volumeMode") ?? "<unset>",
        ];
    }

    // GetAccessModesAsString: fixed order, duplicates dropped.
    private static string AccessModes(IEnumerable<string> modes)
    {
        var set = modes.ToHashSet(StringComparer.Ordinal);
        var shortNames = new List<string>();
        foreach (var (mode, shortName) in (ReadOnlySpan<(string, string)>)[("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")])
        {
            if (set.Contains(mode))
            {
                shortNames.Add(shortName);
            }
        }
        return string.Join(',', shortNames);
    }

    // printResourceQuota: "resource: used/hard" per hard limit, limits.* in LIMIT and the rest in REQUEST.
    private static JsonNode?[] ResourceQuota(JsonObject obj, DateTimeOffset now)
    {
        var status = obj.Obj("status");
        var hard = status.Obj("hard") ?? [];
        var used = status.Obj("used");
        var request = new StringBuilder();
        var limit = new StringBuilder();
        foreach (var resource in hard.Select(p => p.Key).Order(StringComparer.Ordinal))
        {
            var column = resource.StartsWith("limits.", StringComparison.Ordinal) ? limit : request;
            if (column.Length > 0)
            {
                column.Append(", ");
            }
            column.Append(resource).Append(": ").Append(used.IntOrString(resource) ?? "0").Append('/').Append(hard.IntOrString(resource) ?? "0");
        }
        return [PrintFormat.Name(obj), PrintFormat.Age(obj, now), request.ToString(), limit.ToString()];
    }

    private static JsonNode?[] ReplicationController(JsonObject obj, DateTimeOffset now)
    {
        var spec = obj.Obj("spec");
        var status = obj.Obj("status");
        var (names, images) = PrintFormat.Containers(spec.Obj("template").Obj("spec"));
        return
        [
            PrintFormat.Name(obj),
            spec.Long("replicas") ?? 1,
            status.Long("replicas") ?? 0,
            status.Long("readyReplicas") ?? 0,
            PrintFormat.Age(obj, now),
            names,
            images,
            PrintFormat.Labels(spec.Obj("selector")),
        ];
    }

    private static string OrNone(string? text) => string.IsNullOrEmpty(text) ? PrintFormat.None : text;
}
