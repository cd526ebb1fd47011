using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Printing;
using Flotilla.ApiServer.Registry;
using Microsoft.AspNetCore.Http;

namespace Flotilla.ApiServer.Http;

/// <summary>List metadata: the list's resourceVersion and, when paginated, the continue token.</summary>
internal sealed record ListMeta(string ResourceVersion, string? Continue = null, long? RemainingItemCount = null)
{
    public JsonObject ToJson()
    {
        var json = new JsonObject { ["resourceVersion"] = ResourceVersion };
        if (Continue is not null) json["continue"] = Continue;
        if (RemainingItemCount is not null) json["remainingItemCount"] = RemainingItemCount;
        return json;
    }
}

/// <summary>Writes JSON responses: objects, lists, Tables, PartialObjectMetadata, with warnings as headers.</summary>
internal sealed class Responses(TimeProvider time)
{
    private static readonly byte[] ListItemsOpen = Encoding.UTF8.GetBytes(",\"items\":[");
    private static readonly byte[] ListClose = Encoding.UTF8.GetBytes("]}");

    public Task WriteAsync(HttpContext context, int code, JsonNode body, RequestOptions? options = null) =>
        WriteRawAsync(context, code, Obj.ToBytes(body), options);

    public static async Task WriteRawAsync(HttpContext context, int code, byte[] body, RequestOptions? options = null)
    {
        var response = context.Response;
        response.StatusCode = code;
        response.ContentType = Negotiation.Json;
        AddWarnings(response, options);
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Writes one object in the form the client asked for.</summary>
    public Task WriteObjectAsync(HttpContext context, int code, ResourceDefinition resource, JsonObject obj, ResponseForm form, RequestOptions? options = null) => form switch
    {
        ResponseForm.Table => WriteAsync(context, code, Table(resource, [obj], new ListMeta(obj.ResourceVersion()), IncludeObject(context.Request), true), options),
        ResponseForm.PartialObjectMetadata => WriteAsync(context, code, PartialObjectMetadata(obj), options),
        _ => WriteAsync(context, code, obj, options),
    };

    public Task WriteTableAsync(HttpContext context, ResourceDefinition resource, IReadOnlyList<JsonObject> objects, ListMeta listMeta, bool includeColumnDefinitions) =>
        WriteAsync(context, 200, Table(resource, objects, listMeta, IncludeObject(context.Request), includeColumnDefinitions));

    public JsonObject Table(ResourceDefinition resource, IReadOnlyList<JsonObject> objects, ListMeta listMeta, IncludeObject include, bool includeColumnDefinitions) =>
        TableBuilder.Build(resource, objects, time.GetUtcNow(), include, listMeta.ResourceVersion, listMeta.Continue, includeColumnDefinitions);

    /// <summary>Streams a list from already-serialized items, so large lists are never re-encoded.</summary>
    public static async Task WriteListAsync(HttpContext context, ResourceDefinition resource, ListMeta listMeta, IEnumerable<byte[]> items)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = Negotiation.Json;
        var head = Obj.ToBytes(new JsonObject
        {
            ["kind"] = resource.ListKind,
            ["apiVersion"] = resource.GroupVersion,
            ["metadata"] = listMeta.ToJson(),
        });
        var writer = response.BodyWriter;
        writer.Write(head.AsSpan(0, head.Length - 1));
        writer.Write(ListItemsOpen);
        var first = true;
        foreach (var item in items)
        {
            if (!first)
            {
                writer.Write(","u8);
            }
            first = false;
            writer.Write(item);
            if (writer.UnflushedBytes > 64 * 1024)
            {
                await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            }
        }
        writer.Write(ListClose);
        await writer.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    public static IncludeObject IncludeObject(HttpRequest request) => Negotiation.Query(request, "includeObject") switch
    {
        "None" => Printing.IncludeObject.None,
        "Object" => Printing.IncludeObject.Object,
        _ => Printing.IncludeObject.Metadata,
    };

    public static JsonObject PartialObjectMetadata(JsonObject obj)
    {
        var metadata = obj.Metadata().DeepClone().AsObject();
        return new JsonObject
        {
            ["kind"] = "PartialObjectMetadata",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
        };
    }

    private static void AddWarnings(HttpResponse response, RequestOptions? options)
    {
        if (options is null)
        {
            return;
        }
        foreach (var warning in options.Warnings)
        {
            response.Headers.Append("Warning", Schema.FieldValidation.WarningHeaderValue(warning));
        }
    }
}
