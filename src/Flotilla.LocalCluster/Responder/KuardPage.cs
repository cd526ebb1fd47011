using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Flotilla.LocalCluster.Responder;

/// <summary>
/// What the responder answers, after kuard (kubernetes-up-and-running/kuard): <c>GET /</c> (and <c>/a/</c>,
/// <c>/b/</c>, <c>/c/</c>, <c>/-/…</c>) is an HTML page whose head holds <c>var pageContext = {…};</c> with
/// <c>urlBase</c>, <c>hostname</c> (the pod name), <c>addrs</c> (the pod IP), <c>version</c>,
/// <c>versionColor</c>, <c>requestDump</c>, <c>requestProto</c> and <c>requestAddr</c>; <c>/healthy</c> and
/// <c>/ready</c> answer <c>ok</c>; anything else is 404. The page's body says plainly that this is Flotilla's
/// simulated pod, not a container.
/// </summary>
internal static class KuardPage
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Default };

    public static byte[] Respond(HttpRequest request, PodIdentity pod, string remote, TimeProvider time)
    {
        var head = request.Method == "HEAD";
        if (request.Method is not ("GET" or "HEAD"))
        {
            return HttpResponse.Simple(405, "Method Not Allowed", "method not allowed\n", request.KeepAlive, time);
        }
        var path = request.Target;
        var query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }
        if (path is "/healthy" or "/ready")
        {
            return HttpResponse.Build(200, "OK", "text/plain; charset=utf-8", "ok"u8, request.KeepAlive, head, time);
        }
        if (path is "/" or "/a/" or "/b/" or "/c/" or "/index.html" || path.StartsWith("/-/", StringComparison.Ordinal))
        {
            return HttpResponse.Build(200, "OK", "text/html", Page(request, pod, remote), request.KeepAlive, head, time);
        }
        return HttpResponse.Simple(404, "Not Found", "404 page not found\n", request.KeepAlive, time);
    }

    /// <summary>The page for one request.</summary>
    public static byte[] Page(HttpRequest request, PodIdentity pod, string remote)
    {
        var html = new StringBuilder(1024)
            .Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>KUAR Demo</title>\n<script>\nvar pageContext = ")
            .Append(PageContext(request, pod, remote))
            .Append(";\n</script>\n</head>\n<body>\n<h1>")
            .Append(WebUtility.HtmlEncode(pod.Name))
            .Append("</h1>\n<p>Pod <code>")
            .Append(WebUtility.HtmlEncode(pod.Namespace)).Append('/').Append(WebUtility.HtmlEncode(pod.Name))
            .Append("</code> at <code>").Append(WebUtility.HtmlEncode(pod.Ip))
            .Append("</code>. Served by the Flotilla local cluster's pod responder, which stands in for the pod's containers and answers like kuard.</p>\n</body>\n</html>\n");
        return Encoding.UTF8.GetBytes(html.ToString());
    }

    private static string PageContext(HttpRequest request, PodIdentity pod, string remote)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("urlBase", "");
            writer.WriteString("hostname", pod.Name);
            writer.WriteStartArray("addrs");
            writer.WriteStringValue(pod.Ip);
            writer.WriteEndArray();
            writer.WriteString("version", pod.Version);
            writer.WriteString("versionColor", VersionColor(pod.Version));
            writer.WriteString("requestDump", request.Head);
            writer.WriteString("requestProto", request.Version);
            writer.WriteString("requestAddr", remote);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A stable hue per version, as kuard colours its versions.</summary>
    private static string VersionColor(string version)
    {
        var hash = 0u;
        foreach (var c in version)
        {
            hash = (hash * 31) + c;
        }
        return $"hsl({(hash % 360).ToString(System.Globalization.CultureInfo.InvariantCulture)}, 100%, 50%)";
    }

    /// <summary>The version a pod's page reports: its first container image's tag (kuard images are tagged by colour: <c>blue</c>).</summary>
    public static string VersionOf(string image)
    {
        var name = image;
        var digest = name.IndexOf('@', StringComparison.Ordinal);
        if (digest >= 0)
        {
            name = name[..digest];
        }
        var slash = name.LastIndexOf('/');
        var colon = name.LastIndexOf(':');
        var tag = colon > slash ? name[(colon + 1)..] : "latest";
        return name.Contains("kuard", StringComparison.Ordinal) ? $"v0.10.0-{tag}" : tag;
    }
}
