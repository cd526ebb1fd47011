using Flotilla.Api.Meta;
using Flotilla.Member.Properties;

namespace Flotilla.Member.Tests.Properties;

/// <summary>The Azure provider's per-unit costs: total hourly price over cores and over GiB, <c>%.3f</c>.</summary>
public sealed class AzureCostTests
{
    private static readonly AzurePropertyProvider Provider = new(new AzurePropertyProviderOptions
    {
        HourlyPrices = new Dictionary<string, double> { ["Standard_D2s_v3"] = 0.096, ["Standard_E4s_v3"] = 0.252 },
    });

    public static TheoryData<string, (string? Type, string Cpu, string Memory)[], string?, string?, string?> Cases => new()
    {
        { "one node", [("Standard_D2s_v3", "2", "8Gi")], "0.048", "0.012", null },
        { "mixed sizes", [("Standard_D2s_v3", "2", "8Gi"), ("standard_e4s_v3", "4", "32Gi")], "0.058", "0.009", null },
        { "memory in Ki", [("Standard_D2s_v3", "1900m", "8148960Ki")], "0.051", "0.012", null },
        { "no nodes", [], null, null, "the cluster has no nodes" },
        { "unknown type", [("Standard_Z1", "2", "8Gi")], null, null, "no price is known for the instance type Standard_Z1 of node n0" },
        { "no type label", [(null, "2", "8Gi")], null, null, "node n0 has no node.kubernetes.io/instance-type label" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Costs_Nodes_PricePerCoreAndPerGiB(string name, (string? Type, string Cpu, string Memory)[] nodes, string? perCore, string? perGb, string? error)
    {
        var list = nodes.Select((n, i) => new NodeResources($"n{i}", n.Type, Quantity.Parse(n.Cpu), Quantity.Parse(n.Memory))).ToList();
        var resources = new ClusterResources(
            list,
            list.Aggregate(Quantity.Zero, (sum, n) => sum + n.CapacityCpu), list.Aggregate(Quantity.Zero, (sum, n) => sum + n.CapacityMemory),
            Quantity.Zero, Quantity.Zero, Quantity.Zero, Quantity.Zero);

        var (costs, problem) = Provider.Costs(resources);

        Assert.True((perCore, perGb, error) == (costs?.PerCpuCore, costs?.PerGbMemory, problem), $"{name}: got {costs} / {problem}");
    }
}
