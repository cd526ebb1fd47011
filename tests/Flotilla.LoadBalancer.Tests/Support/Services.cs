using System.Net;

namespace Flotilla.LoadBalancer.Tests.Support;

/// <summary>Definitions and addresses for tests.</summary>
internal static class Services
{
    /// <summary>A one-port service on <paramref name="listen"/> (127.0.0.1 when null), port 0, with these endpoints.</summary>
    public static ServiceDefinition Define(string key, IEnumerable<IPEndPoint> endpoints, IPAddress? listen = null) => new()
    {
        Key = key,
        ListenAddress = listen ?? IPAddress.Loopback,
        Ports = [new ServicePortDefinition { Port = 0, Endpoints = [.. endpoints] }],
    };

    /// <summary>A loopback address for one test's use only (on Linux every 127.x address is local), so ports it frees
    /// are not taken by another test running in parallel.</summary>
    public static IPAddress Loopback(int test, int host) => IPAddress.Parse($"127.0.{test}.{host}");
}
