using Microsoft.AspNetCore.Http;

namespace Flotilla.ApiServer.Http;

/// <summary>What form the client asked the response in (from the Accept header).</summary>
internal enum ResponseForm
{
    Object,
    Table,
    PartialObjectMetadata,
}

/// <summary>Accept-header and query-string reading shared by every handler.</summary>
internal static class Negotiation
{
    public const string Json = "application/json";
    public const string Protobuf = "application/vnd.kubernetes.protobuf";
    public const string Yaml = "application/yaml";
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>
    /// Reads the Accept header: the first acceptable entry wins. Table and PartialObjectMetadata are answered as
    /// asked; protobuf alone (with no JSON or wildcard alternative) cannot be served.
    /// </summary>
    public static ResponseForm ResponseFormOf(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        if (accept.Length == 0)
        {
            return ResponseForm.Object;
        }
        var jsonAcceptable = false;
        foreach (var raw in accept.Split(','))
        {
            var entry = raw.Trim();
            var parameters = entry.Split(';', StringSplitOptions.TrimEntries);
            var mediaType = parameters[0];
            if (mediaType is Json or "*/*" or "application/*")
            {
                var @as = Parameter(parameters, "as");
                if (@as is "Table" && Parameter(parameters, "g") == "meta.k8s.io")
                {
                    return ResponseForm.Table;
                }
                if (@as is "PartialObjectMetadata" or "PartialObjectMetadataList" && Parameter(parameters, "g") == "meta.k8s.io")
                {
                    return ResponseForm.PartialObjectMetadata;
                }
                if (@as is null)
                {
                    jsonAcceptable = true;
                    break;
                }
            }
            else if (mediaType is Yaml)
            {
                jsonAcceptable = true;
            }
        }
        return jsonAcceptable || !accept.Contains(Protobuf, StringComparison.Ordinal)
            ? ResponseForm.Object
            : throw new Flotilla.Api.Meta.ApiException(406, "NotAcceptable",
                $"only the following media types are accepted: {Json}, {Yaml}; protobuf responses are not served");
    }

    /// <summary>True when the Accept header asks for aggregated discovery (apidiscovery.k8s.io v2 or v2beta1).</summary>
    public static bool WantsAggregatedDiscovery(HttpRequest request)
    {
        foreach (var raw in request.Headers.Accept.ToString().Split(','))
        {
            var parameters = raw.Split(';', StringSplitOptions.TrimEntries);
            if (Parameter(parameters, "as") == "APIGroupDiscoveryList" && Parameter(parameters, "g") == "apidiscovery.k8s.io"
                && Parameter(parameters, "v") is "v2" or "v2beta1")
            {
                return true;
            }
            if (parameters[0] is Json or "*/*" && Parameter(parameters, "as") is null)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>The media type of the request body, without parameters.</summary>
    public static string ContentType(HttpRequest request)
    {
        var value = request.ContentType ?? "";
        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? value : value[..semicolon]).Trim().ToLowerInvariant();
    }

    /// <summary>Booleans arrive as <c>true</c>, <c>True</c> or <c>1</c> (Python sends <c>True</c>).</summary>
    public static bool Flag(HttpRequest request, string name) =>
        request.Query[name].ToString() is var value && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));

    public static string? Query(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var values) ? values.ToString() : null;

    private static string? Parameter(string[] parameters, string name)
    {
        for (var i = 1; i < parameters.Length; i++)
        {
            var eq = parameters[i].IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && parameters[i].AsSpan(0, eq).Trim().SequenceEqual(name))
            {
                return parameters[i][(eq + 1)..].Trim();
            }
        }
        return null;
    }
}
