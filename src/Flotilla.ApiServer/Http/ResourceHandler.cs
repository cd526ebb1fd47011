using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Patching;
using Flotilla.ApiServer.Registry;
using Flotilla.Storage;
using Microsoft.AspNetCore.Http;

namespace Flotilla.ApiServer.Http;

/// <summary>The verbs on resource URLs: get, list, watch, create, update, patch, delete, deletecollection.</summary>
internal sealed class ResourceHandler(ResourceService service, ListSnapshots snapshots, WatchHandler watches, Responses responses)
{
    public Task HandleAsync(HttpContext context, ResourcePath path)
    {
        var request = context.Request;
        var resource = path.Resource;
        if (path.IsCollection && resource.Namespaced && path.Namespace is null && request.Method is not "GET")
        {
            // Upstream serves only list and watch across all namespaces; a create or deletecollection here would
            // have no namespace, or would reach into every namespace at once.
            throw ApiException.MethodNotAllowed(
                $"{request.Method} is not supported on {resource.QualifiedResource} across all namespaces; use /namespaces/{{namespace}}/{resource.Plural}");
        }
        if (path.Subresource is { } subresource && !(request.Method is "PUT" || (request.Method is "GET" or "PATCH" && subresource != "finalize")))
        {
            // As discovery advertises: subresources take get, patch and update; finalize takes update only.
            throw ApiException.MethodNotAllowed($"{request.Method} is not supported on the {subresource} subresource of {resource.QualifiedResource}");
        }
        return (request.Method, path.IsCollection) switch
        {
            ("GET", true) when Negotiation.Flag(request, "watch") => watches.ServeAsync(context, path),
            ("GET", true) => ListAsync(context, path),
            ("GET", false) => GetAsync(context, path),
            ("POST", true) => CreateAsync(context, path),
            ("PUT", false) => UpdateAsync(context, path),
            ("PATCH", false) => PatchAsync(context, path),
            ("DELETE", false) => DeleteAsync(context, path),
            ("DELETE", true) => DeleteCollectionAsync(context, path),
            _ => throw ApiException.MethodNotAllowed($"{request.Method} is not supported on {(path.IsCollection ? "a collection" : "an object")} of {path.Resource.QualifiedResource}"),
        };
    }

    private Task GetAsync(HttpContext context, ResourcePath path)
    {
        var resource = path.Resource;
        var form = Negotiation.ResponseFormOf(context.Request);
        CheckResourceVersionParameter(context.Request);
        if (path.Subresource == "scale")
        {
            return responses.WriteAsync(context, 200, Scale.From(resource, service.Get(resource, path.Namespace, path.Name!)));
        }
        var stored = service.GetRaw(resource, path.Namespace, path.Name!) ?? throw ApiException.NotFound(resource.Plural, resource.Group, path.Name!);
        if (form == ResponseForm.Object && !NeedsRewrite(resource))
        {
            return Responses.WriteRawAsync(context, 200, stored.Value);
        }
        return responses.WriteObjectAsync(context, 200, resource, ResourceService.Decode(resource, stored), form);
    }

