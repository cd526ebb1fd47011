using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Schema;
using static Flotilla.ApiServer.Defaulting.JsonFill;

namespace Flotilla.ApiServer.Defaulting;

/// <summary>
/// Upstream's defaults for pods and for every pod template (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job,
/// CronJob, ReplicationController, PodTemplate). Mutates in place.
/// </summary>
internal static class PodDefaults
{
    // Octal 0644, the mode of files projected from secrets, config maps and the downward API.
    private const int DefaultFileMode = 420;

    /// <summary>A Pod: the pod spec defaults plus those upstream applies only to pods, not templates.</summary>
    public static void ApplyPod(JsonObject pod)
    {
        var spec = Object(pod, "spec");
        ApplyPodSpec(spec);
        IfUnset(spec, "enableServiceLinks", () => true);
        foreach (var container in Items(spec, "containers").Concat(Items(spec, "initContainers")))
        {
            DefaultRequestsFromLimits(container);
        }
        if (JsonKinds.IsTrue(spec["hostNetwork"]))
        {
            // With the host's network, a container port is a host port.
            foreach (var port in Items(spec, "containers").Concat(Items(spec, "initContainers")).SelectMany(c => Items(c, "ports")))
            {
                if (port["hostPort"] is null || JsonKinds.TryGetInt64(port["hostPort"], out var hp) && hp == 0)
                {
                    port["hostPort"] = port["containerPort"]?.DeepClone();
                }
            }
        }
    }

    /// <summary>A pod template (<c>{metadata, spec}</c>); its spec is created when missing, as the Go struct always exists.</summary>
    public static void ApplyTemplate(JsonObject template) => ApplyPodSpec(Object(template, "spec"));

    public static void ApplyPodSpec(JsonObject spec)
    {
        IfEmpty(spec, "dnsPolicy", "ClusterFirst");
        IfEmpty(spec, "restartPolicy", "Always");
        IfUnset(spec, "securityContext", () => new JsonObject());
        IfUnset(spec, "terminationGracePeriodSeconds", () => 30);
        IfEmpty(spec, "schedulerName", "default-scheduler");
        foreach (var container in Items(spec, "containers").Concat(Items(spec, "initContainers")).Concat(Items(spec, "ephemeralContainers")))
        {
            ApplyContainer(container);
        }
        foreach (var volume in Items(spec, "volumes"))
        {
            ApplyVolume(volume);
        }
    }

    public static void ApplyContainer(JsonObject container)
    {
        if (JsonKinds.Text(container["imagePullPolicy"]).Length == 0)
        {
            container["imagePullPolicy"] = ImageTag(JsonKinds.Text(container["image"])) == "latest" ? "Always" : "IfNotPresent";
        }
        IfEmpty(container, "terminationMessagePath", "/dev/termination-log");
        IfEmpty(container, "terminationMessagePolicy", "File");
        foreach (var port in Items(container, "ports"))
        {
            IfEmpty(port, "protocol", "TCP");
        }
        foreach (var probe in (string[])["livenessProbe", "readinessProbe", "startupProbe"])
        {
            if (container[probe] is JsonObject p)
            {
                ApplyProbe(p);
            }
        }
        if (container["lifecycle"] is JsonObject lifecycle)
        {
            foreach (var hook in (string[])["postStart", "preStop"])
            {
                if (lifecycle.At(hook, "httpGet") is JsonObject httpGet)
                {
                    ApplyHttpGet(httpGet);
                }
            }
        }
        foreach (var env in Items(container, "env"))
        {
            if (env.At("valueFrom", "fieldRef") is JsonObject fieldRef)
            {
                IfEmpty(fieldRef, "apiVersion", "v1");
            }
        }
    }

    /// <summary>
    /// The tag upstream's image-name parser finds: "latest" when the reference has neither tag nor digest, "" when it
    /// has only a digest. Pull policy is Always for "latest", IfNotPresent otherwise.
    /// </summary>
    public static string ImageTag(string image)
    {
        var at = image.IndexOf('@', StringComparison.Ordinal);
        var hasDigest = at >= 0;
        var name = hasDigest ? image[..at] : image;
        // A ':' before the last '/' belongs to a registry host:port, not to a tag.
        var lastSlash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        var tag = colon > lastSlash ? name[(colon + 1)..] : "";
        return tag.Length == 0 && !hasDigest ? "latest" : tag;
    }

    private static void ApplyProbe(JsonObject probe)
    {
        IfZero(probe, "timeoutSeconds", 1);
        IfZero(probe, "periodSeconds", 10);
        IfZero(probe, "successThreshold", 1);
        IfZero(probe, "failureThreshold", 3);
        if (probe["httpGet"] is JsonObject httpGet)
        {
            ApplyHttpGet(httpGet);
        }
    }

    private static void ApplyHttpGet(JsonObject httpGet)
    {
        IfEmpty(httpGet, "path", "/");
        IfEmpty(httpGet, "scheme", "HTTP");
    }

    private static void ApplyVolume(JsonObject volume)
    {
        // A volume that names no source is an emptyDir.
        if (volume.All(p => p.Key == "name"))
        {
            volume["emptyDir"] = new JsonObject();
        }
        foreach (var source in (string[])["secret", "configMap", "downwardAPI", "projected"])
        {
            if (volume[source] is JsonObject s)
            {
                IfUnset(s, "defaultMode", () => DefaultFileMode);
            }
        }
        if (volume["hostPath"] is JsonObject hostPath)
        {
            IfUnset(hostPath, "type", () => "");
        }
        foreach (var item in volume["downwardAPI"] is JsonObject downward ? Items(downward, "items") : [])
        {
            if (item["fieldRef"] is JsonObject fieldRef)
            {
                IfEmpty(fieldRef, "apiVersion", "v1");
            }
        }
        foreach (var projection in volume["projected"] is JsonObject projected ? Items(projected, "sources") : [])
        {
            if (projection["serviceAccountToken"] is JsonObject token)
            {
                IfUnset(token, "expirationSeconds", () => 3600);
            }
        }
    }

    private static void DefaultRequestsFromLimits(JsonObject container)
    {
        if (container.At("resources", "limits") is not JsonObject limits)
        {
            return;
        }
        var requests = Object((JsonObject)container["resources"]!, "requests");
        foreach (var (resource, quantity) in limits)
        {
            if (!requests.ContainsKey(resource))
            {
                requests[resource] = quantity?.DeepClone();
            }
        }
    }
}
