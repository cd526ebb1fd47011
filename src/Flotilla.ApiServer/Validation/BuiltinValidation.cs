using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// The built-in kinds' validation errors users meet most often, with upstream's fields and messages: negative
/// replicas, missing or mismatched workload selectors, containers without name or image, bad ports and protocols,
/// invalid ConfigMap/Secret keys. Not upstream's full validation; run it after defaulting, as upstream does.
/// </summary>
internal static class BuiltinValidation
{
    private const string SelectorMismatch = "`selector` does not match template `labels`";
    private static readonly string[] Protocols = ["SCTP", "TCP", "UDP"];
    private static readonly string[] ServiceTypes = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
    private static readonly string[] PodRestartPolicies = ["Always", "OnFailure", "Never"];
    private static readonly string[] JobRestartPolicies = ["OnFailure", "Never"];
    private static readonly string[] WorkloadRestartPolicies = ["Always"];

    private static readonly Dictionary<(string Group, string Kind), Action<JsonObject, List<StatusCause>>> Table = new()
    {
        [("", "Pod")] = (o, c) => PodSpec(o["spec"] as JsonObject ?? [], "spec", PodRestartPolicies, c),
        [("", "ReplicationController")] = ReplicationController,
        [("", "Service")] = Service,
        [("", "ConfigMap")] = ConfigMap,
        [("", "Secret")] = Secret,
        [("apps", "Deployment")] = (o, c) => Workload(o, "deployment", c),
        // Upstream's ReplicaSet validation reuses the Deployment message.
        [("apps", "ReplicaSet")] = (o, c) => Workload(o, "deployment", c),
        [("apps", "StatefulSet")] = (o, c) => Workload(o, "statefulset", c),
        [("apps", "DaemonSet")] = (o, c) => Workload(o, "daemonset", c, hasReplicas: false),
        [("batch", "Job")] = (o, c) => JobSpec(o["spec"] as JsonObject ?? [], "spec", c),
        [("batch", "CronJob")] = CronJob,
    };

    /// <summary>Causes for <paramref name="obj"/> of the given kind; empty when valid or when the kind has no rules here.</summary>
    public static List<StatusCause> Validate(string group, string kind, JsonObject obj)
    {
        var causes = new List<StatusCause>();
        if (Table.TryGetValue((group, kind), out var validate))
        {
            validate(obj, causes);
        }
        return causes;
    }

