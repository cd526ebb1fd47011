using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;
using static Flotilla.ApiServer.Defaulting.JsonFill;

namespace Flotilla.ApiServer.Defaulting;

/// <summary>
/// Upstream's defaulting for built-in kinds, so objects read back look as they would from a real cluster (and typed
/// clients find the fields they expect). One mutate-in-place function per (group, kind); kinds upstream does not
/// default (ConfigMap, ServiceAccount, PodDisruptionBudget, …) have no entry. Besides the defaulting functions this
/// includes what upstream's create strategies add on create: a Namespace's finalizer and a Job's generated selector.
/// Allocation (cluster IPs, node ports) is not defaulting and is not done here.
/// </summary>
internal static class BuiltinDefaults
{
    private const string JobControllerUidLabel = "batch.kubernetes.io/controller-uid";
    private const string JobNameLabel = "batch.kubernetes.io/job-name";
    private const string LegacyJobControllerUidLabel = "controller-uid";
    private const string LegacyJobNameLabel = "job-name";

    private static readonly Dictionary<(string Group, string Kind), Action<JsonObject, string?>> Table = new()
    {
        [("", "Namespace")] = (o, _) => Namespace(o),
        [("", "Pod")] = (o, _) => PodDefaults.ApplyPod(o),
        [("", "PodTemplate")] = (o, _) => PodDefaults.ApplyTemplate(Object(o, "template")),
        [("", "ReplicationController")] = (o, _) => ReplicationController(o),
        [("", "Service")] = (o, _) => Service(o),
        [("", "Secret")] = (o, _) => IfEmpty(o, "type", "Opaque"),
        [("", "PersistentVolumeClaim")] = (o, _) => PersistentVolumeClaim(o),
        [("apps", "Deployment")] = (o, _) => Deployment(o),
        [("apps", "ReplicaSet")] = (o, _) => ReplicaSet(o),
        [("apps", "StatefulSet")] = (o, _) => StatefulSet(o),
        [("apps", "DaemonSet")] = (o, _) => DaemonSet(o),
        [("batch", "Job")] = Job,
        [("batch", "CronJob")] = (o, _) => CronJob(o),
    };

    /// <summary>Whether upstream defaults this kind at all.</summary>
    public static bool Handles(string group, string kind) => Table.ContainsKey((group, kind));

    /// <summary>
    /// Applies the defaults of (<paramref name="group"/>, <paramref name="kind"/>) to <paramref name="obj"/> in place.
    /// Returns false, changing nothing, for kinds without defaults.
    /// </summary>
    /// <param name="group">API group; "" for core.</param>
    /// <param name="kind">The Kind, e.g. <c>Deployment</c>.</param>
    /// <param name="obj">The whole object.</param>
    /// <param name="uid">
    /// The object's uid, used by Job to generate its selector; defaults to <c>metadata.uid</c>. Without either, a
    /// Job's selector is not generated.
    /// </param>
    public static bool Apply(string group, string kind, JsonObject obj, string? uid = null)
    {
        if (!Table.TryGetValue((group, kind), out var apply))
        {
            return false;
        }
        apply(obj, uid);
        return true;
    }

    private static void Namespace(JsonObject ns)
    {
        var metadata = Object(ns, "metadata");
        var name = JsonKinds.Text(metadata["name"]);
        if (name.Length > 0)
        {
            // Always overwritten, so the label can be trusted to select a namespace by name.
            Object(metadata, "labels")["kubernetes.io/metadata.name"] = name;
        }
        IfUnset(Object(ns, "spec"), "finalizers", () => new JsonArray("kubernetes"));
        IfEmpty(Object(ns, "status"), "phase", "Active");
    }

    private static void ReplicationController(JsonObject rc)
    {
        var spec = Object(rc, "spec");
        IfUnset(spec, "replicas", () => 1);
        if (spec["template"] is JsonObject template)
        {
            if (template.At("metadata", "labels") is JsonObject { Count: > 0 } labels)
            {
                if (spec["selector"] is not JsonObject { Count: > 0 })
                {
                    spec["selector"] = labels.DeepClone();
                }
                var metadata = Object(rc, "metadata");
                if (metadata["labels"] is not JsonObject { Count: > 0 })
                {
                    metadata["labels"] = labels.DeepClone();
                }
            }
            PodDefaults.ApplyTemplate(template);
        }
    }

