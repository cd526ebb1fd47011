using System.Text.Json.Nodes;
using Flotilla.LocalCluster.Common;
using Flotilla.LocalCluster.Kubelet;
using Flotilla.LocalCluster.Responder;
using Flotilla.LocalCluster.Workloads;
using Flotilla.Testing;

namespace Flotilla.LocalCluster.Tests.Logic;

public sealed class DeploymentLogicTests
{
    [Theory]
    [InlineData(10, "\"25%\"", "\"25%\"", 3, 2)]
    [InlineData(3, "\"25%\"", "\"25%\"", 1, 0)]
    [InlineData(1, "\"25%\"", "\"25%\"", 1, 0)]
    [InlineData(4, "1", "1", 1, 1)]
    [InlineData(5, "\"0%\"", "\"0%\"", 0, 1)]
    [InlineData(2, "0", "\"50%\"", 0, 1)]
    [InlineData(3, "2", "5", 2, 3)]
    [InlineData(0, "1", "1", 1, 0)]
    public void SurgeAndUnavailable_IntOrPercent_RoundLikeUpstream(int replicas, string maxSurge, string maxUnavailable, int surge, int unavailable)
    {
        var d = JsonNode.Parse("{\"spec\":{\"replicas\":" + replicas + ",\"strategy\":{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxSurge\":" + maxSurge + ",\"maxUnavailable\":" + maxUnavailable + "}}}}")!.AsObject();

        Assert.Equal((surge, unavailable), (DeploymentLogic.MaxSurge(d), DeploymentLogic.MaxUnavailable(d)));
    }

    [Fact]
    public void MaxUnavailable_Recreate_IsZero()
    {
        var d = JsonNode.Parse("""{"spec":{"replicas":3,"strategy":{"type":"Recreate"}}}""")!.AsObject();

        Assert.Equal((0, 0), (DeploymentLogic.MaxSurge(d), DeploymentLogic.MaxUnavailable(d)));
    }

    [Theory]
    [InlineData(4, 0, 1)]
    [InlineData(3, 1, 2)]
    [InlineData(4, 1, 1)]
    [InlineData(0, 3, 4)]
    [InlineData(0, 4, 4)]
    public void NewRSNewReplicas_SurgeOfOne_GrowsWithinTheBudget(int oldReplicas, int newReplicas, int expected)
    {
        var d = JsonNode.Parse("""{"spec":{"replicas":4,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":1}}}}""")!.AsObject();
        var old = JsonNode.Parse("{\"spec\":{\"replicas\":" + oldReplicas + "}}")!.AsObject();
        var @new = JsonNode.Parse("{\"spec\":{\"replicas\":" + newReplicas + "}}")!.AsObject();

        Assert.Equal(expected, DeploymentLogic.NewRSNewReplicas(d, [old, @new], @new));
    }

    [Fact]
    public void EqualIgnoreHash_TemplatesDifferingOnlyInTheHashLabel_AreEqual()
    {
        var a = JsonNode.Parse("""{"metadata":{"labels":{"app":"x","pod-template-hash":"abc"}},"spec":{"containers":[{"name":"c","image":"i"}]}}""");
        var b = JsonNode.Parse("""{"spec":{"containers":[{"image":"i","name":"c"}]},"metadata":{"labels":{"app":"x"}}}""");
        var c = JsonNode.Parse("""{"metadata":{"labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"j"}]}}""");

        Assert.True(DeploymentLogic.EqualIgnoreHash(a, b));
        Assert.False(DeploymentLogic.EqualIgnoreHash(a, c));
    }
}

public sealed class TemplateHashTests
{
    [Fact]
    public void Compute_SameTemplateAnyPropertyOrder_SameSafeEncodedHash()
    {
        var a = TemplateHash.Compute(JsonNode.Parse("""{"a":1,"b":{"c":[1,2],"d":"x"}}"""), null);
        var b = TemplateHash.Compute(JsonNode.Parse("""{"b":{"d":"x","c":[1,2]},"a":1}"""), null);

        Assert.Equal(a, b);
        Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{1,10}$", a);
        Assert.Equal(a, TemplateHash.Compute(JsonNode.Parse("""{"a":1,"b":{"c":[1,2],"d":"x"}}"""), 0));
        Assert.NotEqual(a, TemplateHash.Compute(JsonNode.Parse("""{"a":1,"b":{"c":[1,2],"d":"x"}}"""), 1));
        Assert.NotEqual(a, TemplateHash.Compute(JsonNode.Parse("""{"a":2,"b":{"c":[1,2],"d":"x"}}"""), null));
    }
}

