using System.Text.Json;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Flotilla.ApiServer.Http;

/// <summary>
/// The single entry point of every request: non-resource endpoints (version, health, discovery, OpenAPI) and
/// resource URLs, parsed by hand (one catch-all route; see kube-api.md §7). Every failure becomes a
/// Kubernetes <c>Status</c>; nothing a client sends can take the server down.
/// </summary>
internal sealed partial class ApiRouter(
    Core.ResourceService service,
    DiscoveryDocuments discovery,
    OpenApiDocuments openApi,
    ResourceHandler resources,
    Responses responses,
    Func<bool> ready,
    ILogger<ApiRouter> logger)
{
    /// <summary>What <c>/version</c> reports: minor 32, so that the kubectl dispatcher runs kubectl 1.32.</summary>
    public static readonly JsonObject Version = new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = "v1.32.0-flotilla",
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await RouteAsync(context).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            await WriteErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, ApiException.BadRequest($"the request body is not valid JSON: {e.Message}")).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away mid-request.
        }
        catch (Exception e)
        {
            LogUnhandled(logger, e, context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, new ApiException(500, "InternalError", $"an internal error occurred: {e.GetType().Name}: {e.Message}")).ConfigureAwait(false);
        }
    }

    private Task RouteAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (path.Length > 1 && path.EndsWith('/'))
        {
            path = path.TrimEnd('/');
        }
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        if (segments.Length == 0)
        {
            return responses.WriteAsync(context, 200, new JsonObject { ["paths"] = new JsonArray("/api", "/api/v1", "/apis", "/healthz", "/livez", "/openapi/v3", "/readyz", "/version") });
        }
        switch (segments[0])
        {
            case "version" when segments.Length == 1:
                return responses.WriteAsync(context, 200, Version);
            case "healthz" or "livez":
                return WriteTextAsync(context, 200, "ok");
            case "readyz":
                return ready() ? WriteTextAsync(context, 200, "ok") : WriteTextAsync(context, 503, "not ready: storage and controllers are starting");
            case "openapi":
                return OpenApiAsync(context, segments);
            case "api":
                return CoreAsync(context, segments);
            case "apis":
                return GroupsAsync(context, segments);
            default:
                throw ApiException.NoSuchPath();
        }
    }

    private Task CoreAsync(HttpContext context, string[] segments)
    {
        if (segments.Length == 1)
        {
            return Discovery(context, core: true, () => discovery.ApiVersions());
        }
        if (segments[1] != "v1")
        {
            throw ApiException.NoSuchPath();
        }
        if (segments.Length == 2)
        {
            return RequireGet(context, () => responses.WriteAsync(context, 200, discovery.ResourceList("", "v1")!));
        }
        return resources.HandleAsync(context, ResourcePath.Parse(service.Registry, "", "v1", segments.AsSpan(2)));
    }

    private Task GroupsAsync(HttpContext context, string[] segments)
    {
        switch (segments.Length)
        {
            case 1:
                return Discovery(context, core: false, discovery.GroupList);
            case 2:
                var group = discovery.Group(segments[1]) ?? throw ApiException.NoSuchPath();
                return RequireGet(context, () => responses.WriteAsync(context, 200, group));
            case 3:
                var list = discovery.ResourceList(segments[1], segments[2]) ?? throw ApiException.NoSuchPath();
                return RequireGet(context, () => responses.WriteAsync(context, 200, list));
            default:
                if (!service.Registry.Serves(segments[1], segments[2]))
                {
                    throw ApiException.NoSuchPath();
                }
                return resources.HandleAsync(context, ResourcePath.Parse(service.Registry, segments[1], segments[2], segments.AsSpan(3)));
        }
    }

    private Task Discovery(HttpContext context, bool core, Func<JsonObject> legacy) => RequireGet(context, async () =>
    {
        context.Response.Headers.Vary = "Accept";
        if (Negotiation.WantsAggregatedDiscovery(context.Request))
        {
            var body = discovery.Aggregated(core);
            context.Response.StatusCode = 200;
            context.Response.ContentType = DiscoveryDocuments.AggregatedContentType;
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
            return;
        }
        await responses.WriteAsync(context, 200, legacy()).ConfigureAwait(false);
    });

    private Task OpenApiAsync(HttpContext context, string[] segments) => RequireGet(context, () =>
    {
        if (segments.Length < 2 || segments[1] != "v3")
        {
            // OpenAPI v2 is served by upstream only as gnostic protobuf to kubectl, which tolerates a 404.
            throw ApiException.NoSuchPath();
        }
        context.Response.Headers.CacheControl = "no-cache, private";
        var document = segments.Length switch
        {
            2 => openApi.Index(),
            4 when segments[2] == "api" => openApi.Document("", segments[3]),
            5 when segments[2] == "apis" => openApi.Document(segments[3], segments[4]),
            _ => null,
        } ?? throw ApiException.NoSuchPath();
        return Responses.WriteRawAsync(context, 200, document);
    });

    private static Task RequireGet(HttpContext context, Func<Task> handler) =>
        context.Request.Method is "GET" or "HEAD" ? handler() : throw ApiException.MethodNotAllowed($"{context.Request.Method} is not supported here; this endpoint is read-only");

    private static async Task WriteTextAsync(HttpContext context, int code, string text)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes <paramref name="error"/> as a Status, unless the response has already started (a watch).</summary>
    public static async Task WriteErrorAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }
        context.Response.Clear();
        await Responses.WriteRawAsync(context, error.Code, Flotilla.Api.Unstructured.Obj.ToBytes(error.ToStatus())).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error serving {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string? path);
}
