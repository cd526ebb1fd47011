using System.Text.Json.Nodes;
using Flotilla.Api.Crd;
using Flotilla.Api.Networking;

namespace Flotilla.Api.Tests.Networking;

/// <summary>The CRDs generated from the networking types carry upstream's names, versions and columns (networking spec §1).</summary>
public sealed class NetworkingCrdTests
{
    public static TheoryData<Type, string, string, string[], bool> Kinds() => new()
    {
        { typeof(ServiceExport), "serviceexports", "svcexport", ["v1beta1", "v1alpha1"], true },
        { typeof(ServiceImport), "serviceimports", "svcimport", ["v1alpha1"], true },
        { typeof(MultiClusterService), "multiclusterservices", "mcs", ["v1alpha1"], true },
        { typeof(InternalServiceExport), "internalserviceexports", "internalsvcexport", ["v1alpha1"], false },
        { typeof(InternalServiceImport), "internalserviceimports", "internalsvcimport", ["v1alpha1"], false },
        { typeof(EndpointSliceExport), "endpointsliceexports", "", ["v1alpha1"], false },
        { typeof(EndpointSliceImport), "endpointsliceimports", "", ["v1alpha1"], false },
        { typeof(TrafficManagerProfile), "trafficmanagerprofiles", "tmp", ["v1beta1", "v1alpha1"], true },
        { typeof(TrafficManagerBackend), "trafficmanagerbackends", "tmb", ["v1beta1", "v1alpha1"], true },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Generate_NetworkingKind_HasUpstreamNamesAndVersions(Type type, string plural, string shortName, string[] versions, bool nameRule)
    {
        var crd = CrdGenerator.Generate(type);
        var spec = crd["spec"]!;

        Assert.Equal(plural + ".networking.fleet.azure.com", FleetCrds.Name(crd));
        Assert.Equal("Namespaced", (string?)spec["scope"]);
        Assert.Equal(["fleet-networking"], Strings(spec["names"]!["categories"]));
        Assert.Equal(shortName.Length == 0 ? [] : [shortName], Strings(spec["names"]!["shortNames"]));
        Assert.Equal(versions, spec["versions"]!.AsArray().Select(v => (string)v!["name"]!));
        Assert.Equal(versions[0], spec["versions"]!.AsArray().Single(v => (bool)v!["storage"]!)!["name"]!.GetValue<string>());
        var rules = spec["versions"]![0]!["schema"]!["openAPIV3Schema"]!["x-kubernetes-validations"];
        Assert.Equal(nameRule, rules is not null);
        if (nameRule)
        {
            Assert.True(JsonNode.DeepEquals(
                JsonNode.Parse("""[{"message": "metadata.name max length is 63", "rule": "size(self.metadata.name) < 64"}]"""), rules));
        }
    }

    [Fact]
    public void Generate_ServiceExportVersions_HaveIdenticalSchemas()
    {
        var versions = CrdGenerator.Generate(typeof(ServiceExport))["spec"]!["versions"]!.AsArray();

        Assert.True(JsonNode.DeepEquals(versions[0]!["schema"], versions[1]!["schema"]));
    }

    public static TheoryData<Type, string> Columns() => new()
    {
        {
            typeof(ServiceExport),
            "Is-Valid=.status.conditions[?(@.type=='Valid')].status|Is-Conflicted=.status.conditions[?(@.type=='Conflict')].status|Age=.metadata.creationTimestamp"
        },
        {
            typeof(MultiClusterService),
            "Service-Import=.spec.serviceImport.name|External-IP=.status.loadBalancer.ingress[0].ip|Is-Valid=.status.conditions[?(@.type=='Valid')].status|Age=.metadata.creationTimestamp"
        },
        {
            typeof(TrafficManagerProfile),
            "DNS-Name=.status.dnsName|Is-Programmed=.status.conditions[?(@.type=='Programmed')].status|Age=.metadata.creationTimestamp"
        },
        { typeof(ServiceImport), "" },
        { typeof(InternalServiceExport), "" },
    };

    [Theory]
    [MemberData(nameof(Columns))]
    public void Generate_PrinterColumns_MatchSpec(Type type, string expected)
    {
        var columns = CrdGenerator.Generate(type)["spec"]!["versions"]![0]!["additionalPrinterColumns"]?.AsArray() ?? [];

        Assert.Equal(expected, string.Join('|', columns.Select(c => $"{c!["name"]}={c["jsonPath"]}")));
    }

    [Fact]
    public void Generate_MultiClusterService_ConstrainsImportName()
    {
        var name = CrdGenerator.Generate(typeof(MultiClusterService))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!
            ["properties"]!["spec"]!["properties"]!["serviceImport"]!["properties"]!["name"]!;

        Assert.Equal(63, (int)name["maxLength"]!);
        Assert.Equal("^([a-z]([-a-z0-9]*[a-z0-9])?)$", (string?)name["pattern"]);
    }

    [Fact]
    public void Generate_ExportedObjectReference_IsAtomicAndRequiresKind()
    {
        var reference = CrdGenerator.Generate(typeof(InternalServiceExport))["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!
            ["properties"]!["spec"]!["properties"]!["serviceReference"]!;

        Assert.Equal("atomic", (string?)reference["x-kubernetes-map-type"]);
        Assert.Equal(["clusterId", "generation", "kind", "name", "namespace", "namespacedName", "resourceVersion", "uid"], Strings(reference["required"]));
    }

    private static string[] Strings(JsonNode? node) => node is JsonArray array ? [.. array.Select(n => (string)n!)] : [];
}
