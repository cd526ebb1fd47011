using System.Text.Json.Nodes;
using Flotilla.Member.Networking;

namespace Flotilla.Member.Tests.Networking;

/// <summary>Which Services can be exported, and the ports an export carries (networking spec §2.2).</summary>
public sealed class ServiceExportRulesTests
{
    [Theory]
    [InlineData("""{"spec": {"type": "ClusterIP", "clusterIP": "10.0.0.1"}}""", true)]
    [InlineData("""{"spec": {"type": "NodePort"}}""", true)]
    [InlineData("""{"spec": {"type": "LoadBalancer"}}""", true)]
    [InlineData("""{"spec": {}}""", true)]
    [InlineData("""{"spec": {"type": "ExternalName", "externalName": "example.com"}}""", false)]
    [InlineData("""{"spec": {"type": "ClusterIP", "clusterIP": "None"}}""", false)]
    public void IsEligible_ServiceType_ExternalNameAndHeadlessAreNot(string service, bool eligible) =>
        Assert.Equal(eligible, ServiceExportReconciler.IsEligible(JsonNode.Parse(service)!.AsObject()));

    [Fact]
    public void ServicePorts_InOrder_NumericAndNamedTargetPorts()
    {
        var service = JsonNode.Parse("""
            {"spec": {"ports": [
              {"name": "http", "protocol": "TCP", "port": 80, "targetPort": 8080},
              {"name": "metrics", "port": 9090, "targetPort": "metrics", "appProtocol": "http"}
            ]}}
            """)!.AsObject();

        var ports = ServiceExportReconciler.ServicePorts(service);

        Assert.Equal(
            ["http TCP 80 8080 ", "metrics TCP 9090 metrics http"],
            ports.Select(p => $"{p.Name} {p.Protocol} {p.Port} {p.TargetPort} {p.AppProtocol}"));
    }
}
