using System.CommandLine;
using Flotilla.Api.Crd;
using Flotilla.ApiServer;
using Flotilla.Client;
using Flotilla.Hub;
using Flotilla.Hub.Membership;

namespace Flotilla.Cli.Commands;

/// <summary>
/// <c>flotilla hub</c>: a production hub on one machine — the API server with the fleet CRDs and admission, and the
/// hub controllers. Member clusters join it with <c>flotilla member-agent</c>.
/// </summary>
internal static class HubCommand
{
    public static Command Create()
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Directory for the database, TLS material, tokens and kubeconfig", Required = true };
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one)", DefaultValueFactory = _ => 6443 };
        var address = new Option<string>("--address") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var storage = new Option<StorageBackend>("--storage") { Description = "Storage backend: sqlite (durable) or memory", DefaultValueFactory = _ => StorageBackend.Sqlite };
        var networking = new Option<bool>("--networking-agents-enabled") { Description = "Expect the networking agents (MultiClusterService, ServiceExportImport) to report before a member counts as joined" };
        var forceDelete = new Option<TimeSpan>("--force-delete-wait-time") { Description = "How long a leaving member may take before the hub cleans up without it (30s–1h)", DefaultValueFactory = _ => TimeSpan.FromMinutes(15) };
        var command = new Command("hub", "Run a fleet hub: a Kubernetes-compatible API server serving the fleet APIs, with the hub controllers. Writes DIR/kubeconfig.")
        {
            dataDir, port, address, storage, networking, forceDelete,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = CliLogging.Create();
            using var shutdown = new ShutdownSignal(cancellationToken);
            await using var server = await ApiServerHost.StartAsync(new ApiServerOptions
            {
                DataDirectory = parse.GetValue(dataDir)!.FullName,
                Port = parse.GetValue(port),
                Address = parse.GetValue(address)!,
                Storage = parse.GetValue(storage),
                LoggerFactory = loggerFactory,
                CustomResourceDefinitions = FleetCrds.Hub,
                FleetAdmission = true,
                KubeconfigName = "hub",
            }, cancellationToken).ConfigureAwait(false);
            await using var controllers = new HubControllers(new HubControllerOptions
            {
                // Upstream's hub agent client limits (Appendix A of the placement spec).
                Client = KubernetesClient.FromKubeConfigFile(server.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 250, Burst = 1000 }),
                LoggerFactory = loggerFactory,
                MemberClusters = new MemberClusterControllerOptions
                {
                    NetworkingAgentsEnabled = parse.GetValue(networking),
                    ForceDeleteWaitTime = parse.GetValue(forceDelete),
                },
            });
            await controllers.StartAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Kubeconfig: {server.KubeconfigPath}");
            Console.WriteLine($"Serving on {server.Url.ToString().TrimEnd('/')}");
            await shutdown.WaitAsync().ConfigureAwait(false);
            Console.WriteLine("Shutting down");
            await controllers.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
