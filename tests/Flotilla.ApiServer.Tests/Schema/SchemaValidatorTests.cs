using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Tests.Schema;

public sealed class SchemaValidatorTests
{
    [Fact]
    public void Validate_ValidPlacement_NoCauses()
    {
        var causes = PlacementSchema.Compiled.Validate(JsonAssert.Object(PlacementSchema.ValidPlacement));

        Assert.Empty(causes);
    }

    /// <summary>One broken field per row: a JSON pointer-like path to replace, the new value, and the expected cause.</summary>
    public static TheoryData<string, string, string, string, string> BrokenFields => new()
    {
        { "spec.policy.numberOfClusters", "-1", "FieldValueInvalid", "spec.policy.numberOfClusters",
            "Invalid value: -1: spec.policy.numberOfClusters in body should be greater than or equal to 0" },
        { "spec.policy.placementType", "\"Foo\"", "FieldValueNotSupported", "spec.policy.placementType",
            "Unsupported value: \"Foo\": supported values: \"PickAll\", \"PickN\", \"PickFixed\"" },
        { "spec.policy.numberOfClusters", "\"two\"", "FieldValueTypeInvalid", "spec.policy.numberOfClusters",
            "Invalid value: \"string\": spec.policy.numberOfClusters in body must be of type integer: \"string\"" },
        { "spec.policy.numberOfClusters", "1.5", "FieldValueTypeInvalid", "spec.policy.numberOfClusters",
            "Invalid value: \"number\": spec.policy.numberOfClusters in body must be of type integer: \"number\"" },
        { "spec.policy.numberOfClusters", "3000000000", "FieldValueInvalid", "spec.policy.numberOfClusters",
            "Invalid value: 3000000000: spec.policy.numberOfClusters in body should be less than or equal to 2147483647" },
        { "spec.revisionHistoryLimit", "1001", "FieldValueInvalid", "spec.revisionHistoryLimit",
            "Invalid value: 1001: spec.revisionHistoryLimit in body should be less than or equal to 1000" },
        { "spec.policy.numberOfClusters", "null", "FieldValueTypeInvalid", "spec.policy.numberOfClusters",
            "Invalid value: \"null\": spec.policy.numberOfClusters in body must be of type integer: \"null\"" },
        { "spec.resourceSelectors", "[]", "FieldValueInvalid", "spec.resourceSelectors",
            "Invalid value: 0: spec.resourceSelectors in body should have at least 1 items" },
        { "spec.resourceSelectors[0].name", "\"" + new string('a', 64) + "\"", "FieldValueTooLong", "spec.resourceSelectors[0].name",
            "Too long: may not be longer than 63" },
        { "spec.policy.tolerations[0].key", "\"\"", "FieldValueInvalid", "spec.policy.tolerations[0].key",
            "Invalid value: \"\": spec.policy.tolerations[0].key in body should be at least 1 chars long" },
        { "spec.policy.tolerations[0].value", "\"-bad\"", "FieldValueInvalid", "spec.policy.tolerations[0].value",
            "Invalid value: \"-bad\": spec.policy.tolerations[0].value in body should match '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$'" },
        { "spec.strategy.rollingUpdate.maxUnavailable", "true", "FieldValueTypeInvalid", "spec.strategy.rollingUpdate.maxUnavailable",
            "Invalid value: \"boolean\": spec.strategy.rollingUpdate.maxUnavailable in body must be of type integer,string: \"boolean\"" },
        { "spec.strategy.rollingUpdate.maxUnavailable", "\"150%\"", "FieldValueInvalid", "spec.strategy.rollingUpdate.maxUnavailable",
            "Invalid value: \"150%\": spec.strategy.rollingUpdate.maxUnavailable in body should match '^((100|[0-9]{1,2})%|[0-9]+)$'" },
        { "spec.labels", "{\"team\":\"platform\"}", "FieldValueTooLong", "spec.labels.team",
            "Too long: may not be longer than 5" },
        { "spec.policy.clusterNames", "[\"member-1\",\"member-2\",\"member-1\"]", "FieldValueDuplicate", "spec.policy.clusterNames[2]",
            "Duplicate value: \"member-1\"" },
        { "status.conditions[0].lastTransitionTime", "\"yesterday\"", "FieldValueTypeInvalid", "status.conditions[0].lastTransitionTime",
            "Invalid value: \"yesterday\": status.conditions[0].lastTransitionTime in body must be of type date-time: \"yesterday\"" },
        { "status.conditions[0].status", "\"Maybe\"", "FieldValueNotSupported", "status.conditions[0].status",
            "Unsupported value: \"Maybe\": supported values: \"True\", \"False\", \"Unknown\"" },
        { "spec.policy", "\"PickAll\"", "FieldValueTypeInvalid", "spec.policy",
            "Invalid value: \"string\": spec.policy in body must be of type object: \"string\"" },
    };

