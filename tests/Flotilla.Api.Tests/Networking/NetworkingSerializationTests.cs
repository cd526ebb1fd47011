using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;

namespace Flotilla.Api.Tests.Networking;

public sealed class NetworkingSerializationTests
{
    private const string Metadata = """
        "metadata": {"name": "work-app", "namespace": "fleet-member-member-1", "uid": "u-1", "resourceVersion": "7", "generation": 2,
                     "creationTimestamp": "2026-01-02T03:04:05Z", "labels": {"a": "b"}, "annotations": {"c": "d"}, "finalizers": ["f"]}
        """;

    private const string Reference = """
        {"clusterId": "member-1", "apiVersion": "v1", "kind": "Service", "namespace": "work", "name": "app", "resourceVersion": "42",
         "generation": 3, "uid": "svc-uid", "namespacedName": "work/app", "exportedSince": "2026-01-02T03:04:05Z"}
        """;

    private const string Conditions = """
        [{"type": "Valid", "status": "True", "observedGeneration": 2, "lastTransitionTime": "2026-01-02T03:04:05Z",
          "reason": "ServiceIsValid", "message": "service work/app is valid for export"},
         {"type": "Conflict", "status": "False", "observedGeneration": 2, "lastTransitionTime": "2026-01-02T03:04:06Z",
          "reason": "NoConflictFound", "message": "service work/app is exported without conflict"}]
        """;

    private const string Ports = """
        [{"name": "http", "protocol": "TCP", "appProtocol": "http", "port": 80, "targetPort": 8080},
         {"name": "dns", "protocol": "UDP", "appProtocol": "", "port": 53, "targetPort": "dns"}]
        """;

    private const string ImportStatus = """
        {"ips": ["10.0.0.1"], "type": "ClusterSetIP", "sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
         "ports": PORTS, "clusters": [{"cluster": "member-1"}, {"cluster": "member-2"}]}
        """;

    private const string SliceSpec = """
        {"addressType": "IPv4", "endpoints": [{"addresses": ["10.1.0.1", "10.1.0.2"]}, {"addresses": ["10.1.0.3"]}],
         "ports": [{"name": "http", "protocol": "TCP", "port": 8080, "appProtocol": "http"}],
         "endpointSliceReference": REFERENCE,
         "ownerServiceReference": {"namespace": "work", "name": "app", "namespacedName": "work/app"}}
        """;

