using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.Hub.Placement.Resources;

namespace Flotilla.Hub.Tests.Placement.Resources;

/// <summary>Content sanitization (placement spec §1.3.2 "Content sanitization").</summary>
public sealed class ResourceContentTests
{
    private static JsonObject J(string json) => (JsonObject)JsonNode.Parse(json)!;

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "server-owned metadata and status cleared; labels, other annotations, finalizers, grace period kept",
            """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"app",
             "resourceVersion":"42","generation":3,"uid":"u-1","selfLink":"/api/v1/x","deletionTimestamp":"2026-01-01T00:00:00Z",
             "managedFields":[{"manager":"kubectl"}],"creationTimestamp":"2026-01-01T00:00:00Z",
             "ownerReferences":[{"apiVersion":"v1","kind":"Namespace","name":"app","uid":"n"}],
             "labels":{"a":"1"},"annotations":{"keep":"me","kubectl.kubernetes.io/last-applied-configuration":"{}","deployment.kubernetes.io/revision":"2"},
             "finalizers":["x/y"],"deletionGracePeriodSeconds":30},
             "data":{"k":"v"},"status":{"anything":true}}
            """,
            """
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"app","labels":{"a":"1"},
             "annotations":{"keep":"me"},"finalizers":["x/y"],"deletionGracePeriodSeconds":30},"data":{"k":"v"}}
            """
        },
        {
            "annotation map emptied by the removals is dropped",
            """
            {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}","deployment.kubernetes.io/revision":"1"}}}
            """,
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}"""
        },
        {
            "an already empty annotation map is dropped too",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s","annotations":{}}}""",
            """{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}"""
        },
        {
            "Service: cluster IPs, health check node port and node ports removed",
            """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"type":"LoadBalancer","clusterIP":"10.0.0.1",
             "clusterIPs":["10.0.0.1"],"healthCheckNodePort":31000,"selector":{"app":"a"},
             "ports":[{"port":80,"nodePort":30080,"protocol":"TCP"},{"port":443,"nodePort":30443}]},
             "status":{"loadBalancer":{}}}
            """,
            """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"type":"LoadBalancer","selector":{"app":"a"},
             "ports":[{"port":80,"protocol":"TCP"},{"port":443}]}}
            """
        },
        {
            "headless Service keeps clusterIP None and clusterIPs",
            """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"clusterIP":"None","clusterIPs":["None"],
             "ports":[{"port":80,"nodePort":1}]}}
            """,
            """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc"},"spec":{"clusterIP":"None","clusterIPs":["None"],
             "ports":[{"port":80}]}}
            """
        },
        {
            "a Service of another group is not a core Service",
            """{"apiVersion":"example.com/v1","kind":"Service","metadata":{"name":"svc"},"spec":{"clusterIP":"10.0.0.1"}}""",
            """{"apiVersion":"example.com/v1","kind":"Service","metadata":{"name":"svc"},"spec":{"clusterIP":"10.0.0.1"}}"""
        },
        {
            "Job without manualSelector: controller-uid labels and template creationTimestamp removed",
            """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","labels":{"controller-uid":"u"}},"spec":{
             "selector":{"matchLabels":{"controller-uid":"u","batch.kubernetes.io/controller-uid":"u","app":"j"}},
             "template":{"metadata":{"creationTimestamp":null,"labels":{"controller-uid":"u","batch.kubernetes.io/controller-uid":"u","job-name":"j"}},
              "spec":{"restartPolicy":"Never"}}}}
            """,
            """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j","labels":{"controller-uid":"u"}},"spec":{
             "selector":{"matchLabels":{"app":"j"}},
             "template":{"metadata":{"labels":{"job-name":"j"}},"spec":{"restartPolicy":"Never"}}}}
            """
        },
        {
            "Job with manualSelector false is sanitized like one without",
            """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"manualSelector":false,
             "selector":{"matchLabels":{"controller-uid":"u"}},"template":{"metadata":{"labels":{"controller-uid":"u"}}}}}
            """,
            """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"manualSelector":false,
             "selector":{"matchLabels":{}},"template":{"metadata":{"labels":{}}}}}
            """
        },
        {
            "Job with manualSelector true keeps its selector and template labels",
            """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"manualSelector":true,
             "selector":{"matchLabels":{"controller-uid":"u","batch.kubernetes.io/controller-uid":"u"}},
             "template":{"metadata":{"creationTimestamp":"2026-01-01T00:00:00Z","labels":{"controller-uid":"u","batch.kubernetes.io/controller-uid":"u"}}}}}
            """,
            """
            {"apiVersion":"batch/v1","kind":"Job","metadata":{"name":"j"},"spec":{"manualSelector":true,
             "selector":{"matchLabels":{"controller-uid":"u","batch.kubernetes.io/controller-uid":"u"}},
             "template":{"metadata":{"creationTimestamp":"2026-01-01T00:00:00Z","labels":{"controller-uid":"u","batch.kubernetes.io/controller-uid":"u"}}}}}
            """
        },
        {
            "an object without metadata or spec passes through",
            """{"kind":"Thing","apiVersion":"x.io/v1","data":[1,{"b":2,"a":1}]}""",
            """{"apiVersion":"x.io/v1","kind":"Thing","data":[1,{"a":1,"b":2}]}"""
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Sanitize_Object_ExpectedContent(string why, string input, string expected)
    {
        var actual = ResourceContent.Sanitize(J(input));

        Assert.True(JsonNode.DeepEquals(J(expected), actual), $"{why}: {Obj.ToJson(actual)}");
    }

    [Fact]
    public void Sanitize_AnyObject_InputUnchanged()
    {
        const string input = """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"svc","uid":"u","annotations":{"deployment.kubernetes.io/revision":"1"}},
             "spec":{"clusterIP":"10.0.0.1","ports":[{"port":80,"nodePort":30080}]},"status":{}}
            """;
        var obj = J(input);

        ResourceContent.Sanitize(obj);

        Assert.Equal(Obj.ToJson(J(input)), Obj.ToJson(obj));
    }

    [Fact]
    public void Sanitize_UnorderedProperties_SerializesSortedAtEveryLevel()
    {
        var actual = ResourceContent.Sanitize(J("""{"spec":{"z":1,"a":[{"y":1,"b":2}]},"metadata":{"name":"n"},"kind":"K","apiVersion":"x.io/v1"}"""));

        Assert.Equal("""{"apiVersion":"x.io/v1","kind":"K","metadata":{"name":"n"},"spec":{"a":[{"b":2,"y":1}],"z":1}}""", Obj.ToJson(actual));
    }

    [Theory]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","namespace":"ns"}}""", """{"Group":"apps","Version":"v1","Kind":"Deployment","Name":"d","Namespace":"ns"}""")]
    [InlineData("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns"}}""", """{"Group":null,"Version":"v1","Kind":"Namespace","Name":"ns","Namespace":null}""")]
    [InlineData("""{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"ClusterRole","metadata":{"name":"r","namespace":""}}""", """{"Group":"rbac.authorization.k8s.io","Version":"v1","Kind":"ClusterRole","Name":"r","Namespace":null}""")]
    public void Identify_Object_GroupVersionKindNamespaceName(string obj, string expected)
    {
        var id = ResourceContent.Identify(J(obj));

        var actual = new JsonObject
        {
            ["Group"] = id.Group, ["Version"] = id.Version, ["Kind"] = id.Kind, ["Name"] = id.Name, ["Namespace"] = id.Namespace,
        };
        Assert.True(JsonNode.DeepEquals(J(expected), actual), Obj.ToJson(actual));
        Assert.Null(id.Envelope);
    }
}
