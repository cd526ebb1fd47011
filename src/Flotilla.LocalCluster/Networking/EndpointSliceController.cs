using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.WorkQueue;
using Microsoft.Extensions.Logging;

namespace Flotilla.LocalCluster.Networking;

/// <summary>
/// kube-controller-manager's EndpointSlice controller, for every Service with a selector: IPv4 EndpointSlices named
/// <c>&lt;service&gt;-&lt;5 random&gt;</c>, labelled <c>kubernetes.io/service-name</c> and
/// <c>endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io</c>, owned by the Service, one per
/// distinct set of resolved ports (at most <see cref="MaxEndpointsPerSlice"/> endpoints each), an empty placeholder
/// when no pod matches. Each endpoint has the pod IP, <c>ready</c>/<c>serving</c>/<c>terminating</c>,
/// <c>nodeName</c>, <c>zone</c> (the node's) and a <c>targetRef</c> to the pod. Slices follow pods as they come,
/// become ready, change labels and go; they are deleted with the Service. Slices of other managers (the fleet's
/// imported slices, say) are never touched.
/// </summary>
internal sealed class EndpointSliceController(
    Lister<JsonObject> services, Lister<JsonObject> pods, Lister<JsonObject> nodes, Lister<JsonObject> slices, ResourceClient<JsonObject> sliceClient, TimeProvider time, ILogger logger)
    : IReconciler<NamespacedName>
{
    public const int MaxEndpointsPerSlice = 100;

    public Expectations<NamespacedName> Expectations { get; } = new(time, TimeSpan.FromMinutes(1));

    /// <summary>Feeds the queue: Services, the Services selecting a pod that changed (before and after), and our slices' Services.</summary>
    public void Watch(SharedInformer<JsonObject> serviceInformer, SharedInformer<JsonObject> podInformer, SharedInformer<JsonObject> sliceInformer, WorkQueue<NamespacedName> queue)
    {
        queue.EnqueueObjects(serviceInformer);
        queue.EnqueueMapped(podInformer, ServicesSelecting);
        NamespacedName? Owner(JsonObject slice) =>
            Json.Str(slice.At("metadata", "labels", ServiceEndpoints.ManagedByLabel)) == ServiceEndpoints.ManagedBy
            && Json.Str(slice.At("metadata", "labels", ServiceEndpoints.ServiceNameLabel)) is { Length: > 0 } service
                ? new NamespacedName(slice.Namespace(), service)
                : null;
        sliceInformer.AddEventHandler(
            onAdd: slice =>
            {
                if (Owner(slice) is { } key)
                {
                    Expectations.CreationObserved(key);
                    queue.Add(key);
                }
            },
            onUpdate: (_, slice) =>
            {
                if (Owner(slice) is { } key)
                {
                    queue.Add(key);
                }
            },
            onDelete: deleted =>
            {
                if (Owner(deleted.Object) is { } key)
                {
                    Expectations.DeletionObserved(key, deleted.Object.Name());
                    queue.Add(key);
                }
            });
    }

    /// <summary>The selector-bearing Services of the pod's namespace that select it.</summary>
    public IEnumerable<NamespacedName> ServicesSelecting(JsonObject pod) =>
        services.List(pod.Namespace())
            .Where(s => ServiceEndpoints.IsManaged(s) && ServiceEndpoints.Selector(s).Matches(pod.Labels()))
            .Select(s => new NamespacedName(s.Namespace(), s.Name()))
            .ToList();

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        if (!Expectations.Satisfied(key))
        {
            // Our own creates or deletes have not reached the cache; their events requeue the Service.
            LocalClusterLog.ExpectationsPending(logger, "EndpointSlices of Service", key);
            return ReconcileResult.Done;
        }
        var client = sliceClient.InNamespace(key.Namespace);
        var existing = slices.List(key.Namespace, LabelSelector.FromLabels(new Dictionary<string, string>
        {
            [ServiceEndpoints.ServiceNameLabel] = key.Name,
            [ServiceEndpoints.ManagedByLabel] = ServiceEndpoints.ManagedBy,
        })).ToList();
        var service = services.Get(key.Namespace, key.Name);
        if (service is null || Json.Str(service.At("spec", "type")) == "ExternalName")
        {
            await DeleteAsync(key, client, existing, cancellationToken).ConfigureAwait(false);
            Expectations.Forget(key);
            return ReconcileResult.Done;
        }
        if (!ServiceEndpoints.IsManaged(service))
        {
            // Services without a selector get their slices from elsewhere (a user, a mirroring controller).
            return ReconcileResult.Done;
        }

        // Slices of an earlier Service of the same name, or (addressType being immutable) of another family, go.
        var stale = existing.Where(s => ObjectRefs.ControllerUid(s) != service.Uid() || Json.Str(s["addressType"]) != "IPv4").ToList();
        var ours = existing.Except(stale).ToList();
        var desired = Desired(service);
        var unmatched = ours.ToList();
        var toCreate = new List<JsonObject>();
        var toUpdate = new List<JsonObject>();
        var unplaced = new List<JsonObject>();
        // First, slices whose ports already match; then any slice left over (the placeholder, say) is rewritten
        // rather than replaced, as upstream reuses slices to keep churn down; only what remains is created.
        foreach (var want in desired)
        {
            var portsKey = Json.Canonical(want["ports"]);
            var match = unmatched.FirstOrDefault(s => Json.Canonical(s["ports"]) == portsKey);
            if (match is null)
            {
                unplaced.Add(want);
                continue;
            }
            unmatched.Remove(match);
            if (Rewrite(match, want) is { } update)
            {
                toUpdate.Add(update);
            }
        }
        foreach (var want in unplaced)
        {
            if (unmatched.Count == 0)
            {
                toCreate.Add(want);
                continue;
            }
            var reused = unmatched[0];
            unmatched.RemoveAt(0);
            if (Rewrite(reused, want) is { } update)
            {
                toUpdate.Add(update);
            }
        }

        foreach (var update in toUpdate)
        {
            await client.UpdateAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        if (toCreate.Count > 0)
        {
            Expectations.ExpectCreations(key, toCreate.Count);
            var created = 0;
            try
            {
                foreach (var create in toCreate)
                {
                    await client.CreateAsync(create, cancellationToken: cancellationToken).ConfigureAwait(false);
                    created++;
                }
            }
            finally
            {
                // Creates that failed or were never sent will not be observed.
                for (var i = created; i < toCreate.Count; i++)
                {
                    Expectations.CreationObserved(key);
                }
            }
        }
        await DeleteAsync(key, client, [.. unmatched, .. stale], cancellationToken).ConfigureAwait(false);
        return ReconcileResult.Done;
    }

    /// <summary>The update turning <paramref name="existing"/> into <paramref name="want"/>; null when they already agree.</summary>
    private static JsonObject? Rewrite(JsonObject existing, JsonObject want)
    {
        if (JsonNode.DeepEquals(want["endpoints"], existing["endpoints"] ?? new JsonArray())
            && JsonNode.DeepEquals(want["ports"], existing["ports"])
            && JsonNode.DeepEquals(want.At("metadata", "labels"), existing.At("metadata", "labels"))
            && JsonNode.DeepEquals(want.At("metadata", "ownerReferences"), existing.At("metadata", "ownerReferences")))
        {
            return null;
        }
        var update = Json.Clone(existing);
        update["endpoints"] = want["endpoints"]!.DeepClone();
        if (want["ports"] is { } ports)
        {
            update["ports"] = ports.DeepClone();
        }
        else
        {
            update.Remove("ports");
        }
        update["metadata"]!["labels"] = want.At("metadata", "labels")!.DeepClone();
        update["metadata"]!["ownerReferences"] = want.At("metadata", "ownerReferences")!.DeepClone();
        return update;
    }

    /// <summary>The slices the Service should have: endpoints grouped by resolved ports, in chunks; a placeholder when there are none.</summary>
    private List<JsonObject> Desired(JsonObject service)
    {
        var endpoints = ServiceEndpoints.Resolve(service, pods, includeTerminating: true);
        var result = new List<JsonObject>();
        foreach (var group in endpoints.GroupBy(e => e.PortsKey).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ports = group.First().Ports;
            foreach (var chunk in group.Chunk(MaxEndpointsPerSlice))
            {
                result.Add(Slice(service, ports, chunk));
            }
        }
        if (result.Count == 0)
        {
            result.Add(Slice(service, null, []));
        }
        return result;
    }

    private JsonObject Slice(JsonObject service, IReadOnlyList<ResolvedPort>? ports, IEnumerable<ServiceEndpoint> endpoints)
    {
        var labels = ServiceEndpoints.CopiedLabels(service);
        labels[ServiceEndpoints.ServiceNameLabel] = service.Name();
        labels[ServiceEndpoints.ManagedByLabel] = ServiceEndpoints.ManagedBy;
        var slice = new JsonObject
        {
            ["apiVersion"] = "discovery.k8s.io/v1",
            ["kind"] = "EndpointSlice",
            ["metadata"] = new JsonObject
            {
                ["generateName"] = service.Name() + "-",
                ["namespace"] = service.Namespace(),
                ["labels"] = labels,
                ["ownerReferences"] = new JsonArray(ObjectRefs.ControllerRef(service, Kinds.Services)),
            },
            ["addressType"] = "IPv4",
            ["endpoints"] = new JsonArray([.. endpoints.Select(e => (JsonNode)Endpoint(service, e))]),
        };
        if (ports is not null)
        {
            slice["ports"] = new JsonArray([.. ports.Select(p =>
            {
                var port = new JsonObject { ["name"] = p.Name, ["port"] = p.Port, ["protocol"] = p.Protocol };
                if (p.AppProtocol is not null)
                {
                    port["appProtocol"] = p.AppProtocol;
                }
                return (JsonNode)port;
            })]);
        }
        return slice;
    }

    private JsonObject Endpoint(JsonObject service, ServiceEndpoint endpoint)
    {
        var pod = endpoint.Pod;
        var result = new JsonObject
        {
            ["addresses"] = new JsonArray(endpoint.Ip),
            ["conditions"] = new JsonObject { ["ready"] = endpoint.Ready, ["serving"] = endpoint.Serving, ["terminating"] = endpoint.Terminating },
        };
        if (ServiceEndpoints.Hostname(pod, service) is { } hostname)
        {
            result["hostname"] = hostname;
        }
        var nodeName = Pods.NodeName(pod);
        if (nodeName.Length > 0)
        {
            result["nodeName"] = nodeName;
        }
        result["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = pod.Namespace(), ["name"] = pod.Name(), ["uid"] = pod.Uid() };
        if (nodeName.Length > 0 && Json.Str(nodes.Get(null, nodeName)?.At("metadata", "labels", "topology.kubernetes.io/zone")) is { Length: > 0 } zone)
        {
            result["zone"] = zone;
        }
        return result;
    }

    private async Task DeleteAsync(NamespacedName key, ResourceClient<JsonObject> client, List<JsonObject> doomed, CancellationToken cancellationToken)
    {
        if (doomed.Count == 0)
        {
            return;
        }
        Expectations.ExpectDeletions(key, doomed.Select(s => s.Name()));
        foreach (var slice in doomed)
        {
            try
            {
                await client.DeleteAsync(slice.Name(), new DeleteOptions { PreconditionUid = slice.Uid() }, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
            {
                Expectations.DeletionObserved(key, slice.Name());
            }
            catch
            {
                Expectations.DeletionObserved(key, slice.Name());
                throw;
            }
        }
    }
}
