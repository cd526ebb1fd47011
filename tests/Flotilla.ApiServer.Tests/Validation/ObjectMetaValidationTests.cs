using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Tests.Validation;

public sealed class ObjectMetaValidationTests
{
    private static readonly ResourceDefinition ConfigMaps = new()
    {
        Group = "",
        Version = "v1",
        Kind = "ConfigMap",
        Plural = "configmaps",
        Singular = "configmap",
        Namespaced = true,
    };

    [Fact]
    public void Validate_WellFormedMetadata_NoCauses()
    {
        var obj = JsonAssert.Object("""
            {"metadata":{"name":"app-config","namespace":"default","generation":1,
              "labels":{"app.kubernetes.io/name":"web","tier":""},
              "annotations":{"Example.com/Note":"anything at all: 😀"},
              "ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"1f0e","controller":true,"blockOwnerDeletion":true},
                                 {"apiVersion":"v1","kind":"Namespace","name":"default","uid":"2a9c"}],
              "finalizers":["kubernetes.io/pvc-protection","example.com/cleanup"]}}
            """);

        Assert.Empty(ObjectMetaValidation.Validate(obj, ConfigMaps));
    }

    [Fact]
    public void Validate_BadName_ExactUpstreamMessageInApiException()
    {
        var causes = ObjectMetaValidation.Validate(JsonAssert.Object("""{"metadata":{"name":"Bad_Name"}}"""), ConfigMaps);

        var error = ApiException.Invalid("ConfigMap", "", "Bad_Name", causes);

        Assert.Equal(
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            error.Message);
        Assert.Equal("FieldValueInvalid", Assert.Single(error.Details!.Causes!).Reason);
    }

    public static TheoryData<string, StatusCause[]> BrokenMetadata => new()
    {
        { """{}""", [new("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")] },
        { """{"generateName":"Web_"}""",
            [new("FieldValueInvalid", "Invalid value: \"Web_\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", "metadata.generateName"),
             new("FieldValueRequired", "Required value: name or generateName is required", "metadata.name")] },
        { """{"name":"ok","labels":{"bad key":"v"}}""",
            [new("FieldValueInvalid", "Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')", "metadata.labels")] },
        { """{"name":"ok","labels":{"app":"-web"}}""",
            [new("FieldValueInvalid", "Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')", "metadata.labels")] },
        { """{"name":"ok","labels":{"replicas":3}}""",
            [new("FieldValueTypeInvalid", "Invalid value: \"integer\": label values must be strings", "metadata.labels[replicas]")] },
        { """{"name":"ok","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web"}]}""",
            [new("FieldValueInvalid", "Invalid value: \"\": must not be empty", "metadata.ownerReferences.uid")] },
        { """{"name":"ok","ownerReferences":[{"kind":"Deployment","name":"web","uid":"1"}]}""",
            [new("FieldValueInvalid", "Invalid value: \"\": version must not be empty", "metadata.ownerReferences.apiVersion")] },
        { """{"name":"ok","ownerReferences":[{"apiVersion":"v1","kind":"Event","name":"e","uid":"1"}]}""",
            [new("FieldValueInvalid", "Invalid value: {\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"1\"}: /v1, Kind=Event is disallowed from being an owner", "metadata.ownerReferences")] },
        { """{"name":"ok","ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"a","uid":"1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"b","uid":"2","controller":true}]}""",
            [new("FieldValueInvalid", "Invalid value: [{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"a\",\"uid\":\"1\",\"controller\":true},{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"b\",\"uid\":\"2\",\"controller\":true}]: Only one reference can have Controller set to true. Found \"true\" in references for Deployment/a and ReplicaSet/b", "metadata.ownerReferences")] },
        { """{"name":"ok","finalizers":["orphan","foregroundDeletion"]}""",
            [new("FieldValueInvalid", "Invalid value: [\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set", "metadata.finalizers")] },
        { """{"name":"ok","finalizers":["a/b/c"]}""",
            [new("FieldValueInvalid", "Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')", "metadata.finalizers")] },
        { """{"name":"ok","namespace":"Team_A"}""",
            [new("FieldValueInvalid", "Invalid value: \"Team_A\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')", "metadata.namespace")] },
        { """{"name":"ok","generation":-1}""",
            [new("FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0", "metadata.generation")] },
    };

    [Theory]
    [MemberData(nameof(BrokenMetadata))]
    public void Validate_BrokenMetadata_ReportsUpstreamCauses(string metadataJson, StatusCause[] expected)
    {
        var obj = new JsonObject { ["metadata"] = JsonNode.Parse(metadataJson) };

        Assert.Equal(expected, ObjectMetaValidation.Validate(obj, ConfigMaps));
    }

    [Fact]
    public void Validate_AnnotationsOverLimit_TooLong()
    {
        var obj = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["name"] = "big",
                ["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = new string('x', 256 * 1024) },
            },
        };

        var cause = Assert.Single(ObjectMetaValidation.Validate(obj, ConfigMaps));

        Assert.Equal(new StatusCause("FieldValueTooLong", "Too long: may not be more than 262144 bytes", "metadata.annotations"), cause);
    }

    [Fact]
    public void Validate_ServiceNameStartingWithDigit_Dns1035Error()
    {
        var services = ConfigMaps with { Kind = "Service", Plural = "services", Singular = "service" };

        var cause = Assert.Single(ObjectMetaValidation.Validate(JsonAssert.Object("""{"metadata":{"name":"1web"}}"""), services));

        Assert.Equal("metadata.name", cause.Field);
        Assert.StartsWith("Invalid value: \"1web\": a DNS-1035 label must consist of", cause.Message, StringComparison.Ordinal);
    }
}
