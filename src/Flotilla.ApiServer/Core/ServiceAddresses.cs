using System.Net;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Core;

/// <summary>
/// What kube-apiserver's Service REST storage does with addresses: a new Service gets a ClusterIP from the service
/// range (unless headless or ExternalName) and node ports for NodePort/LoadBalancer ports; an update that leaves
/// them out keeps the allocated ones; a requested address already in use is refused.
/// </summary>
/// <remarks>
/// Allocation scans the stored Services under one gate instead of keeping a bitmap: deleting a Service then frees
/// its addresses with no bookkeeping, and Service creates are rare enough that the scan costs nothing noticeable.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "SemaphoreSlim holds no unmanaged resource unless its AvailableWaitHandle is used, which it never is here.")]
internal sealed class ServiceAddresses(IPNetwork? clusterIpRange)
{
    private const int NodePortMin = 30000;
    private const int NodePortMax = 32767;

    private readonly SemaphoreSlim _gate = new(1, 1);

    public static bool IsService(ResourceDefinition resource) => resource.Group.Length == 0 && resource.Kind == "Service";

    /// <summary>
    /// Fills in <c>clusterIP</c>/<c>clusterIPs</c> and node ports of a Service being created. The returned gate must be
    /// disposed after the Service is stored (or the create failed), so no other create can take the same addresses.
    /// </summary>
    public async Task<IDisposable> AllocateAsync(ResourceService service, ResourceDefinition resource, JsonObject obj, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var spec = obj["spec"] as JsonObject ?? [];
            obj["spec"] = spec;
            var type = spec.GetString("type") ?? "ClusterIP";
            if (type == "ExternalName")
            {
                return new Release(_gate);
            }
            var stored = service.List(resource, null).Items.Select(v => Obj.Parse(v.Value)).ToList();
            AllocateClusterIp(spec, stored);
            if (type is "NodePort" or "LoadBalancer")
            {
                AllocateNodePorts(obj, spec, stored);
            }
            return new Release(_gate);
        }
        catch
        {
            _gate.Release();
            throw;
        }
    }

    /// <summary>An update that omits allocated values keeps them (upstream's <c>patchAllocatedValues</c>).</summary>
    public static void KeepAllocated(JsonObject obj, JsonObject old)
    {
        if (obj["spec"] is not JsonObject spec || old["spec"] is not JsonObject oldSpec)
        {
            return;
        }
        if (string.IsNullOrEmpty(spec.GetString("clusterIP")) && oldSpec.GetString("clusterIP") is { Length: > 0 } clusterIp
            && (spec.GetString("type") ?? "ClusterIP") != "ExternalName")
        {
            spec["clusterIP"] = clusterIp;
            if (spec["clusterIPs"] is not JsonArray { Count: > 0 } && oldSpec["clusterIPs"] is JsonArray clusterIps)
            {
                spec["clusterIPs"] = clusterIps.DeepClone();
            }
        }
        if (spec["ports"] is JsonArray ports && oldSpec["ports"] is JsonArray oldPorts)
        {
            foreach (var port in ports.OfType<JsonObject>().Where(p => p["nodePort"] is null))
            {
                var match = oldPorts.OfType<JsonObject>().FirstOrDefault(o =>
                    o["port"]?.ToJsonString() == port["port"]?.ToJsonString() && (o.GetString("protocol") ?? "TCP") == (port.GetString("protocol") ?? "TCP"));
                if (match?["nodePort"] is JsonNode nodePort)
                {
                    port["nodePort"] = nodePort.DeepClone();
                }
            }
        }
    }

    private void AllocateClusterIp(JsonObject spec, List<JsonObject> stored)
    {
        var requested = spec.GetString("clusterIP");
        if (requested == "None")
        {
            spec["clusterIPs"] = new JsonArray("None");
            return;
        }
        var used = stored.Select(s => (s["spec"] as JsonObject)?.GetString("clusterIP")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(requested))
        {
            if (clusterIpRange is { } range && (!IPAddress.TryParse(requested, out var address) || !range.Contains(address)))
            {
                throw Invalid("spec.clusterIPs", requested, $"failed to allocate IP {requested}: the provided IP ({requested}) is not in the valid range. The range of valid IPs is {range}");
            }
            if (used.Contains(requested))
            {
                throw Invalid("spec.clusterIPs", requested, $"failed to allocate IP {requested}: provided IP is already allocated");
            }
            spec["clusterIPs"] = new JsonArray(requested);
            return;
        }
        if (clusterIpRange is not { } serviceRange)
        {
            return;
        }
        var allocated = FirstFree(serviceRange, used)
            ?? throw new ApiException(500, "InternalError", $"Internal error occurred: failed to allocate a serviceIP: range is full ({serviceRange})");
        spec["clusterIP"] = allocated;
        spec["clusterIPs"] = new JsonArray(allocated);
        spec["ipFamilies"] ??= new JsonArray("IPv4");
        spec["ipFamilyPolicy"] ??= "SingleStack";
    }

    private static void AllocateNodePorts(JsonObject obj, JsonObject spec, List<JsonObject> stored)
    {
        var used = stored
            .SelectMany(s => (s["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(p => p["nodePort"] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0)
            .Where(n => n > 0)
            .ToHashSet();
        var ports = spec["ports"] as JsonArray ?? [];
        for (var i = 0; i < ports.Count; i++)
        {
            if (ports[i] is not JsonObject port)
            {
                continue;
            }
            if (port["nodePort"] is JsonValue value && value.TryGetValue<int>(out var requested) && requested != 0)
            {
                if (used.Contains(requested))
                {
                    throw Invalid($"spec.ports[{i}].nodePort", requested.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "provided port is already allocated", obj.Name());
                }
                used.Add(requested);
                continue;
            }
            var free = Enumerable.Range(NodePortMin, NodePortMax - NodePortMin + 1).FirstOrDefault(p => !used.Contains(p));
            if (free == 0)
            {
                throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full");
            }
            port["nodePort"] = free;
            used.Add(free);
        }
    }

    /// <summary>The lowest free address of the range, skipping the network address and the first host (upstream keeps it for the <c>kubernetes</c> Service).</summary>
    private static string? FirstFree(IPNetwork range, HashSet<string> used)
    {
        var bytes = range.BaseAddress.GetAddressBytes();
        var baseValue = ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        var size = range.PrefixLength >= 32 ? 1u : 1u << (32 - range.PrefixLength);
        for (var offset = 2u; offset + 1 < size; offset++)
        {
            var value = baseValue + offset;
            var candidate = $"{value >> 24}.{(value >> 16) & 0xFF}.{(value >> 8) & 0xFF}.{value & 0xFF}";
            if (!used.Contains(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static ApiException Invalid(string field, string value, string detail, string name = "") =>
        ApiException.Invalid("Service", "", name, [new StatusCause("FieldValueInvalid", $"Invalid value: \"{value}\": {detail}", field)]);

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
