using Flotilla.Api.Meta;
using Flotilla.ApiServer.Patching;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class JsonPatchTests
{
    /// <summary>RFC 6902 Appendix A examples that succeed (A.1–A.8, A.10, A.11, A.14, A.16): document, patch, result.</summary>
    public static TheoryData<string, string, string> Rfc6902Examples => new()
    {
        { """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"baz":"qux","foo":"bar"}""" },
        { """{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""" },
        { """{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""" },
        { """{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""" },
        { """{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""" },
        {
            """{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""",
            """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""",
            """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"""
        },
        { """{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""" },
        { """{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""" },
        { """{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""" },
        { """{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux","xyz":123}]""", """{"foo":"bar","baz":"qux"}""" },
        { """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":10}]""", """{"/":9,"~1":10}""" },
        { """{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""" },
    };

    [Theory]
    [MemberData(nameof(Rfc6902Examples))]
    public void Apply_Rfc6902Example_MatchesRfcResult(string document, string patch, string expected)
    {
        JsonAssert.Equal(expected, JsonPatch.Apply(JsonAssert.Object(document), JsonAssert.Node(patch)));
    }

    /// <summary>More successful cases: escapes in keys, copy, replacing the root, null values, order of operations.</summary>
    public static TheoryData<string, string, string> MoreCases => new()
    {
        // An annotation key with "/" is addressed with ~1 (kubectl annotate via --type=json).
        {
            """{"metadata":{"annotations":{"example.com/owner":"a"}}}""",
            """[{"op":"replace","path":"/metadata/annotations/example.com~1owner","value":"b"},{"op":"add","path":"/metadata/annotations/x~0y","value":"c"}]""",
            """{"metadata":{"annotations":{"example.com/owner":"b","x~y":"c"}}}"""
        },
        // kubectl removing a finalizer by index.
        { """{"metadata":{"finalizers":["a","b"]}}""", """[{"op":"remove","path":"/metadata/finalizers/0"}]""", """{"metadata":{"finalizers":["b"]}}""" },
        { """{"a":{"b":[1,{"c":2}]}}""", """[{"op":"copy","from":"/a/b/1","path":"/a/d"}]""", """{"a":{"b":[1,{"c":2}],"d":{"c":2}}}""" },
        { """{"a":1}""", """[{"op":"replace","path":"","value":{"b":2}}]""", """{"b":2}""" },
        { """{"a":null}""", """[{"op":"test","path":"/a","value":null},{"op":"replace","path":"/a","value":[]}]""", """{"a":[]}""" },
        { """{"a":[1]}""", """[{"op":"add","path":"/a/1","value":2},{"op":"add","path":"/a/0","value":0}]""", """{"a":[0,1,2]}""" },
        { """{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a"}]""", """{"a":{"b":1}}""" },
        { """{"n":1}""", """[{"op":"test","path":"/n","value":1.0}]""", """{"n":1}""" },
        { """{"a":1}""", """[]""", """{"a":1}""" },
    };

    [Theory]
    [MemberData(nameof(MoreCases))]
    public void Apply_ValidPatch_ProducesExpectedDocument(string document, string patch, string expected)
    {
        JsonAssert.Equal(expected, JsonPatch.Apply(JsonAssert.Object(document), JsonAssert.Node(patch)));
    }

    /// <summary>Failures: document, patch, code, reason, message.</summary>
    public static TheoryData<string, string, int, string, string> Failures => new()
    {
        // RFC 6902 A.9, A.12, A.15.
        { """{"baz":"qux"}""", """[{"op":"test","path":"/baz","value":"bar"}]""", 422, "Invalid", "json patch operation 0 (test /baz) failed: the value at \"/baz\" is not \"bar\"" },
        { """{"foo":"bar"}""", """[{"op":"add","path":"/baz/bat","value":"qux"}]""", 422, "Invalid", "json patch operation 0 (add /baz/bat) failed: path \"/baz\" does not exist" },
        { """{"/":9,"~1":10}""", """[{"op":"test","path":"/~01","value":"10"}]""", 422, "Invalid", "json patch operation 0 (test /~01) failed: the value at \"/~01\" is not \"10\"" },
        // Paths that do not resolve, bad indexes and pointers.
        { """{"a":1}""", """[{"op":"remove","path":"/b"}]""", 422, "Invalid", "json patch operation 0 (remove /b) failed: path \"/b\" does not exist" },
        { """{"a":1}""", """[{"op":"replace","path":"/b","value":2}]""", 422, "Invalid", "json patch operation 0 (replace /b) failed: path \"/b\" does not exist" },
        { """{"a":[1]}""", """[{"op":"add","path":"/a/2","value":2}]""", 422, "Invalid", "json patch operation 0 (add /a/2) failed: index 2 is out of range for an array of length 1" },
        { """{"a":[1]}""", """[{"op":"remove","path":"/a/01"}]""", 422, "Invalid", "json patch operation 0 (remove /a/01) failed: \"01\" is not a valid array index" },
        { """{"a":[1]}""", """[{"op":"remove","path":"/a/-"}]""", 422, "Invalid", "json patch operation 0 (remove /a/-) failed: \"-\" is not a valid array index" },
        { """{"a":1}""", """[{"op":"add","path":"a","value":2}]""", 422, "Invalid", "json patch operation 0 (add a) failed: \"a\" is not a JSON pointer: it must be empty or start with \"/\"" },
        { """{"a":1}""", """[{"op":"add","path":"/a~2","value":2}]""", 422, "Invalid", "json patch operation 0 (add /a~2) failed: \"/a~2\" is not a JSON pointer: \"~\" must be followed by 0 or 1" },
        { """{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""", 422, "Invalid", "json patch operation 0 (move /a/b/c) failed: cannot move \"/a\" into one of its own children" },
        { """{"a":1}""", """[{"op":"remove","path":""}]""", 422, "Invalid", "json patch operation 0 (remove ) failed: cannot remove the whole document" },
        { """{"a":1}""", """[{"op":"replace","path":"","value":[1]}]""", 422, "Invalid", "the json patch replaced the object with a value that is not a JSON object" },
        // The second operation fails: its index is named.
        { """{"a":1}""", """[{"op":"add","path":"/b","value":2},{"op":"copy","from":"/zz","path":"/c"}]""", 422, "Invalid", "json patch operation 1 (copy /c) failed: path \"/zz\" does not exist" },
        // A failed optimistic lock.
        {
            """{"metadata":{"resourceVersion":"5"}}""", """[{"op":"test","path":"/metadata/resourceVersion","value":"4"}]""", 409, "Conflict",
            "json patch operation 0 (test /metadata/resourceVersion) failed: the object has been modified; please apply your changes to the latest version and try again"
        },
        // Malformed documents.
        { """{"a":1}""", """{"op":"add","path":"/b","value":1}""", 400, "BadRequest", "a json patch must be a JSON array of operations" },
        { """{"a":1}""", """[{"op":"add","path":"/b","value":1},{"path":"/c","value":1}]""", 400, "BadRequest", "json patch operation 1: missing or non-string \"op\"" },
        { """{"a":1}""", """[{"op":"frobnicate","path":"/b"}]""", 400, "BadRequest", "json patch operation 0: unsupported op \"frobnicate\": supported ops are add, remove, replace, move, copy, test" },
        { """{"a":1}""", """[{"op":"add","path":"/b"}]""", 400, "BadRequest", "json patch operation 0 (add /b): missing \"value\"" },
        { """{"a":1}""", """[{"op":"move","path":"/b"}]""", 400, "BadRequest", "json patch operation 0: missing or non-string \"from\"" },
        { """{"a":1}""", """[{"op":"remove","path":7}]""", 400, "BadRequest", "json patch operation 0: missing or non-string \"path\"" },
        { """{"a":1}""", """["remove"]""", 400, "BadRequest", "json patch operation 0: must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Apply_InvalidOperation_ThrowsStatusError(string document, string patch, int code, string reason, string message)
    {
        var input = JsonAssert.Object(document);
        var before = input.DeepClone();

        var error = Assert.Throws<ApiException>(() => JsonPatch.Apply(input, JsonAssert.Node(patch)));

        Assert.Equal((code, reason, message), (error.Code, error.Reason, error.Message));
        JsonAssert.Equal(before, input);
    }

    /// <summary>kubectl's client-side to server-side apply migration (spec §9.5): replace managedFields and lock on the RV.</summary>
    [Fact]
    public void Apply_KubectlManagedFieldsMigration_ReplacesManagedFieldsAndResourceVersion()
    {
        var live = JsonAssert.Object("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"demo","resourceVersion":"42","managedFields":[
               {"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}},
               {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:template":{}}}}]},
             "spec":{"replicas":2}}
            """);
        var patch = JsonAssert.Node("""
            [{"op":"replace","path":"/metadata/managedFields","value":[
               {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{},"f:template":{}}}}]},
             {"op":"replace","path":"/metadata/resourceVersion","value":"42"}]
            """);

        var result = JsonPatch.Apply(live, patch);

        JsonAssert.Equal("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"demo","resourceVersion":"42","managedFields":[
               {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{},"f:template":{}}}}]},
             "spec":{"replicas":2}}
            """, result);
    }

    [Fact]
    public void Apply_ReplaceObjectMember_KeepsMemberOrder()
    {
        var result = JsonPatch.Apply(JsonAssert.Object("""{"a":1,"b":2,"c":3}"""), JsonAssert.Node("""[{"op":"replace","path":"/b","value":9}]"""));

        Assert.Equal("""{"a":1,"b":9,"c":3}""", result.ToJsonString());
    }
}
