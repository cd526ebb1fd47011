using System.CommandLine;
using System.Globalization;
using Flotilla.Client;
using Flotilla.Client.Config;
using Flotilla.Member.Membership;
using Flotilla.Member.Properties;

namespace Flotilla.Cli.Commands;

/// <summary>
/// <c>flotilla member-agent</c>: joins the member cluster it runs against to a hub, heartbeats and reports its
/// properties. Runs against any Kubernetes cluster: in-cluster config by default, or a kubeconfig.
/// </summary>
internal static class MemberAgentCommand
{
    public static Command Create()
    {
        var name = new Option<string>("--member-name") { Description = "This cluster's MemberCluster name on the hub", Required = true };
        var hubKubeconfig = new Option<FileInfo>("--hub-kubeconfig") { Description = "Kubeconfig of the hub (its current context is used)", Required = true };
        var memberKubeconfig = new Option<FileInfo?>("--member-kubeconfig") { Description = "Kubeconfig of this member cluster; default: the in-cluster service account, else $KUBECONFIG or ~/.kube/config" };
        var provider = new Option<string>("--property-provider") { Description = "none (node count and resources) or azure (also costs and VM sizes)", DefaultValueFactory = _ => "none" };
        provider.AcceptOnlyFromAmong("none", "azure");
        var prices = new Option<string[]>("--node-price") { Description = "With the azure provider: the hourly price of a node SKU, as SKU=PRICE (repeatable), e.g. Standard_D4s_v3=0.192", AllowMultipleArgumentsPerToken = true };
        var command = new Command("member-agent", "Run the member agent: join this cluster to a fleet hub, heartbeat, and report health and properties.")
        {
            name, hubKubeconfig, memberKubeconfig, provider, prices,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryParsePrices(parse.GetValue(prices) ?? [], out var hourlyPrices, out var error))
            {
                await Console.Error.WriteLineAsync(error).ConfigureAwait(false);
                return 1;
            }
            using var loggerFactory = CliLogging.Create(Microsoft.Extensions.Logging.LogLevel.Information);
            using var shutdown = new ShutdownSignal(cancellationToken);
            var hub = KubernetesClient.FromKubeConfigFile(parse.GetValue(hubKubeconfig)!.FullName);
            var member = parse.GetValue(memberKubeconfig) is { } file
                ? KubernetesClient.FromKubeConfigFile(file.FullName)
                : new KubernetesClient(ClusterConnection.Default());
            await using var agent = new MemberAgent(new MemberAgentOptions
            {
                MemberName = parse.GetValue(name)!,
                HubClient = hub,
                MemberClient = member,
                PropertyProvider = parse.GetValue(provider) == "azure" ? new AzurePropertyProvider(new AzurePropertyProviderOptions { HourlyPrices = hourlyPrices }) : null,
                LoggerFactory = loggerFactory,
            });
            await agent.StartAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Member agent of {parse.GetValue(name)} running against hub {hub.Connection.Server}");
            await shutdown.WaitAsync().ConfigureAwait(false);
            Console.WriteLine("Shutting down");
            await agent.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static bool TryParsePrices(string[] entries, out Dictionary<string, double> prices, out string error)
    {
        prices = new Dictionary<string, double>(StringComparer.OrdinalIgnoreCase);
        error = "";
        foreach (var entry in entries)
        {
            var parts = entry.Split('=', 2);
            if (parts.Length != 2 || parts[0].Length == 0
                || !double.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var price))
            {
                error = $"--node-price \"{entry}\" is not SKU=PRICE (for example Standard_D4s_v3=0.192)";
                return false;
            }
            prices[parts[0]] = price;
        }
        return true;
    }
}
