using System.CommandLine;
using Flotilla.LocalFleet;

namespace Flotilla.Cli.Commands;

/// <summary><c>flotilla up</c>: a whole local fleet (hub and members) in this process.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var file = new Option<FileInfo?>("--file", "-f") { Description = "The fleet file (docs/fleet-file.md); default: the one this directory was started with, or member-1/member-2 (eastus) and member-3 (westus)" };
        var dir = DirectoryOption.Create();
        var command = new Command("up", "Start a local fleet: a hub and member clusters that join it. Kubeconfigs go to DIR/kubeconfigs; `Fleet ready` is printed (and DIR/ready created) once every member has joined.")
        {
            file, dir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = parse.GetValue(dir)!;
            FleetFile? fleet = null;
            string? fleetText = null;
            if (parse.GetValue(file) is { } fleetFile)
            {
                try
                {
                    fleet = FleetFile.Load(fleetFile.FullName);
                    fleetText = File.ReadAllText(fleetFile.FullName);
                }
                catch (FleetFileException e)
                {
                    await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                    return 1;
                }
            }

            using var loggerFactory = CliLogging.Create();
            using var shutdown = new ShutdownSignal(cancellationToken);
            LocalFleetHost host;
            try
            {
                host = await LocalFleetHost.StartAsync(new LocalFleetOptions
                {
                    Directory = directory.FullName,
                    Fleet = fleet,
                    FleetFileText = fleetText,
                    LoggerFactory = loggerFactory,
                }, shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FleetInUseException or FleetFileException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 1;
            }
            catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
            {
                return 0;
            }
            await using (host.ConfigureAwait(false))
            {
                PrintEndpoints(host);
                try
                {
                    await host.WaitUntilJoinedAsync(shutdown.Token).ConfigureAwait(false);
                    // The line starts with "Fleet ready" (scripts wait for it); the ready file exists from here on.
                    Console.WriteLine($"Fleet ready: {host.Members.Count} member cluster(s) joined the hub. Try: KUBECONFIG={Relative(host.Directory.Kubeconfig(FleetDirectory.HubName))} kubectl get memberclusters");
                    await shutdown.WaitAsync().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (shutdown.Token.IsCancellationRequested)
                {
                }
                Console.WriteLine("Stopping the fleet");
            }
            return 0;
        });
        return command;
    }

    private static void PrintEndpoints(LocalFleetHost host)
    {
        Console.WriteLine($"Fleet directory: {host.Directory.Path}");
        var rows = new List<(string Name, string Url, string Kubeconfig)>
        {
            (FleetDirectory.HubName, host.Hub.Url.ToString().TrimEnd('/'), Relative(host.Directory.Kubeconfig(FleetDirectory.HubName))),
        };
        rows.AddRange(host.Members.Select(m => (m.Name, m.Server.Url.ToString().TrimEnd('/'), Relative(host.Directory.Kubeconfig(m.Name)))));
        var width = rows.Max(r => r.Name.Length);
        foreach (var (name, url, kubeconfig) in rows)
        {
            Console.WriteLine($"  {name.PadRight(width)}  {url}  kubeconfig: {kubeconfig}");
        }
        Console.WriteLine("Waiting for the members to join the hub…");
    }

    private static string Relative(string path)
    {
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}

/// <summary>The <c>--dir</c> option every fleet command shares.</summary>
internal static class DirectoryOption
{
    public static Option<DirectoryInfo> Create() => new("--dir")
    {
        Description = "The fleet directory (state, kubeconfigs)",
        DefaultValueFactory = _ => new DirectoryInfo(".flotilla"),
    };
}
