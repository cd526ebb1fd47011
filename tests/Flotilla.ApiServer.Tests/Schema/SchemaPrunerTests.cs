using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Tests.Schema;

public sealed class SchemaPrunerTests
{
    [Fact]
    public void Prune_UnknownFieldsAtEveryLevel_RemovesThemAndReportsPaths()
    {
        var obj = JsonAssert.Object("""
            {
              "apiVersion": "placement.kubernetes-fleet.io/v1beta1",
              "kind": "ClusterResourcePlacement",
              "metadata": { "name": "crp-1", "labels": { "a": "b" }, "clusterName": "old", "ownerReferences": [{ "apiVersion": "v1", "kind": "Namespace", "name": "n", "uid": "u", "extra": 1 }] },
              "spec": {
                "foo": 1,
                "resourceSelectors": [{ "group": "", "version": "v1", "kind": "Namespace", "bar": true }],
                "policy": { "placementType": "PickAll", "affinity": { "anything": { "goes": [1, 2] } } },
                "labels": { "team": "a" },
                "template": { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "cm", "bogus": 1 }, "data": { "k": "v" } }
              },
              "status": { "conditions": [{ "type": "Scheduled", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z", "why": "x" }] },
              "extraTopLevel": {}
            }
            """);

        var result = PlacementSchema.Compiled.Prune(obj);

        Assert.Same(obj, result.Pruned);
        Assert.Equal(
            [
                "metadata.clusterName", "metadata.ownerReferences[0].extra", "spec.foo", "spec.resourceSelectors[0].bar",
                "spec.template.metadata.bogus", "status.conditions[0].why", "extraTopLevel",
            ],
            result.UnknownFields);
        JsonAssert.Equal("""
            {
              "apiVersion": "placement.kubernetes-fleet.io/v1beta1",
              "kind": "ClusterResourcePlacement",
              "metadata": { "name": "crp-1", "labels": { "a": "b" }, "ownerReferences": [{ "apiVersion": "v1", "kind": "Namespace", "name": "n", "uid": "u" }] },
              "spec": {
                "resourceSelectors": [{ "group": "", "version": "v1", "kind": "Namespace" }],
                "policy": { "placementType": "PickAll", "affinity": { "anything": { "goes": [1, 2] } } },
                "labels": { "team": "a" },
                "template": { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "cm" }, "data": { "k": "v" } }
              },
              "status": { "conditions": [{ "type": "Scheduled", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z" }] }
            }
            """, result.Pruned);
    }

    [Fact]
    public void Prune_SchemaWithoutTypeMetaProperties_StillKeepsApiVersionKindMetadata()
    {
        var schema = StructuralSchema.For(JsonAssert.Object("""{"type":"object","properties":{"spec":{"type":"object","properties":{"a":{"type":"string"}}}}}"""));
        var obj = JsonAssert.Object("""{"apiVersion":"x.io/v1","kind":"X","metadata":{"name":"n"},"spec":{"a":"1","b":"2"}}""");

        var result = schema.Prune(obj);

        Assert.Equal(["spec.b"], result.UnknownFields);
        JsonAssert.Equal("""{"apiVersion":"x.io/v1","kind":"X","metadata":{"name":"n"},"spec":{"a":"1"}}""", result.Pruned);
    }

    [Fact]
    public void Prune_ObjectWhereSchemaSaysScalar_DropsItsFields()
    {
        // The structural schema says nothing about fields under a scalar: upstream prunes them, then validation
        // reports the wrong type.
        var obj = JsonAssert.Object("""{"apiVersion":"a/v1","kind":"K","metadata":{},"spec":{"resourceSelectors":[],"revisionHistoryLimit":{"x":1}}}""");

        var result = PlacementSchema.Compiled.Prune(obj);

        Assert.Equal(["spec.revisionHistoryLimit.x"], result.UnknownFields);
        JsonAssert.Equal("""{"apiVersion":"a/v1","kind":"K","metadata":{},"spec":{"resourceSelectors":[],"revisionHistoryLimit":{}}}""", result.Pruned);
    }

    [Fact]
    public void Prune_NothingUnknown_ReportsNothingAndKeepsObject()
    {
        var obj = JsonAssert.Object(PlacementSchema.ValidPlacement);

        var result = PlacementSchema.Compiled.Prune(obj);

        Assert.Empty(result.UnknownFields);
        JsonAssert.Equal(PlacementSchema.ValidPlacement, result.Pruned);
    }
}
