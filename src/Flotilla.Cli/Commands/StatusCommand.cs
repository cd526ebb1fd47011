using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Client.Config;
using Flotilla.LocalFleet;

namespace Flotilla.Cli.Commands;

/// <summary><c>flotilla status</c>: is the fleet running, where are its API servers, have the members joined.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var dir = DirectoryOption.Create();
        var command = new Command("status", "Show the local fleet in DIR: whether it runs, each cluster's API server and kubeconfig, and each member's join state, health and last heartbeat.")
        {
            dir,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var directory = new FleetDirectory(parse.GetValue(dir)!.FullName);
            if (!Directory.Exists(directory.KubeconfigsDirectory))
            {
                Console.WriteLine($"No fleet in {directory.Path}: start one with `flotilla up --dir {parse.GetValue(dir)}`.");
                return 1;
            }
            var running = directory.IsRunning();
            Console.WriteLine($"Fleet {directory.Path}: {(running ? $"running (process {directory.RunningPid()}){(File.Exists(directory.ReadyFile) ? ", ready" : ", starting")}" : "stopped")}");

            var names = Directory.GetFiles(directory.KubeconfigsDirectory).Select(Path.GetFileName).OfType<string>()
                .OrderBy(n => n == FleetDirectory.HubName ? "" : n, StringComparer.Ordinal).ToList();
            var members = running ? await MemberClustersAsync(directory, cancellationToken).ConfigureAwait(false) : [];
            var rows = new List<string[]> { new[] { "CLUSTER", "API SERVER", "REACHABLE", "JOINED", "HEALTHY", "LAST HEARTBEAT", "NODES", "KUBECONFIG" } };
            foreach (var name in names)
            {
                var kubeconfig = directory.Kubeconfig(name);
                var server = KubeConfig.LoadFile(kubeconfig).Clusters.Values.FirstOrDefault()?.Server ?? "?";
                var reachable = running && await ReachableAsync(kubeconfig, cancellationToken).ConfigureAwait(false);
                members.TryGetValue(name, out var memberCluster);
                rows.Add(
                [
                    name, server, reachable ? "yes" : "no",
                    name == FleetDirectory.HubName ? "-" : Condition(memberCluster?.At("status", "conditions"), MemberClusterConditionType.Joined),
                    name == FleetDirectory.HubName ? "-" : Condition(AgentConditions(memberCluster), MemberClusterConditionType.Healthy),
                    name == FleetDirectory.HubName ? "-" : Ago(AgentStatus(memberCluster)?.GetString("lastReceivedHeartbeat")),
                    name == FleetDirectory.HubName ? "-" : memberCluster?.At("status", "properties", ClusterApi.NodeCountProperty, "value")?.ToString() ?? "-",
                    Path.GetRelativePath(Environment.CurrentDirectory, kubeconfig),
                ]);
            }
            var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
            foreach (var row in rows)
            {
                Console.WriteLine(string.Join("   ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
            }
            return 0;
        });
        return command;
    }

    private static async Task<Dictionary<string, JsonObject>> MemberClustersAsync(FleetDirectory directory, CancellationToken cancellationToken)
    {
        try
        {
            var hub = KubernetesClient.FromKubeConfigFile(directory.Kubeconfig(FleetDirectory.HubName));
            var list = await hub.Resource(CustomResourceMappings.Of<MemberCluster>()).ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return list.Items.ToDictionary(mc => mc.Name(), StringComparer.Ordinal);
        }
        catch (Exception e) when (e is HttpRequestException or Api.Meta.ApiException or TaskCanceledException)
        {
            return [];
        }
    }

    private static async Task<bool> ReachableAsync(string kubeconfig, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await KubernetesClient.FromKubeConfigFile(kubeconfig).GetVersionAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or Api.Meta.ApiException or OperationCanceledException)
        {
            return false;
        }
    }

    private static JsonObject? AgentStatus(JsonObject? memberCluster) =>
        (memberCluster?.At("status", "agentStatus") as JsonArray)?.OfType<JsonObject>().FirstOrDefault(a => a.GetString("type") == AgentType.MemberAgent);

    private static JsonNode? AgentConditions(JsonObject? memberCluster) => AgentStatus(memberCluster)?["conditions"];

    private static string Condition(JsonNode? conditions, string type) =>
        (conditions as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c.GetString("type") == type)?.GetString("status") ?? "-";

    private static string Ago(string? time)
    {
        if (Obj.ParseTime(time) is not { } at)
        {
            return "-";
        }
        var age = DateTimeOffset.UtcNow - at;
        return age.TotalSeconds < 120 ? $"{Math.Max(0, (int)age.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s ago" : $"{(int)age.TotalMinutes}m ago";
    }
}
