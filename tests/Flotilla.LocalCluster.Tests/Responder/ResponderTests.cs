using System.Net.Sockets;
using System.Text;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Responder;

public sealed class ResponderTests
{
    [Fact]
    public async Task GetRoot_EveryPodOfADeployment_AnswersLikeKuardWithItsNameAndIp()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 3));
        var pods = await cluster.WaitForReadyPodsAsync("app=kuard", 3, "three ready kuard pods");

        foreach (var pod in pods)
        {
            var (response, body) = await PodPages.GetAsync(Pods.PodIp(pod), 8080);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            var context = PodPages.PageContext(body);
            Assert.Equal(pod.Name(), context["hostname"]!.GetValue<string>());
            Assert.Equal([Pods.PodIp(pod)], context["addrs"]!.AsArray().Select(a => a!.GetValue<string>()));
            Assert.Equal("", context["urlBase"]!.GetValue<string>());
            Assert.Equal("v0.10.0-blue", context["version"]!.GetValue<string>());
            Assert.StartsWith("127.", context["requestAddr"]!.GetValue<string>());
            Assert.Equal("HTTP/1.1", context["requestProto"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/healthy")]
    [InlineData("/ready")]
    public async Task GetProbePath_RunningPod_AnswersOk(string path)
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Pod("web", Manifests.Container(port: 9376)));
        var pod = Assert.Single(await cluster.WaitForReadyPodsAsync("app=web", 1, "the pod to run"));

        var (response, body) = await PodPages.GetAsync(Pods.PodIp(pod), 9376, path);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("ok", body);
    }

    [Fact]
    public async Task RawHttp_KeepAliveThenUnknownPathThenClose_AnswersEachOnOneConnection()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Pod("web", Manifests.Container(port: 8080)));
        var pod = Assert.Single(await cluster.WaitForReadyPodsAsync("app=web", 1, "the pod to run"));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(Pods.PodIp(pod), 8080);
        await using var stream = new NetworkStream(socket);

        // Two pipelined requests, then one that closes; all on the same connection.
        var requests = "GET /healthy HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n" + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(requests));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var all = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var statusLines = System.Text.RegularExpressions.Regex.Matches(all, @"HTTP/1\.1 \d{3} [A-Za-z ]+(?=\r\n)").Select(m => m.Value).ToList();
        Assert.Equal(["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found", "HTTP/1.1 200 OK"], statusLines);
        Assert.Contains($"\"hostname\":\"{pod.Name()}\"", all);
    }

    [Fact]
    public async Task DeletePod_RunningPod_StopsListening()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Pod("web", Manifests.Container(port: 8080)));
        var pod = Assert.Single(await cluster.WaitForReadyPodsAsync("app=web", 1, "the pod to run"));
        var ip = Pods.PodIp(pod);

        await cluster.Resource(Kinds.Pods).DeleteAsync("web");

        await TestCluster.WaitAsync("the responder to stop listening on the deleted pod's address", async () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(ip, 8080);
                return false;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return true;
            }
        });
        Assert.Equal(0, cluster.Runtime.RunningPods);
    }
}
