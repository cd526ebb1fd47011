using System.CommandLine;
using Flotilla.LocalFleet;

namespace Flotilla.Cli.Commands;

/// <summary><c>flotilla get-credentials NAME --file F</c>: the kubeconfig of the hub or a member, like `az fleet get-credentials`.</summary>
internal static class GetCredentialsCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "`hub` or a member's name" };
        var file = new Option<FileInfo>("--file") { Description = "The kubeconfig to write; an existing one gets the cluster, user and context merged in, and the context made current", Required = true };
        var dir = DirectoryOption.Create();
        var command = new Command("get-credentials", "Write the kubeconfig of the hub or a member cluster of the local fleet.")
        {
            name, file, dir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = new FleetDirectory(parse.GetValue(dir)!.FullName);
            var cluster = parse.GetValue(name)!;
            var source = directory.Kubeconfig(cluster);
            if (!File.Exists(source))
            {
                var known = Directory.Exists(directory.KubeconfigsDirectory)
                    ? string.Join(", ", Directory.GetFiles(directory.KubeconfigsDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal))
                    : "";
                await Console.Error.WriteLineAsync(known.Length == 0
                    ? $"No fleet in {directory.Path}: start one with `flotilla up --dir {directory.Path}`."
                    : $"\"{cluster}\" is not a cluster of the fleet in {directory.Path}; choose one of: {known}.").ConfigureAwait(false);
                return 1;
            }
            var target = parse.GetValue(file)!;
            var merged = KubeconfigMerge.Merge(target.Exists ? await File.ReadAllTextAsync(target.FullName, cancellationToken).ConfigureAwait(false) : null,
                await File.ReadAllTextAsync(source, cancellationToken).ConfigureAwait(false));
            target.Directory?.Create();
            await File.WriteAllTextAsync(target.FullName, merged, cancellationToken).ConfigureAwait(false);
            Console.WriteLine($"Merged \"{cluster}\" as current context in {target.FullName}");
            return 0;
        });
        return command;
    }
}