    private async Task ListAsync(HttpContext context, ResourcePath path)
    {
        var request = context.Request;
        var resource = path.Resource;
        var form = Negotiation.ResponseFormOf(request);
        var filter = ObjectFilter.Parse(resource, Negotiation.Query(request, "labelSelector"), Negotiation.Query(request, "fieldSelector"));
        CheckResourceVersionParameter(request);
        var limit = ParseLimit(request);
        var collection = ObjectKeys.Prefix(resource, path.Namespace);

        Guid? snapshotId = null;
        long revision;
        IReadOnlyList<StoredValue> items;
        var offset = 0;
        if (Negotiation.Query(request, "continue") is { Length: > 0 } token)
        {
            (var id, revision, items, offset) = snapshots.Resume(token, collection);
            snapshotId = id;
        }
        else
        {
            var list = service.List(resource, path.Namespace);
            (revision, items) = (list.Revision, list.Items);
        }

        var rewrite = NeedsRewrite(resource) || form != ResponseForm.Object || !filter.IsEmpty;
        var selected = new List<(StoredValue Stored, JsonObject? Decoded)>();
        var next = offset;
        for (; next < items.Count && (limit is null || selected.Count < limit); next++)
        {
            if (!rewrite)
            {
                selected.Add((items[next], null));
                continue;
            }
            var decoded = ResourceService.Decode(resource, items[next]);
            if (filter.Matches(decoded))
            {
                selected.Add((items[next], decoded));
            }
        }
        // Skip ahead past non-matching items so that a final empty page is not promised.
        if (!filter.IsEmpty)
        {
            while (next < items.Count && !filter.Matches(ResourceService.Decode(resource, items[next])))
            {
                next++;
            }
        }
        string? continueToken = null;
        long? remaining = null;
        if (next < items.Count)
        {
            continueToken = snapshots.Save(collection, revision, items, next, snapshotId);
            if (filter.IsEmpty)
            {
                remaining = items.Count - next;
            }
        }
        else if (snapshotId is { } finished)
        {
            snapshots.Forget(finished);
        }

        var listMeta = new ListMeta(revision.ToString(CultureInfo.InvariantCulture), continueToken, remaining);
        if (form == ResponseForm.Table)
        {
            var objects = selected.Select(s => s.Decoded!).ToList();
            await responses.WriteTableAsync(context, resource, objects, listMeta, includeColumnDefinitions: true).ConfigureAwait(false);
            return;
        }
        if (form == ResponseForm.PartialObjectMetadata)
        {
            var list = new JsonObject
            {
                ["kind"] = "PartialObjectMetadataList",
                ["apiVersion"] = "meta.k8s.io/v1",
                ["metadata"] = listMeta.ToJson(),
                ["items"] = new JsonArray([.. selected.Select(s => (JsonNode)Responses.PartialObjectMetadata(s.Decoded!))]),
            };
            await responses.WriteAsync(context, 200, list).ConfigureAwait(false);
            return;
        }
        await Responses.WriteListAsync(context, resource, listMeta, selected.Select(s => s.Decoded is null ? s.Stored.Value : Obj.ToBytes(s.Decoded))).ConfigureAwait(false);
    }

    private async Task CreateAsync(HttpContext context, ResourcePath path)
    {
        var options = WriteOptions(context);
        var body = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var obj = RequestBody.ParseObject(body, Negotiation.ContentType(context.Request), "create", options);
        var outcome = await service.CreateAsync(path.Resource, path.Namespace, obj, options, context.RequestAborted).ConfigureAwait(false);
        await responses.WriteObjectAsync(context, 201, path.Resource, outcome.Object, Negotiation.ResponseFormOf(context.Request), options).ConfigureAwait(false);
    }

    private async Task UpdateAsync(HttpContext context, ResourcePath path)
    {
        var resource = path.Resource;
        var options = WriteOptions(context);
        var body = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var obj = RequestBody.ParseObject(body, Negotiation.ContentType(context.Request), "update", options);
        WriteOutcome outcome;
        switch (path.Subresource)
        {
            case "scale":
                var replicas = Scale.Replicas(obj);
                outcome = await service.MutateAsync(resource, path.Namespace, path.Name!, null,
                    current => Scale.Apply(resource, current!, replicas, obj.ResourceVersion()), options, null, context.RequestAborted).ConfigureAwait(false);
                await responses.WriteAsync(context, 200, Scale.From(resource, outcome.Object), options).ConfigureAwait(false);
                return;
            case "finalize":
                // Only spec.finalizers of a namespace changes through /finalize.
                outcome = await service.MutateAsync(resource, path.Namespace, path.Name!, null, current =>
                {
                    current!["spec"] ??= new JsonObject();
                    current["spec"]!.AsObject()["finalizers"] = obj.At("spec", "finalizers")?.DeepClone() ?? new JsonArray();
                    current.Metadata()["resourceVersion"] = obj.ResourceVersion();
                    return current;
                }, options, null, context.RequestAborted).ConfigureAwait(false);
                break;
            default:
                outcome = await service.UpdateAsync(resource, path.Namespace, path.Name!, path.Subresource, obj, options, context.RequestAborted).ConfigureAwait(false);
                break;
        }
        await responses.WriteObjectAsync(context, 200, resource, outcome.Object, Negotiation.ResponseFormOf(context.Request), options).ConfigureAwait(false);
    }