    private static void Service(JsonObject service)
    {
        var spec = Object(service, "spec");
        IfEmpty(spec, "sessionAffinity", "None");
        switch (JsonKinds.Text(spec["sessionAffinity"]))
        {
            case "None":
                spec.Remove("sessionAffinityConfig");
                break;
            case "ClientIP":
                IfUnset(Object(Object(spec, "sessionAffinityConfig"), "clientIP"), "timeoutSeconds", () => 10800);
                break;
        }
        IfEmpty(spec, "type", "ClusterIP");
        var type = JsonKinds.Text(spec["type"]);
        foreach (var port in Items(spec, "ports"))
        {
            IfEmpty(port, "protocol", "TCP");
            var target = port["targetPort"];
            var targetUnset = target is null
                || JsonKinds.TryGetInt64(target, out var t) && t == 0
                || JsonKinds.Of(target) == JsonKind.String && JsonKinds.Text(target).Length == 0;
            if (targetUnset && port["port"] is { } number)
            {
                port["targetPort"] = number.DeepClone();
            }
        }
        var externallyAccessible = type is "LoadBalancer" or "NodePort"
            || type == "ClusterIP" && spec["externalIPs"] is JsonArray { Count: > 0 };
        if (externallyAccessible)
        {
            IfEmpty(spec, "externalTrafficPolicy", "Cluster");
        }
        if (type is "ClusterIP" or "NodePort" or "LoadBalancer")
        {
            IfEmpty(spec, "internalTrafficPolicy", "Cluster");
            // Strictly these come from the IP allocator, not defaulting; a single-stack IPv4 cluster always sets them.
            IfEmpty(spec, "ipFamilyPolicy", "SingleStack");
            IfUnset(spec, "ipFamilies", () => new JsonArray("IPv4"));
        }
        if (type == "LoadBalancer")
        {
            IfUnset(spec, "allocateLoadBalancerNodePorts", () => true);
        }
    }

    private static void PersistentVolumeClaim(JsonObject pvc)
    {
        IfUnset(Object(pvc, "spec"), "volumeMode", () => "Filesystem");
        IfEmpty(Object(pvc, "status"), "phase", "Pending");
    }

    private static void Deployment(JsonObject deployment)
    {
        var spec = Object(deployment, "spec");
        IfUnset(spec, "replicas", () => 1);
        var strategy = Object(spec, "strategy");
        IfEmpty(strategy, "type", "RollingUpdate");
        if (JsonKinds.Text(strategy["type"]) == "RollingUpdate")
        {
            var rollingUpdate = Object(strategy, "rollingUpdate");
            IfUnset(rollingUpdate, "maxUnavailable", () => "25%");
            IfUnset(rollingUpdate, "maxSurge", () => "25%");
        }
        IfUnset(spec, "revisionHistoryLimit", () => 10);
        IfUnset(spec, "progressDeadlineSeconds", () => 600);
        PodDefaults.ApplyTemplate(Object(spec, "template"));
    }

    private static void ReplicaSet(JsonObject replicaSet)
    {
        var spec = Object(replicaSet, "spec");
        IfUnset(spec, "replicas", () => 1);
        PodDefaults.ApplyTemplate(Object(spec, "template"));
    }

    private static void StatefulSet(JsonObject statefulSet)
    {
        var spec = Object(statefulSet, "spec");
        IfEmpty(spec, "podManagementPolicy", "OrderedReady");
        var strategy = Object(spec, "updateStrategy");
        if (strategy["type"] is null || JsonKinds.Text(strategy["type"]).Length == 0)
        {
            strategy["type"] = "RollingUpdate";
            Object(strategy, "rollingUpdate");
        }
        if (JsonKinds.Text(strategy["type"]) == "RollingUpdate" && strategy["rollingUpdate"] is JsonObject rollingUpdate)
        {
            IfUnset(rollingUpdate, "partition", () => 0);
        }
        var retention = Object(spec, "persistentVolumeClaimRetentionPolicy");
        IfEmpty(retention, "whenDeleted", "Retain");
        IfEmpty(retention, "whenScaled", "Retain");
        IfUnset(spec, "replicas", () => 1);
        IfUnset(spec, "revisionHistoryLimit", () => 10);
        PodDefaults.ApplyTemplate(Object(spec, "template"));
        foreach (var claim in Items(spec, "volumeClaimTemplates"))
        {
            PersistentVolumeClaim(claim);
        }
    }

