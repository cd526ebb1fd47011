namespace Flotilla.LocalFleet;

/// <summary>
/// Pay-as-you-go Linux list prices (USD per hour, East US) of common AKS node sizes, so the default local fleet reports
/// the cost properties AKS members report. A fleet file's <c>nodes.hourlyCost</c> overrides them.
/// </summary>
internal static class AzureListPrices
{
    private static readonly Dictionary<string, decimal> Prices = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Standard_B2s"] = 0.0416m,
        ["Standard_B4ms"] = 0.166m,
        ["Standard_D2s_v3"] = 0.096m,
        ["Standard_D4s_v3"] = 0.192m,
        ["Standard_D8s_v3"] = 0.384m,
        ["Standard_D16s_v3"] = 0.768m,
        ["Standard_D2s_v5"] = 0.096m,
        ["Standard_D4s_v5"] = 0.192m,
        ["Standard_D8s_v5"] = 0.384m,
        ["Standard_DS2_v2"] = 0.146m,
        ["Standard_E4s_v3"] = 0.252m,
        ["Standard_E8s_v3"] = 0.504m,
        ["Standard_F4s_v2"] = 0.169m,
    };

    /// <summary>The list price of one node of <paramref name="instanceType"/>; null when unknown.</summary>
    public static decimal? HourlyCost(string instanceType) => Prices.TryGetValue(instanceType, out var price) ? price : null;
}
