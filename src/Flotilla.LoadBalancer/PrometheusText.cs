using System.Globalization;
using System.Text;

namespace Flotilla.LoadBalancer;

/// <summary>
/// Renders load balancer statistics in the Prometheus text exposition format (version 0.0.4), for a <c>/metrics</c>
/// endpoint: one <c># HELP</c> and <c># TYPE</c> per family, then its samples, services ordered as given.
/// </summary>
public static class PrometheusText
{
    /// <summary>The content type to serve the rendered text with.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private static readonly (string Name, string Type, string Help, Func<ServiceStatistics, long> Read)[] ServiceFamilies =
    [
        ("flotilla_loadbalancer_connections_accepted_total", "counter", "Client connections accepted.", static s => s.ConnectionsAccepted),
        ("flotilla_loadbalancer_connections_active", "gauge", "Client connections open now.", static s => s.ActiveConnections),
        ("flotilla_loadbalancer_received_bytes_total", "counter", "Bytes received from clients.", static s => s.BytesReceived),
        ("flotilla_loadbalancer_sent_bytes_total", "counter", "Bytes sent to clients.", static s => s.BytesSent),
        ("flotilla_loadbalancer_connect_failures_total", "counter", "Failed or timed-out connects to backends.", static s => s.ConnectFailures),
        ("flotilla_loadbalancer_ejections_total", "counter", "Endpoints taken out of balancing by passive or active health.", static s => s.Ejections),
    ];

    private static readonly (string Name, string Type, string Help, Func<EndpointStatistics, long> Read)[] EndpointFamilies =
    [
        ("flotilla_loadbalancer_endpoint_healthy", "gauge", "1 while the endpoint takes new connections, 0 while ejected or draining.",
            static e => e.Healthy && !e.Draining ? 1 : 0),
        ("flotilla_loadbalancer_endpoint_connections_active", "gauge", "Connections to the endpoint open now.", static e => e.ActiveConnections),
        ("flotilla_loadbalancer_endpoint_connections_total", "counter", "Connections established to the endpoint.", static e => e.Connections),
    ];

    /// <summary>Renders <paramref name="services"/> (e.g. <see cref="LoadBalancerHost.GetStatistics"/>) as Prometheus text.</summary>
    public static string Render(IEnumerable<ServiceStatistics> services)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, services);
        return writer.ToString();
    }

    /// <summary>Renders every service of <paramref name="host"/> as Prometheus text.</summary>
    public static string Render(LoadBalancerHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return Render(host.GetStatistics());
    }

    /// <summary>Writes <paramref name="services"/> as Prometheus text to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, IEnumerable<ServiceStatistics> services)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(services);
        var list = services as IReadOnlyList<ServiceStatistics> ?? [.. services];
        var line = new StringBuilder();
        foreach (var (name, type, help, read) in ServiceFamilies)
        {
            WriteHeader(writer, name, type, help);
            foreach (var service in list)
            {
                line.Clear().Append(name).Append("{service=\"");
                AppendEscaped(line, service.Key).Append("\"} ").Append(read(service).ToString(CultureInfo.InvariantCulture));
                writer.Write(line.Append('\n'));
            }
        }
        foreach (var (name, type, help, read) in EndpointFamilies)
        {
            WriteHeader(writer, name, type, help);
            foreach (var service in list)
            {
                foreach (var endpoint in service.Endpoints)
                {
                    line.Clear().Append(name).Append("{service=\"");
                    AppendEscaped(line, service.Key)
                        .Append("\",port=\"").Append(endpoint.ServicePort.ToString(CultureInfo.InvariantCulture))
                        .Append("\",endpoint=\"");
                    AppendEscaped(line, endpoint.EndPoint.ToString())
                        .Append("\"} ").Append(read(endpoint).ToString(CultureInfo.InvariantCulture));
                    writer.Write(line.Append('\n'));
                }
            }
        }
    }

    private static void WriteHeader(TextWriter writer, string name, string type, string help)
    {
        writer.Write($"# HELP {name} {help}\n# TYPE {name} {type}\n");
    }

    /// <summary>Label values escape backslash, double quote and line feed, as the format requires.</summary>
    private static StringBuilder AppendEscaped(StringBuilder builder, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => builder.Append("\\\\"),
                '"' => builder.Append("\\\""),
                '\n' => builder.Append("\\n"),
                _ => builder.Append(c),
            };
        }
        return builder;
    }
}
