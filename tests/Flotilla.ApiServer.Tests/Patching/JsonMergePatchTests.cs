using Flotilla.Api.Meta;
using Flotilla.ApiServer.Patching;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class JsonMergePatchTests
{
    /// <summary>RFC 7386 Appendix A, every row: original, patch, result.</summary>
    public static TheoryData<string, string, string> Rfc7386Examples => new()
    {
        { """{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""" },
        { """{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""" },
        { """{"a":"b"}""", """{"a":null}""", """{}""" },
        { """{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""" },
        { """{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""" },
        { """{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""" },
        { """{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""" },
        { """{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""" },
        { """["a","b"]""", """["c","d"]""", """["c","d"]""" },
        { """{"a":"b"}""", """["c"]""", """["c"]""" },
        { """{"a":"foo"}""", """null""", """null""" },
        { """{"a":"foo"}""", "\"bar\"", "\"bar\"" },
        { """{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""" },
        { """[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""" },
        { """{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""" },
    };

    [Theory]
    [MemberData(nameof(Rfc7386Examples))]
    public void Merge_Rfc7386Example_MatchesRfcResult(string original, string patch, string expected)
    {
        var result = JsonMergePatch.Merge(JsonAssert.Node(original), JsonAssert.Node(patch));

        JsonAssert.Equal(expected, result);
    }

    /// <summary>kubectl's client-side re-apply of a custom resource (spec §16), the live object as created.</summary>
    [Fact]
    public void Apply_KubectlCustomResourceReapply_DropsLabelsAndMergesSpec()
    {
        var live = JsonAssert.Object("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacement",
             "metadata":{"name":"crp-1","labels":{"env":"dev"},"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{old}"},"resourceVersion":"7"},
             "spec":{"resourceSelectors":[{"group":"","kind":"Namespace","name":"demo","version":"v1"}],"policy":{"placementType":"PickN","numberOfClusters":2}}}
            """);
        var patch = JsonAssert.Node("""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}"},"labels":null},"spec":{"policy":{"numberOfClusters":3}}}
            """);

        var result = JsonMergePatch.Apply(live, patch);

        JsonAssert.Equal("""
            {"apiVersion":"placement.kubernetes-fleet.io/v1beta1","kind":"ClusterResourcePlacement",
             "metadata":{"name":"crp-1","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}"},"resourceVersion":"7"},
             "spec":{"resourceSelectors":[{"group":"","kind":"Namespace","name":"demo","version":"v1"}],"policy":{"placementType":"PickN","numberOfClusters":3}}}
            """, result);
    }

    public static TheoryData<string, string> KubectlLabelPatches => new()
    {
        // kubectl label crp crp-1 team=a
        { """{"metadata":{"labels":{"team":"a"}}}""", """{"metadata":{"name":"crp-1","labels":{"env":"dev","team":"a"}}}""" },
        // kubectl label crp crp-1 env-
        { """{"metadata":{"labels":{"env":null}}}""", """{"metadata":{"name":"crp-1","labels":{}}}""" },
        // kubectl edit sends only the diff
        { """{"spec":{"policy":{"numberOfClusters":5}}}""", """{"metadata":{"name":"crp-1","labels":{"env":"dev"}},"spec":{"policy":{"numberOfClusters":5}}}""" },
    };

    [Theory]
    [MemberData(nameof(KubectlLabelPatches))]
    public void Apply_KubectlLabelOrEditPatch_ChangesOnlyThatField(string patch, string expected)
    {
        var live = JsonAssert.Object("""{"metadata":{"name":"crp-1","labels":{"env":"dev"}}}""");

        JsonAssert.Equal(expected, JsonMergePatch.Apply(live, JsonAssert.Node(patch)));
    }

    [Fact]
    public void Apply_AnyPatch_DoesNotModifyInputs()
    {
        var live = JsonAssert.Object("""{"a":{"b":1,"c":[1,2]},"d":"x"}""");
        var patch = JsonAssert.Object("""{"a":{"b":null,"c":[3],"n":{"m":1}},"d":null}""");
        var liveBefore = live.DeepClone();
        var patchBefore = patch.DeepClone();

        var result = JsonMergePatch.Apply(live, patch);
        result["a"]!["n"]!["m"] = 2;

        JsonAssert.Equal(liveBefore, live);
        JsonAssert.Equal(patchBefore, patch);
        JsonAssert.Equal("""{"a":{"c":[3],"n":{"m":2}}}""", result);
    }

    [Theory]
    [InlineData("[1]", "an array")]
    [InlineData("\"x\"", "a string")]
    [InlineData("null", "null")]
    public void Apply_PatchNotAnObject_Throws400(string patch, string described)
    {
        var error = Assert.Throws<ApiException>(() => JsonMergePatch.Apply(JsonAssert.Object("{}"), JsonAssert.Node(patch)));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
        Assert.Equal($"a merge patch for an object must be a JSON object, not {described}", error.Message);
    }
}
