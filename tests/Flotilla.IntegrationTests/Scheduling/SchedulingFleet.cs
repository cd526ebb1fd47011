using System.Text.Json.Nodes;
using Flotilla.ApiServer;
using Flotilla.LocalFleet;
using Flotilla.Testing;

namespace Flotilla.IntegrationTests.Scheduling;

/// <summary>
/// A local fleet of six members with varied labels, costs and a taint (the hub's scheduler, member agents and local
/// clusters all run), and kubectl helpers to place things on it and read what the scheduler decided.
/// </summary>
public sealed class SchedulingFleet : IAsyncLifetime, IDisposable
{
    /// <summary>
    /// cluster1..cluster6: environment, region and updateDay labels, critical-allowed/critical-level as in the seed's
    /// PickN example, per-CPU-core costs 0.100, 0.050, 0.200, 0.025, 0.075, 0.150 (hourly cost of one 4-core node),
    /// and cluster5 tainted dedicated=gpu:NoSchedule.
    /// </summary>
    public const string FleetFile = """
        members:
        - name: cluster1
          labels: {environment: production, region: eastus, updateDay: monday, critical-allowed: "true", critical-level: "1"}
          nodes: {count: 1, cpu: "4", hourlyCost: 0.4}
        - name: cluster2
          labels: {environment: production, region: westus, updateDay: tuesday, critical-allowed: "true"}
          nodes: {count: 1, cpu: "4", hourlyCost: 0.2}
        - name: cluster3
          labels: {environment: staging, region: eastus, updateDay: wednesday, critical-allowed: "true", critical-level: "1"}
          nodes: {count: 1, cpu: "4", hourlyCost: 0.8}
        - name: cluster4
          labels: {environment: production, region: centralus, updateDay: monday, critical-allowed: "false"}
          nodes: {count: 1, cpu: "4", hourlyCost: 0.1}
        - name: cluster5
          labels: {environment: staging, region: westus, updateDay: thursday, critical-allowed: "true"}
          taints:
          - {key: dedicated, value: gpu, effect: NoSchedule}
          nodes: {count: 1, cpu: "4", hourlyCost: 0.3}
        - name: cluster6
          labels: {region: centralus, updateDay: friday, critical-allowed: "true"}
          nodes: {count: 1, cpu: "4", hourlyCost: 0.6}
        """;

    private readonly TemporaryDirectory _directory = new("flotilla-scheduling");
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

    /// <summary>Removes the fleet's directory (after <see cref="DisposeAsync"/> stopped the fleet).</summary>
    public void Dispose() => _directory.Dispose();

    /// <summary>Waits until the placement's Scheduled condition is settled (not Unknown) for its current generation; returns the placement.</summary>
    public Task<JsonNode> ScheduledAsync(string crp) =>
        Eventually.WaitAsync($"crp {crp} to be scheduled for its current generation", async () =>
        {
            var placement = JsonNode.Parse(await Hub.SucceedAsync("get", "crp", crp, "-o", "json"))!;
            var condition = Condition(placement, "ClusterResourcePlacementScheduled");
            return condition is not null && (string?)condition["status"] != "Unknown"
                && (long?)condition["observedGeneration"] == (long?)placement["metadata"]!["generation"]
                ? placement
                : null;
        }, TimeSpan.FromSeconds(60));

    /// <summary>The clusters the placement's Scheduled and Bound bindings target, by name.</summary>
    public async Task<string[]> SelectedAsync(string crp)
    {
        var bindings = JsonNode.Parse(await Hub.SucceedAsync("get", "crb", "-l", $"kubernetes-fleet.io/parent-CRP={crp}", "-o", "json"))!["items"]!.AsArray();
        return [.. bindings
            .Where(b => (string?)b!["spec"]!["state"] is "Scheduled" or "Bound")
            .Select(b => (string)b!["spec"]!["targetCluster"]!)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Waits until the placement's Scheduled and Bound bindings target exactly <paramref name="expected"/>.</summary>
    public Task WaitSelectedAsync(string crp, params string[] expected) =>
        Eventually.WaitAsync($"crp {crp} to select {string.Join(", ", expected)}", async () =>
            (await SelectedAsync(crp)).SequenceEqual(expected.Order(StringComparer.Ordinal)) ? (bool?)true : null, TimeSpan.FromSeconds(60));

    public static JsonNode? Condition(JsonNode placement, string type) =>
        placement["status"]?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type);

    /// <summary>The per-cluster entries' (cluster name, Scheduled status, reason, message), in status order.</summary>
    public static (string Cluster, string Status, string Reason, string Message)[] PlacementStatuses(JsonNode placement) =>
        [.. (placement["status"]!["placementStatuses"]?.AsArray() ?? []).Select(entry =>
        {
            var scheduled = entry!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Scheduled")!;
            return ((string?)entry["clusterName"] ?? "", (string)scheduled["status"]!, (string)scheduled["reason"]!, (string)scheduled["message"]!);
        })];
}
