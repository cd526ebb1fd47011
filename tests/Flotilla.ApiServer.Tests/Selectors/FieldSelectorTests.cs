using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;
using Flotilla.ApiServer.Selectors;

namespace Flotilla.ApiServer.Tests.Selectors;

public sealed class FieldSelectorTests
{
    private static ResourceDefinition Resource(string group, string kind) => new()
    {
        Group = group,
        Version = "v1",
        Kind = kind,
        Plural = kind.ToLowerInvariant() + "s",
        Singular = kind.ToLowerInvariant(),
        Namespaced = true,
    };

    private static readonly ResourceDefinition Pods = Resource("", "Pod");
    private static readonly ResourceDefinition ConfigMaps = Resource("", "ConfigMap");

    [Theory]
    [InlineData("", "")]
    [InlineData("  ", "")]
    [InlineData("metadata.name=foo", "metadata.name=foo")]
    [InlineData("metadata.name==foo", "metadata.name=foo")]
    [InlineData("metadata.name!=foo", "metadata.name!=foo")]
    [InlineData("metadata.namespace=,metadata.name=x", "metadata.name=x,metadata.namespace=")]
    [InlineData("metadata.name=x,,", "metadata.name=x")]
    [InlineData(" metadata.name =x", "metadata.name=x")]
    [InlineData(@"metadata.name=a\,b\=c\\d", @"metadata.name=a\,b\=c\\d")]
    [InlineData("spec.nodeName=node-1,status.phase!=Running", "spec.nodeName=node-1,status.phase!=Running")]
    public void Parse_ValidSelector_PrintsCanonicalForm(string text, string expected)
    {
        var selector = FieldSelector.Parse(text, Pods);

        Assert.Equal(expected, selector.ToString());
        Assert.Equal(expected.Length == 0, selector.IsEverything);
    }

    [Fact]
    public void Parse_EscapedValue_Unescapes()
    {
        var requirement = Assert.Single(FieldSelector.Parse(@"metadata.name=a\,b\=c\\d", Pods).Requirements);

        Assert.Equal(new FieldSelectorRequirement("metadata.name", FieldSelectorOperator.Equals, @"a,b=c\d"), requirement);
    }

    [Theory]
    [InlineData("spec.nodeName=x", "field label not supported: spec.nodeName")]
    [InlineData("metadata.labels=x", "field label not supported: metadata.labels")]
    [InlineData("metadata.name", "term \"metadata.name\" has no operator")]
    [InlineData("=x", "term \"=x\" has no field label")]
    [InlineData("metadata.name=a=b", "unescaped '=' in the value of metadata.name; write it as '\\='")]
    [InlineData(@"metadata.name=a\x", @"invalid escape sequence '\x' in the value of metadata.name")]
    [InlineData(@"metadata.name=a\", @"invalid escape sequence '\'")]
    public void Parse_Malformed_ThrowsBadRequest(string text, string expectedMessagePart)
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse(text, ConfigMaps));

        Assert.Equal(400, error.Code);
        Assert.Equal("BadRequest", error.Reason);
        Assert.Contains(expectedMessagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnsupportedLabel_MessageIsExactlyUpstreams()
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse("spec.nodeName=x", ConfigMaps));

        Assert.Equal("field label not supported: spec.nodeName", error.Message);
    }

    [Theory]
    [InlineData("", "ConfigMap", "metadata.name")]
    [InlineData("", "ConfigMap", "metadata.namespace")]
    [InlineData("example.com", "Widget", "metadata.name")]
    [InlineData("", "Pod", "spec.nodeName")]
    [InlineData("", "Pod", "spec.restartPolicy")]
    [InlineData("", "Pod", "spec.schedulerName")]
    [InlineData("", "Pod", "spec.serviceAccountName")]
    [InlineData("", "Pod", "spec.hostNetwork")]
    [InlineData("", "Pod", "status.phase")]
    [InlineData("", "Pod", "status.podIP")]
    [InlineData("", "Pod", "status.nominatedNodeName")]
    [InlineData("", "Event", "involvedObject.kind")]
    [InlineData("", "Event", "involvedObject.name")]
    [InlineData("", "Event", "involvedObject.namespace")]
    [InlineData("", "Event", "involvedObject.uid")]
    [InlineData("", "Event", "involvedObject.apiVersion")]
    [InlineData("", "Event", "involvedObject.resourceVersion")]
    [InlineData("", "Event", "involvedObject.fieldPath")]
    [InlineData("", "Event", "reason")]
    [InlineData("", "Event", "type")]
    [InlineData("", "Event", "source")]
    [InlineData("", "Event", "reportingComponent")]
    [InlineData("events.k8s.io", "Event", "involvedObject.name")]
    [InlineData("events.k8s.io", "Event", "regarding.name")]
    [InlineData("events.k8s.io", "Event", "reportingController")]
    [InlineData("", "Secret", "type")]
    [InlineData("", "Namespace", "status.phase")]
    [InlineData("", "Node", "spec.unschedulable")]
    [InlineData("apps", "ReplicaSet", "status.replicas")]
    [InlineData("", "ReplicationController", "status.replicas")]
    [InlineData("batch", "Job", "status.successful")]
    public void Parse_LabelSupportedByResource_Accepted(string group, string kind, string label)
    {
        var selector = FieldSelector.Parse($"{label}=x", Resource(group, kind));

        Assert.Equal(label, Assert.Single(selector.Requirements).Field);
    }