    public static TheoryData<string, string> EveryKind()
    {
        var importStatus = ImportStatus.Replace("PORTS", Ports, StringComparison.Ordinal);
        var sliceSpec = SliceSpec.Replace("REFERENCE", Reference, StringComparison.Ordinal);
        return new()
        {
            { "ServiceExport", $$$"""{"apiVersion": "networking.fleet.azure.com/v1beta1", "kind": "ServiceExport", {{{Metadata}}}, "status": {"conditions": {{{Conditions}}}}}""" },
            { "ServiceImport", $$$"""{"apiVersion": "networking.fleet.azure.com/v1alpha1", "kind": "ServiceImport", {{{Metadata}}}, "status": {{{importStatus}}}}""" },
            {
                "InternalServiceExport",
                $$$"""
                {"apiVersion": "networking.fleet.azure.com/v1alpha1", "kind": "InternalServiceExport", {{{Metadata}}},
                 "spec": {"ports": {{{Ports}}}, "serviceReference": {{{Reference}}}, "type": "LoadBalancer", "isDNSLabelConfigured": true,
                          "isInternalLoadBalancer": false, "publicIPResourceID": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/publicIPAddresses/ip",
                          "weight": 10},
                 "status": {"conditions": {{{Conditions}}}}}
                """
            },
            {
                "InternalServiceImport",
                $$$"""
                {"apiVersion": "networking.fleet.azure.com/v1alpha1", "kind": "InternalServiceImport", {{{Metadata}}},
                 "spec": {"serviceImportReference": {{{Reference}}}}, "status": {{{importStatus}}}}
                """
            },
            {
                "MultiClusterService",
                $$$"""
                {"apiVersion": "networking.fleet.azure.com/v1alpha1", "kind": "MultiClusterService", {{{Metadata}}},
                 "spec": {"serviceImport": {"name": "app"}},
                 "status": {"loadBalancer": {"ingress": [{"ip": "20.253.64.1", "hostname": "lb.example.com", "ipMode": "VIP",
                                                          "ports": [{"port": 80, "protocol": "TCP", "error": "ErrorPortExceeded"}]}]},
                            "conditions": {{{Conditions}}}}}
                """
            },
            { "EndpointSliceExport", $$$"""{"apiVersion": "networking.fleet.azure.com/v1alpha1", "kind": "EndpointSliceExport", {{{Metadata}}}, "spec": {{{sliceSpec}}}}""" },
            { "EndpointSliceImport", $$$"""{"apiVersion": "networking.fleet.azure.com/v1alpha1", "kind": "EndpointSliceImport", {{{Metadata}}}, "spec": {{{sliceSpec}}}}""" },
            {
                "TrafficManagerProfile",
                $$$"""
                {"apiVersion": "networking.fleet.azure.com/v1beta1", "kind": "TrafficManagerProfile", {{{Metadata}}},
                 "spec": {"resourceGroup": "rg", "monitorConfig": {"path": "/healthz", "port": 8080, "protocol": "HTTPS", "intervalInSeconds": 30,
                          "timeoutInSeconds": 10, "toleratedNumberOfFailures": 3, "customHeaders": [{"name": "Host", "value": "app.example.com"}]}},
                 "status": {"dnsName": "app.trafficmanager.net", "resourceID": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/trafficManagerProfiles/p",
                            "conditions": {{{Conditions}}}}}
                """
            },
            {
                "TrafficManagerBackend",
                $$$"""
                {"apiVersion": "networking.fleet.azure.com/v1beta1", "kind": "TrafficManagerBackend", {{{Metadata}}},
                 "spec": {"profile": {"name": "p"}, "backend": {"name": "app"}, "weight": 100},
                 "status": {"endpoints": [{"name": "ep", "resourceID": "/subscriptions/s/e", "weight": 50, "target": "app.eastus.cloudapp.azure.com",
                                           "from": {"cluster": "member-1", "weight": 1}}],
                            "conditions": {{{Conditions}}}}}
                """
            },
        };
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Serialize_EveryFieldSet_RoundTripsWithoutLoss(string kind, string json)
    {
        var type = typeof(NetworkingApi).Assembly.GetType("Flotilla.Api.Networking." + kind, throwOnError: true)!;
        var original = JsonNode.Parse(json);

        var typed = JsonSerializer.Deserialize(json, type, NetworkingJsonContext.Default)!;
        var written = JsonNode.Parse(JsonSerializer.Serialize(typed, type, NetworkingJsonContext.Default));

        // Every property of the model was populated from the document, so the comparison below covers every field.
        AssertEveryPropertySet(typed, kind);
        Assert.True(JsonNode.DeepEquals(original, written), $"expected {original?.ToJsonString()}\nactual   {written?.ToJsonString()}");
    }

    [Fact]
    public void Serialize_RequiredEmptyKind_KeepsTheKey()
    {
        // Typed reads often drop type meta, so an exported reference may carry kind "" — the key must still be written.
        var export = new InternalServiceExport { Spec = new() { ServiceReference = new() { ClusterId = "m", Name = "app" } } };

        var json = JsonNode.Parse(JsonSerializer.Serialize(export, NetworkingJsonContext.Default.InternalServiceExport))!;

        Assert.Equal("", (string?)json["spec"]!["serviceReference"]!["kind"]);
        Assert.Null(json["spec"]!["serviceReference"]!["apiVersion"]);
        Assert.Equal(0, (long)json["spec"]!["serviceReference"]!["generation"]!);
    }

    [Theory]
    [InlineData("8080", 8080, null)]
    [InlineData("\"http\"", null, "http")]
    public void Deserialize_TargetPort_KeepsIntOrStringForm(string targetPort, int? number, string? name)
    {
        var port = JsonSerializer.Deserialize($$$"""{"spec": {"ports": [{"port": 80, "targetPort": {{{targetPort}}}}]}}""",
            NetworkingJsonContext.Default.InternalServiceExport)!.Spec.Ports[0];

        Assert.Equal(number, port.TargetPort?.IntValue);
        Assert.Equal(name, port.TargetPort?.StringValue);
    }

    private static void AssertEveryPropertySet(object value, string path)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // Computed members (IsDeleting, IsTrue…) are not wire fields; metadata is Meta's concern.
            if (property.SetMethod is null || property.Name == nameof(KubeObject.Metadata))
            {
                continue;
            }
            var child = property.GetValue(value);
            var childPath = path + "." + property.Name;
            Assert.True(child is not null, $"{childPath} is not set by the test document");
            switch (child)
            {
                case string or IntOrString or DateTimeOffset or bool or int or long:
                    break;
                case IDictionary map:
                    Assert.True(map.Count > 0, $"{childPath} is empty");
                    break;
                case IList list:
                    Assert.True(list.Count > 0, $"{childPath} is empty");
                    foreach (var item in list)
                    {
                        if (item is not string)
                        {
                            AssertEveryPropertySet(item!, childPath + "[]");
                        }
                    }
                    break;
                default:
                    AssertEveryPropertySet(child!, childPath);
                    break;
            }
        }
    }
}
