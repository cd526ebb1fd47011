using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flotilla.LocalCluster.Tests.Support;

/// <summary>Fetches a pod's page as <c>curl http://&lt;podIP&gt;:&lt;port&gt;/</c> would, and reads its <c>pageContext</c>.</summary>
internal static partial class PodPages
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(5) }) { Timeout = TimeSpan.FromSeconds(10) };

    public static async Task<(HttpResponseMessage Response, string Body)> GetAsync(string ip, int port, string path = "/")
    {
        var response = await Http.GetAsync(new Uri($"http://{ip}:{port}{path}"));
        return (response, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The JSON of <c>var pageContext = {…};</c> in a page.</summary>
    public static JsonObject PageContext(string html)
    {
        var match = PageContextPattern().Match(html);
        Assert.True(match.Success, $"no pageContext in the page: {html}");
        return JsonNode.Parse(match.Groups[1].Value)!.AsObject();
    }

    [GeneratedRegex(@"var pageContext = (\{.*?\});", RegexOptions.Singleline)]
    private static partial Regex PageContextPattern();
}
