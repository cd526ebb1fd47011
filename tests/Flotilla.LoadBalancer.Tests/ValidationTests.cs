using System.Net;
using Flotilla.LoadBalancer.Tests.Support;

namespace Flotilla.LoadBalancer.Tests;

public sealed class ValidationTests
{
    private static readonly IPEndPoint Backend = new(IPAddress.Loopback, 9);

    [Fact]
    public async Task AddOrUpdate_UdpPort_ThrowsNamingPortAndProtocol()
    {
        await using var host = new LoadBalancerHost();
        var definition = Services.Define("ns/dns", [Backend]) with
        {
            Ports = [new ServicePortDefinition { Port = 53, Protocol = TransportProtocol.Udp, Endpoints = [Backend] }],
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.AddOrUpdateAsync(definition));

        Assert.Equal(
            "Service ns/dns is invalid: Ports[0].Protocol: 53/UDP is not supported; this load balancer proxies TCP only, " +
            "so leave the port out or serve it another way (Parameter 'definition')",
            error.Message);
        Assert.Null(host.GetService("ns/dns"));
    }

    public static TheoryData<string, ServiceDefinition, string> InvalidDefinitions => new()
    {
        { "no key", Services.Define(" ", [Backend]), "Key: must be set" },
        { "no ports", Services.Define("ns/x", [Backend]) with { Ports = [] }, "Ports: a service needs at least one port" },
        {
            "duplicate port",
            Services.Define("ns/x", [Backend]) with
            {
                Ports = [new ServicePortDefinition { Port = 80, Endpoints = [] }, new ServicePortDefinition { Port = 80, Endpoints = [] }],
            },
            "Ports[1].Port: 80 appears more than once"
        },
        {
            "port out of range",
            Services.Define("ns/x", [Backend]) with { Ports = [new ServicePortDefinition { Port = 70000, Endpoints = [] }] },
            "Ports[0].Port: 70000 is out of range"
        },
        { "endpoint without port", Services.Define("ns/x", [new IPEndPoint(IPAddress.Loopback, 0)]), "Ports[0].Endpoints[0]: 127.0.0.1:0 has port 0" },
        { "negative drain", Services.Define("ns/x", [Backend]) with { DrainTimeout = TimeSpan.FromSeconds(-1) }, "DrainTimeout: must be zero" },
        { "zero connect timeout", Services.Define("ns/x", [Backend]) with { ConnectTimeout = TimeSpan.Zero }, "ConnectTimeout: must be positive" },
        {
            "zero check interval",
            Services.Define("ns/x", [Backend]) with { ActiveHealthCheck = new ActiveHealthCheckOptions { Interval = TimeSpan.Zero } },
            "ActiveHealthCheck.Interval: must be positive"
        },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task AddOrUpdate_InvalidDefinition_ThrowsNamingField(string problem, ServiceDefinition definition, string expected)
    {
        await using var host = new LoadBalancerHost();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => host.AddOrUpdateAsync(definition));

        Assert.True(error.Message.Contains(expected, StringComparison.Ordinal), $"{problem}: expected \"{expected}\" in \"{error.Message}\"");
        Assert.Empty(host.GetStatistics());
    }

    [Fact]
    public async Task AddOrUpdate_AddressInUse_ThrowsAndLeavesServicesUnchanged()
    {
        await using var host = new LoadBalancerHost();
        var first = await host.AddOrUpdateAsync(Services.Define("ns/first", [Backend], Services.Loopback(121, 1)));
        var taken = first.GetListenEndPoint(0);
        var second = Services.Define("ns/second", [Backend], taken.Address) with
        {
            Ports = [new ServicePortDefinition { Port = taken.Port, Endpoints = [Backend] }],
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.AddOrUpdateAsync(second));

        Assert.StartsWith($"Service ns/second cannot listen on {taken}: AddressAlreadyInUse", error.Message, StringComparison.Ordinal);
        Assert.Equal(["ns/first"], host.GetStatistics().Select(s => s.Key));
    }
}
