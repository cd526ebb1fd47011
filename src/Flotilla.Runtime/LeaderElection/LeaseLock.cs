using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Client;

namespace Flotilla.Runtime.LeaderElection;

/// <summary>A <c>coordination.k8s.io/v1</c> Lease read and written through the REST client.</summary>
internal sealed class LeaseLock : ILeaseLock
{
    /// <summary>Leases are a stable built-in: no discovery needed.</summary>
    public static readonly ResourceMapping Mapping = new("coordination.k8s.io", "v1", "leases", "Lease", namespaced: true);

    private readonly ResourceClient<JsonObject> _leases;
    private readonly string _namespace;
    private readonly string _name;

    public LeaseLock(KubernetesClient client, string ns, string name)
    {
        _leases = client.Resource(Mapping).InNamespace(ns);
        _namespace = ns;
        _name = name;
    }

    public string Description => $"{_namespace}/{_name}";

    public async Task<JsonObject?> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _leases.GetAsync(_name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsNotFound())
        {
            return null;
        }
    }

    public Task<JsonObject> CreateAsync(LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        var lease = new JsonObject
        {
            ["apiVersion"] = "coordination.k8s.io/v1",
            ["kind"] = "Lease",
            ["metadata"] = new JsonObject { ["name"] = _name, ["namespace"] = _namespace },
        };
        record.WriteTo(lease);
        return _leases.CreateAsync(lease, cancellationToken: cancellationToken);
    }

    public Task<JsonObject> UpdateAsync(JsonObject current, LeaderElectionRecord record, CancellationToken cancellationToken)
    {
        // The copy keeps metadata.resourceVersion, which makes the PUT a compare-and-swap.
        var lease = current.DeepClone().AsObject();
        record.WriteTo(lease);
        return _leases.UpdateAsync(lease, cancellationToken: cancellationToken);
    }
}
