using Flotilla.Api.Meta;

namespace Flotilla.LocalFleet.Tests;

public sealed class FleetFileTests
{
    [Fact]
    public void Parse_FullFile_ReadsEveryKey()
    {
        var fleet = FleetFile.Parse("""
            hub:
              port: 7443
            members:
            - name: aks-member-1
              labels:
                fleet.azure.com/location: eastus
                fleet.azure.com/resource-group: rg-fleet
                environment: production
              taints:
              - key: dedicated
                value: gpu
                effect: NoSchedule
              nodes:
                count: 2
                cpu: "8"
                memory: 32Gi
                instanceType: Standard_D8s_v3
                hourlyCost: 0.384
              podCIDR: 127.110.0.0/16
              serviceCIDR: 127.210.0.0/16
              port: 7444
            - name: aks-member-2
            """);

        Assert.Equal(7443, fleet.Hub.Port);
        Assert.Equal(2, fleet.Members.Count);
        var first = fleet.Members[0];
        Assert.Equal("aks-member-1", first.Name);
        Assert.Equal(1, first.Index);
        Assert.Equal(new Dictionary<string, string>
        {
            ["fleet.azure.com/location"] = "eastus",
            ["fleet.azure.com/resource-group"] = "rg-fleet",
            ["environment"] = "production",
        }, first.Labels);
        var taint = Assert.Single(first.Taints);
        Assert.Equal(("dedicated", "gpu", "NoSchedule"), (taint.Key, taint.Value, taint.Effect));
        Assert.Equal(new NodeSpec(2, Quantity.Parse("8"), Quantity.Parse("32Gi"), "Standard_D8s_v3", 0.384m), first.Nodes);
        Assert.Equal(("127.110.0.0/16", "127.210.0.0/16", 7444), (first.PodCidr, first.ServiceCidr, first.Port));

        var second = fleet.Members[1];
        Assert.Equal(MemberSpec.Create("aks-member-2", 2) with { Labels = second.Labels, Taints = second.Taints }, second);
        Assert.Empty(second.Labels);
        Assert.Equal(NodeSpec.Default, second.Nodes);
        Assert.Equal(("127.102.0.0/16", "127.202.0.0/16"), (second.PodCidr, second.ServiceCidr));
    }

    [Fact]
    public void Parse_ManyProblems_ReportsEachWithItsPath()
    {
        var error = Assert.Throws<FleetFileException>(() => FleetFile.Parse("""
            hub:
              port: 99999
            members:
            - name: Member_1
              lables: {a: b}
              taints:
              - key: k
                effect: NoExecute
              nodes:
                count: 0
                memory: 16GB
              podCIDR: 10.0.0.0/8
            - name: ok
              labels:
                "bad key!": x
            """, "fleet.yaml"));

        Assert.Equal(
        [
            "hub.port: \"99999\" is not a port: use a number from 1 to 65535",
            "members[0].lables: unknown field; known fields here are name, labels, taints, nodes, podCIDR, serviceCIDR, port",
            "members[0].name: \"Member_1\" is not a valid member name: use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
            "members[0].taints[0].effect: \"NoExecute\" is not supported: the only taint effect is NoSchedule",
            "members[0].nodes.count: \"0\" is not a node count: use a whole number from 1 to 1000",
            "members[0].nodes.memory: \"16GB\" is not a positive quantity such as \"16Gi\"",
            "members[0].podCIDR: \"10.0.0.0/8\" is not a usable range: give an IPv4 CIDR inside 127.0.0.0/8 with a prefix of at most /30 (local clusters use loopback addresses)",
            "members[1].labels: invalid label key \"bad key!\": " + LabelSelector.ValidateLabelKey("bad key!"),
        ], error.Errors);
        Assert.StartsWith("fleet.yaml is invalid:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "the fleet file must be a mapping with a `members` list")]
    [InlineData("hub: {}", "members: required: list at least one member")]
    [InlineData("members: []", "members: list at least one member")]
    [InlineData("members: {name: a}", "members: must be a list")]
    [InlineData("members:\n- name: a\n- name: a", "members: the name \"a\" is used by more than one member; names must be unique")]
    [InlineData("members:\n- name: a\n  port: 7000\n- name: b\n  port: 7000", "port 7000 is given to more than one cluster; each API server needs its own port")]
    [InlineData("members: [", "line 2, column 1: ")]
    public void Parse_InvalidStructure_SaysWhatIsWrong(string yaml, string expected)
    {
        var error = Assert.Throws<FleetFileException>(() => FleetFile.Parse(yaml));

        Assert.Contains(error.Errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Default_HasThreeMembersInTwoRegions()
    {
        Assert.Equal(
            [("member-1", "eastus"), ("member-2", "eastus"), ("member-3", "westus")],
            FleetFile.Default.Members.Select(m => (m.Name, m.Labels["fleet.azure.com/location"])));
    }
}
