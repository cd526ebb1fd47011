using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Informers;
using Flotilla.LocalCluster.Common;
using Flotilla.Runtime;
using Flotilla.Runtime.Controllers;
using Flotilla.Runtime.WorkQueue;

namespace Flotilla.LocalCluster.Networking;

/// <summary>
/// kube-controller-manager's (legacy) Endpoints controller, for every Service with a selector: a core/v1
/// <c>Endpoints</c> of the Service's name whose subsets group pods by resolved ports, ready pods under
/// <c>addresses</c> and the others under <c>notReadyAddresses</c> (terminating pods left out unless the Service
/// publishes not-ready addresses). Deleted when the Service is.
/// </summary>
internal sealed class EndpointsController(Lister<JsonObject> services, Lister<JsonObject> pods, Lister<JsonObject> endpoints, ResourceClient<JsonObject> endpointsClient)
    : IReconciler<NamespacedName>
{
    public void Watch(SharedInformer<JsonObject> serviceInformer, SharedInformer<JsonObject> podInformer, SharedInformer<JsonObject> endpointsInformer,
        EndpointSliceController slices, WorkQueue<NamespacedName> queue)
    {
        queue.EnqueueObjects(serviceInformer);
        queue.EnqueueMapped(podInformer, slices.ServicesSelecting);
        queue.EnqueueObjects(endpointsInformer);
    }

    public async Task<ReconcileResult> ReconcileAsync(NamespacedName key, CancellationToken cancellationToken)
    {
        var client = endpointsClient.InNamespace(key.Namespace);
        var service = services.Get(key.Namespace, key.Name);
        var current = endpoints.Get(key.Namespace, key.Name);
        if (service is null)
        {
            if (current is not null && IsOurs(current))
            {
                try
                {
                    await client.DeleteAsync(key.Name, new DeleteOptions { PreconditionUid = current.Uid() }, cancellationToken).ConfigureAwait(false);
                }
                catch (ApiException e) when (e.IsNotFound() || e.IsConflict())
                {
                    // Already gone.
                }
            }
            return ReconcileResult.Done;
        }
        if (!ServiceEndpoints.IsManaged(service))
        {
            return ReconcileResult.Done;
        }

        var publishNotReady = Json.Bool(service.At("spec", "publishNotReadyAddresses"));
        var subsets = new JsonArray();
        foreach (var group in ServiceEndpoints.Resolve(service, pods, includeTerminating: publishNotReady).GroupBy(e => e.PortsKey).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var subset = new JsonObject();
            var ready = group.Where(e => e.Ready).OrderBy(e => e.Ip, StringComparer.Ordinal).Select(e => (JsonNode)Address(service, e)).ToArray();
            var notReady = group.Where(e => !e.Ready).OrderBy(e => e.Ip, StringComparer.Ordinal).Select(e => (JsonNode)Address(service, e)).ToArray();
            if (ready.Length > 0)
            {
                subset["addresses"] = new JsonArray(ready);
            }
            if (notReady.Length > 0)
            {
                subset["notReadyAddresses"] = new JsonArray(notReady);
            }
            var ports = group.First().Ports;
            if (ports.Count > 0)
            {
                subset["ports"] = new JsonArray([.. ports.Select(p =>
                {
                    var port = new JsonObject();
                    if (p.Name.Length > 0)
                    {
                        port["name"] = p.Name;
                    }
                    port["port"] = p.Port;
                    port["protocol"] = p.Protocol;
                    if (p.AppProtocol is not null)
                    {
                        port["appProtocol"] = p.AppProtocol;
                    }
                    return (JsonNode)port;
                })]);
            }
            subsets.Add(subset);
        }

        var labels = ServiceEndpoints.CopiedLabels(service);
        if (current is null)
        {
            var created = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Endpoints",
                ["metadata"] = new JsonObject { ["name"] = key.Name, ["namespace"] = key.Namespace, ["labels"] = labels },
            };
            if (subsets.Count > 0)
            {
                created["subsets"] = subsets;
            }
            try
            {
                await client.CreateAsync(created, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsAlreadyExists())
            {
                // The cache is behind; the create event brings us back.
            }
            return ReconcileResult.Done;
        }
        var wantSubsets = subsets.Count > 0 ? subsets : null;
        if (!JsonNode.DeepEquals(wantSubsets, current["subsets"] is JsonArray { Count: > 0 } s ? s : null) || !JsonNode.DeepEquals(labels, current.Labels() ?? []))
        {
            var update = Json.Clone(current);
            update.Metadata()["labels"] = labels;
            if (wantSubsets is null)
            {
                update.Remove("subsets");
            }
            else
            {
                update["subsets"] = wantSubsets;
            }
            await client.UpdateAsync(update, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        return ReconcileResult.Done;
    }

    /// <summary>Endpoints made for a selector-less Service (by a user, for external backends) are never deleted.</summary>
    private static bool IsOurs(JsonObject endpoints) => endpoints["subsets"] is null || Json.Items(endpoints["subsets"])
        .SelectMany(s => Json.Items(s["addresses"]).Concat(Json.Items(s["notReadyAddresses"])))
        .All(a => Json.Str(a.At("targetRef", "kind")) == "Pod");

    private static JsonObject Address(JsonObject service, ServiceEndpoint endpoint)
    {
        var address = new JsonObject { ["ip"] = endpoint.Ip };
        if (ServiceEndpoints.Hostname(endpoint.Pod, service) is { } hostname)
        {
            address["hostname"] = hostname;
        }
        if (Pods.NodeName(endpoint.Pod) is { Length: > 0 } node)
        {
            address["nodeName"] = node;
        }
        address["targetRef"] = new JsonObject
        {
            ["kind"] = "Pod",
            ["namespace"] = endpoint.Pod.Namespace(),
            ["name"] = endpoint.Pod.Name(),
            ["uid"] = endpoint.Pod.Uid(),
        };
        return address;
    }
}
