using Flotilla.Member.Work;

namespace Flotilla.Member.Tests.Work;

/// <summary>The client-side-apply three-way JSON merge patch (placement spec §5.5 step 6).</summary>
public sealed class ThreeWayMergeTests
{
    [Theory]
    // name, last applied (null: none), desired, live, expected patch (null: nothing to send)
    [InlineData("already as desired",
        "{'spec': {'replicas': 2}}", "{'spec': {'replicas': 2}}", "{'spec': {'replicas': 2, 'paused': false}}", null)]
    [InlineData("changed scalar",
        "{'spec': {'replicas': 2}}", "{'spec': {'replicas': 3}}", "{'spec': {'replicas': 2}}", "{'spec': {'replicas': 3}}")]
    [InlineData("drift on the member is overwritten",
        "{'spec': {'replicas': 2}}", "{'spec': {'replicas': 2}}", "{'spec': {'replicas': 9}}", "{'spec': {'replicas': 2}}")]
    [InlineData("field added to the manifest",
        "{'data': {'a': '1'}}", "{'data': {'a': '1', 'b': '2'}}", "{'data': {'a': '1'}}", "{'data': {'b': '2'}}")]
    [InlineData("field removed from the manifest since the last apply",
        "{'data': {'a': '1', 'b': '2'}}", "{'data': {'a': '1'}}", "{'data': {'a': '1', 'b': '2'}}", "{'data': {'b': null}}")]
    [InlineData("field removed from the manifest and already gone",
        "{'data': {'a': '1', 'b': '2'}}", "{'data': {'a': '1'}}", "{'data': {'a': '1'}}", null)]
    [InlineData("top-level field removed from the manifest",
        "{'data': {'a': '1'}, 'binaryData': {'b': 'eA=='}}", "{'data': {'a': '1'}}", "{'data': {'a': '1'}, 'binaryData': {'b': 'eA=='}}", "{'binaryData': null}")]
    [InlineData("field another writer added is left alone",
        "{'metadata': {'labels': {'app': 'web'}}}", "{'metadata': {'labels': {'app': 'web'}}}",
        "{'metadata': {'labels': {'app': 'web', 'owner': 'ops'}}}", null)]
    [InlineData("nested deletion only touches what Fleet applied",
        "{'metadata': {'labels': {'app': 'web', 'tier': 'front'}}}", "{'metadata': {'labels': {'app': 'web'}}}",
        "{'metadata': {'labels': {'app': 'web', 'tier': 'front', 'owner': 'ops'}}}", "{'metadata': {'labels': {'tier': null}}}")]
    [InlineData("lists are replaced whole",
        "{'spec': {'args': ['a', 'b']}}", "{'spec': {'args': ['a', 'c']}}", "{'spec': {'args': ['a', 'b', 'extra']}}",
        "{'spec': {'args': ['a', 'c']}}")]
    [InlineData("list whose elements the server only defaulted is not sent again",
        "{'spec': {'containers': [{'name': 'web', 'ports': [{'containerPort': 8080}]}]}}",
        "{'spec': {'containers': [{'name': 'web', 'ports': [{'containerPort': 8080}]}]}}",
        "{'spec': {'containers': [{'name': 'web', 'imagePullPolicy': 'Always', 'ports': [{'containerPort': 8080, 'protocol': 'TCP'}]}]}}", null)]
    [InlineData("list element changed on the member is replaced whole",
        "{'spec': {'containers': [{'name': 'web', 'image': 'v1'}]}}", "{'spec': {'containers': [{'name': 'web', 'image': 'v1'}]}}",
        "{'spec': {'containers': [{'name': 'web', 'image': 'v2', 'imagePullPolicy': 'Always'}]}}",
        "{'spec': {'containers': [{'name': 'web', 'image': 'v1'}]}}")]
    [InlineData("object replaces a scalar whole",
        "{'spec': {'x': 1}}", "{'spec': {'x': {'y': 1}}}", "{'spec': {'x': 1}}", "{'spec': {'x': {'y': 1}}}")]
    [InlineData("no last applied: additions and changes only",
        null, "{'data': {'a': '1'}}", "{'data': {'a': '0', 'b': '2'}}", "{'data': {'a': '1'}}")]
    [InlineData("explicit null in the manifest deletes a present field",
        null, "{'spec': {'x': null}}", "{'spec': {'x': 1}}", "{'spec': {'x': null}}")]
    [InlineData("explicit null in the manifest for an absent field is nothing to do",
        null, "{'spec': {'x': null}}", "{'spec': {}}", null)]
    [InlineData("server-owned metadata is never touched",
        "{'metadata': {'name': 'c'}}", "{'metadata': {'name': 'c', 'annotations': {'kubernetes-fleet.io/spec-hash': 'h2'}}}",
        "{'metadata': {'name': 'c', 'uid': 'u', 'resourceVersion': '7', 'annotations': {'kubernetes-fleet.io/spec-hash': 'h1'}}, 'status': {'x': 1}}",
        "{'metadata': {'annotations': {'kubernetes-fleet.io/spec-hash': 'h2'}}}")]
    public void CreatePatch_LastAppliedDesiredLive_MergePatch(string name, string? lastApplied, string desired, string live, string? expected)
    {
        Assert.NotEmpty(name);

        var patch = ThreeWayMerge.CreatePatch(lastApplied is null ? null : TestJson.Parse(lastApplied), TestJson.Parse(desired), TestJson.Parse(live));

        Assert.Equal(expected is null ? null : TestJson.Sorted(expected), patch is null ? null : TestJson.Sorted(patch));
    }

    [Fact]
    public void CreatePatch_Always_LeavesInputsUntouchedAndCopiesValues()
    {
        var desired = TestJson.Parse("{'spec': {'template': {'spec': {'containers': [{'name': 'web'}]}}}}");
        var live = TestJson.Parse("{'spec': {}}");

        var patch = ThreeWayMerge.CreatePatch(null, desired, live)!;
        patch["spec"]!["template"]!["spec"]!["containers"]![0]!["name"] = "changed";

        Assert.Equal(TestJson.Sorted("{'spec': {'template': {'spec': {'containers': [{'name': 'web'}]}}}}"), TestJson.Sorted(desired));
        Assert.Equal(TestJson.Sorted("{'spec': {}}"), TestJson.Sorted(live));
    }
}
