using System.CommandLine;
using Flotilla.Cli.Commands;

namespace Flotilla.Cli;

/// <summary>The <c>flotilla</c> command: composition roots only.</summary>
internal static class Program
{
    private static Task<int> Main(string[] args)
    {
        var root = new RootCommand("Flotilla: a Kubernetes fleet manager (hub, member agents, multi-cluster load balancing).")
        {
            UpCommand.Create(),
            DownCommand.Create(),
            StatusCommand.Create(),
            ExplainCommand.Create(),
            GetCredentialsCommand.Create(),
            HubCommand.Create(),
            MemberAgentCommand.Create(),
            ApiServerCommand.Create(),
            CrdsCommand.Create(),
        };
        // Commands handle SIGINT/SIGTERM themselves and shut down cleanly. System.CommandLine's own handling would
        // end the process with 130/143 two seconds after the signal, cutting the shutdown (and its flush) short.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