public sealed class QuantitiesTests
{
    [Theory]
    [InlineData("500m", 0.5)]
    [InlineData("2", 2)]
    [InlineData("1.5", 1.5)]
    [InlineData("128Mi", 134217728)]
    [InlineData("1.5Gi", 1610612736)]
    [InlineData("1e3", 1000)]
    [InlineData("4k", 4000)]
    [InlineData("1Ki", 1024)]
    [InlineData("100M", 100000000)]
    public void TryParse_Quantities_ReadsTheirValue(string text, double expected)
    {
        Assert.True(Quantities.TryParse(text, out var value));
        Assert.Equal((decimal)expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12Qi")]
    public void TryParse_NotQuantities_False(string text) => Assert.False(Quantities.TryParse(text, out _));

    [Fact]
    public void Format_CpuAndBytes_AsTheKubeletReports()
    {
        Assert.Equal(("4", "1500m"), (Quantities.FormatCpu(4000), Quantities.FormatCpu(1500)));
        Assert.Equal(("16777216Ki", "1000"), (Quantities.FormatBytes(16L * 1024 * 1024 * 1024), Quantities.FormatBytes(1000)));
    }
}

public sealed class PodIpAllocatorTests
{
    [Fact]
    public void TryAllocate_WholeBlock_DistinctAddressesSkippingNetworkGatewayAndBroadcast()
    {
        var allocator = new PodIpAllocator(Ipv4Cidr.Parse("127.231.250.0/26", "test"));
        var addresses = new List<string>();
        while (allocator.TryAllocate($"pod-{addresses.Count}", out var address))
        {
            addresses.Add(address);
        }

        Assert.Equal(61, addresses.Count);
        Assert.Equal(61, addresses.Distinct().Count());
        Assert.Equal("127.231.250.2", addresses[0]);
        Assert.DoesNotContain("127.231.250.0", addresses);
        Assert.DoesNotContain("127.231.250.1", addresses);
        Assert.DoesNotContain("127.231.250.63", addresses);
    }

    [Fact]
    public void TryAllocate_AfterRelease_NeverReusesAHeldAddressAndGoesRoundRobin()
    {
        var allocator = new PodIpAllocator(Ipv4Cidr.Parse("127.231.251.0/24", "test"));
        allocator.TryAllocate("a", out var a);
        allocator.TryAllocate("b", out var b);
        allocator.Release("a");
        allocator.TryAllocate("c", out var c);

        Assert.Equal(("127.231.251.2", "127.231.251.3", "127.231.251.4"), (a, b, c));
        Assert.True(allocator.TryAllocate("b", out var again) && again == b);
        Assert.False(allocator.TryReserve("d", b));
        Assert.True(allocator.TryReserve("e", a));
    }

    [Fact]
    public void TryReserve_AddressOutsideTheBlockOrReserved_False()
    {
        var allocator = new PodIpAllocator(Ipv4Cidr.Parse("127.231.252.0/24", "test"));

        Assert.False(allocator.TryReserve("a", "127.231.253.5"));
        Assert.False(allocator.TryReserve("a", "127.231.252.255"));
        Assert.False(allocator.TryReserve("a", "127.231.252.1"));
        Assert.True(allocator.TryReserve("a", "127.231.252.7"));
    }
}

public sealed class ClusterLayoutTests
{
    [Fact]
    public void From_DefaultsForMemberTwo_SplitsThePodRangeIntoNodeBlocks()
    {
        var layout = ClusterLayout.From(new LocalClusterOptions { ClusterName = "member-2", ClusterIndex = 2 });

        Assert.Equal(["member-2-node-0", "member-2-node-1", "member-2-node-2"], layout.Nodes.Select(n => n.Name));
        Assert.Equal(["127.102.0.0/24", "127.102.1.0/24", "127.102.2.0/24"], layout.Nodes.Select(n => n.PodCidr.ToString()));
        Assert.Equal(["127.0.102.1", "127.0.102.2", "127.0.102.3"], layout.Nodes.Select(n => n.Address));
        Assert.Equal((4000L, 16L * 1024 * 1024 * 1024), (layout.CpuMillis, layout.MemoryBytes));
    }

    [Fact]
    public void From_SmallPodRange_SmallerNodeBlocks()
    {
        var layout = ClusterLayout.From(new LocalClusterOptions { ClusterName = "c", NodeCount = 3, PodCidr = "127.99.0.0/24", NodeAddressCidr = "127.98.0.0/24" });

        Assert.Equal(["127.99.0.0/26", "127.99.0.64/26", "127.99.0.128/26"], layout.Nodes.Select(n => n.PodCidr.ToString()));
    }

    [Theory]
    [InlineData("127.99.0.0/28", "too small")]
    [InlineData("127.99.0.1/16", "host bits")]
    [InlineData("not-a-cidr", "IPv4 CIDR")]
    public void Validate_BadPodRange_NamesTheOption(string cidr, string expected)
    {
        var options = new LocalClusterOptions { ClusterName = "c", NodeCount = 3, PodCidr = cidr, NodeAddressCidr = "127.98.0.0/24" };

        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("PodCidr", e.Message);
        Assert.Contains(expected, e.Message);
    }
}

public sealed class SchedulingFitTests
{
    private static readonly JsonObject Node = JsonNode.Parse("""
        {"metadata":{"name":"n1","labels":{"disk":"ssd"}},"status":{"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"}}}
        """)!.AsObject();

    [Fact]
    public void Reasons_FitsAndMisfits_InTheSchedulersWords()
    {
        var small = Pod("""{"containers":[{"name":"a","resources":{"requests":{"cpu":"500m","memory":"1Gi"}}}]}""");
        var big = Pod("""{"containers":[{"name":"a","resources":{"requests":{"cpu":"3","memory":"8Gi"}}}]}""");
        var elsewhere = Pod("""{"nodeSelector":{"disk":"hdd"},"containers":[{"name":"a"}]}""");
        var pinned = Pod("""{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{"nodeSelectorTerms":[{"matchFields":[{"key":"metadata.name","operator":"In","values":["n2"]}]}]}}},"containers":[{"name":"a"}]}""");
        var none = new Resources(0, 0, 0);

        Assert.Empty(SchedulingFit.Reasons(small, Node, none, []));
        Assert.Equal(["Insufficient cpu", "Insufficient memory"], SchedulingFit.Reasons(big, Node, none, []));
        Assert.Equal(["Insufficient cpu"], SchedulingFit.Reasons(small, Node, new Resources(1600, 0, 3), []));
        Assert.Equal(["node(s) didn't match Pod's node affinity/selector"], SchedulingFit.Reasons(elsewhere, Node, none, []));
        Assert.Equal(["node(s) didn't match Pod's node affinity/selector"], SchedulingFit.Reasons(pinned, Node, none, []));
    }

    [Fact]
    public void Requests_InitContainerLargerThanContainers_CountsTheLarger()
    {
        var pod = Pod("""{"initContainers":[{"name":"i","resources":{"requests":{"cpu":"2"}}}],"containers":[{"name":"a","resources":{"requests":{"cpu":"500m","memory":"1Gi"}}},{"name":"b","resources":{"requests":{"cpu":"500m"}}}]}""");

        Assert.Equal(new Resources(2000, 1024L * 1024 * 1024, 1), SchedulingFit.Requests(pod));
        Assert.Equal(new Resources(2000, 1024L * 1024 * 1024 + 200L * 1024 * 1024, 1), SchedulingFit.Requests(pod, nonZero: true));
    }

    [Fact]
    public void Score_EmptierNode_ScoresHigher()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""");

        Assert.True(SchedulingFit.Score(pod, Node, new Resources(0, 0, 0)) > SchedulingFit.Score(pod, Node, new Resources(1000, 1024L * 1024 * 1024, 2)));
    }

    [Fact]
    public void Message_MixedReasons_SortedWithPreemptionSummary()
    {
        var message = SchedulingFit.Message(3, new Dictionary<string, int> { ["Insufficient memory"] = 2, ["node(s) didn't match Pod's node affinity/selector"] = 1 });

        Assert.Equal("0/3 nodes are available: 2 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector. "
            + "preemption: 0/3 nodes are available: 2 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.", message);
    }

    private static JsonObject Pod(string spec) => new() { ["metadata"] = new JsonObject { ["name"] = "p" }, ["spec"] = JsonNode.Parse(spec) };
}

public sealed class PodRankingTests
{
    [Fact]
    public void ToDelete_MixedPods_UnscheduledThenPendingThenUnreadyThenNewest()
    {
        var unscheduled = Pod("unscheduled", node: null, phase: "Pending", ready: false, created: "2025-01-01T00:00:00Z");
        var pending = Pod("pending", node: "n1", phase: "Pending", ready: false, created: "2025-01-01T00:00:00Z");
        var unready = Pod("unready", node: "n1", phase: "Running", ready: false, created: "2025-01-01T00:00:00Z");
        var oldReady = Pod("old", node: "n2", phase: "Running", ready: true, created: "2025-01-01T00:00:00Z");
        var newReady = Pod("new", node: "n3", phase: "Running", ready: true, created: "2025-01-01T00:05:00Z");

        var order = PodRanking.ToDelete([oldReady, newReady, unready, pending, unscheduled], 5).Select(p => p["metadata"]!["name"]!.GetValue<string>());

        Assert.Equal(["unscheduled", "pending", "unready", "new", "old"], order);
    }

    private static JsonObject Pod(string name, string? node, string phase, bool ready, string created) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["creationTimestamp"] = created },
        ["spec"] = node is null ? new JsonObject() : new JsonObject { ["nodeName"] = node },
        ["status"] = new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False", ["lastTransitionTime"] = created }),
        },
    };
}

public sealed class ExpectationsTests
{
    [Fact]
    public void Satisfied_PendingCreatesAndDeletes_OnlyOnceObservedOrExpired()
    {
        var time = new ManualTimeProvider();
        var expectations = new Expectations<string>(time, TimeSpan.FromMinutes(1));
        expectations.ExpectCreations("rs", 2);
        expectations.ExpectDeletions("rs", ["pod-a"]);

        expectations.CreationObserved("rs");
        expectations.CreationObserved("rs");
        Assert.False(expectations.Satisfied("rs"));
        Assert.True(expectations.IsDeleting("rs", "pod-a"));
        expectations.DeletionObserved("rs", "pod-a");
        Assert.True(expectations.Satisfied("rs"));

        expectations.ExpectCreations("rs", 1);
        Assert.False(expectations.Satisfied("rs"));
        time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(expectations.Satisfied("rs"));
    }
}

public sealed class ResponderUnitTests
{
    [Theory]
    [InlineData("nginx", "docker.io/library/nginx:latest")]
    [InlineData("nginx:1.25", "docker.io/library/nginx:1.25")]
    [InlineData("bitnami/redis:7", "docker.io/bitnami/redis:7")]
    [InlineData("gcr.io/kuar-demo/kuard-amd64:blue", "gcr.io/kuar-demo/kuard-amd64:blue")]
    [InlineData("localhost:5000/app", "localhost:5000/app:latest")]
    public void NormalizeImage_References_AsTheRuntimeReportsThem(string image, string expected) =>
        Assert.Equal(expected, PodStatuses.NormalizeImage(image));

    [Theory]
    [InlineData("gcr.io/kuar-demo/kuard-amd64:blue", "v0.10.0-blue")]
    [InlineData("gcr.io/kuar-demo/kuard-amd64:purple", "v0.10.0-purple")]
    [InlineData("nginx", "latest")]
    [InlineData("nginx:1.25", "1.25")]
    public void VersionOf_Images_TheirTag(string image, string expected) => Assert.Equal(expected, KuardPage.VersionOf(image));

    [Fact]
    public void Parse_Http10WithoutKeepAlive_Closes()
    {
        var request = HttpRequest.Parse("GET /a/?x=1 HTTP/1.0\r\nHost: h\r\nContent-Length: 3\r\n\r\n"u8);

        Assert.NotNull(request);
        Assert.Equal(("GET", "/a/?x=1", "HTTP/1.0", "h", 3L, false), (request.Method, request.Target, request.Version, request.Host, request.ContentLength, request.KeepAlive));
        Assert.Null(HttpRequest.Parse("NONSENSE\r\n\r\n"u8));
    }
}
