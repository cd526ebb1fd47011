using System.Text.Json.Nodes;
using Flotilla.Api.Cluster;
using Flotilla.Api.Crd;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Tests.Schema;

/// <summary>
/// The schema rules of the generated fleet CRDs (bounds, enums, item and length limits, patterns), as the server
/// enforces them before fleet admission runs: the typed validators check only the CEL rules and the webhooks, so these
/// are the messages a user sees for the schema rules.
/// </summary>
public sealed class FleetCrdSchemaTests
{
    private const string ValidMemberCluster = """
        {"apiVersion":"cluster.kubernetes-fleet.io/v1beta1","kind":"MemberCluster","metadata":{"name":"member-1"},
         "spec":{"identity":{"kind":"ServiceAccount","name":"fleet-member-agent-member-1","namespace":"fleet-system"},
                 "heartbeatPeriodSeconds":60}}
        """;

    private const string ImportNamePattern = "^([a-z]([-a-z0-9]*[a-z0-9])?)$";

    public static TheoryData<string, string, string> InvalidMemberClusters() => new()
    {
        {
            "heartbeat below 1",
            """{"heartbeatPeriodSeconds":0}""",
            "spec.heartbeatPeriodSeconds: Invalid value: 0: spec.heartbeatPeriodSeconds in body should be greater than or equal to 1"
        },
        {
            "heartbeat above 600",
            """{"heartbeatPeriodSeconds":601}""",
            "spec.heartbeatPeriodSeconds: Invalid value: 601: spec.heartbeatPeriodSeconds in body should be less than or equal to 600"
        },
        {
            "no identity",
            """{"identity":null}""",
            "spec.identity: Required value"
        },
        {
            "effect other than NoSchedule",
            """{"taints":[{"key":"k","value":"v","effect":"NoExecute"}]}""",
            "spec.taints[0].effect: Unsupported value: \"NoExecute\": supported values: \"NoSchedule\""
        },
        {
            "more than 100 taints",
            """{"taints":[""" + string.Join(',', Enumerable.Range(0, 101).Select(i => $$"""{"key":"k{{i}}","value":"v","effect":"NoSchedule"}""")) + "]}",
            "spec.taints: Too many: 101: must have at most 100 items"
        },
        {
            "unknown validation mode",
            """{"deleteOptions":{"validationMode":"Lenient"}}""",
            "spec.deleteOptions.validationMode: Unsupported value: \"Lenient\": supported values: \"Skip\", \"Strict\""
        },
    };

    [Theory]
    [MemberData(nameof(InvalidMemberClusters))]
    public void Validate_MemberClusterBreakingSchema_ReportsUpstreamCause(string why, string specPatch, string expected)
    {
        var obj = JsonAssert.Object(ValidMemberCluster);
        var spec = obj["spec"]!.AsObject();
        foreach (var (name, value) in JsonAssert.Object(specPatch))
        {
            if (value is null)
            {
                spec.Remove(name);
            }
            else
            {
                spec[name] = value.DeepClone();
            }
        }

        var causes = SchemaOf(typeof(MemberCluster)).Validate(obj);

        Assert.True(causes.Count > 0, why);
        Assert.Equal($"MemberCluster.cluster.kubernetes-fleet.io \"member-1\" is invalid: {expected}",
            ApiException.Invalid("MemberCluster", ClusterApi.Group, "member-1", causes).Message);
    }

    [Fact]
    public void Validate_ValidMemberCluster_NoCauses()
    {
        Assert.Empty(SchemaOf(typeof(MemberCluster)).Validate(JsonAssert.Object(ValidMemberCluster)));
    }

    [Theory]
    [InlineData("1app")]
    [InlineData("App")]
    [InlineData("app-")]
    [InlineData("my.app")]
    [InlineData("")]
    public void Validate_MultiClusterServiceImportNameNotDns1035_ReportsPattern(string importName)
    {
        var causes = SchemaOf(typeof(MultiClusterService)).Validate(MultiClusterService(importName));

        Assert.Equal(
            $"MultiClusterService.networking.fleet.azure.com \"mcs\" is invalid: spec.serviceImport.name: Invalid value: \"{importName}\": spec.serviceImport.name in body should match '{ImportNamePattern}'",
            ApiException.Invalid("MultiClusterService", NetworkingApi.Group, "mcs", causes).Message);
    }

    [Fact]
    public void Validate_MultiClusterServiceImportNameOver63_IsTooLong()
    {
        var causes = SchemaOf(typeof(MultiClusterService)).Validate(MultiClusterService(new string('a', 64)));

        var cause = Assert.Single(causes);
        Assert.Equal(("FieldValueTooLong", "spec.serviceImport.name", "Too long: may not be longer than 63"), (cause.Reason, cause.Field, cause.Message));
        Assert.Empty(SchemaOf(typeof(MultiClusterService)).Validate(MultiClusterService(new string('a', 63))));
    }

    [Fact]
    public void Validate_TrafficManagerProfileResourceGroupOver90_IsTooLong()
    {
        var causes = SchemaOf(typeof(TrafficManagerProfile)).Validate(TrafficManagerProfile(new string('g', 91)));

        Assert.Equal(
            "TrafficManagerProfile.networking.fleet.azure.com \"p\" is invalid: spec.resourceGroup: Too long: may not be longer than 90",
            ApiException.Invalid("TrafficManagerProfile", NetworkingApi.Group, "p", causes).Message);
        Assert.Empty(SchemaOf(typeof(TrafficManagerProfile)).Validate(TrafficManagerProfile(new string('g', 90))));
    }

    /// <summary>The compiled schema of the CRD's storage version, as the server holds it.</summary>
    private static StructuralSchema SchemaOf(Type type)
    {
        var versions = CrdGenerator.Generate(type)["spec"]!["versions"]!.AsArray();
        var storage = versions.First(v => v!["storage"]!.GetValue<bool>())!;
        return StructuralSchema.For(storage["schema"]!["openAPIV3Schema"]!.AsObject());
    }

    private static JsonObject MultiClusterService(string importName) => new()
    {
        ["apiVersion"] = NetworkingApi.Group + "/v1alpha1",
        ["kind"] = "MultiClusterService",
        ["metadata"] = new JsonObject { ["name"] = "mcs", ["namespace"] = "work" },
        ["spec"] = new JsonObject { ["serviceImport"] = new JsonObject { ["name"] = importName } },
    };

    private static JsonObject TrafficManagerProfile(string resourceGroup) => new()
    {
        ["apiVersion"] = NetworkingApi.Group + "/v1beta1",
        ["kind"] = "TrafficManagerProfile",
        ["metadata"] = new JsonObject { ["name"] = "p", ["namespace"] = "work" },
        ["spec"] = new JsonObject { ["resourceGroup"] = resourceGroup },
    };
}
