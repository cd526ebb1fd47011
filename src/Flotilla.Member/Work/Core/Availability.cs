using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace Flotilla.Member.Work;

/// <summary>What the availability table says about one live object.</summary>
internal enum AvailabilityResult
{
    /// <summary>The object is serving as desired.</summary>
    Available,

    /// <summary>The object is trackable but not there yet; the applier checks again later.</summary>
    NotYetAvailable,

    /// <summary>Fleet cannot tell for this kind, and treats the object as available.</summary>
    NotTrackable,
}

/// <summary>
/// Per-kind availability of applied objects (placement spec §5.7). Kinds are matched with their group, so a custom
/// resource whose kind collides with a built-in one (an <c>example.com</c> Deployment) is not trackable.
/// </summary>
internal static class Availability
{
    // Data-like objects: available as soon as they exist.
    private static readonly FrozenSet<(string Group, string Kind)> ImmediatelyAvailable = new[]
    {
        ("", "Namespace"), ("", "Secret"), ("", "ConfigMap"), ("", "ServiceAccount"), ("", "LimitRange"),
        ("", "ResourceQuota"),
        ("rbac.authorization.k8s.io", "Role"), ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "RoleBinding"), ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("networking.k8s.io", "NetworkPolicy"), ("networking.k8s.io", "IngressClass"),
        ("storage.k8s.io", "CSIDriver"), ("storage.k8s.io", "CSINode"), ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "CSIStorageCapacity"),
        ("apps", "ControllerRevision"),
        ("scheduling.k8s.io", "PriorityClass"),
    }.ToFrozenSet();

    /// <summary>
    /// The availability of a live object of the given group and kind (table of §5.7). Missing status fields read as
    /// Go's zero values. Throws <see cref="FormatException"/> when a field it reads has the wrong type (upstream's typed
    /// decoding fails there too); <see cref="Evaluate"/> turns that into a <c>Failed</c> result.
    /// </summary>
    public static AvailabilityResult Track(string group, string kind, JsonObject live) => (group, kind) switch
    {
        ("apps", "Deployment") => Convert("deployment", live, Deployment),
        ("apps", "StatefulSet") => Convert("stateful set", live, StatefulSet),
        ("apps", "DaemonSet") => Convert("daemon set", live, DaemonSet),
        ("", "Service") => Convert("service", live, Service),
        ("apiextensions.k8s.io", "CustomResourceDefinition") => Convert("custom resource definition", live, CustomResourceDefinition),
        ("policy", "PodDisruptionBudget") => Convert("pod disruption budget", live, PodDisruptionBudget),
        _ when ImmediatelyAvailable.Contains((group, kind)) => AvailabilityResult.Available,
        _ => AvailabilityResult.NotTrackable,
    };

    /// <summary>
    /// The manifest-level availability result: <c>Skipped</c> when the manifest was not applied (only <c>Applied</c>
    /// and <c>AppliedWithFailedDriftDetection</c> are tracked) or there is no live object; otherwise
    /// <see cref="Track"/>'s result, with a malformed object reported as <c>Failed</c> and the reason.
    /// </summary>
    public static (AvailabilityResultType Result, string? Error) Evaluate(ApplyResultType? apply, string group, string kind, JsonObject? live)
    {
        if (!WorkStatusBuilder.IsApplied(apply) || live is null)
        {
            return (AvailabilityResultType.Skipped, null);
        }
        try
        {
            return (Track(group, kind, live) switch
            {
                AvailabilityResult.Available => AvailabilityResultType.Available,
                AvailabilityResult.NotYetAvailable => AvailabilityResultType.NotYetAvailable,
                _ => AvailabilityResultType.NotTrackable,
            }, null);
        }
        catch (FormatException e)
        {
            return (AvailabilityResultType.Failed, e.Message);
        }
    }

    private static AvailabilityResult Convert(string what, JsonObject live, Func<JsonObject, AvailabilityResult> track)
    {
        try
        {
            return track(live);
        }
        catch (FormatException e)
        {
            throw new FormatException($"failed to convert the unstructured object to a {what}: {e.Message}", e);
        }
    }

    // The workload rules read every field first (no short-circuit), so a malformed object fails whatever its state,
    // as upstream's decoding into the typed object does.

    private static AvailabilityResult Deployment(JsonObject d)
    {
        var replicas = JsonFields.OptionalInt(d, "spec", "replicas") ?? 1;
        var (generation, observed) = (JsonFields.Int(d, "metadata", "generation"), JsonFields.Int(d, "status", "observedGeneration"));
        var available = JsonFields.Int(d, "status", "availableReplicas");
        var updated = JsonFields.Int(d, "status", "updatedReplicas");
        var unavailable = JsonFields.Int(d, "status", "unavailableReplicas");
        return Ready(observed == generation && available == replicas && updated == replicas && unavailable == 0);
    }

    private static AvailabilityResult StatefulSet(JsonObject s)
    {
        var replicas = JsonFields.OptionalInt(s, "spec", "replicas") ?? 1;
        var (generation, observed) = (JsonFields.Int(s, "metadata", "generation"), JsonFields.Int(s, "status", "observedGeneration"));
        var available = JsonFields.Int(s, "status", "availableReplicas");
        var (current, updated) = (JsonFields.Int(s, "status", "currentReplicas"), JsonFields.Int(s, "status", "updatedReplicas"));
        var (currentRevision, updateRevision) = (JsonFields.String(s, "status", "currentRevision"), JsonFields.String(s, "status", "updateRevision"));
        return Ready(observed == generation && available == replicas && current == updated && currentRevision == updateRevision);
    }

    private static AvailabilityResult DaemonSet(JsonObject d)
    {
        var (generation, observed) = (JsonFields.Int(d, "metadata", "generation"), JsonFields.Int(d, "status", "observedGeneration"));
        var (available, desired) = (JsonFields.Int(d, "status", "numberAvailable"), JsonFields.Int(d, "status", "desiredNumberScheduled"));
        var (current, updated) = (JsonFields.Int(d, "status", "currentNumberScheduled"), JsonFields.Int(d, "status", "updatedNumberScheduled"));
        return Ready(observed == generation && available == desired && current == updated);
    }

    private static AvailabilityResult Service(JsonObject s)
    {
        switch (JsonFields.String(s, "spec", "type"))
        {
            case "" or "ClusterIP" or "NodePort":
                // Available once the cluster has allocated an IP (headless "None" counts: it is allocated).
                var clusterIps = JsonFields.Array(s, "spec", "clusterIPs");
                return Ready(clusterIps.Count > 0 && JsonFields.Text(clusterIps[0]) is { Length: > 0 });
            case "LoadBalancer":
                var ingress = JsonFields.Array(s, "status", "loadBalancer", "ingress");
                if (ingress.Count == 0)
                {
                    return AvailabilityResult.NotYetAvailable;
                }
                var first = JsonFields.Element(ingress, 0, "status.loadBalancer.ingress");
                return Ready(JsonFields.String(first, "ip").Length > 0 || JsonFields.String(first, "hostname").Length > 0);
            default:
                // ExternalName (or anything else): nothing in the cluster to wait for.
                return AvailabilityResult.NotTrackable;
        }
    }

    private static AvailabilityResult CustomResourceDefinition(JsonObject crd)
    {
        var conditions = JsonFields.Array(crd, "status", "conditions");
        return Ready(ConditionIsTrue(conditions, "Established") && ConditionIsTrue(conditions, "NamesAccepted"));
    }

    // k8s.io/component-helpers' ConditionsAreUpToDate: the disruption controller has seen this generation and its
    // DisruptionAllowed condition agrees with status.disruptionsAllowed.
    private static AvailabilityResult PodDisruptionBudget(JsonObject pdb) => Ready(PodDisruptionBudgetUpToDate(pdb));

    private static bool PodDisruptionBudgetUpToDate(JsonObject pdb)
    {
        var conditions = JsonFields.Array(pdb, "status", "conditions");
        var allowed = FindCondition(conditions, "DisruptionAllowed");
        if (allowed is null || JsonFields.Int(pdb, "status", "observedGeneration") != JsonFields.Int(pdb, "metadata", "generation"))
        {
            return false;
        }
        var status = JsonFields.String(allowed, "status");
        var reason = JsonFields.String(allowed, "reason");
        return JsonFields.Int(pdb, "status", "disruptionsAllowed") > 0
            ? status == "True" && reason == "SufficientPods"
            : status == "False" && reason == "InsufficientPods";
    }

    private static AvailabilityResult Ready(bool available) =>
        available ? AvailabilityResult.Available : AvailabilityResult.NotYetAvailable;

    private static bool ConditionIsTrue(JsonArray conditions, string type) =>
        FindCondition(conditions, type) is { } condition && JsonFields.String(condition, "status") == "True";

    private static JsonObject? FindCondition(JsonArray conditions, string type)
    {
        for (var i = 0; i < conditions.Count; i++)
        {
            var condition = JsonFields.Element(conditions, i, "status.conditions");
            if (JsonFields.String(condition, "type") == type)
            {
                return condition;
            }
        }
        return null;
    }
}
