using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.Testing;

namespace Flotilla.Runtime.Tests.Informers;

/// <summary>The example controller, <see cref="ConfigMapMirror"/>, against the in-process API server.</summary>
public sealed class MirrorControllerTests
{
    private const string Source = "mirror-source";
    private const string Target = "mirror-target";

    [Fact]
    public async Task Mirror_CreateUpdateDelete_FollowsTheSource()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = await ClientAsync(server);
        var sources = client.Resource(Cluster.ConfigMaps).InNamespace(Source);
        await sources.CreateAsync(Cluster.ConfigMap(Source, "before", new JsonObject { ["k"] = "1" }));
        await using var agent = await MirrorAgent.StartAsync(client, Source, Target);

        await ConvergedAsync(client, "the mirror of a ConfigMap that existed before the start");
        var after = await sources.CreateAsync(Cluster.ConfigMap(Source, "after", new JsonObject { ["k"] = "2" }));
        after["data"]!["k"] = "3";
        await sources.UpdateAsync(after);
        await sources.DeleteAsync("before");
        await ConvergedAsync(client, "mirrors after a create, an update and a delete");

        // A mirror changed or deleted behind the controller's back is put right.
        var mirrors = client.Resource(Cluster.ConfigMaps).InNamespace(Target);
        var drifted = await mirrors.GetAsync("after");
        drifted["data"]!["k"] = "tampered";
        await mirrors.UpdateAsync(drifted);
        await ConvergedAsync(client, "the tampered mirror to be restored");
        await mirrors.DeleteAsync("after");
        await ConvergedAsync(client, "the deleted mirror to be re-created");
    }

    /// <summary>
    /// 1,000 random creates, updates and deletes of source ConfigMaps (fixed seed), while the controller is stopped
    /// and started again at random points (fixed seed), gracefully or abruptly, with writes going on while it is
    /// down. Every update writes a value never written before, so mirrors equal to the final sources prove that no
    /// update was lost.
    /// </summary>
    [Fact]
    public async Task Mirror_1000WritesWithControllerRestarts_ConvergesToTheSources()
    {
        await using var server = await TestApiServer.StartAsync();
        var client = await ClientAsync(server);
        var sources = client.Resource(Cluster.ConfigMaps).InNamespace(Source);
        var random = new Random(424242);
        var stops = Enumerable.Range(0, 6).Select(_ => random.Next(50, 950)).Order().ToList();
        var downFor = stops.Select(_ => random.Next(0, 40)).ToList();
        var live = new Dictionary<string, JsonObject>();
        var agent = await MirrorAgent.StartAsync(client, Source, Target);
        var restartAt = -1;
        var restarts = 0;
        try
        {
            for (var i = 0; i < 1_000; i++)
            {
                if (agent is not null && stops.Count > 0 && i == stops[0])
                {
                    // Half the stops are graceful, half abrupt (in-flight reconciles cancelled).
                    if (random.Next(2) == 0)
                    {
                        await agent.StopAsync().Within($"a graceful stop at write {i}");
                    }
                    else
                    {
                        await agent.DisposeAsync().AsTask().Within($"an abrupt stop at write {i}");
                    }
                    agent = null;
                    restartAt = i + downFor[0];
                    stops.RemoveAt(0);
                    downFor.RemoveAt(0);
                }
                if (agent is null && i >= restartAt)
                {
                    agent = await MirrorAgent.StartAsync(client, Source, Target).Within($"a restart at write {i}");
                    restarts++;
                }
                var name = $"cm-{random.Next(60)}";
                var value = new JsonObject { ["value"] = i.ToString(CultureInfo.InvariantCulture) };
                if (!live.TryGetValue(name, out var current))
                {
                    live[name] = await sources.CreateAsync(Cluster.ConfigMap(Source, name, value));
                }
                else if (random.Next(10) < 7)
                {
                    var next = current.DeepClone().AsObject();
                    next["data"] = value;
                    live[name] = await sources.UpdateAsync(next);
                }
                else
                {
                    await sources.DeleteAsync(name);
                    live.Remove(name);
                }
            }
            agent ??= await MirrorAgent.StartAsync(client, Source, Target);
            Assert.True(restarts >= 5, $"the controller should have been restarted several times, not {restarts}");

            await ConvergedAsync(client, "the mirrors to equal the sources after 1,000 writes and the restarts");
            var final = await sources.ListAsync();
            Assert.Equal(live.Keys.Order(), final.Items.Select(o => o.Name()).Order());
            Assert.All(final.Items, o => Assert.True(JsonNode.DeepEquals(live[o.Name()]["data"], o["data"])));
        }
        finally
        {
            if (agent is not null)
            {
                await agent.DisposeAsync();
            }
        }
    }

    private static async Task<KubernetesClient> ClientAsync(TestApiServer server)
    {
        var client = KubernetesClient.FromKubeConfigFile(server.Host.KubeconfigPath, options: new KubernetesClientOptions { QueriesPerSecond = 0 });
        await Cluster.CreateNamespaceAsync(client, Source);
        await Cluster.CreateNamespaceAsync(client, Target);
        return client;
    }

    /// <summary>Waits until the target namespace holds exactly the mirrors the source namespace asks for (whole objects' data, labels and annotations).</summary>
    private static Task ConvergedAsync(KubernetesClient client, string phase) =>
        Eventually.WaitAsync(phase, async () =>
        {
            var sources = await client.Resource(Cluster.ConfigMaps).InNamespace(Source).ListAsync();
            var mirrors = await client.Resource(Cluster.ConfigMaps).InNamespace(Target).ListAsync();
            var expected = sources.Items.Select(s => Comparable(ConfigMapMirror.Desired(s, Target))).Order().ToList();
            var actual = mirrors.Items.Select(Comparable).Order().ToList();
            return expected.SequenceEqual(actual);
        }, TimeSpan.FromSeconds(20));

    /// <summary>What a mirror must match: name, namespace, data, labels, annotations (server-owned fields aside).</summary>
    private static string Comparable(JsonObject obj)
    {
        var metadata = obj.Metadata();
        return new JsonObject
        {
            ["name"] = obj.Name(),
            ["namespace"] = obj.Namespace(),
            ["labels"] = metadata["labels"]?.DeepClone(),
            ["annotations"] = metadata["annotations"]?.DeepClone(),
            ["data"] = obj["data"]?.DeepClone(),
        }.ToJsonString();
    }
}