    private static void DaemonSet(JsonObject daemonSet)
    {
        var spec = Object(daemonSet, "spec");
        var strategy = Object(spec, "updateStrategy");
        IfEmpty(strategy, "type", "RollingUpdate");
        if (JsonKinds.Text(strategy["type"]) == "RollingUpdate")
        {
            var rollingUpdate = Object(strategy, "rollingUpdate");
            IfUnset(rollingUpdate, "maxUnavailable", () => 1);
            IfUnset(rollingUpdate, "maxSurge", () => 0);
        }
        IfUnset(spec, "revisionHistoryLimit", () => 10);
        PodDefaults.ApplyTemplate(Object(spec, "template"));
    }

    private static void Job(JsonObject job, string? uid)
    {
        var spec = Object(job, "spec");
        if (spec["completions"] is null && spec["parallelism"] is null)
        {
            spec["completions"] = 1;
            spec["parallelism"] = 1;
        }
        IfUnset(spec, "parallelism", () => 1);
        IfUnset(spec, "backoffLimit", () => 6);
        IfUnset(spec, "completionMode", () => "NonIndexed");
        IfUnset(spec, "suspend", () => false);
        // Replacement pods wait for the old pod to be gone, unless a pod failure policy needs them to fail first.
        IfUnset(spec, "podReplacementPolicy", () => spec["podFailurePolicy"] is null ? "TerminatingOrFailed" : "Failed");

        var template = Object(spec, "template");
        var metadata = Object(job, "metadata");
        CopyTemplateLabelsIfUnlabelled(metadata, template);
        uid ??= JsonKinds.Text(metadata["uid"]);
        if (!JsonKinds.IsTrue(spec["manualSelector"]) && uid.Length > 0)
        {
            GenerateJobSelector(spec, template, JsonKinds.Text(metadata["name"]), uid);
        }
        // Upstream defaults again when it reads the stored Job; a Job that had no labels then gets the generated ones.
        CopyTemplateLabelsIfUnlabelled(metadata, template);
        PodDefaults.ApplyTemplate(template);
    }

    private static void CopyTemplateLabelsIfUnlabelled(JsonObject metadata, JsonObject template)
    {
        if (template.At("metadata", "labels") is JsonObject { Count: > 0 } templateLabels && metadata["labels"] is not JsonObject { Count: > 0 })
        {
            metadata["labels"] = templateLabels.DeepClone();
        }
    }

    /// <summary>
    /// Labels the pod template with the Job's name and uid (new and legacy keys) and selects on the uid, so the
    /// Job's pods can never be confused with another Job's. Labels the user already set are kept.
    /// </summary>
    private static void GenerateJobSelector(JsonObject spec, JsonObject template, string name, string uid)
    {
        var labels = Object(Object(template, "metadata"), "labels");
        foreach (var key in (string[])[LegacyJobNameLabel, JobNameLabel])
        {
            if (!labels.ContainsKey(key) && name.Length > 0)
            {
                labels[key] = name;
            }
        }
        foreach (var key in (string[])[LegacyJobControllerUidLabel, JobControllerUidLabel])
        {
            if (!labels.ContainsKey(key))
            {
                labels[key] = uid;
            }
        }
        var matchLabels = Object(Object(spec, "selector"), "matchLabels");
        if (!matchLabels.ContainsKey(JobControllerUidLabel))
        {
            matchLabels[JobControllerUidLabel] = uid;
        }
    }

    private static void CronJob(JsonObject cronJob)
    {
        var spec = Object(cronJob, "spec");
        IfEmpty(spec, "concurrencyPolicy", "Allow");
        IfUnset(spec, "suspend", () => false);
        IfUnset(spec, "successfulJobsHistoryLimit", () => 3);
        IfUnset(spec, "failedJobsHistoryLimit", () => 1);
        PodDefaults.ApplyTemplate(Object(Object(Object(spec, "jobTemplate"), "spec"), "template"));
    }
}
