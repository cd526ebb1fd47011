using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Patching;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class ServerSideApplyTests
{
    private static readonly DateTimeOffset T0 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T1 = T0.AddMinutes(5);
    private static readonly IMergeSchema Deployments = BuiltinMergeSchema.For("apps", "Deployment");

    /// <summary>A Deployment manifest as kubectl sends it with <c>--server-side</c>.</summary>
    private static JsonObject Deployment(int replicas = 2, string image = "nginx:1.25", string labels = """{"app":"web"}""", string containers = "") =>
        JsonAssert.Object("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"demo","labels":@LABELS},
             "spec":{"replicas":@REPLICAS,"selector":{"matchLabels":{"app":"web"}},
               "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"@IMAGE"}@CONTAINERS]}}}}
            """
            .Replace("@LABELS", labels, StringComparison.Ordinal)
            .Replace("@REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("@IMAGE", image, StringComparison.Ordinal)
            .Replace("@CONTAINERS", containers, StringComparison.Ordinal));

    private static JsonArray ManagedFieldsOf(JsonObject obj) => obj["metadata"]!["managedFields"]!.AsArray();

    [Fact]
    public void Apply_NoLiveObject_CreatesObjectWithApplyEntry()
    {
        var config = Deployment();

        var result = ServerSideApply.Apply(null, config, "kubectl", force: false, Deployments, "apps/v1", null, T0);

        var expected = Deployment();
        expected["metadata"]!["managedFields"] = JsonAssert.Node("""
            [{"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
              "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},
                "f:spec":{"f:replicas":{},"f:selector":{"f:matchLabels":{"f:app":{}}},
                  "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}]
            """);
        JsonAssert.Equal(expected, result);
        JsonAssert.SameText(expected["metadata"]!["managedFields"]!.ToJsonString(), ManagedFieldsOf(result));
        JsonAssert.Equal(Deployment(), config);
    }

    [Fact]
    public void Apply_SameConfigAgain_ReturnsIdenticalObjectAndKeepsTime()
    {
        var live = ServerSideApply.Apply(null, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T0);

        var result = ServerSideApply.Apply(live, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal(live, result);
    }

    [Fact]
    public void Apply_LabelDroppedFromConfig_RemovesLabel()
    {
        var live = ServerSideApply.Apply(null, Deployment(labels: """{"app":"web","tier":"fe"}"""), "kubectl", false, Deployments, "apps/v1", null, T0);

        var result = ServerSideApply.Apply(live, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1);

        var expected = ServerSideApply.Apply(null, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1);
        JsonAssert.Equal(expected, result);
    }

    [Fact]
    public void Apply_DroppedLabelAlsoAppliedByOtherManager_KeepsLabelUntilBothDropIt()
    {
        var live = ServerSideApply.Apply(null, Deployment(labels: """{"app":"web","tier":"fe"}"""), "kubectl", false, Deployments, "apps/v1", null, T0);
        var labelOnly = JsonAssert.Object("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","labels":{"tier":"fe"}}}""");
        live = ServerSideApply.Apply(live, labelOnly, "labeler", false, Deployments, "apps/v1", null, T0);

        var afterKubectl = ServerSideApply.Apply(live, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1);
        var emptyConfig = JsonAssert.Object("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"}}""");
        var afterBoth = ServerSideApply.Apply(afterKubectl, emptyConfig, "labeler", false, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal("""{"app":"web","tier":"fe"}""", afterKubectl["metadata"]!["labels"]);
        JsonAssert.Equal("""
            [{"manager":"labeler","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
              "fieldsV1":{"f:metadata":{"f:labels":{"f:tier":{}}}}},
             {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1",
              "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{"f:matchLabels":{"f:app":{}}},
                "f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}]
            """, ManagedFieldsOf(afterKubectl));
        JsonAssert.Equal("""{"app":"web"}""", afterBoth["metadata"]!["labels"]);
        Assert.Equal(["kubectl"], ManagedFieldsOf(afterBoth).Select(e => (string)e!["manager"]!));
    }

    [Fact]
    public void Apply_AllLabelsDropped_RemovesEmptiedLabelsMap()
    {
        var live = ServerSideApply.Apply(null, Deployment(labels: """{"tier":"fe"}"""), "kubectl", false, Deployments, "apps/v1", null, T0);
        var config = Deployment();
        config["metadata"]!.AsObject().Remove("labels");

        var result = ServerSideApply.Apply(live, config, "kubectl", false, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal("""{"name":"web","namespace":"demo"}""", WithoutManagedFields(result)["metadata"]);
    }

    [Fact]
    public void Apply_ContainerDroppedFromConfig_RemovesListItem()
    {
        var live = ServerSideApply.Apply(null, Deployment(containers: """,{"name":"sidecar","image":"envoy"}"""), "kubectl", false, Deployments, "apps/v1", null, T0);

        var result = ServerSideApply.Apply(live, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal(ServerSideApply.Apply(null, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1), result);
    }

    [Fact]
    public void Apply_ContainerAddedByAnotherWriter_MergesByKeyAndKeepsIt()
    {
        var live = ServerSideApply.Apply(null, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T0);
        var injected = live.DeepClone().AsObject();
        injected["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(JsonAssert.Node("""{"name":"sidecar","image":"envoy"}"""));
        live = ManagedFields.RecordUpdate(live, injected, "injector", "apps/v1", null, T0, Deployments);

        var result = ServerSideApply.Apply(live, Deployment(image: "nginx:1.26"), "kubectl", false, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal("""[{"name":"nginx","image":"nginx:1.26"},{"name":"sidecar","image":"envoy"}]""", result["spec"]!["template"]!["spec"]!["containers"]);
        JsonAssert.Equal("""
            {"manager":"injector","operation":"Update","apiVersion":"apps/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
             "fieldsV1":{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}
            """, ManagedFieldsOf(result)[1]);
    }

    /// <summary>The conflict of spec §9.5: the field was last written by client-side apply (an Update manager).</summary>
    [Fact]
    public void Apply_ChangesFieldOwnedByClientSideApply_Throws409WithUpstreamMessage()
    {
        var live = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", null, T0, Deployments);

        var error = Assert.Throws<ApiException>(() => ServerSideApply.Apply(live, Deployment(replicas: 3), "kubectl", false, Deployments, "apps/v1", null, T1));

        Assert.Equal(409, error.Code);
        Assert.Equal("Conflict", error.Reason);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", error.Message);
        JsonAssert.Equal("""
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",
             "message":"Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas",
             "reason":"Conflict",
             "details":{"causes":[{"reason":"FieldManagerConflict","message":"conflict with \"kubectl-client-side-apply\" using apps/v1","field":".spec.replicas"}]},
             "code":409}
            """, error.ToStatus());
    }

    [Fact]
    public void Apply_ConflictsWithSeveralManagers_ListsThemByManager()
    {
        var live = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", null, T0, Deployments);
        live = ServerSideApply.Apply(live, JsonAssert.Object("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}}}"""), "other", false, Deployments, "apps/v1", null, T0);

        var error = Assert.Throws<ApiException>(() =>
            ServerSideApply.Apply(live, Deployment(replicas: 3, image: "nginx:1.26", labels: """{"app":"api"}"""), "kubectl", false, Deployments, "apps/v1", null, T1));

        Assert.Equal(
            "Apply failed with 4 conflicts: conflicts with \"kubectl-client-side-apply\" using apps/v1:\n" +
            "- .metadata.labels.app\n- .spec.replicas\n- .spec.template.spec.containers[name=\"nginx\"].image\n" +
            "conflicts with \"other\":\n- .metadata.labels.app",
            error.Message);
        Assert.Equal(
            [
                ("conflict with \"kubectl-client-side-apply\" using apps/v1", ".metadata.labels.app"),
                ("conflict with \"kubectl-client-side-apply\" using apps/v1", ".spec.replicas"),
                ("conflict with \"kubectl-client-side-apply\" using apps/v1", ".spec.template.spec.containers[name=\"nginx\"].image"),
                ("conflict with \"other\"", ".metadata.labels.app"),
            ],
            error.Details!.Causes!.Select(c => (c.Message, c.Field)));
    }

    [Fact]
    public void Apply_ConflictWithForce_TakesOwnership()
    {
        var live = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", null, T0, Deployments);

        var result = ServerSideApply.Apply(live, Deployment(replicas: 3), "kubectl", force: true, Deployments, "apps/v1", null, T1);

        Assert.Equal(3, (int)result["spec"]!["replicas"]!);
        var entries = ManagedFieldsOf(result);
        Assert.Equal(["kubectl/Apply", "kubectl-client-side-apply/Update"], entries.Select(e => $"{e!["manager"]}/{e["operation"]}"));
        var csa = FieldSet.FromFieldsV1(entries[1]!["fieldsV1"]!.AsObject());
        var kubectl = FieldSet.FromFieldsV1(entries[0]!["fieldsV1"]!.AsObject());
        Assert.False(csa.Contains(["f:spec", "f:replicas"]));
        Assert.True(csa.Contains(["f:spec", "f:template", "f:spec", "f:containers", "k:{\"name\":\"nginx\"}", "f:image"]));
        Assert.True(kubectl.Contains(["f:spec", "f:replicas"]));
        Assert.Equal("2025-01-01T12:00:00Z", (string)entries[1]!["time"]!);
    }

    [Fact]
    public void Apply_ForceOnOnlyFieldOfOtherManager_DropsItsEntry()
    {
        var live = ServerSideApply.Apply(null, JsonAssert.Object("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":1}}"""), "hpa", false, Deployments, "apps/v1", null, T0);

        var result = ServerSideApply.Apply(live, JsonAssert.Object("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"""), "kubectl", true, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","managedFields":[
              {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]},
             "spec":{"replicas":5}}
            """, result);
    }

    [Fact]
    public void Apply_SameValueAsOtherManager_SharesOwnershipWithoutConflict()
    {
        var live = ManagedFields.RecordUpdate(null, Deployment(), "kubectl-client-side-apply", "apps/v1", null, T0, Deployments);

        var result = ServerSideApply.Apply(live, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T1);

        var entries = ManagedFieldsOf(result);
        Assert.Equal(["kubectl/Apply", "kubectl-client-side-apply/Update"], entries.Select(e => $"{e!["manager"]}/{e["operation"]}"));
        JsonAssert.Equal(ManagedFieldsOf(live)[0], entries[1]);
        JsonAssert.Equal(WithoutManagedFields(live), WithoutManagedFields(result));
    }

    [Fact]
    public void Apply_FinalizersSet_UnionsWithLiveValues()
    {
        var live = JsonAssert.Object("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a","b"]}}""");

        var result = ServerSideApply.Apply(live, JsonAssert.Object("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["c","a"]}}"""),
            "kubectl", false, BuiltinMergeSchema.For("", "ConfigMap"), "v1", null, T0);

        JsonAssert.Equal("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a","b","c"],"managedFields":[
              {"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
               "fieldsV1":{"f:metadata":{"f:finalizers":{"v:\"c\"":{},"v:\"a\"":{}}}}}]}}
            """, result);
    }

    [Fact]
    public void Apply_CustomResourceListMap_MergesByAllKeysAndRecordsSortedKey()
    {
        var schema = new SchemaMergeSchema(JsonAssert.Object("""
            {"type":"object","properties":{"spec":{"type":"object","properties":{
              "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["protocol","port"],"items":{"type":"object"}}}}}}
            """));
        var live = ServerSideApply.Apply(null, JsonAssert.Object("""
            {"apiVersion":"example.com/v1","kind":"Gateway","metadata":{"name":"g"},"spec":{"ports":[{"port":80,"protocol":"TCP","name":"http"}]}}
            """), "kubectl", false, schema, "example.com/v1", null, T0);

        var result = ServerSideApply.Apply(live, JsonAssert.Object("""
            {"apiVersion":"example.com/v1","kind":"Gateway","metadata":{"name":"g"},"spec":{"ports":[{"port":80,"protocol":"UDP","name":"dns"},{"port":80,"protocol":"TCP","name":"web"}]}}
            """), "operator", true, schema, "example.com/v1", null, T1);

        JsonAssert.Equal("""
            {"apiVersion":"example.com/v1","kind":"Gateway","metadata":{"name":"g","managedFields":[
              {"manager":"kubectl","operation":"Apply","apiVersion":"example.com/v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1",
               "fieldsV1":{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:port":{},"f:protocol":{}}}}}},
              {"manager":"operator","operation":"Apply","apiVersion":"example.com/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1",
               "fieldsV1":{"f:spec":{"f:ports":{"k:{\"port\":80,\"protocol\":\"TCP\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{}},"k:{\"port\":80,\"protocol\":\"UDP\"}":{".":{},"f:name":{},"f:port":{},"f:protocol":{}}}}}}]},
             "spec":{"ports":[{"port":80,"protocol":"TCP","name":"web"},{"port":80,"protocol":"UDP","name":"dns"}]}}
            """, result);
    }

    /// <summary>kubectl's follow-up apply when the object still carries the last-applied annotation (spec §9.5).</summary>
    [Fact]
    public void Apply_KubectlLastAppliedManager_OwnsOnlyTheAnnotation()
    {
        var withAnnotation = Deployment();
        withAnnotation["metadata"]!["annotations"] = new JsonObject { ["kubectl.kubernetes.io/last-applied-configuration"] = "{}" };
        var live = ServerSideApply.Apply(null, withAnnotation, "kubectl", false, Deployments, "apps/v1", null, T0);
        var body = JsonAssert.Object("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}}}
            """);

        var result = ServerSideApply.Apply(live, body, "kubectl-last-applied", false, Deployments, "apps/v1", null, T1);

        JsonAssert.Equal(WithoutManagedFields(live), WithoutManagedFields(result));
        JsonAssert.Equal(ManagedFieldsOf(live)[0], ManagedFieldsOf(result)[0]);
        JsonAssert.Equal("""
            {"manager":"kubectl-last-applied","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1",
             "fieldsV1":{"f:metadata":{"f:annotations":{"f:kubectl.kubernetes.io/last-applied-configuration":{}}}}}
            """, ManagedFieldsOf(result)[1]);
    }

    [Fact]
    public void Apply_StatusSubresource_RecordsSeparateEntry()
    {
        var live = ServerSideApply.Apply(null, Deployment(), "kubectl", false, Deployments, "apps/v1", null, T0);
        var status = JsonAssert.Object("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"demo"},"status":{"conditions":[{"type":"Available","status":"True"}]}}
            """);

        var result = ServerSideApply.Apply(live, status, "controller", false, Deployments, "apps/v1", "status", T1);

        JsonAssert.Equal("""[{"type":"Available","status":"True"}]""", result["status"]!["conditions"]);
        JsonAssert.Equal("""
            {"manager":"controller","operation":"Apply","apiVersion":"apps/v1","time":"2025-01-01T12:05:00Z","fieldsType":"FieldsV1",
             "fieldsV1":{"f:status":{"f:conditions":{"k:{\"type\":\"Available\"}":{".":{},"f:status":{},"f:type":{}}}}},"subresource":"status"}
            """, ManagedFieldsOf(result)[1]);
    }

    [Fact]
    public void Apply_NullInConfig_RemovesFieldButOwnsIt()
    {
        var live = JsonAssert.Object("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1","b":"2"}}""");

        var result = ServerSideApply.Apply(live, JsonAssert.Object("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":null}}"""),
            "kubectl", false, BuiltinMergeSchema.For("", "ConfigMap"), "v1", null, T0);

        JsonAssert.Equal("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[
              {"manager":"kubectl","operation":"Apply","apiVersion":"v1","time":"2025-01-01T12:00:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]},
             "data":{"b":"2"}}
            """, result);
    }

    public static TheoryData<string, string, int, string> Rejected => new()
    {
        {
            "kubectl",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[]}}""",
            400, "metadata.managedFields must be nil"
        },
        {
            "",
            """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}""",
            422, "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
        },
        {
            "kubectl",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"image":"x"}]}}""",
            422, "failed to create typed patch object: .spec.containers: element 0: associative list with keys has an element that omits key field(s) \"name\""
        },
        {
            "kubectl",
            """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a"},{"name":"a"}]}}""",
            422, "failed to create typed patch object: .spec.containers: element 1: duplicate entries for key [name=\"a\"]"
        },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Apply_InvalidRequest_ThrowsStatusError(string manager, string config, int code, string message)
    {
        var error = Assert.Throws<ApiException>(() =>
            ServerSideApply.Apply(null, JsonAssert.Object(config), manager, false, BuiltinMergeSchema.For("", "Pod"), "v1", null, T0));

        Assert.Equal((code, message), (error.Code, error.Message));
    }

    private static JsonObject WithoutManagedFields(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy["metadata"]!.AsObject().Remove("managedFields");
        return copy;
    }
}