    [Theory]
    [MemberData(nameof(BrokenFields))]
    public void Validate_BrokenField_ReportsUpstreamCause(string path, string valueJson, string reason, string field, string message)
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);
        Set(obj, path, JsonNode.Parse(valueJson));

        var causes = PlacementSchema.Compiled.Validate(obj);

        Assert.Equal([new StatusCause(reason, message, field)], causes);
    }

    [Fact]
    public void Validate_MissingRequiredFields_ReportsRequiredValueForEach()
    {
        var obj = JsonAssert.Object("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacement","metadata":{"name":"x"},
             "spec":{"resourceSelectors":[{"group":"","kind":"Namespace"}]},
             "status":{"conditions":[{"type":"Scheduled"}]}}
            """);

        var causes = PlacementSchema.Compiled.Validate(obj);

        Assert.Equal(
            [
                new StatusCause("FieldValueRequired", "Required value", "spec.resourceSelectors[0].version"),
                new StatusCause("FieldValueRequired", "Required value", "status.conditions[0].status"),
                new StatusCause("FieldValueRequired", "Required value", "status.conditions[0].lastTransitionTime"),
            ],
            causes);
    }

    [Fact]
    public void Validate_MissingRootRequired_FieldHasNoLeadingDot()
    {
        var causes = PlacementSchema.Compiled.Validate(JsonAssert.Object("""{"apiVersion":"a/v1","kind":"K","metadata":{"name":"x"}}"""));

        Assert.Equal([new StatusCause("FieldValueRequired", "Required value", "spec")], causes);
    }

    [Fact]
    public void Validate_ListMapWithRepeatedKey_ReportsSecondOccurrenceAsDuplicateMap()
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);
        var conditions = obj["status"]!["conditions"]!.AsArray();
        conditions.Add(conditions[0]!.DeepClone());
        conditions.Add(conditions[0]!.DeepClone());

        var causes = PlacementSchema.Compiled.Validate(obj);

        Assert.Equal(
            [new StatusCause("FieldValueDuplicate", "Duplicate value: map[string]interface {}{\"type\":\"ClusterResourcePlacementScheduled\"}", "status.conditions[1]")],
            causes);
    }

    [Fact]
    public void Validate_NullableFieldIsNull_NoCauses()
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);
        obj["spec"]!["note"] = null;

        Assert.Empty(PlacementSchema.Compiled.Validate(obj));
    }

    [Fact]
    public void Validate_IntegralFloatForInteger_Accepted()
    {
        // Upstream accepts 2.0 where an integer is expected.
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement.Replace("\"numberOfClusters\": 2", "\"numberOfClusters\": 2.0", StringComparison.Ordinal));

        Assert.Empty(PlacementSchema.Compiled.Validate(obj));
    }

    [Fact]
    public void Validate_PreserveUnknownSubtree_IsNotValidatedBeyondItsType()
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);
        obj["spec"]!["policy"]!["affinity"] = JsonNode.Parse("""{"clusterAffinity":{"anything":[1,"two",{"three":3}]}}""");

        Assert.Empty(PlacementSchema.Compiled.Validate(obj));
    }

    [Fact]
    public void Validate_EmbeddedResourceWithoutKind_ReportsRequired()
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);
        obj["spec"]!["template"] = JsonNode.Parse("""{"apiVersion":"v1","metadata":{"name":"cm"}}""");

        var causes = PlacementSchema.Compiled.Validate(obj);

        Assert.Equal([new StatusCause("FieldValueRequired", "Required value: must not be empty", "spec.template.kind")], causes);
    }

    public static TheoryData<string, string, string[]> Compositions => new()
    {
        // anyOf: the closest branch's errors follow the summary.
        { """{"type":"integer","anyOf":[{"minimum":10},{"maximum":2}]}""", "5",
            ["Invalid value: \"\": \"x\" must validate at least one schema (anyOf)",
             "Invalid value: 5: x in body should be greater than or equal to 10"] },
        { """{"type":"integer","anyOf":[{"minimum":10},{"maximum":5}]}""", "5", [] },
        { """{"type":"integer","oneOf":[{"minimum":1},{"maximum":9}]}""", "5",
            ["Invalid value: \"\": \"x\" must validate one and only one schema (oneOf). Found 2 valid alternatives"] },
        { """{"type":"integer","oneOf":[{"minimum":1},{"maximum":0}]}""", "5", [] },
        { """{"type":"integer","allOf":[{"minimum":1},{"maximum":3}]}""", "5",
            ["Invalid value: 5: x in body should be less than or equal to 3",
             "Invalid value: \"\": \"x\" must validate all the schemas (allOf)"] },
        { """{"type":"string","not":{"enum":["forbidden"]}}""", "\"forbidden\"",
            ["Invalid value: \"\": \"x\" must not validate the schema (not)"] },
        { """{"type":"number","multipleOf":0.5}""", "1.25",
            ["Invalid value: 1.25: x in body should be a multiple of 0.5"] },
        { """{"type":"number","exclusiveMaximum":true,"maximum":1000000}""", "1000000.5",
            ["Invalid value: 1.0000005e+06: x in body should be less than 1e+06"] },
        { """{"type":"object","minProperties":2}""", """{"a":1}""",
            ["Invalid value: 1: x in body should have at least 2 properties"] },
        { """{"type":"object","maxProperties":1}""", """{"a":1,"b":2}""",
            ["Too many: 2: must have at most 1 items"] },
        { """{"type":"array","items":{"type":"integer"},"uniqueItems":true}""", "[1,2,1]",
            ["Invalid value: \"\": x in body shouldn't contain duplicates"] },
        { """{"type":"string","format":"uuid"}""", "\"not-a-uuid\"",
            ["Invalid value: \"not-a-uuid\": x in body must be of type uuid: \"not-a-uuid\""] },
        { """{"type":"string","format":"uuid"}""", "\"7d1b3f2e-0c1a-4b8e-9f00-5a6b7c8d9e0f\"", [] },
        { """{"type":"string","format":"byte"}""", "\"aGVsbG8=\"", [] },
        { """{"type":"string","format":"byte"}""", "\"not base64!\"",
            ["Invalid value: \"not base64!\": x in body must be of type byte: \"not base64!\""] },
        { """{"type":"string","format":"date"}""", "\"2025-02-30\"",
            ["Invalid value: \"2025-02-30\": x in body must be of type date: \"2025-02-30\""] },
        { """{"type":"string","format":"hostname"}""", "\"!!\"", [] },
        { """{"type":"string","x-kubernetes-validations":[{"rule":"self.size() > 100"}]}""", "\"short\"", [] },
        { """{"type":"string","pattern":"^\\p{Lu}"}""", "\"Ünïcode\"", [] },
        { """{"type":"string","pattern":"(unclosed"}""", "\"x\"",
            ["Invalid value: \"x\": x in body should match '(unclosed, but pattern is invalid: Invalid pattern '(unclosed' at offset 9. Not enough )'s.'"] },
    };

    [Theory]
    [MemberData(nameof(Compositions))]
    public void Validate_KeywordCase_ReportsExpectedMessages(string schemaJson, string valueJson, string[] messages)
    {
        var schema = JsonAssert.Object("""{"type":"object","properties":{"x":""" + schemaJson + "}}");
        var obj = new JsonObject { ["x"] = JsonNode.Parse(valueJson) };

        var causes = StructuralSchema.For(schema).Validate(obj);

        Assert.Equal(messages, causes.Select(c => c.Message));
        Assert.All(causes, c => Assert.Equal("x", c.Field));
    }

    [Fact]
    public void Validate_TwoCausesAsApiException_MessageListsBoth()
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);
        obj["spec"]!["revisionHistoryLimit"] = 0;
        obj["spec"]!["policy"]!["placementType"] = "Foo";

        var error = ApiException.Invalid("ClusterResourcePlacement", "placement.kubernetes-fleet.io", "crp-1", PlacementSchema.Compiled.Validate(obj));

        Assert.Equal(422, error.Code);
        Assert.Equal(
            "ClusterResourcePlacement.placement.kubernetes-fleet.io \"crp-1\" is invalid: ["
            + "spec.policy.placementType: Unsupported value: \"Foo\": supported values: \"PickAll\", \"PickN\", \"PickFixed\", "
            + "spec.revisionHistoryLimit: Invalid value: 0: spec.revisionHistoryLimit in body should be greater than or equal to 1]",
            error.Message);
    }

    [Fact]
    public void For_SameSchemaInstance_ReturnsSameCompiledSchema()
    {
        var schema = PlacementSchema.New();

        Assert.Same(StructuralSchema.For(schema), StructuralSchema.For(schema));
    }

    [Fact]
    public void ForAndValidate_ManyThreadsOnFreshSchema_SameResultEverywhere()
    {
        // A freshly parsed schema materializes lazily; compiling and defaulting from many threads must not race.
        var schema = PlacementSchema.New();
        var results = new string[64];

        Parallel.For(0, results.Length, i =>
        {
            var compiled = StructuralSchema.For(schema);
            var obj = JsonAssert.Object("""{"apiVersion":"a/v1","kind":"K","metadata":{"name":"x"},"spec":{"resourceSelectors":[{"group":"","version":"v1","kind":"Namespace"}],"policy":{"tolerations":[{}]}}}""");
            compiled.ApplyDefaults(obj);
            results[i] = obj.ToJsonString() + "|" + string.Join(";", compiled.Validate(obj));
        });

        Assert.Single(results.Distinct());
        Assert.Contains("\"operator\":\"Equal\"", results[0], StringComparison.Ordinal);
    }

    /// <summary>Sets a value at a dotted path with [i] indexes, e.g. <c>spec.items[0].name</c>.</summary>
    internal static void Set(JsonObject root, string path, JsonNode? value)
    {
        JsonNode current = root;
        var segments = path.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? segment[..bracket] : segment;
            var last = i == segments.Length - 1;
            if (bracket < 0)
            {
                if (last)
                {
                    current.AsObject()[name] = value;
                    return;
                }
                current = current[name]!;
                continue;
            }
            var index = int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
            var array = current[name]!.AsArray();
            if (last)
            {
                array[index] = value;
                return;
            }
            current = array[index]!;
        }
    }
}
