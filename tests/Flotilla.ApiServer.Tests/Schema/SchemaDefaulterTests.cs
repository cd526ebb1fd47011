using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Tests.Schema;

public sealed class SchemaDefaulterTests
{
    [Fact]
    public void ApplyDefaults_MinimalPlacement_FillsDefaultsIncludingInsideDefaultedObject()
    {
        var obj = JsonAssert.Object("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacement","metadata":{"name":"crp"},
             "spec":{"resourceSelectors":[{"group":"","version":"v1","kind":"Namespace","name":"app"}]}}
            """);

        PlacementSchema.Compiled.ApplyDefaults(obj);

        // strategy defaults to {}, and then its own properties' defaults apply inside it.
        JsonAssert.Equal("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacement","metadata":{"name":"crp"},
             "spec":{"resourceSelectors":[{"group":"","version":"v1","kind":"Namespace","name":"app"}],
                     "strategy":{"type":"RollingUpdate"},
                     "revisionHistoryLimit":10}}
            """, obj);
    }

    [Fact]
    public void ApplyDefaults_ArrayItemsAndNestedObjects_DefaultsEachElement()
    {
        var obj = JsonAssert.Object("""
            {"spec":{"resourceSelectors":[],
                     "policy":{"tolerations":[{"key":"a"},{"key":"b","operator":"Exists"}]},
                     "strategy":{"type":"External","rollingUpdate":{}},
                     "revisionHistoryLimit":3}}
            """);

        PlacementSchema.Compiled.ApplyDefaults(obj);

        JsonAssert.Equal("""
            {"spec":{"resourceSelectors":[],
                     "policy":{"placementType":"PickAll","tolerations":[{"key":"a","operator":"Equal"},{"key":"b","operator":"Exists"}]},
                     "strategy":{"type":"External","rollingUpdate":{"maxUnavailable":"25%","unavailablePeriodSeconds":60}},
                     "revisionHistoryLimit":3}}
            """, obj);
    }

    [Fact]
    public void ApplyDefaults_Nulls_NonNullableGetsDefaultOrIsDroppedNullableIsKept()
    {
        var obj = JsonAssert.Object("""{"spec":{"resourceSelectors":null,"revisionHistoryLimit":null,"note":null}}""");

        PlacementSchema.Compiled.ApplyDefaults(obj);

        JsonAssert.Equal("""{"spec":{"revisionHistoryLimit":10,"note":null,"strategy":{"type":"RollingUpdate"}}}""", obj);
    }

    [Fact]
    public void ApplyDefaults_MapValuesWithDefault_DefaultsNullValues()
    {
        var schema = StructuralSchema.For(JsonAssert.Object("""
            {"type":"object","properties":{"weights":{"type":"object","additionalProperties":{"type":"object","properties":{"w":{"type":"integer","default":1}}}}}}
            """));
        var obj = JsonAssert.Object("""{"weights":{"a":{},"b":{"w":5}}}""");

        schema.ApplyDefaults(obj);

        JsonAssert.Equal("""{"weights":{"a":{"w":1},"b":{"w":5}}}""", obj);
    }

    [Fact]
    public void ApplyDefaults_DefaultPlacedTwice_CopiesAreIndependentOfSchemaAndEachOther()
    {
        var schema = StructuralSchema.For(JsonAssert.Object("""
            {"type":"object","properties":{"items":{"type":"array","items":{"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"default":["a"]}}}}}}
            """));
        var obj = JsonAssert.Object("""{"items":[{},{}]}""");

        schema.ApplyDefaults(obj);
        obj["items"]![0]!["tags"]!.AsArray().Add("changed");
        var again = JsonAssert.Object("""{"items":[{}]}""");
        schema.ApplyDefaults(again);

        JsonAssert.Equal("""{"items":[{"tags":["a","changed"]},{"tags":["a"]}]}""", obj);
        JsonAssert.Equal("""{"items":[{"tags":["a"]}]}""", again);
    }
}
