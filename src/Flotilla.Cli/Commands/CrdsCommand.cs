using System.CommandLine;
using Flotilla.Api.Crd;

namespace Flotilla.Cli.Commands;

/// <summary><c>flotilla crds</c>: the fleet CRDs as YAML, for real clusters (and to regenerate <c>deploy/crds</c>).</summary>
internal static class CrdsCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo?>("--output") { Description = "Write one file per CRD into this directory (replacing the CRD files there) instead of printing them" };
        var member = new Option<bool>("--member") { Description = "Only the CRDs a member cluster needs (ServiceExport, ServiceImport, MultiClusterService, AppliedWork)" };
        var command = new Command("crds", "Print the fleet CustomResourceDefinitions (pipe to `kubectl apply -f -`), or write them with --output.")
        {
            output, member,
        };
        command.SetAction(parse =>
        {
            var crds = parse.GetValue(member) ? FleetCrds.Member : FleetCrds.Hub;
            if (parse.GetValue(output) is not { } directory)
            {
                Console.Write(string.Join("---\n", crds.Select(FleetCrds.ToYaml)));
                return 0;
            }
            directory.Create();
            var wanted = crds.ToDictionary(FleetCrds.FileName, FleetCrds.ToYaml);
            foreach (var stale in directory.GetFiles("*.yaml").Where(f => !wanted.ContainsKey(f.Name)))
            {
                stale.Delete();
            }
            foreach (var (name, yaml) in wanted)
            {
                File.WriteAllText(Path.Combine(directory.FullName, name), yaml);
            }
            Console.WriteLine($"Wrote {wanted.Count} CRDs to {directory.FullName}");
            return 0;
        });
        return command;
    }
}
