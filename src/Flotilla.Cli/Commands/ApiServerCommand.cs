using System.CommandLine;
using Flotilla.ApiServer;

namespace Flotilla.Cli.Commands;

/// <summary><c>flotilla apiserver</c>: a Kubernetes-compatible API server on its own.</summary>
internal static class ApiServerCommand
{
    public static Command Create()
    {
        var dataDir = new Option<DirectoryInfo>("--data-dir") { Description = "Directory for the database, TLS material, tokens and kubeconfig", Required = true };
        var port = new Option<int>("--port") { Description = "Port to listen on (0 picks a free one)", DefaultValueFactory = _ => 6443 };
        var address = new Option<string>("--address") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var storage = new Option<StorageBackend>("--storage") { Description = "Storage backend: sqlite (durable) or memory", DefaultValueFactory = _ => StorageBackend.Sqlite };
        var command = new Command("apiserver", "Run a Kubernetes-compatible API server and write DIR/kubeconfig for kubectl.")
        {
            dataDir, port, address, storage,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var loggerFactory = CliLogging.Create();
            using var shutdown = new ShutdownSignal(cancellationToken);
            await using var host = await ApiServerHost.StartAsync(new ApiServerOptions
            {
                DataDirectory = parse.GetValue(dataDir)!.FullName,
                Port = parse.GetValue(port),
                Address = parse.GetValue(address)!,
                Storage = parse.GetValue(storage),
                LoggerFactory = loggerFactory,
            }, cancellationToken).ConfigureAwait(false);
            // "Serving on" comes last: when it appears, everything (kubeconfig included) is ready.
            Console.WriteLine($"Kubeconfig: {host.KubeconfigPath}");
            Console.WriteLine($"Serving on {host.Url.ToString().TrimEnd('/')}");
            await shutdown.WaitAsync().ConfigureAwait(false);
            Console.WriteLine("Shutting down");
            return 0;
        });
        return command;
    }
}
