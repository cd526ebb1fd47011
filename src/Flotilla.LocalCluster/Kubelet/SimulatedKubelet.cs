using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Responder;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.Events;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Kubelet;

/// <summary>
/// The kubelets of every node of the cluster, in one reconciler keyed by pod. For each pod bound to one of our
/// nodes it gives the pod a distinct IP from its node's block, starts it (after
/// <see cref="LocalClusterOptions.PodStartDelay"/>), starts the responder on its container ports, reports the
/// status a kubelet reports (Pending, then Running; Ready once each container's readiness delay has passed), runs a
/// Job's pod to success, and stops it when the pod goes: listeners closed, IP released. A pod marked for graceful
/// deletion is stopped and then deleted with grace period 0, as the kubelet does (our API server deletes pods at
/// once, so this matters only on servers that honour grace periods or for pods with finalizers).
/// </summary>
internal sealed class SimulatedKubelet : IReconciler<NamespacedName>, IAsyncDisposable
{
    private static readonly TimeSpan NoAddressRetry = TimeSpan.FromSeconds(10);

    private readonly ClusterLayout _layout;
    private readonly Lister<JsonObject> _pods;
    private readonly ResourceClient<JsonObject> _podClient;
    private readonly PodResponder _responder;
    private readonly Func<string, IEventRecorder> _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<NamespacedName, PodRun> _runs = new();
    private readonly Dictionary<string, PodIpAllocator> _allocators;
    private readonly Lock _seedLock = new();
    private bool _seeded;

    public SimulatedKubelet(ClusterLayout layout, Lister<JsonObject> pods, ResourceClient<JsonObject> podClient, PodResponder responder,
        Func<string, IEventRecorder> events, TimeProvider time, ILogger logger)
    {
        _layout = layout;
        _pods = pods;
        _podClient = podClient;
        _responder = responder;
        _events = events;
        _time = time;
        _logger = logger;
        _allocators = layout.Nodes.ToDictionary(n => n.Name, n => new PodIpAllocator(n.PodCidr), StringComparer.Ordinal);
    }

    /// <summary>Whether a pod is this kubelet's concern: bound to one of our nodes.</summary>
    public bool IsOurs(JsonObject pod) => _layout.Find(Pods.NodeName(pod)) is not null;