    private static void Workload(JsonObject obj, string noun, List<StatusCause> causes, bool hasReplicas = true)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (hasReplicas)
        {
            NonNegative(spec, "replicas", "spec.replicas", causes);
        }
        var selector = spec["selector"];
        if (selector is not JsonObject selectorObject)
        {
            causes.Add(FieldErrors.Required("spec.selector"));
        }
        else if (Count(selectorObject["matchLabels"]) + Count(selectorObject["matchExpressions"]) == 0)
        {
            causes.Add(FieldErrors.Invalid("spec.selector", selectorObject, $"empty selector is invalid for {noun}"));
        }
        else if (!LabelSelector.TryFromStructured(selectorObject, out var parsed, out _))
        {
            causes.Add(FieldErrors.Invalid("spec.selector", selectorObject, "invalid label selector"));
        }
        else
        {
            var labels = spec.At("template", "metadata", "labels") as JsonObject;
            if (!parsed!.Matches(labels))
            {
                causes.Add(FieldErrors.InvalidRendered("spec.template.metadata.labels", GoFormat.StringMap(StringPairs(labels)), SelectorMismatch));
            }
        }
        if (spec["template"] is not JsonObject template)
        {
            causes.Add(FieldErrors.Required("spec.template"));
            return;
        }
        PodSpec(template["spec"] as JsonObject ?? [], "spec.template.spec", WorkloadRestartPolicies, causes);
    }

    private static void ReplicationController(JsonObject rc, List<StatusCause> causes)
    {
        var spec = rc["spec"] as JsonObject ?? [];
        NonNegative(spec, "replicas", "spec.replicas", causes);
        if (spec["template"] is JsonObject template)
        {
            PodSpec(template["spec"] as JsonObject ?? [], "spec.template.spec", WorkloadRestartPolicies, causes);
        }
    }

    private static void JobSpec(JsonObject spec, string path, List<StatusCause> causes)
    {
        foreach (var field in (string[])["parallelism", "completions", "backoffLimit", "activeDeadlineSeconds"])
        {
            NonNegative(spec, field, path + "." + field, causes);
        }
        var podSpec = spec.At("template", "spec") as JsonObject ?? [];
        PodSpec(podSpec, path + ".template.spec", JobRestartPolicies, causes);
    }

    private static void CronJob(JsonObject cronJob, List<StatusCause> causes)
    {
        var spec = cronJob["spec"] as JsonObject ?? [];
        if (JsonKinds.Text(spec["schedule"]).Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.schedule"));
        }
        NonNegative(spec, "successfulJobsHistoryLimit", "spec.successfulJobsHistoryLimit", causes);
        NonNegative(spec, "failedJobsHistoryLimit", "spec.failedJobsHistoryLimit", causes);
        JobSpec(spec.At("jobTemplate", "spec") as JsonObject ?? [], "spec.jobTemplate.spec", causes);
    }

    /// <summary>Containers (required, each with a unique DNS-label name and an image), their ports, and the restart policy.</summary>
    private static void PodSpec(JsonObject spec, string path, string[] restartPolicies, List<StatusCause> causes)
    {
        if (spec["containers"] is not JsonArray { Count: > 0 } containers)
        {
            causes.Add(FieldErrors.Required(path + ".containers"));
        }
        else
        {
            Containers(containers, path + ".containers", causes);
        }
        if (spec["initContainers"] is JsonArray initContainers)
        {
            Containers(initContainers, path + ".initContainers", causes);
        }

        var restartPolicy = JsonKinds.Text(spec["restartPolicy"]);
        if (restartPolicy.Length == 0)
        {
            causes.Add(FieldErrors.Required(path + ".restartPolicy"));
        }
        else if (!restartPolicies.Contains(restartPolicy, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.NotSupported(path + ".restartPolicy", restartPolicy, restartPolicies));
        }
    }

    private static void Containers(JsonArray containers, string path, List<StatusCause> causes)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < containers.Count; i++)
        {
            var container = containers[i] as JsonObject ?? [];
            var at = $"{path}[{i}]";
            var name = JsonKinds.Text(container["name"]);
            if (name.Length == 0)
            {
                causes.Add(FieldErrors.Required(at + ".name"));
            }
            else
            {
                foreach (var msg in NameValidation.IsDns1123Label(name))
                {
                    causes.Add(FieldErrors.Invalid(at + ".name", name, msg));
                }
                if (!names.Add(name))
                {
                    causes.Add(FieldErrors.Duplicate(at + ".name", name));
                }
            }
            if (JsonKinds.Text(container["image"]).Length == 0)
            {
                causes.Add(FieldErrors.Required(at + ".image"));
            }
            if (container["ports"] is JsonArray ports)
            {
                for (var j = 0; j < ports.Count; j++)
                {
                    var port = ports[j] as JsonObject ?? [];
                    var portPath = $"{at}.ports[{j}]";
                    if (!JsonKinds.TryGetInt64(port["containerPort"], out var containerPort) || containerPort == 0)
                    {
                        causes.Add(FieldErrors.Required(portPath + ".containerPort"));
                    }
                    else
                    {
                        PortNumber(containerPort, portPath + ".containerPort", causes);
                    }
                    if (JsonKinds.TryGetInt64(port["hostPort"], out var hostPort) && hostPort != 0)
                    {
                        PortNumber(hostPort, portPath + ".hostPort", causes);
                    }
                    Protocol(port, portPath, causes);
                }
            }
        }
    }

    private static void Service(JsonObject service, List<StatusCause> causes)
    {
        var spec = service["spec"] as JsonObject ?? [];
        var type = JsonKinds.Text(spec["type"]);
        if (type.Length > 0 && !ServiceTypes.Contains(type, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.NotSupported("spec.type", type, ServiceTypes));
        }
        if (type == "ExternalName" && JsonKinds.Text(spec["externalName"]).Length == 0)
        {
            causes.Add(FieldErrors.Required("spec.externalName"));
        }
        var ports = spec["ports"] as JsonArray ?? [];
        var headless = JsonKinds.Text(spec["clusterIP"]) == "None";
        if (ports.Count == 0 && !headless && type != "ExternalName")
        {
            causes.Add(FieldErrors.Required("spec.ports"));
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < ports.Count; i++)
        {
            var port = ports[i] as JsonObject ?? [];
            var at = $"spec.ports[{i}]";
            var name = JsonKinds.Text(port["name"]);
            // With several ports, names are what tell them apart (in Endpoints, in SRV records).
            if (ports.Count > 1 && name.Length == 0)
            {
                causes.Add(FieldErrors.Required(at + ".name"));
            }
            else if (name.Length > 0)
            {
                foreach (var msg in NameValidation.IsDns1123Label(name))
                {
                    causes.Add(FieldErrors.Invalid(at + ".name", name, msg));
                }
                if (!names.Add(name))
                {
                    causes.Add(FieldErrors.Duplicate(at + ".name", name));
                }
            }
            if (!JsonKinds.TryGetInt64(port["port"], out var number))
            {
                causes.Add(FieldErrors.Required(at + ".port"));
            }
            else
            {
                PortNumber(number, at + ".port", causes);
            }
            Protocol(port, at, causes);
            if (JsonKinds.TryGetInt64(port["targetPort"], out var target))
            {
                PortNumber(target, at + ".targetPort", causes);
            }
        }
    }

    private static void ConfigMap(JsonObject configMap, List<StatusCause> causes)
    {
        var data = configMap["data"] as JsonObject;
        var binary = configMap["binaryData"] as JsonObject;
        ConfigKeys(data, "data", causes);
        ConfigKeys(binary, "binaryData", causes);
        foreach (var (key, _) in data ?? [])
        {
            if (binary?.ContainsKey(key) == true)
            {
                causes.Add(FieldErrors.Invalid($"data[{key}]", key, "duplicate of key present in binaryData"));
            }
        }
    }

    private static void Secret(JsonObject secret, List<StatusCause> causes)
    {
        // stringData is merged into data before upstream validates, so both are reported under data.
        ConfigKeys(secret["data"] as JsonObject, "data", causes);
        ConfigKeys(secret["stringData"] as JsonObject, "data", causes);
        if (JsonKinds.Text(secret["type"]) == "kubernetes.io/tls")
        {
            foreach (var key in (string[])["tls.crt", "tls.key"])
            {
                if (secret.At("data", key) is null && secret.At("stringData", key) is null)
                {
                    causes.Add(FieldErrors.Required($"data[{key}]"));
                }
            }
        }
    }

    private static void ConfigKeys(JsonObject? map, string field, List<StatusCause> causes)
    {
        foreach (var (key, _) in map ?? [])
        {
            foreach (var msg in NameValidation.IsConfigMapKey(key))
            {
                causes.Add(FieldErrors.Invalid($"{field}[{key}]", key, msg));
            }
        }
    }

    private static void NonNegative(JsonObject obj, string key, string field, List<StatusCause> causes)
    {
        if (JsonKinds.TryGetInt64(obj[key], out var value) && value < 0)
        {
            causes.Add(FieldErrors.Invalid(field, value, "must be greater than or equal to 0"));
        }
    }

    private static void PortNumber(long port, string field, List<StatusCause> causes)
    {
        if (port is < 1 or > 65535)
        {
            causes.Add(FieldErrors.Invalid(field, port, NameValidation.InclusiveRangeError(1, 65535)));
        }
    }

    private static void Protocol(JsonObject port, string path, List<StatusCause> causes)
    {
        var protocol = JsonKinds.Text(port["protocol"]);
        if (protocol.Length == 0)
        {
            causes.Add(FieldErrors.Required(path + ".protocol"));
        }
        else if (!Protocols.Contains(protocol, StringComparer.Ordinal))
        {
            causes.Add(FieldErrors.NotSupported(path + ".protocol", protocol, Protocols));
        }
    }

    private static int Count(JsonNode? node) => node switch
    {
        JsonObject o => o.Count,
        JsonArray a => a.Count,
        _ => 0,
    };

    private static IEnumerable<KeyValuePair<string, string>> StringPairs(JsonObject? labels) =>
        (labels ?? []).Select(p => new KeyValuePair<string, string>(p.Key, JsonKinds.Text(p.Value)));
}