    [Theory]
    [InlineData("", "Event", "regarding.name")]
    [InlineData("", "Secret", "status.phase")]
    [InlineData("", "Namespace", "type")]
    [InlineData("apps", "Deployment", "status.replicas")]
    [InlineData("example.com", "Pod", "spec.nodeName")]
    public void Parse_LabelOfAnotherResource_Rejected(string group, string kind, string label)
    {
        var error = Assert.Throws<ApiException>(() => FieldSelector.Parse($"{label}=x", Resource(group, kind)));

        Assert.Equal($"field label not supported: {label}", error.Message);
    }

    public static TheoryData<string, string, string, bool> MatchCases => new()
    {
        { "Pod", "spec.nodeName=n1", """{"spec":{"nodeName":"n1"}}""", true },
        { "Pod", "spec.nodeName=n1", """{"spec":{"nodeName":"n2"}}""", false },
        { "Pod", "spec.nodeName=", """{"spec":{}}""", true },
        { "Pod", "spec.nodeName!=", """{"spec":{"nodeName":"n1"}}""", true },
        { "Pod", "status.phase!=Running,status.phase!=Pending", """{"status":{"phase":"Failed"}}""", true },
        { "Pod", "status.phase!=Running,status.phase!=Pending", """{"status":{"phase":"Pending"}}""", false },
        { "Pod", "spec.hostNetwork=false", """{"spec":{}}""", true },
        { "Pod", "spec.hostNetwork=true", """{"spec":{"hostNetwork":true}}""", true },
        { "Pod", "metadata.name=web,metadata.namespace=default", """{"metadata":{"name":"web","namespace":"default"}}""", true },
        { "Pod", "metadata.name=web,metadata.namespace=default", """{"metadata":{"name":"web","namespace":"other"}}""", false },
        { "Namespace", "metadata.namespace=", """{"metadata":{"name":"kube-system"}}""", true },
        { "Event", "involvedObject.namespace=", """{"involvedObject":{"kind":"Node","name":"n1"}}""", true },
        { "Event", "involvedObject.kind=Pod,involvedObject.name=web", """{"involvedObject":{"kind":"Pod","name":"web"}}""", true },
        { "Event", "source=kubelet", """{"source":{"component":"kubelet","host":"n1"}}""", true },
        { "Event", "reportingComponent=kubelet", """{"reportingComponent":"kubelet"}""", true },
        { "Event", "type=Warning,reason=BackOff", """{"type":"Warning","reason":"BackOff"}""", true },
        { "Node", "spec.unschedulable=false", """{"spec":{}}""", true },
        { "Node", "spec.unschedulable=true", """{"spec":{"unschedulable":true}}""", true },
        { "Job", "status.successful=1", """{"status":{"succeeded":1}}""", true },
        { "Job", "status.successful=0", """{"status":{}}""", true },
        { "Secret", "type=kubernetes.io/tls", """{"type":"kubernetes.io/tls"}""", true },
        { "Secret", @"metadata.name=a\,b", """{"metadata":{"name":"a,b"}}""", true },
    };

    [Theory]
    [MemberData(nameof(MatchCases))]
    public void Matches_CoreObject_ComparesFieldAsString(string kind, string selectorText, string objectJson, bool expected)
    {
        var group = kind == "Job" ? "batch" : "";
        var selector = FieldSelector.Parse(selectorText, Resource(group, kind));

        Assert.Equal(expected, selector.Matches(JsonNode.Parse(objectJson)!.AsObject()));
    }

    [Theory]
    [InlineData("involvedObject.kind=Pod")]
    [InlineData("regarding.kind=Pod")]
    [InlineData("reportingController=kubelet")]
    [InlineData("reportingComponent=kubelet")]
    [InlineData("source=kubelet")]
    public void Matches_EventsV1Shape_EitherSpellingFindsTheField(string selectorText)
    {
        var eventV1 = JsonNode.Parse("""
            {"regarding":{"kind":"Pod","name":"web"},"reportingController":"kubelet","deprecatedSource":{"component":"kubelet"}}
            """)!.AsObject();

        Assert.True(FieldSelector.Parse(selectorText, Resource("events.k8s.io", "Event")).Matches(eventV1));
    }

    [Fact]
    public void Matches_Everything_MatchesAnyObject()
    {
        Assert.True(FieldSelector.Everything.Matches([]));
    }

    [Fact]
    public void TryGetRequiredValue_NameEquality_ReturnsName()
    {
        var selector = FieldSelector.Parse("metadata.namespace!=x,metadata.name=web", Pods);

        Assert.True(selector.TryGetRequiredValue("metadata.name", out var name));
        Assert.Equal("web", name);
        Assert.False(selector.TryGetRequiredValue("metadata.namespace", out _));
    }
}
