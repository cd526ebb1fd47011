using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Kubelet;

public sealed class RestartTests
{
    [Fact]
    public async Task RestartRuntime_RunningPods_KeepTheirIpsAndAnswerAgain()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 2));
        var before = await cluster.WaitForReadyPodsAsync("app=kuard", 2, "two ready pods");

        await cluster.RestartRuntimeAsync();

        foreach (var pod in before)
        {
            var ip = Pods.PodIp(pod);
            string body = "";
            await TestCluster.WaitAsync($"pod {pod.Name()} to answer again on {ip}", async () =>
            {
                try
                {
                    (_, body) = await PodPages.GetAsync(ip, 8080);
                    return true;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            });
            Assert.Equal(pod.Name(), PodPages.PageContext(body)["hostname"]!.GetValue<string>());
        }
        var after = await cluster.ListAsync(Kinds.Pods, "app=kuard");
        Assert.Equal(before.Select(p => (p.Name(), Pods.PodIp(p))).Order(), after.Select(p => (p.Name(), Pods.PodIp(p))).Order());

        // New pods still get addresses nobody holds.
        await cluster.PatchAsync(Kinds.Deployments, "kuard", new JsonObject { ["spec"] = new JsonObject { ["replicas"] = 4 } });
        var scaled = await cluster.WaitForReadyPodsAsync("app=kuard", 4, "four ready pods after the restart");
        Assert.Equal(4, scaled.Select(Pods.PodIp).Distinct().Count());
    }
}
