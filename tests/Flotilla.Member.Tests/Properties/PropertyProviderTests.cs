using System.Text;
using Flotilla.Api.Meta;
using Flotilla.Member.Properties;
using Flotilla.Testing;

namespace Flotilla.Member.Tests.Properties;

/// <summary>Property providers through the member agent (placement spec §8.4).</summary>
public sealed class PropertyProviderTests
{
    private static readonly Dictionary<string, double> Prices = new()
    {
        ["Standard_D4s_v3"] = 0.192,
        ["standard_d8s_v3"] = 0.384,
    };

    [Fact]
    public async Task Azure_NodesWithPrices_ReportsCostsVmSizesAndVersion()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateNodeAsync("a-1", "4", "16Gi", "3860m", "14Gi", "Standard_D4s_v3");
        await fleet.CreateNodeAsync("a-2", "4", "16Gi", "3860m", "14Gi", "Standard_D4s_v3");
        await fleet.CreateNodeAsync("b-1", "8", "32Gi", "7820m", "30Gi", "Standard_D8s_v3");
        await fleet.CreatePodAsync("web", "a-1", "Running", ("1", "2Gi"));
        await fleet.CreateImcAsync();

        await fleet.StartAgentAsync(new AzurePropertyProvider(new AzurePropertyProviderOptions { HourlyPrices = Prices }), healthProbe: new HealthyProbe());
        var imc = await fleet.WaitForJoinedAsync();

        var status = imc.Status!;
        var properties = status.Properties!.ToDictionary(p => p.Key, p => p.Value.Value);
        var version = (await fleet.MemberClient.GetVersionAsync())["gitVersion"]!.GetValue<string>();
        var ca = properties["k8s.io/cluster-certificate-authority-data"];
        properties.Remove("k8s.io/cluster-certificate-authority-data");
        Assert.Equal(new Dictionary<string, string>
        {
            ["kubernetes-fleet.io/node-count"] = "3",
            ["kubernetes.azure.com/vm-sizes/Standard_D4s_v3/count"] = "2",
            ["kubernetes.azure.com/vm-sizes/Standard_D8s_v3/count"] = "1",
            ["k8s.io/k8s-version"] = version,
            // 0.768 an hour over 16 cores and over 64 GiB.
            ["kubernetes.azure.com/per-cpu-core-cost"] = "0.048",
            ["kubernetes.azure.com/per-gb-memory-cost"] = "0.012",
        }, properties);
        Assert.Contains("BEGIN CERTIFICATE", Encoding.UTF8.GetString(Convert.FromBase64String(ca)));
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "16", ["memory"] = "64Gi" }, status.ResourceUsage!.Capacity);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "15540m", ["memory"] = "58Gi" }, status.ResourceUsage.Allocatable);
        Assert.Equal(new Dictionary<string, string> { ["cpu"] = "14540m", ["memory"] = "56Gi" }, status.ResourceUsage.Available);
        AssertCondition(status.Conditions, "ClusterPropertyProviderStarted", "True", "Started", "The property provider has started successfully");
        AssertCondition(status.Conditions, "ClusterPropertyCollectionSucceeded", "True", "PropertiesCollected", "The property provider has returned the latest cluster properties");
        AssertCondition(status.Conditions, "AKSClusterCostPropertiesCollectionSucceeded", "True", "CostsCalculated", "All cost properties have been collected successfully");
        Assert.All(status.Conditions!, c => Assert.Equal(imc.Metadata.Generation, c.ObservedGeneration));

        // A node of a type without a price: the costs cannot be calculated any more.
        await fleet.CreateNodeAsync("c-1", "2", "8Gi", "1900m", "7Gi", "Standard_Unknown");
        imc = await fleet.HeartbeatUntilAsync("the cost calculation to fail", i => Conditions.Find(i.Status?.Conditions, "AKSClusterCostPropertiesCollectionSucceeded") is { IsFalse: true });

        AssertCondition(imc.Status!.Conditions, "AKSClusterCostPropertiesCollectionSucceeded", "False", "CostsCalculationFailed",
            "An error has occurred when collecting cost properties: no price is known for the instance type Standard_Unknown of node c-1");
        Assert.False(imc.Status.Properties!.ContainsKey("kubernetes.azure.com/per-cpu-core-cost"));
        Assert.False(imc.Status.Properties.ContainsKey("kubernetes.azure.com/per-gb-memory-cost"));
        Assert.Equal("1", imc.Status.Properties["kubernetes.azure.com/vm-sizes/Standard_Unknown/count"].Value);
        Assert.Equal("4", imc.Status.Properties["kubernetes-fleet.io/node-count"].Value);
    }

    [Fact]
    public async Task Start_ProviderDoesNotStartInTime_ReportsTimedOutAndFallsBack()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateNodeAsync("node-1", "4", "16Gi", "4", "16Gi");
        await fleet.CreateImcAsync();

        await fleet.StartAgentAsync(new NeverStartingProvider(), healthProbe: new HealthyProbe());
        // The start deadline: a timeout on the start and a wait bounded by it, both 10 seconds.
        await Eventually.WaitAsync("the provider start deadline", () => fleet.Time.PendingDelays().Count(d => d == TimeSpan.FromSeconds(10)) >= 2);
        fleet.Time.Advance(TimeSpan.FromSeconds(10));
        var imc = await fleet.WaitForJoinedAsync();

        AssertCondition(imc.Status!.Conditions, "ClusterPropertyProviderStarted", "False", "TimedOut", "The property provider does not start up in time");
        Assert.Equal("1", imc.Status.Properties!["kubernetes-fleet.io/node-count"].Value);
        Assert.Equal("4", imc.Status.ResourceUsage!.Capacity!["cpu"]);
    }

    [Fact]
    public async Task Start_ProviderFails_ReportsFailedToStartAndFallsBack()
    {
        await using var fleet = await MemberHarness.StartAsync();
        await fleet.CreateNodeAsync("node-1", "4", "16Gi", "4", "16Gi");
        await fleet.CreateImcAsync();

        await fleet.StartAgentAsync(new FailingProvider(), healthProbe: new HealthyProbe());
        var imc = await fleet.WaitForJoinedAsync();

        AssertCondition(imc.Status!.Conditions, "ClusterPropertyProviderStarted", "False", "FailedToStart", "Failed to start the property provider: no pricing data");
        Assert.Equal("1", imc.Status.Properties!["kubernetes-fleet.io/node-count"].Value);
    }

    private static void AssertCondition(List<Condition>? conditions, string type, string status, string reason, string message)
    {
        var condition = Conditions.Find(conditions, type);
        Assert.NotNull(condition);
        Assert.Equal((status, reason, message), (condition.Status, condition.Reason, condition.Message));
    }

    private sealed class NeverStartingProvider : IPropertyProvider
    {
        public async Task StartAsync(PropertyProviderContext context, CancellationToken cancellationToken) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);

        public Task<PropertyCollectionResponse> CollectAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("never started");
    }

    private sealed class FailingProvider : IPropertyProvider
    {
        public Task StartAsync(PropertyProviderContext context, CancellationToken cancellationToken) => throw new InvalidOperationException("no pricing data");

        public Task<PropertyCollectionResponse> CollectAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("never started");
    }
}
