using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Tests.Schema;
using Flotilla.ApiServer.Validation;

namespace Flotilla.ApiServer.Tests.Validation;

public sealed class CrdTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, 250, TimeSpan.Zero);

    /// <summary>The ClusterResourcePlacement CRD as applied by kubectl (before server defaults).</summary>
    private static JsonObject PlacementCrd()
    {
        var crd = JsonAssert.Object("""
            {
              "apiVersion": "apiextensions.k8s.io/v1",
              "kind": "CustomResourceDefinition",
              "metadata": { "name": "clusterresourceplacements.placement.kubernetes-fleet.io" },
              "spec": {
                "group": "placement.kubernetes-fleet.io",
                "names": { "kind": "ClusterResourcePlacement", "plural": "clusterresourceplacements", "shortNames": ["crp"], "categories": ["fleet", "fleet-placement"] },
                "scope": "Cluster",
                "versions": [
                  {
                    "name": "v1beta1", "served": true, "storage": true,
                    "subresources": { "status": {}, "scale": { "specReplicasPath": ".spec.policy.numberOfClusters", "statusReplicasPath": ".status.selectedClusters" } },
                    "additionalPrinterColumns": [
                      { "name": "Gen", "type": "string", "jsonPath": ".metadata.generation" },
                      { "name": "Scheduled", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"ClusterResourcePlacementScheduled\")].status" },
                      { "name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp" }
                    ]
                  },
                  { "name": "v1alpha1", "served": false, "storage": false }
                ]
              }
            }
            """);
        foreach (var version in crd["spec"]!["versions"]!.AsArray())
        {
            version!["schema"] = new JsonObject { ["openAPIV3Schema"] = PlacementSchema.New() };
        }
        return crd;
    }

    [Fact]
    public void Apply_KubectlCrd_DefaultsNamesAndConversionOnly()
    {
        var crd = PlacementCrd();
        var versionsBefore = crd["spec"]!["versions"]!.DeepClone();

        CrdDefaults.Apply(crd);

        JsonAssert.Equal("""
            { "kind": "ClusterResourcePlacement", "plural": "clusterresourceplacements", "shortNames": ["crp"], "categories": ["fleet", "fleet-placement"],
              "singular": "clusterresourceplacement", "listKind": "ClusterResourcePlacementList" }
            """, crd["spec"]!["names"]);
        JsonAssert.Equal("""{ "strategy": "None" }""", crd["spec"]!["conversion"]);
        JsonAssert.Equal(versionsBefore, crd["spec"]!["versions"]);
    }

    [Fact]
    public void Apply_ExplicitNames_KeepsThem()
    {
        var crd = PlacementCrd();
        crd["spec"]!["names"]!["singular"] = "placement";
        crd["spec"]!["names"]!["listKind"] = "Placements";

        CrdDefaults.Apply(crd);

        Assert.Equal("placement", (string?)crd["spec"]!["names"]!["singular"]);
        Assert.Equal("Placements", (string?)crd["spec"]!["names"]!["listKind"]);
    }

    [Fact]
    public void Validate_PlacementCrdAfterDefaults_NoCauses()
    {
        var crd = PlacementCrd();
        CrdDefaults.Apply(crd);

        Assert.Empty(CrdValidation.Validate(crd));
    }

    public static TheoryData<string, string, StatusCause[]> BrokenCrds => new()
    {
        { "metadata.name", "\"placements.placement.kubernetes-fleet.io\"",
            [new("FieldValueInvalid", "Invalid value: \"placements.placement.kubernetes-fleet.io\": must be spec.names.plural+\".\"+spec.group", "metadata.name")] },
        { "spec.group", "\"fleet\"",
            [new("FieldValueInvalid", "Invalid value: \"clusterresourceplacements.placement.kubernetes-fleet.io\": must be spec.names.plural+\".\"+spec.group", "metadata.name"),
             new("FieldValueInvalid", "Invalid value: \"fleet\": should be a domain with at least one dot", "spec.group")] },
        { "spec.scope", "\"Global\"",
            [new("FieldValueNotSupported", "Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"", "spec.scope")] },
        { "spec.scope", "null", [new("FieldValueRequired", "Required value", "spec.scope")] },
        { "spec.versions[1].storage", "true",
            [new("FieldValueInvalid", "Invalid value: [\"v1beta1\",\"v1alpha1\"]: must have exactly one version marked as storage version", "spec.versions")] },
        { "spec.versions", "[]",
            [new("FieldValueInvalid", "Invalid value: []: must have exactly one version marked as storage version", "spec.versions")] },
        { "spec.versions[1].name", "\"v1beta1\"",
            [new("FieldValueInvalid", "Invalid value: [\"v1beta1\",\"v1beta1\"]: must contain unique version names", "spec.versions")] },
        { "spec.versions[1].name", "\"V1\"",
            [new("FieldValueInvalid", "Invalid value: \"V1\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", "spec.versions[1].name")] },
        { "spec.versions[1].schema", "null",
            [new("FieldValueRequired", "Required value: schemas are required", "spec.versions[1].schema.openAPIV3Schema")] },
        { "spec.versions[0].schema.openAPIV3Schema.type", "\"string\"",
            [new("FieldValueInvalid", "Invalid value: \"string\": must be object at the root", "spec.versions[0].schema.openAPIV3Schema.type")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.policy.type", "null",
            [new("FieldValueRequired", "Required value: must not be empty for specified object fields", "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[policy].type")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.resourceSelectors.items", "null",
            [new("FieldValueRequired", "Required value: must be specified", "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[resourceSelectors].items")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.revisionHistoryLimit.type", "\"int\"",
            [new("FieldValueNotSupported", "Unsupported value: \"int\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"", "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[revisionHistoryLimit].type")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.policy.properties.clusterNames.uniqueItems", "true",
            [new("FieldValueForbidden", "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic", "spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[policy].properties[clusterNames].uniqueItems")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.spec.additionalProperties", "false",
            [new("FieldValueForbidden", "Forbidden: additionalProperties and properties are mutual exclusive", "spec.versions[0].schema.openAPIV3Schema.properties[spec].additionalProperties")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.status.properties.conditions.x-kubernetes-list-map-keys", "null",
            [new("FieldValueRequired", "Required value: must not be empty if x-kubernetes-list-type is map", "spec.versions[0].schema.openAPIV3Schema.properties[status].properties[conditions].x-kubernetes-list-map-keys")] },
        { "spec.versions[0].schema.openAPIV3Schema.nullable", "true",
            [new("FieldValueForbidden", "Forbidden: nullable cannot be true at the root", "spec.versions[0].schema.openAPIV3Schema.nullable")] },
        { "spec.versions[0].schema.openAPIV3Schema.properties.spec.$ref", "\"#/definitions/Spec\"",
            [new("FieldValueForbidden", "Forbidden: $ref is not supported", "spec.versions[0].schema.openAPIV3Schema.properties[spec].$ref")] },
        { "spec.versions[0].additionalPrinterColumns[0].type", "\"text\"",
            [new("FieldValueInvalid", "Invalid value: \"text\": must be one of boolean,date,integer,number,string", "spec.versions[0].additionalPrinterColumns[0].type")] },
        { "spec.versions[0].additionalPrinterColumns[0].format", "\"percent\"",
            [new("FieldValueInvalid", "Invalid value: \"percent\": must be one of byte,date,date-time,double,float,int32,int64,password", "spec.versions[0].additionalPrinterColumns[0].format")] },
        { "spec.versions[0].additionalPrinterColumns[1].jsonPath", "null",
            [new("FieldValueRequired", "Required value", "spec.versions[0].additionalPrinterColumns[1].JSONPath")] },
        { "spec.versions[0].additionalPrinterColumns[1].jsonPath", "\"status.phase\"",
            [new("FieldValueInvalid", "Invalid value: \"status.phase\": must be a simple json path starting with .", "spec.versions[0].additionalPrinterColumns[1].JSONPath")] },
        { "spec.versions[0].additionalPrinterColumns[2].name", "\"\"",
            [new("FieldValueRequired", "Required value", "spec.versions[0].additionalPrinterColumns[2].name")] },
        { "spec.versions[0].subresources.scale.specReplicasPath", "\".status.replicas\"",
            [new("FieldValueInvalid", "Invalid value: \".status.replicas\": should be a json path under .spec", "spec.versions[0].subresources.scale.specReplicasPath")] },
        { "spec.versions[0].subresources.scale.statusReplicasPath", "\"\"",
            [new("FieldValueRequired", "Required value", "spec.versions[0].subresources.scale.statusReplicasPath")] },
        { "spec.names.plural", "\"ClusterResourcePlacements\"",
            [new("FieldValueInvalid", "Invalid value: \"clusterresourceplacements.placement.kubernetes-fleet.io\": must be spec.names.plural+\".\"+spec.group", "metadata.name"),
             new("FieldValueInvalid", "Invalid value: \"ClusterResourcePlacements\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", "spec.names.plural")] },
        { "spec.names.kind", "\"Cluster_Placement\"",
            [new("FieldValueInvalid", "Invalid value: \"Cluster_Placement\": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", "spec.names.kind")] },
        { "spec.names.listKind", "\"ClusterResourcePlacement\"",
            [new("FieldValueInvalid", "Invalid value: \"ClusterResourcePlacement\": kind and listKind may not be the same", "spec.names.listKind")] },
        { "spec.names.shortNames[0]", "\"c-\"",
            [new("FieldValueInvalid", "Invalid value: \"c-\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", "spec.names.shortNames[0]")] },
        { "spec.conversion.strategy", "\"Magic\"",
            [new("FieldValueNotSupported", "Unsupported value: \"Magic\": supported values: \"None\", \"Webhook\"", "spec.conversion.strategy")] },
    };

    [Theory]
    [MemberData(nameof(BrokenCrds))]
    public void Validate_BrokenCrd_ReportsUpstreamCauses(string path, string valueJson, StatusCause[] expected)
    {
        var crd = PlacementCrd();
        CrdDefaults.Apply(crd);
        SetPath(crd, path, JsonNode.Parse(valueJson));

        Assert.Equal(expected, CrdValidation.Validate(crd));
    }

    [Fact]
    public void Validate_NoKind_RequiredNamesReported()
    {
        var crd = PlacementCrd();
        crd["spec"]!["names"] = new JsonObject { ["plural"] = "clusterresourceplacements" };
        CrdDefaults.Apply(crd);

        Assert.Equal(
            [
                new StatusCause("FieldValueRequired", "Required value", "spec.names.singular"),
                new StatusCause("FieldValueRequired", "Required value", "spec.names.kind"),
                new StatusCause("FieldValueRequired", "Required value", "spec.names.listKind"),
            ],
            CrdValidation.Validate(crd));
    }

    [Fact]
    public void ValidateUpdate_EstablishedCrdChangesScopeAndGroup_Immutable()
    {
        var old = PlacementCrd();
        CrdDefaults.Apply(old);
        old["status"] = CrdDefaults.AcceptedStatus(old, Now);
        var updated = old.DeepClone().AsObject();
        updated["spec"]!["scope"] = "Namespaced";

        var causes = CrdValidation.ValidateUpdate(updated, old);

        Assert.Equal([new StatusCause("FieldValueInvalid", "Invalid value: \"Namespaced\": field is immutable", "spec.scope")], causes);
    }

    [Fact]
    public void AcceptedStatus_NewCrd_NamesConditionsAndStoredVersion()
    {
        var crd = PlacementCrd();
        CrdDefaults.Apply(crd);

        var status = CrdDefaults.AcceptedStatus(crd, Now);

        JsonAssert.Equal("""
            {
              "acceptedNames": { "plural": "clusterresourceplacements", "singular": "clusterresourceplacement", "shortNames": ["crp"],
                                 "kind": "ClusterResourcePlacement", "listKind": "ClusterResourcePlacementList", "categories": ["fleet", "fleet-placement"] },
              "conditions": [
                { "type": "NamesAccepted", "status": "True", "lastTransitionTime": "2025-01-01T12:00:00Z", "reason": "NoConflicts", "message": "no conflicts found" },
                { "type": "Established", "status": "True", "lastTransitionTime": "2025-01-01T12:00:00Z", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted" }
              ],
              "storedVersions": ["v1beta1"]
            }
            """, status);
    }

    [Fact]
    public void AcceptedStatus_UpdateMovingStorage_KeepsTransitionTimeAndAddsStoredVersion()
    {
        var crd = PlacementCrd();
        CrdDefaults.Apply(crd);
        var previous = CrdDefaults.AcceptedStatus(crd, Now);
        crd["spec"]!["versions"]![0]!["storage"] = false;
        crd["spec"]!["versions"]![1]!["storage"] = true;

        var status = CrdDefaults.AcceptedStatus(crd, Now.AddHours(1), previous);

        JsonAssert.Equal("""["v1beta1","v1alpha1"]""", status["storedVersions"]);
        Assert.All(status["conditions"]!.AsArray(), c => Assert.Equal("2025-01-01T12:00:00Z", (string?)c!["lastTransitionTime"]));
    }

    /// <summary>Sets a value at a dotted path with [i] indexes; a null value removes the field.</summary>
    private static void SetPath(JsonObject root, string path, JsonNode? value)
    {
        if (value is null)
        {
            var cut = path.LastIndexOf('.');
            var parentPath = path[..cut];
            var parent = Navigate(root, parentPath).AsObject();
            parent.Remove(path[(cut + 1)..]);
            return;
        }
        SchemaValidatorTests.Set(root, path, value);
    }

    private static JsonNode Navigate(JsonObject root, string path)
    {
        JsonNode current = root;
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            current = bracket < 0
                ? current[segment]!
                : current[segment[..bracket]]![int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]!;
        }
        return current;
    }
}