    private async Task PatchAsync(HttpContext context, ResourcePath path)
    {
        var resource = path.Resource;
        var contentType = Negotiation.ContentType(context.Request);
        var isApply = contentType == Negotiation.ApplyPatch;
        var options = WriteOptions(context, isApply);
        if (isApply && !options.ManagerGiven)
        {
            throw ApiException.Invalid("PatchOptions", "meta.k8s.io", "", [new StatusCause("FieldValueRequired", "Required value: is required for apply patch", "fieldManager")]);
        }
        var body = await RequestBody.ReadBytesAsync(context.Request, context.RequestAborted).ConfigureAwait(false);
        var patcher = Patcher(resource, contentType, body, options, path.Subresource);

        if (path.Subresource == "scale")
        {
            var scaled = await service.MutateAsync(resource, path.Namespace, path.Name!, null, current =>
            {
                var scale = patcher(Scale.From(resource, current!));
                return Scale.Apply(resource, current!, Scale.Replicas(scale), scale.ResourceVersion());
            }, options, null, context.RequestAborted).ConfigureAwait(false);
            await responses.WriteAsync(context, 200, Scale.From(resource, scaled.Object), options).ConfigureAwait(false);
            return;
        }

        Func<JsonObject, Task<WriteOutcome>>? create = isApply && path.Subresource is null
            ? applied => service.CreateAsync(resource, path.Namespace, applied, options, context.RequestAborted)
            : null;
        var outcome = await service.MutateAsync(resource, path.Namespace, path.Name!, path.Subresource,
            current => patcher(current), options, create, context.RequestAborted).ConfigureAwait(false);
        await responses.WriteObjectAsync(context, outcome.Created ? 201 : 200, resource, outcome.Object, Negotiation.ResponseFormOf(context.Request), options).ConfigureAwait(false);
    }

    /// <summary>The patch function for a patch content type: current object (null when absent, apply only) to desired object.</summary>
    private Func<JsonObject?, JsonObject> Patcher(ResourceDefinition resource, string contentType, byte[] body, RequestOptions options, string? subresource)
    {
        switch (contentType)
        {
            case Negotiation.MergePatch:
                var merge = RequestBody.ParseJson(body, "merge patch");
                return current => JsonMergePatch.Apply(current!, merge);
            case Negotiation.JsonPatch:
                var operations = RequestBody.ParseJson(body, "JSON patch");
                return current => JsonPatch.Apply(current!, operations);
            case Negotiation.StrategicMergePatch when !resource.IsCustom:
                var strategic = RequestBody.ParseJson(body, "strategic merge patch") as JsonObject
                    ?? throw ApiException.BadRequest("strategic merge patch: the patch must be a JSON object");
                var schema = MergeSchemas.For(resource);
                return current => StrategicMergePatch.Apply(current!, strategic, schema);
            case Negotiation.ApplyPatch:
                var applied = RequestBody.ParseObject(body, contentType, "apply", options);
                var applySchema = MergeSchemas.For(resource);
                var now = service.Time.GetUtcNow();
                return current =>
                {
                    var config = applied.DeepClone().AsObject();
                    if (current is not null)
                    {
                        // Identity comes from the URL; kind and apiVersion must agree with it (checked on commit).
                        config.Metadata()["name"] ??= current.Name();
                    }
                    return ServerSideApply.Apply(current, config, options.Manager, options.Force, applySchema, resource.GroupVersion, subresource, now);
                };
            default:
                throw ApiException.UnsupportedMediaType(
                    $"the body of the request was in an unknown format - accepted media types include: {Negotiation.JsonPatch}, {Negotiation.MergePatch}, {Negotiation.ApplyPatch}" +
                    (resource.IsCustom ? "" : $", {Negotiation.StrategicMergePatch}"));
        }
    }

