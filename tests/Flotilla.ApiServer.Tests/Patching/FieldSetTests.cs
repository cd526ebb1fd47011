using System.Text.Json.Nodes;
using Flotilla.ApiServer.Patching;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class FieldSetTests
{
    /// <summary>The fieldsV1 example of spec §9.5, verbatim.</summary>
    private const string SpecExample = """
        {"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}}}
        """;

    [Fact]
    public void FromFieldsV1_SpecExample_RoundTripsExactly()
    {
        var set = FieldSet.FromFieldsV1(JsonAssert.Object(SpecExample));

        JsonAssert.SameText(SpecExample, set.ToFieldsV1());
        Assert.Equal(
            [".metadata.labels", ".metadata.labels.app", ".spec.replicas", ".spec.template.spec.containers[name=\"nginx\"]",
             ".spec.template.spec.containers[name=\"nginx\"].image", ".spec.template.spec.containers[name=\"nginx\"].name"],
            set.Members().Select(FieldsV1Path.Describe));
    }

    [Fact]
    public void FromFieldsV1_UnsortedKeysAndMembers_CanonicalizesAndSorts()
    {
        var set = FieldSet.FromFieldsV1(JsonAssert.Object("""
            {"i:10":{},"i:2":{},"v:\"b\"":{},"k:{\"protocol\":\"TCP\",\"containerPort\":80}":{"f:name":{},".":{}},"f:z":{},"f:a":{}}
            """));

        JsonAssert.SameText("""
            {"f:a":{},"f:z":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{}},"v:\"b\"":{},"i:2":{},"i:10":{}}
            """, set.ToFieldsV1());
    }

    [Theory]
    [InlineData("""{"x:foo":{}}""")]
    [InlineData("""{"f:a":1}""")]
    [InlineData("""{"k:[1]":{}}""")]
    [InlineData("""{"k:{}":{}}""")]
    [InlineData("""{"v:{oops":{}}""")]
    [InlineData("""{"i:-1":{}}""")]
    [InlineData("""{"f:a":{".":[]}}""")]
    public void FromFieldsV1_Malformed_ThrowsFormatException(string fieldsV1)
    {
        Assert.Throws<FormatException>(() => FieldSet.FromFieldsV1(JsonAssert.Object(fieldsV1)));
    }

    [Fact]
    public void SetOperations_OverlappingSets_FollowMembership()
    {
        var a = FieldSet.FromFieldsV1(JsonAssert.Object("""{"f:a":{".":{},"f:b":{}},"f:c":{}}"""));
        var b = FieldSet.FromFieldsV1(JsonAssert.Object("""{"f:a":{".":{}},"f:d":{}}"""));

        var intersection = a.Intersect(b);
        var union = a.Clone();
        union.UnionWith(b);
        var difference = a.Clone();
        difference.ExceptWith(b);

        JsonAssert.SameText("""{"f:a":{}}""", intersection.ToFieldsV1());
        JsonAssert.SameText("""{"f:a":{".":{},"f:b":{}},"f:c":{},"f:d":{}}""", union.ToFieldsV1());
        JsonAssert.SameText("""{"f:a":{"f:b":{}},"f:c":{}}""", difference.ToFieldsV1());
        Assert.True(a.Contains(["f:a", "f:b"]));
        Assert.False(difference.Contains(["f:a"]));
        Assert.True(union.SetEquals(FieldSet.FromFieldsV1(union.ToFieldsV1())));
    }

    [Fact]
    public void FromApplied_DeploymentConfig_ClaimsLeavesItemsAndEmptyObjects()
    {
        var config = JsonAssert.Object("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"demo","labels":{"app":"web"},"resourceVersion":"3","finalizers":["a"]},
             "spec":{"replicas":2,"paused":null,"strategy":{},
               "template":{"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],"args":["-v"]}],"tolerations":[]}}}}
            """);

        var set = FieldSets.FromApplied(config, BuiltinMergeSchema.For("apps", "Deployment"));

        JsonAssert.SameText("""
            {"f:metadata":{"f:finalizers":{"v:\"a\"":{}},"f:labels":{"f:app":{}}},
             "f:spec":{"f:paused":{},"f:replicas":{},"f:strategy":{},
               "f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:args":{},"f:image":{},"f:name":{},
                 "f:ports":{"k:{\"containerPort\":80}":{".":{},"f:containerPort":{},"f:protocol":{}}}}},"f:tolerations":{}}}}}
            """, set.ToFieldsV1());
    }

    [Fact]
    public void Compare_ChangedObject_ReportsModifiedAddedRemoved()
    {
        var schema = BuiltinMergeSchema.For("", "Pod");
        var older = JsonAssert.Object("""
            {"metadata":{"name":"p","resourceVersion":"1","labels":{"a":"1","b":"2"}},
             "spec":{"containers":[{"name":"c","image":"x"},{"name":"gone","image":"y"}],"args":["1"],"x":"scalar"}}
            """);
        var newer = JsonAssert.Object("""
            {"metadata":{"name":"p","resourceVersion":"2","labels":{"a":"9"},"annotations":{"n":"v"}},
             "spec":{"containers":[{"name":"new","image":"z"},{"name":"c","image":"x2"}],"args":["1","2"],"x":{"now":"object"}}}
            """);

        var comparison = FieldSets.Compare(older, newer, schema);

        JsonAssert.SameText("""
            {"f:metadata":{"f:labels":{"f:a":{}}},"f:spec":{"f:args":{},"f:containers":{"k:{\"name\":\"c\"}":{"f:image":{}}},"f:x":{}}}
            """, comparison.Modified.ToFieldsV1());
        JsonAssert.SameText("""
            {"f:metadata":{"f:annotations":{".":{},"f:n":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"new\"}":{".":{},"f:image":{},"f:name":{}}},"f:x":{"f:now":{}}}}
            """, comparison.Added.ToFieldsV1());
        JsonAssert.SameText("""
            {"f:metadata":{"f:labels":{"f:b":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"gone\"}":{".":{},"f:image":{},"f:name":{}}}}}
            """, comparison.Removed.ToFieldsV1());
    }

    [Fact]
    public void Compare_ListItemsWithoutKeys_ComparesListAsOneLeaf()
    {
        var schema = BuiltinMergeSchema.For("", "Pod");

        var comparison = FieldSets.Compare(
            JsonAssert.Object("""{"spec":{"containers":[{"image":"a"}]}}"""),
            JsonAssert.Object("""{"spec":{"containers":[{"image":"b"}]}}"""),
            schema);

        JsonAssert.SameText("""{"f:spec":{"f:containers":{}}}""", comparison.Modified.ToFieldsV1());
        Assert.True(comparison.Added.IsEmpty && comparison.Removed.IsEmpty);
    }

    public static TheoryData<string, string> Descriptions => new()
    {
        { """["f:spec","f:replicas"]""", ".spec.replicas" },
        { """["f:spec","f:ports","k:{\"port\":80,\"protocol\":\"TCP\"}","f:name"]""", ".spec.ports[port=80,protocol=\"TCP\"].name" },
        { """["f:metadata","f:finalizers","v:\"x\""]""", ".metadata.finalizers[=\"x\"]" },
        { """["f:items","i:3"]""", ".items[3]" },
    };

    [Theory]
    [MemberData(nameof(Descriptions))]
    public void Describe_Path_PrintsUpstreamConflictForm(string path, string expected)
    {
        var elements = JsonNode.Parse(path)!.AsArray().Select(e => (string)e!).ToArray();

        Assert.Equal(expected, FieldsV1Path.Describe(elements));
    }
}
