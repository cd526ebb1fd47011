using System.Net;

namespace Flotilla.LoadBalancer;

/// <summary>Checks a <see cref="ServiceDefinition"/> before anything is bound, so a bad one changes nothing.</summary>
internal static class ServiceDefinitionValidator
{
    /// <summary>Throws an <see cref="ArgumentException"/> listing every problem, each naming its field and what to do.</summary>
    public static void Validate(ServiceDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        var name = string.IsNullOrWhiteSpace(definition.Key) ? "(no key)" : definition.Key;

        if (string.IsNullOrWhiteSpace(definition.Key))
        {
            errors.Add("Key: must be set, e.g. \"namespace/name\"");
        }
        if (definition.ListenAddress is null)
        {
            errors.Add("ListenAddress: must be set to the virtual IP to listen on");
        }
        if (!Enum.IsDefined(definition.Policy))
        {
            errors.Add($"Policy: {definition.Policy} is not a known policy; use RoundRobin or PowerOfTwoLeastConnections");
        }
        if (definition.ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"ConnectTimeout: must be positive, not {definition.ConnectTimeout}");
        }
        if (definition.PassiveEjectionPeriod < TimeSpan.Zero)
        {
            errors.Add($"PassiveEjectionPeriod: must be zero (off) or positive, not {definition.PassiveEjectionPeriod}");
        }
        if (definition.DrainTimeout < TimeSpan.Zero)
        {
            errors.Add($"DrainTimeout: must be zero (close at once) or positive, not {definition.DrainTimeout}");
        }
        if (definition.ActiveHealthCheck is { } check)
        {
            if (check.Interval <= TimeSpan.Zero)
            {
                errors.Add($"ActiveHealthCheck.Interval: must be positive, not {check.Interval}");
            }
            if (check.Timeout <= TimeSpan.Zero)
            {
                errors.Add($"ActiveHealthCheck.Timeout: must be positive, not {check.Timeout}");
            }
        }

        if (definition.Ports is null || definition.Ports.Count == 0)
        {
            errors.Add("Ports: a service needs at least one port");
        }
        else
        {
            var seen = new HashSet<int>();
            for (var i = 0; i < definition.Ports.Count; i++)
            {
                ValidatePort(definition.Ports[i], $"Ports[{i}]", seen, errors);
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException($"Service {name} is invalid: {string.Join("; ", errors)}", nameof(definition));
        }
    }

    private static void ValidatePort(ServicePortDefinition? port, string path, HashSet<int> seen, List<string> errors)
    {
        if (port is null)
        {
            errors.Add($"{path}: must not be null");
            return;
        }
        if (port.Port is < 0 or > IPEndPoint.MaxPort)
        {
            errors.Add($"{path}.Port: {port.Port} is out of range; use 1-65535, or 0 for a system-assigned port");
        }
        else if (!seen.Add(port.Port))
        {
            errors.Add($"{path}.Port: {port.Port} appears more than once; each port of a service is listened on once");
        }
        if (port.Protocol != TransportProtocol.Tcp)
        {
            errors.Add($"{path}.Protocol: {port.Port}/{port.Protocol.ToString().ToUpperInvariant()} is not supported; " +
                "this load balancer proxies TCP only, so leave the port out or serve it another way");
        }
        if (port.Endpoints is null)
        {
            errors.Add($"{path}.Endpoints: must be set (an empty list closes clients at once)");
            return;
        }
        for (var j = 0; j < port.Endpoints.Count; j++)
        {
            var endpoint = port.Endpoints[j];
            if (endpoint is null)
            {
                errors.Add($"{path}.Endpoints[{j}]: must not be null");
            }
            else if (endpoint.Port == 0)
            {
                errors.Add($"{path}.Endpoints[{j}]: {endpoint} has port 0; a backend needs the port it listens on");
            }
        }
    }
}
