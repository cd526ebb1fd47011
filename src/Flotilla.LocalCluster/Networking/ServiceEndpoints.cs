using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;

namespace Flotilla.LocalCluster.Networking;

/// <summary>A Service port resolved for one pod: the Service port's name, protocol and app protocol, the pod's port number.</summary>
internal sealed record ResolvedPort(string Name, int Port, string Protocol, string? AppProtocol);

/// <summary>One pod behind a Service: its address, conditions and resolved ports.</summary>
internal sealed record ServiceEndpoint(JsonObject Pod, string Ip, bool Ready, bool Serving, bool Terminating, IReadOnlyList<ResolvedPort> Ports)
{
    /// <summary>A key equal for endpoints whose resolved ports are the same: such endpoints share a slice or subset.</summary>
    public string PortsKey => string.Join(";", Ports.Select(p => $"{p.Name}/{p.Protocol}/{p.Port}/{p.AppProtocol}"));
}

/// <summary>
/// Which pods back a Service and on which ports, as the EndpointSlice and Endpoints controllers decide: pods in the
/// Service's namespace matching its selector, with an IP, not finished; each Service port's <c>targetPort</c>
/// resolved per pod (a number, or the name of a container port with the same protocol; a name a pod lacks leaves
/// that port out for that pod).
/// </summary>
internal static class ServiceEndpoints
{
    public const string ServiceNameLabel = "kubernetes.io/service-name";
    public const string ManagedByLabel = "endpointslice.kubernetes.io/managed-by";
    public const string ManagedBy = "endpointslice-controller.k8s.io";
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    /// <summary>Whether the controllers manage endpoints for the Service: it has a non-empty selector and is not ExternalName.</summary>
    public static bool IsManaged(JsonObject service) =>
        service.At("spec", "selector") is JsonObject { Count: > 0 } && Json.Str(service.At("spec", "type")) != "ExternalName";

    public static LabelSelector Selector(JsonObject service) => LabelSelector.FromLabels(Json.StringMap(service.At("spec", "selector")));

    /// <summary>The endpoints of <paramref name="service"/>; terminating pods included only when asked.</summary>
    public static List<ServiceEndpoint> Resolve(JsonObject service, Lister<JsonObject> pods, bool includeTerminating)
    {
        var selector = Selector(service);
        var publishNotReady = Json.Bool(service.At("spec", "publishNotReadyAddresses"));
        var result = new List<ServiceEndpoint>();
        foreach (var pod in pods.List(service.Namespace(), selector))
        {
            var ip = Pods.PodIp(pod);
            var terminating = pod.IsDeleting();
            if (ip.Length == 0 || Pods.IsTerminal(pod) || (terminating && !includeTerminating))
            {
                continue;
            }
            var podReady = Pods.IsReady(pod);
            var ports = new List<ResolvedPort>();
            foreach (var servicePort in Json.Items(service.At("spec", "ports")))
            {
                if (TargetPort(servicePort, pod) is { } number)
                {
                    ports.Add(new ResolvedPort(Json.Str(servicePort["name"]) ?? "", number, Json.Str(servicePort["protocol"]) ?? "TCP", Json.Str(servicePort["appProtocol"])));
                }
            }
            result.Add(new ServiceEndpoint(pod, ip,
                Ready: publishNotReady || (podReady && !terminating),
                Serving: publishNotReady || podReady,
                Terminating: terminating,
                ports));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Pod.Name(), b.Pod.Name()));
        return result;
    }

    /// <summary>Upstream's <c>FindPort</c>: the number a Service port's <c>targetPort</c> means for <paramref name="pod"/>; null when a named port is not found.</summary>
    public static int? TargetPort(JsonObject servicePort, JsonObject pod)
    {
        var target = servicePort["targetPort"];
        if (Json.Long(target) is { } number)
        {
            return number > 0 ? (int)number : Json.Int(servicePort["port"]);
        }
        var name = Json.Str(target);
        if (string.IsNullOrEmpty(name))
        {
            return Json.Int(servicePort["port"]);
        }
        if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var numeric))
        {
            return numeric;
        }
        var protocol = Json.Str(servicePort["protocol"]) ?? "TCP";
        foreach (var port in Pods.Containers(pod).SelectMany(c => Json.Items(c["ports"])))
        {
            if (Json.Str(port["name"]) == name && (Json.Str(port["protocol"]) ?? "TCP") == protocol)
            {
                return Json.Int(port["containerPort"]);
            }
        }
        return null;
    }

    /// <summary>The pod's DNS hostname under the Service, when it sets <c>hostname</c> and its <c>subdomain</c> is the Service.</summary>
    public static string? Hostname(JsonObject pod, JsonObject service) =>
        Json.Str(pod.At("spec", "hostname")) is { Length: > 0 } hostname && Json.Str(pod.At("spec", "subdomain")) == service.Name() ? hostname : null;

    /// <summary>The Service's labels carried onto its EndpointSlices and Endpoints (reserved ones excepted).</summary>
    public static JsonObject CopiedLabels(JsonObject service)
    {
        var labels = new JsonObject();
        foreach (var (key, value) in Json.StringMap(service.Labels()).OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (key is not (ServiceNameLabel or ManagedByLabel or HeadlessLabel))
            {
                labels[key] = value;
            }
        }
        if (Json.Str(service.At("spec", "clusterIP")) == "None")
        {
            labels[HeadlessLabel] = "";
        }
        return labels;
    }
}
