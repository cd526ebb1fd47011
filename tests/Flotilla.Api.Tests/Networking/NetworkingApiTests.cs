using Flotilla.Api.Networking;

namespace Flotilla.Api.Tests.Networking;

public sealed class NetworkingApiTests
{
    [Theory]
    [InlineData("work", "app", "work-app")]
    [InlineData("a-b", "c", "a-b-c")]
    [InlineData("a", "b-c", "a-b-c")]
    public void InternalServiceExportName_AnyService_IsPlainJoin(string ns, string name, string expected)
    {
        Assert.Equal(expected, NetworkingApi.InternalServiceExportName(ns, name));
        Assert.Equal(expected, NetworkingApi.InternalServiceImportName(ns, name));
        Assert.Equal(expected, NetworkingApi.DerivedServiceName(ns, name));
    }

    [Fact]
    public void DerivedServiceName_LongNames_IsNotTruncated()
    {
        var ns = new string('n', 40);
        var name = new string('m', 40);

        Assert.Equal(81, NetworkingApi.DerivedServiceName(ns, name).Length);
    }

    [Fact]
    public void ClusterNamespace_ClusterId_IsFleetMemberPrefix()
    {
        Assert.Equal("fleet-member-member-1", NetworkingApi.ClusterNamespace("member-1"));
        Assert.Equal("work/app", NetworkingApi.NamespacedName("work", "app"));
    }

    [Fact]
    public void WellKnownNames_AreVerbatim()
    {
        Assert.Equal("networking.fleet.azure.com/svc-export-cleanup", NetworkingApi.ServiceExportCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/internal-svc-export-cleanup", NetworkingApi.InternalServiceExportCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/serviceimport-cleanup", NetworkingApi.ServiceImportCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/internalsvcimport-cleanup", NetworkingApi.InternalServiceImportCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/endpointsliceexport-cleanup", NetworkingApi.EndpointSliceExportCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/endpointsliceimport-cleanup", NetworkingApi.EndpointSliceImportCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/service-resources-cleanup", NetworkingApi.ServiceResourcesCleanupFinalizer);
        Assert.Equal("networking.fleet.azure.com/service-import", NetworkingApi.ServiceImportLabel);
        Assert.Equal("networking.fleet.azure.com/derived-service", NetworkingApi.DerivedServiceLabel);
        Assert.Equal("networking.fleet.azure.com/multi-cluster-service-name", NetworkingApi.MultiClusterServiceNameLabel);
        Assert.Equal("networking.fleet.azure.com/multi-cluster-service-namespace", NetworkingApi.MultiClusterServiceNamespaceLabel);
        Assert.Equal("networking.fleet.azure.com/weight", NetworkingApi.WeightAnnotation);
        Assert.Equal("networking.fleet.azure.com/service-in-use-by", NetworkingApi.ServiceInUseByAnnotation);
        Assert.Equal("networking.fleet.azure.com/fleet-unique-name", NetworkingApi.FleetUniqueNameAnnotation);
    }

    [Fact]
    public void FleetUniqueName_ValidComponents_JoinsWithUuidPrefix()
    {
        var uuid = Guid.Parse("3f2a1b4c-0000-0000-0000-000000000000");

        Assert.Equal("member-1-work-app-xk2p9-3f2a1", NetworkingApi.FleetUniqueName("member-1", "work", "app-xk2p9", uuid, new Random(1)));
    }

    [Fact]
    public void FleetUniqueName_LongComponents_CutsEachTo81()
    {
        var uuid = Guid.Parse("abcde000-0000-0000-0000-000000000000");
        var longName = new string('a', 100);

        var name = NetworkingApi.FleetUniqueName(longName, longName, longName, uuid, new Random(1));

        Assert.Equal(string.Join('-', new string('a', 81), new string('a', 81), new string('a', 81), "abcde"), name);
        Assert.Equal(251, name.Length);
    }

    [Fact]
    public void FleetUniqueName_NotASubdomain_FallsBackTo25LowerCaseLetters()
    {
        var name = NetworkingApi.FleetUniqueName("Member_1", "work", "app", Guid.NewGuid(), new Random(7));

        Assert.Equal(25, name.Length);
        Assert.All(name, c => Assert.InRange(c, 'a', 'z'));
    }

    [Theory]
    [InlineData(null, 1L, null)]
    [InlineData("0", 0L, null)]
    [InlineData("1000", 1000L, null)]
    [InlineData("+7", 7L, null)]
    [InlineData("abc", 0L, "the weight annotation is not a valid integer: abc")]
    [InlineData(" 5", 0L, "the weight annotation is not a valid integer:  5")]
    [InlineData("1.5", 0L, "the weight annotation is not a valid integer: 1.5")]
    [InlineData("1001", 0L, "the weight annotation is not in the range [0, 1000]: 1001")]
    [InlineData("-1", 0L, "the weight annotation is not in the range [0, 1000]: -1")]
    public void ParseWeight_AnnotationValue_ReturnsWeightOrUpstreamError(string? value, long weight, string? error)
    {
        var parsed = NetworkingAnnotations.ParseWeight(value);

        Assert.Equal((weight, error), parsed);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("1", true)]
    [InlineData("yes", false)]
    [InlineData("false", false)]
    [InlineData(null, false)]
    public void IsInternalLoadBalancerRequested_AnnotationValue_ParsesLikeGoParseBool(string? value, bool expected)
    {
        Assert.Equal(expected, NetworkingAnnotations.IsInternalLoadBalancerRequested(value));
    }

    [Fact]
    public void FormatServiceInUseBy_Clusters_WritesMemberClustersWithSortedKeys()
    {
        var json = NetworkingAnnotations.FormatServiceInUseBy(new Dictionary<string, string>
        {
            ["fleet-member-member-2"] = "member-2",
            ["fleet-member-member-1"] = "member-1",
        });

        Assert.Equal("""{"MemberClusters":{"fleet-member-member-1":"member-1","fleet-member-member-2":"member-2"}}""", json);
    }

    [Theory]
    [InlineData("""{"MemberClusters":{"fleet-member-member-1":"member-1"}}""", "fleet-member-member-1=member-1")]
    [InlineData("""{"memberclusters":{"fleet-member-a":"a"}}""", "fleet-member-a=a")]
    [InlineData("""{"MemberClusters":null}""", "")]
    [InlineData("""{}""", "")]
    [InlineData("null", "")]
    public void ParseServiceInUseBy_ValidJson_ReadsTheMap(string annotation, string expected)
    {
        var clusters = NetworkingAnnotations.ParseServiceInUseBy(annotation);

        Assert.NotNull(clusters);
        Assert.Equal(expected, string.Join(',', clusters.Select(p => p.Key + "=" + p.Value)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"MemberClusters":["a"]}""")]
    [InlineData("""{"MemberClusters":{"a":1}}""")]
    public void ParseServiceInUseBy_InvalidJson_ReturnsNull(string annotation)
    {
        Assert.Null(NetworkingAnnotations.ParseServiceInUseBy(annotation));
    }
}
