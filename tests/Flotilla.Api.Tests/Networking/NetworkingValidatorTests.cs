using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.Api.Networking.Admission;

namespace Flotilla.Api.Tests.Networking;

public sealed class NetworkingValidatorTests
{
    private const string NameRule = "<nil>: Invalid value: \"object\": metadata.name max length is 63";

    private static readonly string LongName = new('a', 64);
    private static readonly string MaxName = new('a', 63);

    public static TheoryData<string, KubeObject, bool> NameRuleCases() => new()
    {
        { "ServiceExport", new ServiceExport { Metadata = Meta(MaxName) }, true },
        { "ServiceExport", new ServiceExport { Metadata = Meta(LongName) }, false },
        { "ServiceImport", new ServiceImport { Metadata = Meta(MaxName) }, true },
        { "ServiceImport", new ServiceImport { Metadata = Meta(LongName) }, false },
        { "MultiClusterService", Mcs(MaxName, "app"), true },
        { "MultiClusterService", Mcs(LongName, "app"), false },
        { "TrafficManagerProfile", Profile(MaxName, "rg"), true },
        { "TrafficManagerProfile", Profile(LongName, "rg"), false },
        { "TrafficManagerBackend", new TrafficManagerBackend { Metadata = Meta(MaxName) }, true },
        { "TrafficManagerBackend", new TrafficManagerBackend { Metadata = Meta(LongName) }, false },
    };

    [Theory]
    [MemberData(nameof(NameRuleCases))]
    public void Validate_NameLength_FollowsCelRule(string kind, KubeObject obj, bool allowed)
    {
        var result = NetworkingValidator.Validate(obj);

        Assert.Equal(allowed, result.IsAllowed);
        if (!allowed)
        {
            var error = result.ToException(kind, NetworkingApi.Group, obj.Metadata.Name!)!;
            Assert.Equal((422, $"{kind}.networking.fleet.azure.com \"{obj.Metadata.Name}\" is invalid: {NameRule}"), (error.Code, error.Message));
        }
    }

    public static TheoryData<KubeObject> InternalKinds() =>
    [
        new InternalServiceExport { Metadata = Meta(new string('a', 253)) },
        new InternalServiceImport { Metadata = Meta(new string('a', 253)) },
        new EndpointSliceExport { Metadata = Meta(new string('a', 253)) },
        new EndpointSliceImport { Metadata = Meta(new string('a', 253)) },
    ];

    [Theory]
    [MemberData(nameof(InternalKinds))]
    public void Validate_InternalKindWithLongName_IsAllowed(KubeObject obj)
    {
        Assert.True(NetworkingValidator.Validate(obj).IsAllowed);
    }

    [Theory]
    [InlineData("app")]
    [InlineData("1app")]
    [InlineData("")]
    public void ValidateMultiClusterService_AnyImportName_LeftToTheSchema(string importName)
    {
        // The import name's schema rules (DNS-1035, 63 characters) are the server's: FleetCrdSchemaTests.
        Assert.True(NetworkingValidator.ValidateMultiClusterService(Mcs("mcs", importName)).IsAllowed);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("1000")]
    [InlineData("-1")]
    public void ValidateServiceExport_InvalidWeightAnnotation_IsAllowed(string weight)
    {
        // Upstream validates the weight in the member agent (Valid=False ServiceExportInvalidWeightAnnotation), not at admission.
        var export = new ServiceExport { Metadata = Meta("app") };
        export.Metadata.SetAnnotation(NetworkingApi.WeightAnnotation, weight);

        Assert.True(NetworkingValidator.ValidateServiceExport(export).IsAllowed);
    }

    [Fact]
    public void ValidateTrafficManagerProfile_ResourceGroupChanged_IsInvalid()
    {
        var result = NetworkingValidator.Validate(Profile("p", "rg-2"), Profile("p", "rg-1"));

        Assert.Equal(
            "TrafficManagerProfile.networking.fleet.azure.com \"p\" is invalid: spec.resourceGroup: Invalid value: \"string\": resourceGroup is immutable",
            result.ToException("TrafficManagerProfile", NetworkingApi.Group, "p")!.Message);
        Assert.True(NetworkingValidator.Validate(Profile("p", "rg-1"), Profile("p", "rg-1")).IsAllowed);
    }

    private static ObjectMeta Meta(string name) => new() { Name = name, Namespace = "work" };

    private static MultiClusterService Mcs(string name, string importName) => new()
    {
        Metadata = Meta(name),
        Spec = new() { ServiceImport = new() { Name = importName } },
    };

    private static TrafficManagerProfile Profile(string name, string resourceGroup) => new()
    {
        Metadata = Meta(name),
        Spec = new() { ResourceGroup = resourceGroup },
    };
}