    private async Task DeleteAsync(HttpContext context, ResourcePath path)
    {
        var resource = path.Resource;
        var options = await DeleteOptionsAsync(context).ConfigureAwait(false);
        var outcome = await service.DeleteAsync(resource, path.Namespace, path.Name!, options, context.RequestAborted).ConfigureAwait(false);
        if (outcome.Deleted && !(resource.Group.Length == 0 && resource.Plural is "pods"))
        {
            await responses.WriteAsync(context, 200, new JsonObject
            {
                ["kind"] = "Status",
                ["apiVersion"] = "v1",
                ["metadata"] = new JsonObject(),
                ["status"] = "Success",
                ["details"] = new StatusDetails(path.Name, resource.Group, resource.Plural, Uid: outcome.Object.Uid()).ToJson(),
            }).ConfigureAwait(false);
            return;
        }
        await responses.WriteObjectAsync(context, 200, resource, outcome.Object, ResponseForm.Object).ConfigureAwait(false);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourcePath path)
    {
        var request = context.Request;
        var resource = path.Resource;
        var filter = ObjectFilter.Parse(resource, Negotiation.Query(request, "labelSelector"), Negotiation.Query(request, "fieldSelector"));
        var options = await DeleteOptionsAsync(context).ConfigureAwait(false);
        var list = service.List(resource, path.Namespace);
        var deleted = new JsonArray();
        foreach (var stored in list.Items)
        {
            var obj = ResourceService.Decode(resource, stored);
            if (!filter.Matches(obj))
            {
                continue;
            }
            try
            {
                var outcome = await service.DeleteAsync(resource, obj.Namespace() is { Length: > 0 } ns ? ns : null, obj.Name(), options, context.RequestAborted).ConfigureAwait(false);
                deleted.Add(outcome.Object);
            }
            catch (ApiException e) when (e.Code == 404)
            {
                // Deleted by someone else meanwhile: the collection is still emptied as asked.
            }
        }
        await responses.WriteAsync(context, 200, new JsonObject
        {
            ["kind"] = resource.ListKind,
            ["apiVersion"] = resource.GroupVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = service.Store.Revision.ToString(CultureInfo.InvariantCulture) },
            ["items"] = deleted,
        }).ConfigureAwait(false);
    }

    private static RequestOptions WriteOptions(HttpContext context, bool isApply = false)
    {
        var request = context.Request;
        var manager = Negotiation.Query(request, "fieldManager");
        var validation = Schema.FieldValidation.Parse(Negotiation.Query(request, "fieldValidation"));
        if (manager is { Length: > 128 })
        {
            throw ApiException.BadRequest("fieldManager: Too long: may not be more than 128 bytes");
        }
        return new RequestOptions
        {
            DryRun = DryRun(request),
            Manager = string.IsNullOrEmpty(manager) ? UserAgentProduct(request) : manager,
            ManagerGiven = !string.IsNullOrEmpty(manager),
            FieldValidation = validation,
            Force = Negotiation.Flag(request, "force"),
            IsApply = isApply,
        };
    }

    private static async Task<DeleteOptions> DeleteOptionsAsync(HttpContext context)
    {
        var request = context.Request;
        JsonObject? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var bytes = await RequestBody.ReadBytesAsync(request, context.RequestAborted).ConfigureAwait(false);
            if (bytes.Length > 0)
            {
                body = RequestBody.ParseObject(bytes, Negotiation.ContentType(request), "delete options");
            }
        }
        // A field of the wrong type is a malformed request, never silently skipped: skipping a precondition or a
        // dry run would delete what the client meant to keep.
        var policyText = Negotiation.Query(request, "propagationPolicy") ?? OptionString(body, "propagationPolicy");
        PropagationPolicy? policy = policyText switch
        {
            null or "" => null,
            "Background" => PropagationPolicy.Background,
            "Foreground" => PropagationPolicy.Foreground,
            "Orphan" => PropagationPolicy.Orphan,
            _ => throw ApiException.BadRequest($"propagationPolicy: Unsupported value: \"{policyText}\": supported values: \"Background\", \"Foreground\", \"Orphan\""),
        };
        var orphanDependents = body?["orphanDependents"] switch
        {
            null => (bool?)null,
            JsonValue v when v.TryGetValue<bool>(out var orphan) => orphan,
            _ => throw ApiException.BadRequest("delete options: orphanDependents must be a boolean"),
        };
        if (policy is null && orphanDependents is { } orphans)
        {
            policy = orphans ? PropagationPolicy.Orphan : PropagationPolicy.Background;
        }
        var preconditions = body?["preconditions"] switch
        {
            null => null,
            JsonObject p => p,
            _ => throw ApiException.BadRequest("delete options: preconditions must be an object with uid and resourceVersion"),
        };
        var dryRun = DryRun(request) | BodyDryRun(body);
        return new DeleteOptions(policy, OptionString(preconditions, "uid", "preconditions."), OptionString(preconditions, "resourceVersion", "preconditions."), dryRun);
    }

    private static string? OptionString(JsonObject? options, string field, string prefix = "") => options?[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw ApiException.BadRequest($"delete options: {prefix}{field} must be a string"),
    };

    /// <summary>DeleteOptions' <c>dryRun</c>: a list whose only supported value is <c>All</c>, as in the query.</summary>
    private static bool BodyDryRun(JsonObject? options)
    {
        switch (options?["dryRun"])
        {
            case null:
                return false;
            case JsonArray values:
                foreach (var value in values)
                {
                    if (!(value is JsonValue v && v.TryGetValue<string>(out var text) && text == "All"))
                    {
                        throw ApiException.BadRequest($"dryRun: Unsupported value: {value?.ToJsonString() ?? "null"}: supported values: \"All\"");
                    }
                }
                return values.Count > 0;
            default:
                throw ApiException.BadRequest("delete options: dryRun must be a list of strings, e.g. [\"All\"]");
        }
    }

    private static bool DryRun(HttpRequest request)
    {
        var values = request.Query["dryRun"];
        foreach (var value in values)
        {
            if (value != "All")
            {
                throw ApiException.BadRequest($"dryRun: Unsupported value: \"{value}\": supported values: \"All\"");
            }
        }
        return values.Count > 0;
    }

    /// <summary>Upstream names the manager of a write without <c>fieldManager</c> by the User-Agent's product (<c>kubectl</c>).</summary>
    private static string UserAgentProduct(HttpRequest request)
    {
        var agent = request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/', StringComparison.Ordinal);
        var product = slash < 0 ? agent : agent[..slash];
        return product.Length == 0 ? "unknown" : product[..Math.Min(product.Length, 128)];
    }

    private static int? ParseLimit(HttpRequest request)
    {
        var text = Negotiation.Query(request, "limit");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit))
        {
            throw ApiException.BadRequest($"limit: Invalid value: \"{text}\": must be a non-negative integer");
        }
        return limit <= 0 ? null : (int)Math.Min(limit, int.MaxValue);
    }

    /// <summary>List and watch resourceVersions are decimal revisions; anything else is a client error.</summary>
    public static long? CheckResourceVersionParameter(HttpRequest request)
    {
        var text = Negotiation.Query(request, "resourceVersion");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var revision))
        {
            throw ApiException.BadRequest($"resourceVersion: Invalid value: \"{text}\": must be a decimal integer (resourceVersions are opaque strings that this server issues)");
        }
        return revision;
    }

    /// <summary>True when the stored apiVersion may differ from the requested one (a CRD serving several versions).</summary>
    private bool NeedsRewrite(ResourceDefinition resource) =>
        resource.IsCustom && service.Registry.Versions(resource.Group, resource.Plural).Skip(1).Any();
}
