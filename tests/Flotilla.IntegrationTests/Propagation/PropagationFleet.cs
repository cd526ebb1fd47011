using System.Text.Json.Nodes;
using Flotilla.ApiServer;
using Flotilla.LocalFleet;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Propagation;

/// <summary>
/// A local fleet of three members — member-1 and member-2 labelled <c>environment: production</c>, member-3
/// <c>environment: staging</c> — with kubectl for the hub and each member, and helpers to read placement status.
/// </summary>
public sealed class PropagationFleet : IAsyncLifetime, IDisposable
{
    public const string FleetFile = """
        members:
        - name: member-1
          labels: {environment: production}
          nodes: {count: 1, cpu: "8"}
        - name: member-2
          labels: {environment: production}
          nodes: {count: 1, cpu: "8"}
        - name: member-3
          labels: {environment: staging}
          nodes: {count: 1, cpu: "8"}
        """;

    private readonly TemporaryDirectory _directory = new("flotilla-propagation");
    private LocalFleetHost? _fleet;

    public LocalFleetHost Fleet => _fleet ?? throw new InvalidOperationException("the fleet has not started");

    public Kubectl Hub { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _fleet = await LocalFleetHost.StartAsync(new LocalFleetOptions
        {
            Directory = _directory.Combine("fleet"),
            Fleet = Flotilla.LocalFleet.FleetFile.Parse(FleetFile),
            EphemeralPorts = true,
            Storage = StorageBackend.Memory,
        });
        using var joined = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await _fleet.WaitUntilJoinedAsync(joined.Token);
        Hub = new Kubectl(_fleet.Directory.Kubeconfig("hub"), _directory.Combine("kube-cache"));
    }

    public async Task DisposeAsync()
    {
        if (_fleet is not null)
        {
            await _fleet.DisposeAsync();
        }
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>kubectl against one member cluster's own API server.</summary>
    public Kubectl Member(string name) => new(Fleet.Directory.Kubeconfig(name), _directory.Combine("kube-cache"));

    public async Task<JsonNode> PlacementAsync(string crp) => JsonNode.Parse(await Hub.SucceedAsync("get", "crp", crp, "-o", "json"))!;

    public static JsonNode? Condition(JsonNode? owner, string type) =>
        owner?["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type)
        ?? owner?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type);

    /// <summary>True when the condition is present with this status at the object's current generation.</summary>
    public static bool IsAt(JsonNode placement, string type, string status)
    {
        var condition = Condition(placement, type);
        return (string?)condition?["status"] == status && (long?)condition["observedGeneration"] == (long?)placement["metadata"]!["generation"];
    }

    /// <summary>Waits until the placement's Available condition is True at its current generation; returns it.</summary>
    public Task<JsonNode> AvailableAsync(string crp, TimeSpan? timeout = null) =>
        Eventually.WaitAsync($"crp {crp} to be available", async () =>
        {
            var placement = await PlacementAsync(crp);
            return IsAt(placement, "ClusterResourcePlacementAvailable", "True") ? placement : null;
        }, timeout ?? TimeSpan.FromSeconds(90));

    /// <summary>The placement's per-cluster entry for <paramref name="cluster"/>.</summary>
    public static JsonNode? ClusterStatus(JsonNode placement, string cluster) =>
        placement["status"]?["placementStatuses"]?.AsArray().FirstOrDefault(p => (string?)p!["clusterName"] == cluster);

    /// <summary>The bindings of a placement, by target cluster.</summary>
    public async Task<Dictionary<string, JsonNode>> BindingsAsync(string crp) =>
        JsonNode.Parse(await Hub.SucceedAsync("get", "crb", "-l", $"kubernetes-fleet.io/parent-CRP={crp}", "-o", "json"))!["items"]!.AsArray()
            .ToDictionary(b => (string)b!["spec"]!["targetCluster"]!, b => b!);

    /// <summary>Whether the object exists on the member (kubectl get exits 0).</summary>
    public async Task<bool> ExistsOnAsync(string member, params string[] what) =>
        (await Member(member).RunAsync(["get", .. what, "-o", "name"], null)).ExitCode == 0;
}
