using System.CommandLine;
using System.Runtime.InteropServices;
using Flotilla.ApiServer;
using Microsoft.Extensions.Logging;

namespace Flotilla.Cli;

/// <summary>The <c>flotilla</c> command: composition roots only.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Flotilla: a Kubernetes fleet manager (hub, member agents, multi-cluster load balancing).")
        {
            ApiServerCommand(),
        };
        // Commands handle SIGINT/SIGTERM themselves and shut down cleanly. System.CommandLine's own handling would
        // end the process with 130/143 two seconds after the signal, cutting the shutdown (and its flush) short.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static Command ApiServerCommand()
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
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(console => { console.SingleLine = true; console.TimestampFormat = "HH:mm:ss "; })
                .SetMinimumLevel(LogLevel.Warning));
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
            await WaitForShutdownSignalAsync(cancellationToken).ConfigureAwait(false);
            Console.WriteLine("Shutting down");
            return 0;
        });
        return command;
    }

    /// <summary>Completes on SIGINT or SIGTERM (or cancellation), so that the caller shuts down cleanly.</summary>
    /// <remarks>The handlers end when this returns, so a second signal during the shutdown terminates the process at once.</remarks>
    private static async Task WaitForShutdownSignalAsync(CancellationToken cancellationToken)
    {
        var signalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            signalled.TrySetResult();
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var registration = cancellationToken.Register(() => signalled.TrySetResult());
        await signalled.Task.ConfigureAwait(false);
    }
}
