using Flotilla.Api.Meta;
using Flotilla.ApiServer.Patching;

namespace Flotilla.ApiServer.Tests.Patching;

public sealed class StrategicMergePatchTests
{
    private const string LiveDeployment = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"web","namespace":"demo","labels":{"app":"web"},
           "annotations":{"deployment.kubernetes.io/revision":"1","kubectl.kubernetes.io/last-applied-configuration":"{old}"}},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
           "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
           "template":{"metadata":{"labels":{"app":"web"}},
             "spec":{"containers":[{"name":"nginx","image":"nginx:1.25","env":[{"name":"A","value":"1"}],"ports":[{"containerPort":80,"protocol":"TCP"}]}],
               "restartPolicy":"Always"}}},
         "status":{"replicas":2}}
        """;

    /// <summary>kubectl's client-side re-apply of a Deployment with a new image, replicas and env (spec §16, verbatim).</summary>
    [Fact]
    public void Apply_KubectlDeploymentReapply_MergesContainersAndEnvByName()
    {
        var patch = JsonAssert.Node("""
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}"}},"spec":{"replicas":3,"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"}],"containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"2"}],"image":"nginx:1.26","name":"nginx"}]}}}}
            """);

        var result = StrategicMergePatch.Apply(JsonAssert.Object(LiveDeployment), patch, BuiltinMergeSchema.For("apps", "Deployment"));

        JsonAssert.Equal("""
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"demo","labels":{"app":"web"},
               "annotations":{"deployment.kubernetes.io/revision":"1","kubectl.kubernetes.io/last-applied-configuration":"{new}"}},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
               "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}},
               "template":{"metadata":{"labels":{"app":"web"}},
                 "spec":{"containers":[{"name":"nginx","image":"nginx:1.26","env":[{"name":"A","value":"2"}],"ports":[{"containerPort":80,"protocol":"TCP"}]}],
                   "restartPolicy":"Always"}}},
             "status":{"replicas":2}}
            """, result);
    }

    /// <summary>kubectl's client-side re-apply of a ConfigMap (spec §16): no lists, a plain recursive merge.</summary>
    [Fact]
    public void Apply_KubectlConfigMapReapply_MergesDataAndAnnotations()
    {
        var live = JsonAssert.Object("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","namespace":"demo","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{old}"}},
             "data":{"key":"value","other":"x"}}
            """);
        var patch = JsonAssert.Node("""{"data":{"key":"value2"},"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}"}}}""");

        var result = StrategicMergePatch.Apply(live, patch, BuiltinMergeSchema.For("", "ConfigMap"));

        JsonAssert.Equal("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"app-config","namespace":"demo","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{new}"}},
             "data":{"key":"value2","other":"x"}}
            """, result);
    }

    /// <summary>group, kind, original, patch, expected.</summary>
    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        // A new container is appended; the existing one merges by name.
        {
            "", "Pod",
            """{"spec":{"containers":[{"name":"a","image":"a:1"}]}}""",
            """{"spec":{"containers":[{"name":"b","image":"b:1"},{"name":"a","image":"a:2"}]}}""",
            """{"spec":{"containers":[{"name":"a","image":"a:2"},{"name":"b","image":"b:1"}]}}"""
        },
        // $patch: delete removes the item with that key.
        {
            "", "Pod",
            """{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"a","$patch":"delete"}]}}""",
            """{"spec":{"containers":[{"name":"b"}]}}"""
        },
        // Deleting a nested env item by key.
        {
            "", "Pod",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"X","$patch":"delete"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"2"}]}]}}"""
        },
        // $patch: replace as a list item replaces the whole list.
        {
            "", "Pod",
            """{"spec":{"containers":[{"name":"a","image":"a"},{"name":"b"}]}}""",
            """{"spec":{"containers":[{"$patch":"replace"},{"name":"c","image":"c"}]}}""",
            """{"spec":{"containers":[{"name":"c","image":"c"}]}}"""
        },
        // $patch: replace in a map replaces it; $patch: delete empties it.
        {
            "", "Pod",
            """{"metadata":{"labels":{"a":"1","b":"2"},"annotations":{"x":"y"}}}""",
            """{"metadata":{"labels":{"$patch":"replace","c":"3"},"annotations":{"$patch":"delete"}}}""",
            """{"metadata":{"labels":{"c":"3"},"annotations":{}}}"""
        },
        // $patch: merge is the default.
        {
            "", "Pod",
            """{"metadata":{"labels":{"a":"1"}}}""",
            """{"metadata":{"labels":{"$patch":"merge","b":"2"}}}""",
            """{"metadata":{"labels":{"a":"1","b":"2"}}}"""
        },
        // $retainKeys on the Deployment strategy drops rollingUpdate when switching to Recreate.
        {
            "apps", "Deployment",
            """{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}""",
            """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""",
            """{"spec":{"strategy":{"type":"Recreate"}}}"""
        },
        // $retainKeys on a volume switches its source.
        {
            "apps", "Deployment",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"data","emptyDir":{}},{"name":"keep","emptyDir":{}}]}}}}""",
            """{"spec":{"template":{"spec":{"volumes":[{"$retainKeys":["configMap","name"],"name":"data","configMap":{"name":"cfg"}}]}}}}""",
            """{"spec":{"template":{"spec":{"volumes":[{"name":"data","configMap":{"name":"cfg"}},{"name":"keep","emptyDir":{}}]}}}}"""
        },
        // Finalizers are a set: union, and $deleteFromPrimitiveList removes values.
        {
            "", "ConfigMap",
            """{"metadata":{"finalizers":["a","b"]}}""",
            """{"metadata":{"finalizers":["c","a"]}}""",
            """{"metadata":{"finalizers":["a","b","c"]}}"""
        },
        {
            "placement.kubernetes-fleet.io", "ClusterResourcePlacement",
            """{"metadata":{"finalizers":["a","b","c"]}}""",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","zz"]}}""",
            """{"metadata":{"finalizers":["a","c"]}}"""
        },
        // ownerReferences merge by uid.
        {
            "apps", "ReplicaSet",
            """{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u1"}]}}""",
            """{"metadata":{"ownerReferences":[{"uid":"u1","controller":true},{"apiVersion":"v1","kind":"ConfigMap","name":"c","uid":"u2"}]}}""",
            """{"metadata":{"ownerReferences":[{"apiVersion":"apps/v1","kind":"Deployment","name":"web","uid":"u1","controller":true},{"apiVersion":"v1","kind":"ConfigMap","name":"c","uid":"u2"}]}}"""
        },
        // Atomic lists (tolerations, args) are replaced; null deletes a map key.
        {
            "", "Pod",
            """{"spec":{"tolerations":[{"key":"a"},{"key":"b"}],"nodeSelector":{"disk":"ssd"},"containers":[{"name":"c","args":["x","y"]}]}}""",
            """{"spec":{"tolerations":[{"key":"c"}],"nodeSelector":null,"containers":[{"name":"c","args":["z"]}]}}""",
            """{"spec":{"tolerations":[{"key":"c"}],"containers":[{"name":"c","args":["z"]}]}}"""
        },
        // Container ports merge by containerPort, volumeMounts by mountPath.
        {
            "apps", "StatefulSet",
            """{"spec":{"template":{"spec":{"containers":[{"name":"db","ports":[{"containerPort":5432,"name":"pg"}],"volumeMounts":[{"mountPath":"/data","name":"d"}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"db","ports":[{"containerPort":9187,"name":"metrics"}],"volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"name":"db","ports":[{"containerPort":5432,"name":"pg"},{"containerPort":9187,"name":"metrics"}],"volumeMounts":[{"mountPath":"/data","name":"d","readOnly":true}]}]}}}}"""
        },
        // status.conditions merge by type.
        {
            "apps", "Deployment",
            """{"status":{"conditions":[{"type":"Available","status":"False"},{"type":"Progressing","status":"True"}]}}""",
            """{"status":{"conditions":[{"type":"Available","status":"True"}]}}""",
            """{"status":{"conditions":[{"type":"Available","status":"True"},{"type":"Progressing","status":"True"}]}}"""
        },
        // CronJob: the pod spec under spec.jobTemplate.spec.template.
        {
            "batch", "CronJob",
            """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}}}}""",
            """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}}}}""",
            """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:2"}]}}}}}}"""
        },
        // Service ports merge by port.
        {
            "", "Service",
            """{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":8443}]}}""",
            """{"spec":{"ports":[{"port":443,"targetPort":9443}]}}""",
            """{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443,"targetPort":9443}]}}"""
        },
        // Unknown kinds: lists outside metadata are atomic.
        {
            "example.com", "Widget",
            """{"spec":{"containers":[{"name":"a"}]}}""",
            """{"spec":{"containers":[{"name":"b"}]}}""",
            """{"spec":{"containers":[{"name":"b"}]}}"""
        },
        // A list the original lacks: directives inside new items are consumed, not stored.
        {
            "apps", "DaemonSet",
            """{"spec":{"template":{"spec":{}}}}""",
            """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"$setElementOrder/env":[{"name":"A"}],"env":[{"name":"A","value":"1","valueFrom":null}],"name":"a"}]}}}}""",
            """{"spec":{"template":{"spec":{"containers":[{"env":[{"name":"A","value":"1"}],"name":"a"}]}}}}"""
        },
        // Job: the pod template's metadata has the metadata rules too.
        {
            "batch", "Job",
            """{"spec":{"template":{"metadata":{"finalizers":["x"]},"spec":{"initContainers":[{"name":"i","image":"i:1"}]}}}}""",
            """{"spec":{"template":{"metadata":{"finalizers":["y"]},"spec":{"initContainers":[{"name":"i","image":"i:2"}]}}}}""",
            """{"spec":{"template":{"metadata":{"finalizers":["x","y"]},"spec":{"initContainers":[{"name":"i","image":"i:2"}]}}}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_PatchWithListStrategies_ProducesExpectedObject(string group, string kind, string original, string patch, string expected)
    {
        var input = JsonAssert.Object(original);
        var patchNode = JsonAssert.Node(patch);
        var inputBefore = input.DeepClone();
        var patchBefore = patchNode!.DeepClone();

        var result = StrategicMergePatch.Apply(input, patchNode, BuiltinMergeSchema.For(group, kind));

        JsonAssert.Equal(expected, result);
        JsonAssert.Equal(inputBefore, input);
        JsonAssert.Equal(patchBefore, patchNode);
    }

    /// <summary>$setElementOrder reordering: original, patch, expected (order-sensitive).</summary>
    public static TheoryData<string, string, string> Orders => new()
    {
        // Reorder only: no list in the patch.
        {
            """{"spec":{"containers":[{"name":"a","env":[{"name":"A"},{"name":"B"},{"name":"C"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","$setElementOrder/env":[{"name":"C"},{"name":"A"},{"name":"B"}]}]}}""",
            """{"spec":{"containers":[{"name":"a","env":[{"name":"C"},{"name":"A"},{"name":"B"}]}]}}"""
        },
        // A new item placed first; a server-only item (sidecar) stays after the item it followed.
        {
            """{"spec":{"containers":[{"name":"nginx"},{"name":"sidecar"}]}}""",
            """{"spec":{"$setElementOrder/containers":[{"name":"cache"},{"name":"nginx"}],"containers":[{"name":"cache"}]}}""",
            """{"spec":{"containers":[{"name":"cache"},{"name":"nginx"},{"name":"sidecar"}]}}"""
        },
        // A server-only item that came first stays before the named items.
        {
            """{"spec":{"containers":[{"name":"proxy"},{"name":"nginx"}]}}""",
            """{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"cache"}],"containers":[{"name":"cache"}]}}""",
            """{"spec":{"containers":[{"name":"proxy"},{"name":"nginx"},{"name":"cache"}]}}"""
        },
        // Primitive set lists reorder by value; a deleted item named in the order is ignored.
        {
            """{"metadata":{"finalizers":["a","b","c"]}}""",
            """{"metadata":{"$setElementOrder/finalizers":["c","x","a","b"],"$deleteFromPrimitiveList/finalizers":["x"]}}""",
            """{"metadata":{"finalizers":["c","a","b"]}}"""
        },
    };

    [Theory]
    [MemberData(nameof(Orders))]
    public void Apply_SetElementOrder_OrdersList(string original, string patch, string expected)
    {
        var result = StrategicMergePatch.Apply(JsonAssert.Object(original), JsonAssert.Node(patch), BuiltinMergeSchema.For("", "Pod"));

        JsonAssert.SameText(expected, result);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { """{"spec":{"containers":[{"image":"x"}]}}""", "invalid strategic merge patch at spec.containers: an item does not contain the merge key name" },
        { """{"spec":{"containers":["x"]}}""", "invalid strategic merge patch at spec.containers: items of a list merged by key must be objects" },
        { """{"metadata":{"labels":{"$patch":"explode"}}}""", "invalid strategic merge patch at metadata.labels: unknown $patch directive \"explode\": expected \"replace\", \"delete\" or \"merge\"" },
        { """{"spec":{"$retainKeys":"type"}}""", "invalid strategic merge patch at spec: $retainKeys must be a list of strings" },
        { """{"metadata":{"$deleteFromPrimitiveList/finalizers":"a"}}""", "invalid strategic merge patch at metadata: $deleteFromPrimitiveList/finalizers must be a list of values" },
        { """{"$setElementOrder/x":{}}""", "invalid strategic merge patch at the root: $setElementOrder/x must be a list" },
        { """[{"op":"add"}]""", "a strategic merge patch must be a JSON object" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Apply_MalformedPatch_Throws400(string patch, string message)
    {
        var error = Assert.Throws<ApiException>(() =>
            StrategicMergePatch.Apply(JsonAssert.Object("""{"spec":{"containers":[{"name":"a"}]}}"""), JsonAssert.Node(patch), BuiltinMergeSchema.For("", "Pod")));

        Assert.Equal((400, "BadRequest", message), (error.Code, error.Reason, error.Message));
    }
}
