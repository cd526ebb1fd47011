using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Tests.Support;

namespace Flotilla.LocalCluster.Tests.Networking;

public sealed class EndpointSliceTests
{
    [Fact]
    public async Task NamedTargetPort_PodsBecomingReady_SliceAndEndpointsFollowReadiness()
    {
        await using var cluster = await TestCluster.StartAsync();
        var probe = JsonNode.Parse("""{"httpGet":{"path":"/ready","port":"http"},"initialDelaySeconds":2}""")!.AsObject();
        await cluster.CreateAsync(Manifests.Deployment("kuard", 2, Manifests.Container(port: 8080, portName: "http", readinessProbe: probe)));
        var service = await cluster.CreateAsync(Manifests.Service("kuard", "kuard", "http", port: 80, portName: "web"));

        await TestCluster.WaitAsync("a slice with both pods, running but not yet ready", async () =>
        {
            var slice = (await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=kuard")).SingleOrDefault();
            var endpoints = Json.Items(slice?["endpoints"]).ToList();
            return endpoints.Count == 2 && endpoints.All(e => !Json.Bool(e.At("conditions", "ready")) && !Json.Bool(e.At("conditions", "serving")));
        });
        await TestCluster.WaitAsync("the Endpoints to list both pods as not ready", async () =>
        {
            var endpoints = await cluster.GetAsync(Kinds.Endpoints, "kuard");
            return Json.Items(endpoints["subsets"]).SelectMany(s => Json.Items(s["notReadyAddresses"])).Count() == 2;
        });
        var pods = await cluster.WaitForReadyPodsAsync("app=kuard", 2, "both pods ready after the probe's initial delay");
        JsonObject slice = [];
        await TestCluster.WaitAsync("the slice to show both endpoints ready", async () =>
        {
            slice = Assert.Single(await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=kuard"));
            return Json.Items(slice["endpoints"]).Count(e => Json.Bool(e.At("conditions", "ready"))) == 2;
        });

        Assert.Matches("^kuard-[a-z0-9]{5}$", slice.Name());
        Assert.Equal("IPv4", Json.Str(slice["addressType"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""[{"name":"web","port":8080,"protocol":"TCP"}]"""), slice["ports"]), slice["ports"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"team":"web","kubernetes.io/service-name":"kuard","endpointslice.kubernetes.io/managed-by":"endpointslice-controller.k8s.io"}"""),
            slice.At("metadata", "labels")));
        var owner = Assert.Single(Json.Items(slice.At("metadata", "ownerReferences")));
        Assert.Equal(("Service", "kuard", service.Uid()), (Json.Str(owner["kind"]), Json.Str(owner["name"]), Json.Str(owner["uid"])));
        foreach (var pod in pods)
        {
            var endpoint = Json.Items(slice["endpoints"]).Single(e => Json.Str(e.At("targetRef", "name")) == pod.Name());
            Assert.True(JsonNode.DeepEquals(new JsonArray(Pods.PodIp(pod)), endpoint["addresses"]));
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"ready":true,"serving":true,"terminating":false}"""), endpoint["conditions"]));
            Assert.Equal(Pods.NodeName(pod), Json.Str(endpoint["nodeName"]));
            Assert.Equal(("Pod", "default", pod.Uid()), (Json.Str(endpoint.At("targetRef", "kind")), Json.Str(endpoint.At("targetRef", "namespace")), Json.Str(endpoint.At("targetRef", "uid"))));
        }
        await TestCluster.WaitAsync("the Endpoints to list both pods as ready", async () =>
        {
            var endpoints = await cluster.GetAsync(Kinds.Endpoints, "kuard");
            var subset = Json.Items(endpoints["subsets"]).SingleOrDefault();
            return subset is not null && subset["notReadyAddresses"] is null
                && Json.Items(subset["addresses"]).Select(a => Json.Str(a["ip"])).Order().SequenceEqual(pods.Select(Pods.PodIp).Order())
                && JsonNode.DeepEquals(JsonNode.Parse("""[{"name":"web","port":8080,"protocol":"TCP"}]"""), subset["ports"]);
        });
    }

    [Fact]
    public async Task NamedTargetPort_ResolvingToDifferentNumbers_OneSlicePerPortSet()
    {
        await using var cluster = await TestCluster.StartAsync();
        var a = Manifests.Pod("a", Manifests.Container(port: 8080, portName: "http"));
        var b = Manifests.Pod("b", Manifests.Container(port: 9090, portName: "http"));
        a["metadata"]!["labels"]!["app"] = "mixed";
        b["metadata"]!["labels"]!["app"] = "mixed";
        await cluster.CreateAsync(a);
        await cluster.CreateAsync(b);
        await cluster.CreateAsync(Manifests.Service("mixed", "mixed", "http"));

        await TestCluster.WaitAsync("two slices: pod a on 8080 and pod b on 9090", async () =>
        {
            var slices = await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=mixed");
            var byPort = slices.ToDictionary(s => Json.Int(Json.Items(s["ports"]).SingleOrDefault()?["port"]), s => Json.Items(s["endpoints"]).Select(e => Json.Str(e.At("targetRef", "name"))).ToList());
            return slices.Count == 2 && byPort.TryGetValue(8080, out var on8080) && on8080.SequenceEqual(["a"]) && byPort.TryGetValue(9090, out var on9090) && on9090.SequenceEqual(["b"])
                && slices.All(s => Json.Items(s["endpoints"]).All(e => Json.Bool(e.At("conditions", "ready"))));
        });
        await cluster.WaitForReadyPodsAsync("app=mixed", 2, "both pods ready");
        Assert.Equal(2, Json.Items((await cluster.GetAsync(Kinds.Endpoints, "mixed"))["subsets"]).Count());
    }

    [Fact]
    public async Task Service_WithoutPodsThenDeleted_PlaceholderSliceThenNothing()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(Manifests.Service("lonely", "nobody", 8080));

        JsonObject placeholder = [];
        await TestCluster.WaitAsync("a placeholder slice without endpoints or ports", async () =>
        {
            var slices = await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=lonely");
            placeholder = slices.SingleOrDefault() ?? [];
            return slices.Count == 1;
        });
        Assert.Empty(Json.Items(placeholder["endpoints"]));
        Assert.Null(placeholder["ports"]);
        await TestCluster.WaitAsync("an Endpoints without subsets", async () =>
        {
            try
            {
                return (await cluster.GetAsync(Kinds.Endpoints, "lonely"))["subsets"] is null;
            }
            catch (Flotilla.Api.Meta.ApiException e) when (e.IsNotFound())
            {
                return false;
            }
        });

        await cluster.Resource(Kinds.Services).DeleteAsync("lonely");

        await TestCluster.WaitAsync("the Service's slices and Endpoints to be gone", async () =>
            (await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=lonely")).Count == 0
            && (await cluster.ListAsync(Kinds.Endpoints)).All(e => e.Name() != "lonely"));
    }

    [Fact]
    public async Task SelectorlessService_SliceOfAnotherManager_IsLeftAlone()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.CreateAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "imported" },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["port"] = 8080 }) },
        });
        var foreign = await cluster.Resource(Kinds.EndpointSlices).CreateAsync(JsonNode.Parse("""
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice",
             "metadata":{"name":"imported-abc","labels":{"kubernetes.io/service-name":"imported","endpointslice.kubernetes.io/managed-by":"endpointsliceimport-controller.networking.fleet.azure.com"}},
             "addressType":"IPv4","endpoints":[{"addresses":["10.1.2.3"]}],"ports":[{"port":8080,"protocol":"TCP"}]}
            """)!.AsObject());
        // Something our controllers do react to, so that they have had their chance at the foreign slice.
        await cluster.CreateAsync(Manifests.Service("other", "other", 8080));
        await TestCluster.WaitAsync("the other Service's placeholder slice", async () =>
            (await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=other")).Count == 1);

        var slices = await cluster.ListAsync(Kinds.EndpointSlices, "kubernetes.io/service-name=imported");
        var only = Assert.Single(slices);
        Assert.Equal(foreign.ResourceVersion(), only.ResourceVersion());
    }
}