    /// <summary>The pods running now (tests and diagnostics).</summary>
    public int RunningCount => _runs.Values.Count(r => !r.Finished);

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        EnsureSeeded();
        var pod = _pods.Get(key.Namespace, key.Name);
        _runs.TryGetValue(key, out var run);
        if (pod is null)
        {
            if (run is not null)
            {
                await StopAsync(key, run, release: true).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        if (run is not null && run.Uid != pod.Uid())
        {
            // Deleted and re-created under the same name (a StatefulSet's pod) while we were not looking.
            await StopAsync(key, run, release: true).ConfigureAwait(false);
            run = null;
        }
        if (_layout.Find(Pods.NodeName(pod)) is not { } node)
        {
            if (run is not null)
            {
                await StopAsync(key, run, release: true).ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        if (pod.IsDeleting())
        {
            await DeleteGracefullyAsync(key, pod, run, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (Pods.IsTerminal(pod))
        {
            // Finished (by us, or marked so by someone else): nothing runs any more, but the pod keeps its address
            // until it is deleted, as its status still shows it.
            if (run is not null)
            {
                run.Finished = true;
                if (run.Listeners is { } listeners)
                {
                    run.Listeners = null;
                    await listeners.DisposeAsync().ConfigureAwait(false);
                }
            }
            return ReconcileResult.Done;
        }

        var now = _time.GetUtcNow();
        if (run is null)
        {
            run = Accept(pod, node, now);
            if (run is null)
            {
                LocalClusterLog.NoPodIp(_logger, key, node.Name, node.PodCidr.ToString());
                _events(node.Name).Record(pod, EventType.Warning, "FailedCreatePodSandBox",
                    $"Failed to create pod sandbox: no IP addresses available in range set: {node.PodCidr}");
                return ReconcileResult.RequeueAfter(NoAddressRetry);
            }
            _runs[key] = run;
        }

        if (now < run.StartedAt)
        {
            await WriteStatusAsync(pod, PodStatuses.Pending(pod, run, pod["status"] as JsonObject, now), cancellationToken).ConfigureAwait(false);
            return ReconcileResult.RequeueAfter(run.StartedAt - now);
        }
        if (run.Listeners is null && !run.Finished)
        {
            StartContainers(key, pod, run, node.Name);
        }
        var finishAt = run.StartedAt + _layout.Options.JobPodRunDuration;
        if (run.RunsToCompletion && now >= finishAt)
        {
            await WriteStatusAsync(pod, PodStatuses.Succeeded(pod, run, pod["status"] as JsonObject, now, finishAt), cancellationToken).ConfigureAwait(false);
            run.Finished = true;
            if (run.Listeners is { } listeners)
            {
                run.Listeners = null;
                await listeners.DisposeAsync().ConfigureAwait(false);
            }
            return ReconcileResult.Done;
        }
        await WriteStatusAsync(pod, PodStatuses.Running(pod, run, pod["status"] as JsonObject, now, _layout.Options.ReadinessDelay), cancellationToken).ConfigureAwait(false);

        // Come back when the next container becomes started or ready, or the Job's pod finishes.
        var pending = Pods.Containers(pod)
            .SelectMany(c =>
            {
                var (started, ready) = PodStatuses.Delays(c, _layout.Options.ReadinessDelay);
                return new[] { run.StartedAt + started, run.StartedAt + ready };
            })
            .Append(run.RunsToCompletion ? finishAt : DateTimeOffset.MaxValue)
            .Where(t => t > now)
            .DefaultIfEmpty(DateTimeOffset.MaxValue)
            .Min();
        return pending == DateTimeOffset.MaxValue ? ReconcileResult.Done : ReconcileResult.RequeueAfter(pending - now);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (key, run) in _runs)
        {
            await StopAsync(key, run, release: true).ConfigureAwait(false);
        }
    }

    /// <summary>Reserves the addresses pods already hold (a restart of the runtime), before any new pod is given one.</summary>
    private void EnsureSeeded()
    {
        lock (_seedLock)
        {
            if (_seeded)
            {
                return;
            }
            foreach (var pod in _pods.List())
            {
                if (_allocators.TryGetValue(Pods.NodeName(pod), out var allocator) && Pods.PodIp(pod) is { Length: > 0 } ip && !Json.Bool(pod.At("spec", "hostNetwork"))
                    && allocator.TryReserve(pod.Uid(), ip) && Pods.IsTerminal(pod))
                {
                    // A finished pod is never run again, but its address must be released when it is deleted.
                    var start = Json.Time(pod.At("status", "startTime")) ?? _time.GetUtcNow();
                    _runs[new NamespacedName(pod.Namespace(), pod.Name())] = new PodRun
                    {
                        Uid = pod.Uid(),
                        Node = Pods.NodeName(pod),
                        HostIp = Json.Str(pod.At("status", "hostIP")) ?? "",
                        Ip = ip,
                        HostNetwork = false,
                        AcceptedAt = start,
                        StartedAt = start,
                        Finished = true,
                    };
                }
            }
            _seeded = true;
        }
    }

    /// <summary>Takes a pod on: its address (kept from before a restart when still free), its times; null when no address is free.</summary>
    private PodRun? Accept(JsonObject pod, NodeLayout node, DateTimeOffset now)
    {
        var hostNetwork = Json.Bool(pod.At("spec", "hostNetwork"));
        var status = pod["status"] as JsonObject;
        var known = Pods.PodIp(pod);
        var ip = known;
        if (hostNetwork)
        {
            ip = node.Address;
        }
        else if (known.Length == 0 || !_allocators[node.Name].TryReserve(pod.Uid(), known))
        {
            // New, or its old address is held by another pod: a new sandbox with a new address.
            if (!_allocators[node.Name].TryAllocate(pod.Uid(), out ip))
            {
                return null;
            }
        }
        var acceptedAt = Json.Time(status?["startTime"]) ?? now;
        var running = Json.Items(status?["containerStatuses"]).Select(c => Json.Time(c.At("state", "running", "startedAt"))).FirstOrDefault(t => t is not null);
        var adopted = Pods.Phase(pod) == "Running" && running is not null && known == ip;
        var run = new PodRun
        {
            Uid = pod.Uid(),
            Node = node.Name,
            HostIp = node.Address,
            Ip = ip,
            HostNetwork = hostNetwork,
            AcceptedAt = acceptedAt,
            StartedAt = adopted ? running!.Value : acceptedAt + _layout.Options.PodStartDelay,
            Adopted = adopted,
            RunsToCompletion = ObjectRefs.IsControlledBy(pod, Kinds.Jobs, out _, out _) && Json.Str(pod.At("spec", "restartPolicy")) != "Always",
        };
        if (adopted)
        {
            foreach (var container in Json.Items(status?["containerStatuses"]).Concat(Json.Items(status?["initContainerStatuses"])))
            {
                var id = Json.Str(container["containerID"]);
                var separator = id?.IndexOf("://", StringComparison.Ordinal) ?? -1;
                if (separator > 0 && Json.Str(container["name"]) is { } name)
                {
                    run.ContainerIds[name] = id![(separator + 3)..];
                }
            }
        }
        return run;
    }

    private void StartContainers(NamespacedName key, JsonObject pod, PodRun run, string node)
    {
        var containers = Pods.Containers(pod).ToList();
        var ports = containers
            .SelectMany(c => Json.Items(c["ports"]))
            .Where(p => (Json.Str(p["protocol"]) ?? "TCP") == "TCP" && Json.Int(p["containerPort"]) is > 0 and < 65536)
            .Select(p => Json.Int(p["containerPort"]));
        var image = Json.Str(containers.FirstOrDefault()?["image"]) ?? "";
        run.Listeners = _responder.Listen(new PodIdentity(key.Namespace, key.Name, run.Ip, KuardPage.VersionOf(image)), ports);
        LocalClusterLog.PodStarted(_logger, key, node, run.Ip);
        var events = _events(node);
        foreach (var failure in run.Listeners.Failures)
        {
            events.Record(pod, EventType.Warning, "PortListenFailed", failure);
        }
        if (run.Adopted)
        {
            return;
        }
        foreach (var container in Json.Items(pod.At("spec", "initContainers")).Concat(containers))
        {
            var name = Json.Str(container["name"]) ?? "";
            var reference = ObjectReference.FromObject(pod) with { FieldPath = $"spec.containers{{{name}}}" };
            events.Record(reference, EventType.Normal, "Pulled", $"Container image \"{Json.Str(container["image"])}\" already present on machine");
            events.Record(reference, EventType.Normal, "Created", $"Created container: {name}");
            events.Record(reference, EventType.Normal, "Started", $"Started container {name}");
        }
    }

    private async Task DeleteGracefullyAsync(NamespacedName key, JsonObject pod, PodRun? run, CancellationToken cancellationToken)
    {
        if (run?.Listeners is { } listeners)
        {
            run.Listeners = null;
            await listeners.DisposeAsync().ConfigureAwait(false);
            var events = _events(run.Node);
            foreach (var container in Pods.Containers(pod))
            {
                var name = Json.Str(container["name"]) ?? "";
                events.Record(ObjectReference.FromObject(pod) with { FieldPath = $"spec.containers{{{name}}}" }, EventType.Normal, "Killing", $"Stopping container {name}");
            }
        }
        if (run is { DeleteRequested: true })
        {
            return;
        }
        try
        {
            await _podClient.InNamespace(key.Namespace).DeleteAsync(key.Name, new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = pod.Uid() }, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
        {
            // Gone already, or a new pod took the name.
        }
        if (run is not null)
        {
            run.DeleteRequested = true;
        }
    }

    private async Task StopAsync(NamespacedName key, PodRun run, bool release)
    {
        if (run.Listeners is { } listeners)
        {
            run.Listeners = null;
            await listeners.DisposeAsync().ConfigureAwait(false);
        }
        if (release)
        {
            _runs.TryRemove(new KeyValuePair<NamespacedName, PodRun>(key, run));
            if (!run.HostNetwork && _allocators.TryGetValue(run.Node, out var allocator))
            {
                allocator.Release(run.Uid);
            }
            LocalClusterLog.PodStopped(_logger, key, run.Ip);
        }
    }

    private async Task WriteStatusAsync(JsonObject pod, JsonObject desired, CancellationToken cancellationToken)
    {
        if (PodStatuses.Diff(pod, desired) is not { } operations)
        {
            return;
        }
        try
        {
            await _podClient.InNamespace(pod.Namespace()).PatchStatusAsync(pod.Name(), Patch.Json(operations), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            // Deleted meanwhile; the delete event stops the pod.
        }
    }
}
