using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Nodes;

/// <summary>
/// What each node's kubelet does about its own Node object: registers it (labels, pod CIDR), reports its status
/// (capacity, allocatable, conditions, addresses, node info) and keeps it fresh: the conditions' heartbeat every
/// <see cref="LocalClusterOptions.NodeStatusReportInterval"/>, and the node's Lease in <c>kube-node-lease</c> every
/// <see cref="LocalClusterOptions.NodeLeaseRenewInterval"/>. A node deleted by a user registers again.
/// </summary>
internal sealed class NodeController(
    ClusterLayout layout, Lister<JsonObject> nodes, ResourceClient<JsonObject> nodeClient, ResourceClient<JsonObject> leaseClient, TimeProvider time, ILogger logger)
    : IReconciler<NamespacedName>
{
    public const string LeaseNamespace = "kube-node-lease";
    private const int LeaseDurationSeconds = 40;
    private static readonly string BootId = Guid.NewGuid().ToString();

    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _lastReport = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastRenew = new(StringComparer.Ordinal);
    private bool _leasesUnavailable;

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (layout.Find(key.Name) is not { } node)
        {
            return ReconcileResult.Done;
        }
        var now = time.GetUtcNow();
        var current = nodes.Get(null, node.Name);
        if (current is null)
        {
            try
            {
                current = await nodeClient.CreateAsync(Registration(node), cancellationToken: cancellationToken).ConfigureAwait(false);
                LocalClusterLog.NodeRegistered(logger, node.Name);
            }
            catch (ApiException e) when (e.IsAlreadyExists())
            {
                current = await nodeClient.GetAsync(node.Name, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            var patch = RegistrationPatch(current, node);
            if (patch is not null)
            {
                current = await nodeClient.PatchAsync(node.Name, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        var status = DesiredStatus(node, current["status"] as JsonObject, now, out var changed);
        DateTimeOffset lastReport;
        lock (_lock)
        {
            lastReport = _lastReport.GetValueOrDefault(node.Name, DateTimeOffset.MinValue);
        }
        if (changed || now - lastReport >= layout.Options.NodeStatusReportInterval)
        {
            await nodeClient.PatchStatusAsync(node.Name, Patch.Merge(new JsonObject { ["status"] = status }), cancellationToken: cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                _lastReport[node.Name] = now;
            }
        }
        await RenewLeaseAsync(node, current, now, cancellationToken).ConfigureAwait(false);

        lock (_lock)
        {
            var nextReport = _lastReport[node.Name] + layout.Options.NodeStatusReportInterval - now;
            var nextRenew = _leasesUnavailable ? nextReport : _lastRenew.GetValueOrDefault(node.Name, now) + layout.Options.NodeLeaseRenewInterval - now;
            var next = nextReport < nextRenew ? nextReport : nextRenew;
            return ReconcileResult.RequeueAfter(next > TimeSpan.Zero ? next : TimeSpan.Zero);
        }
    }

    /// <summary>The labels every node carries: hostname, OS, architecture, instance type, topology.</summary>
    public Dictionary<string, string> Labels(NodeLayout node)
    {
        var options = layout.Options;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["beta.kubernetes.io/arch"] = "amd64",
            ["beta.kubernetes.io/os"] = "linux",
            ["kubernetes.io/arch"] = "amd64",
            ["kubernetes.io/hostname"] = node.Name,
            ["kubernetes.io/os"] = "linux",
            ["node.kubernetes.io/instance-type"] = options.InstanceType,
            ["beta.kubernetes.io/instance-type"] = options.InstanceType,
        };
        if (!string.IsNullOrEmpty(options.Region))
        {
            labels["topology.kubernetes.io/region"] = options.Region;
            labels["failure-domain.beta.kubernetes.io/region"] = options.Region;
        }
        if (!string.IsNullOrEmpty(node.Zone))
        {
            labels["topology.kubernetes.io/zone"] = node.Zone;
            labels["failure-domain.beta.kubernetes.io/zone"] = node.Zone;
        }
        return labels;
    }

    private JsonObject Registration(NodeLayout node) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject
        {
            ["name"] = node.Name,
            ["labels"] = Json.ToObject(Labels(node)),
            ["annotations"] = new JsonObject
            {
                ["node.alpha.kubernetes.io/ttl"] = "0",
                ["volumes.kubernetes.io/controller-managed-attach-detach"] = "true",
            },
        },
        ["spec"] = new JsonObject
        {
            ["podCIDR"] = node.PodCidr.ToString(),
            ["podCIDRs"] = new JsonArray(node.PodCidr.ToString()),
        },
    };

    /// <summary>A merge patch restoring our labels and pod CIDR when they drifted; null when the node is as registered. Other labels are left alone.</summary>
    private JsonObject? RegistrationPatch(JsonObject current, NodeLayout node)
    {
        var patch = new JsonObject();
        var labels = current.Labels();
        var labelPatch = new JsonObject();
        foreach (var (key, value) in Labels(node))
        {
            if (Json.Str(labels?[key]) != value)
            {
                labelPatch[key] = value;
            }
        }
        if (labelPatch.Count > 0)
        {
            patch["metadata"] = new JsonObject { ["labels"] = labelPatch };
        }
        if (Json.Str(current.At("spec", "podCIDR")) != node.PodCidr.ToString())
        {
            patch["spec"] = new JsonObject { ["podCIDR"] = node.PodCidr.ToString(), ["podCIDRs"] = new JsonArray(node.PodCidr.ToString()) };
        }
        return patch.Count == 0 ? null : patch;
    }

    /// <summary>The status to report; <paramref name="changed"/> tells whether it differs from the current one beyond heartbeats.</summary>
    private JsonObject DesiredStatus(NodeLayout node, JsonObject? current, DateTimeOffset now, out bool changed)
    {
        var options = layout.Options;
        var resources = new JsonObject
        {
            ["cpu"] = Quantities.FormatCpu(layout.CpuMillis),
            ["ephemeral-storage"] = Quantities.FormatBytes(layout.StorageBytes),
            ["hugepages-1Gi"] = "0",
            ["hugepages-2Mi"] = "0",
            ["memory"] = Quantities.FormatBytes(layout.MemoryBytes),
            ["pods"] = options.MaxPodsPerNode.ToString(CultureInfo.InvariantCulture),
        };
        var heartbeat = Obj.FormatTime(now);
        JsonObject Condition(string type, string status, string reason, string message)
        {
            var previous = StatusConditions.Find(current, type);
            var since = Json.Str(previous?["status"]) == status && previous?["lastTransitionTime"] is { } t ? t.DeepClone() : heartbeat;
            return new JsonObject
            {
                ["type"] = type,
                ["status"] = status,
                ["lastHeartbeatTime"] = heartbeat,
                ["lastTransitionTime"] = since,
                ["reason"] = reason,
                ["message"] = message,
            };
        }
        var status = new JsonObject
        {
            ["capacity"] = resources.DeepClone(),
            ["allocatable"] = resources,
            ["conditions"] = new JsonArray(
                Condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                Condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                Condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")),
            ["addresses"] = new JsonArray(
                new JsonObject { ["type"] = "InternalIP", ["address"] = node.Address },
                new JsonObject { ["type"] = "Hostname", ["address"] = node.Name }),
            ["daemonEndpoints"] = new JsonObject { ["kubeletEndpoint"] = new JsonObject { ["Port"] = 10250 } },
            ["nodeInfo"] = new JsonObject
            {
                ["machineID"] = Hex(node.Name + "/machine"),
                ["systemUUID"] = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(node.Name + "/system")).AsSpan(0, 16)).ToString(),
                ["bootID"] = BootId,
                ["kernelVersion"] = Environment.OSVersion.Version.ToString(),
                ["osImage"] = "Flotilla local node (simulated)",
                ["containerRuntimeVersion"] = ContainerRuntime.Version,
                ["kubeletVersion"] = options.KubeletVersion,
                ["kubeProxyVersion"] = options.KubeletVersion,
                ["operatingSystem"] = "linux",
                ["architecture"] = "amd64",
            },
        };
        changed = current is null || !SameIgnoringHeartbeats(status, current);
        return status;
    }

    private static bool SameIgnoringHeartbeats(JsonObject desired, JsonObject current)
    {
        foreach (var (key, value) in desired)
        {
            if (key == "conditions")
            {
                var want = Json.Items(value).Select(c => (Json.Str(c["type"]), Json.Str(c["status"]), Json.Str(c["reason"]))).ToList();
                var have = Json.Items(current[key]).Select(c => (Json.Str(c["type"]), Json.Str(c["status"]), Json.Str(c["reason"]))).ToList();
                if (!want.SequenceEqual(have))
                {
                    return false;
                }
            }
            else if (key != "nodeInfo" && !JsonNode.DeepEquals(value, current[key]))
            {
                return false;
            }
        }
        return true;
    }

    private async Task RenewLeaseAsync(NodeLayout node, JsonObject current, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_leasesUnavailable || now - _lastRenew.GetValueOrDefault(node.Name, DateTimeOffset.MinValue) < layout.Options.NodeLeaseRenewInterval)
            {
                return;
            }
        }
        var renewTime = now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        var leases = leaseClient.InNamespace(LeaseNamespace);
        try
        {
            await leases.PatchAsync(node.Name, Patch.Merge(new JsonObject { ["spec"] = new JsonObject { ["renewTime"] = renewTime } }), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            try
            {
                await leases.CreateAsync(new JsonObject
                {
                    ["apiVersion"] = "coordination.k8s.io/v1",
                    ["kind"] = "Lease",
                    ["metadata"] = new JsonObject
                    {
                        ["name"] = node.Name,
                        ["namespace"] = LeaseNamespace,
                        ["ownerReferences"] = new JsonArray(new JsonObject
                        {
                            ["apiVersion"] = "v1",
                            ["kind"] = "Node",
                            ["name"] = node.Name,
                            ["uid"] = current.Uid(),
                        }),
                    },
                    ["spec"] = new JsonObject
                    {
                        ["holderIdentity"] = node.Name,
                        ["leaseDurationSeconds"] = LeaseDurationSeconds,
                        ["renewTime"] = renewTime,
                    },
                }, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException create) when (create.IsNotFound() || create.IsForbidden())
            {
                // No kube-node-lease namespace (or no right to it): node heartbeats still flow through status.
                LocalClusterLog.LeasesUnavailable(logger, create.Message);
                lock (_lock)
                {
                    _leasesUnavailable = true;
                }
                return;
            }
            catch (ApiException create) when (create.IsAlreadyExists())
            {
                // Created meanwhile; renewed on the next round.
            }
        }
        lock (_lock)
        {
            _lastRenew[node.Name] = now;
        }
    }

    private static string Hex(string seed) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)).AsSpan(0, 16));
}

/// <summary>How the simulated container runtime names itself, in node info and container ids.</summary>
internal static class ContainerRuntime
{
    public const string Scheme = "flotilla";
    public const string Version = "flotilla://0.1.0";
}
