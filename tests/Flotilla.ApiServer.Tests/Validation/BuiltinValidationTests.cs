using Flotilla.Api.Meta;
using Flotilla.ApiServer.Defaulting;
using Flotilla.ApiServer.Tests.Schema;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Tests.Validation;

public sealed class BuiltinValidationTests
{
    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web","tier":"front"}},
                             "spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}}}
        """;

    [Fact]
    public void Validate_DefaultedDeployment_NoCauses()
    {
        var obj = JsonAssert.Object(Deployment);
        BuiltinDefaults.Apply("apps", "Deployment", obj);

        Assert.Empty(BuiltinValidation.Validate("apps", "Deployment", obj));
    }

    [Fact]
    public void Validate_NegativeReplicas_ExactUpstreamStatusMessage()
    {
        var obj = JsonAssert.Object(Deployment);
        BuiltinDefaults.Apply("apps", "Deployment", obj);
        obj["spec"]!["replicas"] = -1;

        var error = ApiException.Invalid("Deployment", "apps", "web", BuiltinValidation.Validate("apps", "Deployment", obj));

        Assert.Equal("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", error.Message);
        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0", "spec.replicas"), Assert.Single(error.Details!.Causes!));
    }

    public static TheoryData<string, string, string, string, StatusCause[]> BrokenObjects => new()
    {
        { "apps", "Deployment", "spec.selector", """{"matchLabels":{"app":"nginx"}}""",
            [new("FieldValueInvalid", "Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"front\"}: `selector` does not match template `labels`", "spec.template.metadata.labels")] },
        { "apps", "Deployment", "spec.selector", """{"matchExpressions":[{"key":"tier","operator":"In","values":["front","back"]}]}""", [] },
        { "apps", "Deployment", "spec.selector", """{"matchExpressions":[{"key":"tier","operator":"DoesNotExist"}]}""",
            [new("FieldValueInvalid", "Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"front\"}: `selector` does not match template `labels`", "spec.template.metadata.labels")] },
        { "apps", "Deployment", "spec.selector", "{}",
            [new("FieldValueInvalid", "Invalid value: {}: empty selector is invalid for deployment", "spec.selector")] },
        { "apps", "Deployment", "spec.selector", """{"matchExpressions":[{"key":"tier","operator":"Near"}]}""",
            [new("FieldValueInvalid", "Invalid value: {\"matchExpressions\":[{\"key\":\"tier\",\"operator\":\"Near\"}]}: invalid label selector", "spec.selector")] },
        { "apps", "StatefulSet", "spec.selector", "{}",
            [new("FieldValueInvalid", "Invalid value: {}: empty selector is invalid for statefulset", "spec.selector")] },
        { "apps", "DaemonSet", "spec.replicas", "-5", [] },
        { "apps", "Deployment", "spec.template.spec.containers", "[]",
            [new("FieldValueRequired", "Required value", "spec.template.spec.containers")] },
        { "apps", "Deployment", "spec.template.spec.containers", """[{"ports":[{"containerPort":0,"protocol":"TCP"}]}]""",
            [new("FieldValueRequired", "Required value", "spec.template.spec.containers[0].name"),
             new("FieldValueRequired", "Required value", "spec.template.spec.containers[0].image"),
             new("FieldValueRequired", "Required value", "spec.template.spec.containers[0].ports[0].containerPort")] },
        { "apps", "Deployment", "spec.template.spec.containers", """[{"name":"a","image":"x"},{"name":"a","image":"y"}]""",
            [new("FieldValueDuplicate", "Duplicate value: \"a\"", "spec.template.spec.containers[1].name")] },
        { "apps", "Deployment", "spec.template.spec.containers", """[{"name":"Web","image":"x","ports":[{"containerPort":70000,"protocol":"HTTP"}]}]""",
            [new("FieldValueInvalid", "Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')", "spec.template.spec.containers[0].name"),
             new("FieldValueInvalid", "Invalid value: 70000: must be between 1 and 65535, inclusive", "spec.template.spec.containers[0].ports[0].containerPort"),
             new("FieldValueNotSupported", "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"", "spec.template.spec.containers[0].ports[0].protocol")] },
        { "apps", "Deployment", "spec.template.spec.restartPolicy", "\"Never\"",
            [new("FieldValueNotSupported", "Unsupported value: \"Never\": supported values: \"Always\"", "spec.template.spec.restartPolicy")] },
        { "batch", "Job", "spec.backoffLimit", "-1",
            [new("FieldValueInvalid", "Invalid value: -1: must be greater than or equal to 0", "spec.backoffLimit"),
             new("FieldValueNotSupported", "Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"", "spec.template.spec.restartPolicy")] },
    };

    [Theory]
    [MemberData(nameof(BrokenObjects))]
    public void Validate_BrokenWorkload_ReportsUpstreamCauses(string group, string kind, string path, string valueJson, StatusCause[] expected)
    {
        var obj = JsonAssert.Object(Deployment);
        obj["kind"] = kind;
        BuiltinDefaults.Apply(group, kind, obj);
        SchemaValidatorTests.Set(obj, path, System.Text.Json.Nodes.JsonNode.Parse(valueJson));

        Assert.Equal(expected, BuiltinValidation.Validate(group, kind, obj));
    }

    public static TheoryData<string, StatusCause[]> BrokenServices => new()
    {
        { """{"selector":{"app":"web"},"ports":[{"port":80,"protocol":"TCP"}]}""", [] },
        { """{"clusterIP":"None","selector":{"app":"web"}}""", [] },
        { """{"type":"ExternalName","externalName":"db.example.com"}""", [] },
        { """{"selector":{"app":"web"}}""", [new("FieldValueRequired", "Required value", "spec.ports")] },
        { """{"type":"Headless","ports":[{"port":80,"protocol":"TCP"}]}""",
            [new("FieldValueNotSupported", "Unsupported value: \"Headless\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"", "spec.type")] },
        { """{"ports":[{"port":0,"protocol":"TCP"}]}""",
            [new("FieldValueInvalid", "Invalid value: 0: must be between 1 and 65535, inclusive", "spec.ports[0].port")] },
        { """{"ports":[{"port":80,"protocol":"HTTP"}]}""",
            [new("FieldValueNotSupported", "Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"", "spec.ports[0].protocol")] },
        { """{"ports":[{"port":80,"protocol":"TCP"},{"port":443,"protocol":"TCP"}]}""",
            [new("FieldValueRequired", "Required value", "spec.ports[0].name"), new("FieldValueRequired", "Required value", "spec.ports[1].name")] },
        { """{"ports":[{"name":"http","port":80,"protocol":"TCP"},{"name":"http","port":443,"protocol":"TCP","targetPort":70000}]}""",
            [new("FieldValueDuplicate", "Duplicate value: \"http\"", "spec.ports[1].name"),
             new("FieldValueInvalid", "Invalid value: 70000: must be between 1 and 65535, inclusive", "spec.ports[1].targetPort")] },
        { """{"type":"ExternalName"}""", [new("FieldValueRequired", "Required value", "spec.externalName")] },
    };

    [Theory]
    [MemberData(nameof(BrokenServices))]
    public void Validate_Service_ReportsUpstreamCauses(string specJson, StatusCause[] expected)
    {
        var obj = JsonAssert.Object("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}}""");
        obj["spec"] = System.Text.Json.Nodes.JsonNode.Parse(specJson);

        Assert.Equal(expected, BuiltinValidation.Validate("", "Service", obj));
    }

    [Fact]
    public void Validate_ConfigMapBadKeys_ReportsEachKey()
    {
        var obj = JsonAssert.Object("""{"data":{"good.key":"1","bad key":"2","dup":"3"},"binaryData":{"dup":"NA=="}}""");

        Assert.Equal(
            [
                new StatusCause("FieldValueInvalid", "Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')", "data[bad key]"),
                new StatusCause("FieldValueInvalid", "Invalid value: \"dup\": duplicate of key present in binaryData", "data[dup]"),
            ],
            BuiltinValidation.Validate("", "ConfigMap", obj));
    }

    [Fact]
    public void Validate_TlsSecretWithoutKey_ReportsMissingKeyAndBadStringDataKey()
    {
        var obj = JsonAssert.Object("""{"type":"kubernetes.io/tls","data":{"tls.crt":"Y2VydA=="},"stringData":{"../x":"y"}}""");

        Assert.Equal(
            [
                new StatusCause("FieldValueInvalid", "Invalid value: \"../x\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')", "data[../x]"),
                new StatusCause("FieldValueInvalid", "Invalid value: \"../x\": must not start with '..'", "data[../x]"),
                new StatusCause("FieldValueRequired", "Required value", "data[tls.key]"),
            ],
            BuiltinValidation.Validate("", "Secret", obj));
    }

    [Fact]
    public void Validate_KindWithoutRules_NoCauses()
    {
        Assert.Empty(BuiltinValidation.Validate("policy", "PodDisruptionBudget", JsonAssert.Object("""{"spec":{"minAvailable":-3}}""")));
    }
}
