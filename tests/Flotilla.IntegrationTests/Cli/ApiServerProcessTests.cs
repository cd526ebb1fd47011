using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Testing;
using Xunit.Abstractions;

namespace Flotilla.IntegrationTests.Cli;

/// <summary>
/// <c>flotilla apiserver</c> as a real process: port 0, restarts on the same data directory, SIGTERM/SIGINT
/// shutdown (exit 0, watches end, data kept), and durability of acknowledged writes across SIGKILL.
/// </summary>
public sealed class ApiServerProcessTests(ITestOutputHelper output)
{
    private const string ConfigMaps = "/api/v1/namespaces/default/configmaps";

    [Fact]
    public async Task Restart_AfterSigterm_KeepsObjectsAndResourceVersionsIncrease()
    {
        using var dir = new TemporaryDirectory("flotilla-cli");
        Dictionary<string, (long ResourceVersion, string Value)> written = [];
        KubeconfigFile firstKubeconfig;
        long highestBefore;
        await using (var server = await ApiServerProcess.StartAsync(dir.Path))
        {
            AssertServesOnPrintedPort(server);
            firstKubeconfig = server.Kubeconfig;
            using var client = server.CreateHttpClient();
            for (var i = 0; i < 10; i++)
            {
                var (rv, _) = await CreateConfigMapAsync(client, $"cm-{i}", new() { ["value"] = $"v{i}" });
                written[$"cm-{i}"] = (rv, $"v{i}");
            }
            // Updates and a delete too: the restart must show the latest state, not the first.
            for (var i = 0; i < 5; i++)
            {
                var (rv, _) = await UpdateConfigMapAsync(client, $"cm-{i}", written[$"cm-{i}"].ResourceVersion, new() { ["value"] = $"v{i}-updated" });
                written[$"cm-{i}"] = (rv, $"v{i}-updated");
            }
            var deleted = await client.DeleteAsync($"{ConfigMaps}/cm-9");
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            written.Remove("cm-9");
            // The list's resourceVersion is the store's revision: it covers the delete, the last write.
            (_, highestBefore) = await ListConfigMapsWithRevisionAsync(client);

            await server.SignalAsync("TERM");
            Assert.Equal(0, await server.WaitForExitAsync("the server to exit after SIGTERM"));
            Assert.Contains("Shutting down", server.StandardOutput);
        }

        await using (var server = await ApiServerProcess.StartAsync(dir.Path))
        {
            AssertServesOnPrintedPort(server);
            // TLS material and token persist: kubeconfigs handed out before the restart keep working.
            Assert.Equal(firstKubeconfig.CertificateAuthority, server.Kubeconfig.CertificateAuthority);
            Assert.Equal(firstKubeconfig.Token, server.Kubeconfig.Token);
            using var client = server.CreateHttpClient();
            var items = await ListConfigMapsAsync(client);
            Assert.Equal(written.Keys.Order(), items.Keys.Order());
            foreach (var (name, (rv, value)) in written)
            {
                Assert.Equal(rv, ResourceVersion(items[name]));
                Assert.Equal(value, (string?)items[name]["data"]!["value"]);
            }
            var (newRv, _) = await CreateConfigMapAsync(client, "after-restart", new() { ["value"] = "new" });
            // Not even the delete's revision is handed out again.
            Assert.True(newRv > highestBefore, $"resourceVersion after restart {newRv} must exceed every earlier one ({highestBefore})");

            // kubectl works unchanged against the restarted server with DIR/kubeconfig.
            var kubectl = server.CreateKubectl(dir.Combine("kube-cache"));
            var names = await kubectl.SucceedAsync("get", "configmaps", "-o", "name");
            Assert.Equal(
                written.Keys.Append("after-restart").Select(n => $"configmap/{n}").Order(),
                names.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
            Assert.Equal("v0-updated", (await kubectl.SucceedAsync("get", "configmap", "cm-0", "-o", "jsonpath={.data.value}")).TrimEnd());
        }
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_WithOpenWatch_WatchEndsCleanlyAndExitCodeZero(string signal)
    {
        using var dir = new TemporaryDirectory("flotilla-cli");
        await using var server = await ApiServerProcess.StartAsync(dir.Path);
        using var client = server.CreateHttpClient();
        var (rv, _) = await CreateConfigMapAsync(client, "watched", new() { ["value"] = "1" });

        using var watchTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await client.GetAsync($"{ConfigMaps}?watch=true", HttpCompletionOption.ResponseHeadersRead, watchTimeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchTimeout.Token));
        var first = JsonNode.Parse((await reader.ReadLineAsync(watchTimeout.Token))!)!;
        Assert.Equal("ADDED", (string?)first["type"]);
        Assert.Equal(rv, ResourceVersion(first["object"]!));

        await server.SignalAsync(signal);
        // A clean end: the stream finishes (the chunked response is terminated), not a reset connection.
        var rest = await reader.ReadToEndAsync(watchTimeout.Token);
        Assert.Equal("", rest);
        Assert.Equal(0, await server.WaitForExitAsync($"the server to exit after SIG{signal} with an open watch", TimeSpan.FromSeconds(15)));
        Assert.Contains("Shutting down", server.StandardOutput);
        Assert.Equal("", server.StandardError);

        // Data flushed: the object is there after a restart.
        await using var restarted = await ApiServerProcess.StartAsync(dir.Path);
        using var restartedClient = restarted.CreateHttpClient();
        Assert.Equal(rv, ResourceVersion((await ListConfigMapsAsync(restartedClient))["watched"]));
    }

    [Fact]
    public async Task Restart_MemoryStorage_LosesObjects()
    {
        using var dir = new TemporaryDirectory("flotilla-cli");
        await using (var server = await ApiServerProcess.StartAsync(dir.Path, "--storage", "memory"))
        {
            using var client = server.CreateHttpClient();
            await CreateConfigMapAsync(client, "ephemeral", new() { ["value"] = "1" });
            await server.SignalAsync("TERM");
            Assert.Equal(0, await server.WaitForExitAsync("the memory-backed server to exit after SIGTERM"));
        }
        Assert.False(File.Exists(Path.Combine(dir.Path, "state.db")), "the memory backend must not create a database");

        await using (var server = await ApiServerProcess.StartAsync(dir.Path, "--storage", "memory"))
        {
            using var client = server.CreateHttpClient();
            // Documented: the memory backend keeps nothing across a restart; the initial namespaces come back.
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{ConfigMaps}/ephemeral")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/namespaces/default")).StatusCode);
        }
    }

    /// <summary>
    /// Concurrent writers create and update ConfigMaps, each value carrying its writer, sequence number and a
    /// payload derived from both (its length varies, so a torn or mixed value cannot pass for a whole one). The
    /// server is SIGKILLed while writes are in flight and restarted on the same directory.
    /// </summary>
    [Fact]
    public async Task SigkillMidStream_Restart_EveryAcknowledgedWriteSurvivesWhole()
    {
        const int Writers = 6;
        const int AcknowledgedBeforeKill = 300;
        using var dir = new TemporaryDirectory("flotilla-cli");
        var logs = Enumerable.Range(0, Writers).Select(_ => new Dictionary<string, ObjectLog>()).ToArray();
        var acknowledged = 0;
        var unexpected = new ConcurrentQueue<string>();
        // Set just before SIGKILL: from then on a failed write is the expected end of its writer.
        using var killing = new CancellationTokenSource();

        await using (var server = await ApiServerProcess.StartAsync(dir.Path))
        {
            using var client = server.CreateHttpClient();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var log = logs[w];
                ObjectLog? current = null;
                for (var seq = 1; ; seq++)
                {
                    // Every 8th write starts a new object, so creates happen all along the stream.
                    var create = current is null || seq % 8 == 1;
                    if (create)
                    {
                        current = new ObjectLog($"w{w}-{log.Count}");
                        log[current.Name] = current;
                    }
                    current!.Sent.Add(seq);
                    (long Rv, JsonNode Body) result;
                    try
                    {
                        var data = Data(current.Name, w, seq);
                        result = create
                            ? await CreateConfigMapAsync(client, current.Name, data)
                            : await UpdateConfigMapAsync(client, current.Name, current.AcknowledgedRevision, data);
                    }
                    catch (Exception) when (killing.IsCancellationRequested)
                    {
                        return; // The server is gone: this write is the writer's one unacknowledged write.
                    }
                    catch (Exception error)
                    {
                        unexpected.Enqueue($"{current.Name} seq {seq}: {error.Message}");
                        return;
                    }
                    current.AcknowledgedSeq = seq;
                    current.AcknowledgedRevision = result.Rv;
                    Interlocked.Increment(ref acknowledged);
                }
            })).ToArray();

            await Eventually.WaitAsync($"{AcknowledgedBeforeKill} acknowledged writes before SIGKILL",
                () => Volatile.Read(ref acknowledged) >= AcknowledgedBeforeKill || !unexpected.IsEmpty || writers.Any(t => t.IsCompleted));
            Assert.Empty(unexpected);
            await killing.CancelAsync();
            await server.KillAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Empty(unexpected);
        }

        var all = logs.SelectMany(l => l.Values).ToDictionary(o => o.Name);
        var highestAcknowledged = all.Values.Max(o => o.AcknowledgedRevision);
        Assert.True(all.Values.Count(o => o.AcknowledgedSeq > 0) >= AcknowledgedBeforeKill / 8, "the writers created objects all along");

        await using (var server = await ApiServerProcess.StartAsync(dir.Path))
        {
            using var client = server.CreateHttpClient();
            var items = await ListConfigMapsAsync(client);
            var landedUnacknowledged = items.Count(i => int.Parse((string)i.Value["data"]!["seq"]!, CultureInfo.InvariantCulture) > all[i.Key].AcknowledgedSeq);
            output.WriteLine($"{acknowledged} writes acknowledged before SIGKILL, {Writers} in flight, {landedUnacknowledged} of those landed; {items.Count} objects after restart");
            foreach (var (name, item) in items)
            {
                // Nothing that no writer sent, and every stored value is one a writer sent, whole.
                Assert.True(all.TryGetValue(name, out var log), $"unexpected object {name} after restart");
                var data = item["data"]!.AsObject();
                var seq = int.Parse((string)data["seq"]!, CultureInfo.InvariantCulture);
                Assert.Contains(seq, log.Sent);
                Assert.Equal(Data(name, int.Parse((string)data["writer"]!, CultureInfo.InvariantCulture), seq).ToJsonString(), data.ToJsonString());
                var rv = ResourceVersion(item);
                // At least the acknowledged value: the same one (same revision), or the later write that was in flight.
                Assert.True(seq >= log.AcknowledgedSeq, $"{name} went back from acknowledged seq {log.AcknowledgedSeq} to {seq}");
                Assert.True(seq == log.AcknowledgedSeq ? rv == log.AcknowledgedRevision : rv > log.AcknowledgedRevision,
                    $"{name}: seq {seq} at resourceVersion {rv}, acknowledged seq {log.AcknowledgedSeq} at {log.AcknowledgedRevision}");
            }
            foreach (var log in all.Values.Where(o => o.AcknowledgedSeq > 0))
            {
                Assert.True(items.ContainsKey(log.Name), $"acknowledged object {log.Name} (seq {log.AcknowledgedSeq}, resourceVersion {log.AcknowledgedRevision}) is missing after restart");
            }

            var (newRv, _) = await CreateConfigMapAsync(client, "after-kill", new() { ["value"] = "new" });
            Assert.True(newRv > highestAcknowledged, $"resourceVersion after restart {newRv} must exceed every acknowledged one ({highestAcknowledged})");
            var updated = await UpdateConfigMapAsync(client, "after-kill", newRv, new() { ["value"] = "newer" });
            Assert.True(updated.Rv > newRv);
        }
    }

    private static void AssertServesOnPrintedPort(ApiServerProcess server)
    {
        Assert.Equal("https", server.Url.Scheme);
        Assert.Equal("127.0.0.1", server.Url.Host);
        Assert.NotEqual(0, server.Url.Port);
        Assert.Equal(server.Url, server.Kubeconfig.Server);
        Assert.Contains($"Kubeconfig: {server.KubeconfigPath}", server.StandardOutput);
    }

    /// <summary>A value for a writer's write: the payload is a function of all three, with a length that varies.</summary>
    private static JsonObject Data(string name, int writer, int seq)
    {
        var payload = new StringBuilder();
        while (payload.Length < 64 + (seq * 997 % 6000))
        {
            payload.Append(CultureInfo.InvariantCulture, $"{name}/{seq};");
        }
        return new JsonObject
        {
            ["writer"] = writer.ToString(CultureInfo.InvariantCulture),
            ["seq"] = seq.ToString(CultureInfo.InvariantCulture),
            ["payload"] = payload.ToString(),
        };
    }

    private static Task<(long Rv, JsonNode Body)> CreateConfigMapAsync(HttpClient client, string name, JsonObject data) =>
        SendAsync(client, HttpMethod.Post, ConfigMaps, ConfigMap(name, null, data));

    private static Task<(long Rv, JsonNode Body)> UpdateConfigMapAsync(HttpClient client, string name, long resourceVersion, JsonObject data) =>
        SendAsync(client, HttpMethod.Put, $"{ConfigMaps}/{name}", ConfigMap(name, resourceVersion, data));

    private static JsonObject ConfigMap(string name, long? resourceVersion, JsonObject data)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (resourceVersion is { } rv)
        {
            metadata["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture);
        }
        return new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = metadata, ["data"] = data };
    }

    /// <summary>Sends a write; a 2xx answer is an acknowledgement, and its resourceVersion is returned.</summary>
    private static async Task<(long Rv, JsonNode Body)> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {text}");
        }
        var node = JsonNode.Parse(text)!;
        return (ResourceVersion(node), node);
    }

    private static async Task<Dictionary<string, JsonNode>> ListConfigMapsAsync(HttpClient client) =>
        (await ListConfigMapsWithRevisionAsync(client)).Items;

    private static async Task<(Dictionary<string, JsonNode> Items, long Revision)> ListConfigMapsWithRevisionAsync(HttpClient client)
    {
        var list = JsonNode.Parse(await client.GetStringAsync(ConfigMaps))!;
        return (list["items"]!.AsArray().ToDictionary(i => (string)i!["metadata"]!["name"]!, i => i!), ResourceVersion(list));
    }

    private static long ResourceVersion(JsonNode obj) =>
        long.Parse((string)obj["metadata"]!["resourceVersion"]!, NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>One object's history as its (single) writer saw it.</summary>
    private sealed class ObjectLog(string name)
    {
        public string Name { get; } = name;

        /// <summary>Every sequence number sent for this object, acknowledged or not.</summary>
        public List<int> Sent { get; } = [];

        /// <summary>The last acknowledged write's sequence number; 0 when even the create was not acknowledged.</summary>
        public int AcknowledgedSeq { get; set; }

        public long AcknowledgedRevision { get; set; }
    }
}
