using System.Net.Sockets;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Kubelet;

public sealed class GracefulDeletionTests
{
    /// <summary>A finalizer keeps a deleted pod around with a deletionTimestamp, as a grace period would on kube-apiserver.</summary>
    [Fact]
    public async Task DeletePod_HeldByAFinalizer_StopsItShowsItTerminatingAndReplacesIt()
    {
        await using var cluster = await TestCluster.StartAsync();
        var deployment = Manifests.Deployment("kuard", 1);
        deployment["spec"]!["template"]!["metadata"]!["finalizers"] = new JsonArray("example.com/hold");
        await cluster.CreateAsync(deployment);
        await cluster.CreateAsync(Manifests.Service("kuard", "kuard", 8080));
        var pod = Assert.Single(await cluster.WaitForReadyPodsAsync("app=kuard", 1, "one ready pod"));
        var ip = Pods.PodIp(pod);

        await cluster.Resource(Kinds.Pods).DeleteAsync(pod.Name());

        await TestCluster.WaitAsync("the terminating pod's responder to stop", async () =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(ip, 8080);
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        });
        await TestCluster.WaitAsync("the slice to show the old pod terminating and its replacement ready", async () =>
        {
            var slice = Assert.Single(await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=kuard"));
            var endpoints = Json.Items(slice["endpoints"]).ToList();
            var old = endpoints.SingleOrDefault(e => Json.Str(e.At("targetRef", "name")) == pod.Name());
            var replacement = endpoints.SingleOrDefault(e => Json.Str(e.At("targetRef", "name")) != pod.Name());
            return old is not null && Json.Bool(old.At("conditions", "terminating")) && !Json.Bool(old.At("conditions", "ready"))
                && replacement is not null && Json.Bool(replacement.At("conditions", "ready"));
        });
        var terminating = await cluster.GetAsync(Kinds.Pods, pod.Name());
        Assert.True(terminating.IsDeleting());

        await cluster.PatchAsync(Kinds.Pods, pod.Name(), JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!.AsObject());

        await TestCluster.WaitAsync("the old pod gone from the slice", async () =>
        {
            var slice = Assert.Single(await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=kuard"));
            return Json.Items(slice["endpoints"]).Count() == 1 && Json.Items(slice["endpoints"]).All(e => Json.Str(e.At("targetRef", "name")) != pod.Name());
        });
        var replacementPod = (await cluster.ListAsync(Kinds.Pods, "app=kuard")).Where(p => !p.IsDeleting()).ToList();
        await cluster.PatchAsync(Kinds.Pods, Assert.Single(replacementPod).Name(), JsonNode.Parse("""{"metadata":{"finalizers":null}}""")!.AsObject());
    }
}
