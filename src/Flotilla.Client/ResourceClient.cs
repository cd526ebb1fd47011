using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Http;
using Flotilla.Client.Watch;

namespace Flotilla.Client;

/// <summary>
/// The verbs on one resource (group, version, plural), optionally bound to a namespace, for objects of type
/// <typeparamref name="T"/>: <see cref="JsonObject"/> for the dynamic client, or a model with a source-generated
/// <see cref="JsonTypeInfo{T}"/>. Immutable and thread-safe; get one from <see cref="KubernetesClient"/>.
/// </summary>
/// <remarks>
/// Names and namespaces of objects passed in are read from their <c>metadata</c>. For a namespaced resource, the
/// namespace is the bound one (<see cref="InNamespace"/>), else the object's; list, watch and deletecollection
/// without one span all namespaces. For cluster-scoped resources namespaces are ignored. Server errors surface as
/// <see cref="ApiException"/> (classify them with <see cref="ApiErrors"/>).
/// </remarks>
public sealed class ResourceClient<T>
    where T : class
{
    private const string ApplyContentType = "application/apply-patch+yaml";
    private readonly KubernetesHttp _http;
    private readonly JsonTypeInfo<T> _typeInfo;

    internal ResourceClient(KubernetesHttp http, ResourceMapping mapping, JsonTypeInfo<T> typeInfo, string? ns)
    {
        _http = http;
        _typeInfo = typeInfo;
        Mapping = mapping;
        Namespace = mapping.Namespaced && !string.IsNullOrEmpty(ns) ? ns : null;
    }

    /// <summary>The resource, kind and scope this client addresses.</summary>
    public ResourceMapping Mapping { get; }

    /// <summary>The bound namespace; null when unbound or cluster-scoped.</summary>
    public string? Namespace { get; }

    /// <summary>The same client bound to <paramref name="ns"/> (ignored for cluster-scoped resources; null or empty unbinds).</summary>
    public ResourceClient<T> InNamespace(string? ns) => new(_http, Mapping, _typeInfo, ns);

    /// <summary>GET one object.</summary>
    public async Task<T> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await _http.SendAsync(ApiRequest.Get(ItemPath(RequireNamespace(null), name)), cancellationToken).ConfigureAwait(false);
        return Decode(response.Body);
    }

    /// <summary>LIST one page (or everything when no <see cref="ListOptions.Limit"/> is given).</summary>
    public async Task<ResourceList<T>> ListAsync(ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = new Query();
        if (options is not null)
        {
            query.Add("labelSelector", options.LabelSelector)
                .Add("fieldSelector", options.FieldSelector)
                .Add("limit", options.Limit is > 0 ? options.Limit.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : null)
                .Add("continue", options.Continue)
                .Add("resourceVersion", options.ResourceVersion)
                .Add("resourceVersionMatch", options.ResourceVersionMatch);
        }
        var response = await _http.SendAsync(ApiRequest.Get(CollectionPath(Namespace) + query), cancellationToken).ConfigureAwait(false);
        return ListDecoder.Decode(response.Body, _typeInfo);
    }

    /// <summary>
    /// Lists everything, page by page (<paramref name="pageSize"/> items per request, following continue tokens). The
    /// result's resourceVersion is the first page's: the server serves every page from that snapshot, so a watch
    /// from it misses nothing. If the continue token expires midway (410), it falls back to one unpaginated list,
    /// as client-go's pager does.
    /// </summary>
    public async Task<ResourceList<T>> ListAllAsync(ListOptions? options = null, int pageSize = 500, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        options ??= new ListOptions();
        var items = new List<T>();
        string? resourceVersion = null;
        var page = options with { Limit = pageSize, Continue = null };
        while (true)
        {
            ResourceList<T> list;
            try
            {
                list = await ListAsync(page, cancellationToken).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.IsGone() && page.Continue is not null)
            {
                var full = await ListAsync(options with { Limit = null, Continue = null }, cancellationToken).ConfigureAwait(false);
                return full with { Continue = null, RemainingItemCount = null };
            }
            resourceVersion ??= list.ResourceVersion;
            items.AddRange(list.Items);
            if (list.Continue is null)
            {
                return new ResourceList<T>(items, resourceVersion, null, null);
            }
            // The continue token carries the snapshot; resourceVersion must not be sent alongside it.
            page = page with { Continue = list.Continue, ResourceVersion = null, ResourceVersionMatch = null };
        }
    }

    /// <summary>POST a new object. Never retried once it may have reached the server: a replay could create a second object.</summary>
    public async Task<T> CreateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var body = Encode(obj);
        var header = ObjectScanner.Header(body);
        var path = CollectionPath(RequireNamespace(header.Namespace)) + WriteQuery(options);
        var response = await _http.SendAsync(new ApiRequest(HttpMethod.Post, path, Idempotent: false, body, "application/json"), cancellationToken).ConfigureAwait(false);
        return Decode(response.Body);
    }

    /// <summary>
    /// PUT the whole object. With <c>metadata.resourceVersion</c> set (required for custom resources), the server
    /// answers 409 Conflict if the object changed since it was read: re-read, re-apply the change, try again.
    /// </summary>
    public Task<T> UpdateAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(obj, null, options, cancellationToken);

    /// <summary>PUT the object to its <c>status</c> subresource: only status changes are kept.</summary>
    public Task<T> UpdateStatusAsync(T obj, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(obj, "status", options, cancellationToken);

    /// <summary>PATCH an object with a JSON, merge or strategic merge patch.</summary>
    public Task<T> PatchAsync(string name, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        SendPatchAsync(name, patch, null, options, cancellationToken);

    /// <summary>PATCH the object's <c>status</c> subresource.</summary>
    public Task<T> PatchStatusAsync(string name, Patch patch, WriteOptions? options = null, CancellationToken cancellationToken = default) =>
        SendPatchAsync(name, patch, "status", options, cancellationToken);

    /// <summary>
    /// Server-side apply: PATCH <c>application/apply-patch+yaml</c> with the object as the manager's intent. Creates
    /// the object when missing. Fields another manager owns conflict (409) unless <see cref="ApplyOptions.Force"/>.
    /// </summary>
    public Task<T> ApplyAsync(T obj, ApplyOptions options, CancellationToken cancellationToken = default) =>
        SendApplyAsync(obj, null, options, cancellationToken);

    /// <summary>Server-side apply to the <c>status</c> subresource.</summary>
    public Task<T> ApplyStatusAsync(T obj, ApplyOptions options, CancellationToken cancellationToken = default) =>
        SendApplyAsync(obj, "status", options, cancellationToken);

    /// <summary>
    /// DELETE an object. Returns the object when its deletion is pending (finalizers) or the kind returns objects,
    /// else the server's success Status. Retried after a failure only when guarded by a precondition.
    /// </summary>
    public async Task<DeleteResult<T>> DeleteAsync(string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var guarded = options is { PreconditionUid: { Length: > 0 } } or { PreconditionResourceVersion: { Length: > 0 } };
        var request = new ApiRequest(HttpMethod.Delete, ItemPath(RequireNamespace(null), name), Idempotent: guarded, DeleteBody(options), "application/json");
        var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ObjectScanner.Header(response.Body).IsStatus
            ? new DeleteResult<T>(null, Obj.Parse(response.Body))
            : new DeleteResult<T>(Decode(response.Body), null);
    }

    /// <summary>DELETE every object matching the selectors (in the bound namespace). Never retried once sent.</summary>
    public async Task DeleteCollectionAsync(ListOptions? selection = null, DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var query = new Query().Add("labelSelector", selection?.LabelSelector).Add("fieldSelector", selection?.FieldSelector);
        var request = new ApiRequest(HttpMethod.Delete, CollectionPath(Namespace) + query, Idempotent: false, DeleteBody(options), "application/json");
        await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// WATCH the collection (in the bound namespace, else all). Events arrive as the server sends them, each decoded
    /// once from its frame; the sequence ends when the server ends the stream (e.g. after
    /// <see cref="WatchOptions.TimeoutSeconds"/>), and the caller resumes from the last resourceVersion seen. An
    /// ERROR event is thrown as <see cref="ApiException"/>: 410 Gone means list again and watch from the new list.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(WatchOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= new WatchOptions();
        var query = new Query()
            .Add("watch", "true")
            .Add("allowWatchBookmarks", options.AllowBookmarks ? "true" : null)
            .Add("labelSelector", options.LabelSelector)
            .Add("fieldSelector", options.FieldSelector)
            .Add("resourceVersion", options.ResourceVersion)
            .Add("timeoutSeconds", options.TimeoutSeconds?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await _http.OpenStreamAsync(ApiRequest.Get(CollectionPath(Namespace) + query), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            await foreach (var e in WatchStream.ReadAsync(body, _typeInfo, cancellationToken).ConfigureAwait(false))
            {
                yield return e;
            }
        }
    }

    private async Task<T> PutAsync(T obj, string? subresource, WriteOptions? options, CancellationToken cancellationToken)
    {
        var body = Encode(obj);
        var header = ObjectScanner.Header(body);
        var path = ItemPath(RequireNamespace(header.Namespace), RequireName(header.Name), subresource) + WriteQuery(options);
        // A replayed PUT leaves the same state (or, carrying a resourceVersion, fails with 409): safe to retry.
        var response = await _http.SendAsync(new ApiRequest(HttpMethod.Put, path, Idempotent: true, body, "application/json"), cancellationToken).ConfigureAwait(false);
        return Decode(response.Body);
    }

    private async Task<T> SendPatchAsync(string name, Patch patch, string? subresource, WriteOptions? options, CancellationToken cancellationToken)
    {
        // A patch replayed after it was applied would apply twice, unless it is pinned to a resourceVersion.
        var guarded = patch.Type == PatchType.Json
            ? ObjectScanner.JsonPatchGuardsResourceVersion(patch.Body.Span)
            : ObjectScanner.Header(patch.Body.Span).ResourceVersion is { Length: > 0 };
        var path = ItemPath(RequireNamespace(null), name, subresource) + WriteQuery(options);
        var response = await _http.SendAsync(new ApiRequest(HttpMethod.Patch, path, Idempotent: guarded, patch.Body, patch.ContentType), cancellationToken).ConfigureAwait(false);
        return Decode(response.Body);
    }

    private async Task<T> SendApplyAsync(T obj, string? subresource, ApplyOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options?.FieldManager))
        {
            throw new ArgumentException("server-side apply needs ApplyOptions.FieldManager: the name that will own the applied fields", nameof(options));
        }
        var body = Encode(obj);
        var header = ObjectScanner.Header(body);
        var query = new Query()
            .Add("dryRun", options.DryRun ? "All" : null)
            .Add("fieldManager", options.FieldManager)
            .Add("fieldValidation", options.FieldValidation?.ToString())
            .Add("force", options.Force ? "true" : null);
        var path = ItemPath(RequireNamespace(header.Namespace), RequireName(header.Name), subresource) + query;
        // Apply states intent, so applying the same object twice is the same as once: safe to retry.
        var response = await _http.SendAsync(new ApiRequest(HttpMethod.Patch, path, Idempotent: true, body, ApplyContentType), cancellationToken).ConfigureAwait(false);
        return Decode(response.Body);
    }

    private static Query WriteQuery(WriteOptions? options) => new Query()
        .Add("dryRun", options?.DryRun == true ? "All" : null)
        .Add("fieldManager", options?.FieldManager)
        .Add("fieldValidation", options?.FieldValidation?.ToString());

    private static byte[]? DeleteBody(DeleteOptions? options)
    {
        if (options is null)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "DeleteOptions");
            writer.WriteString("apiVersion", "v1");
            if (options.PropagationPolicy is { } policy)
            {
                writer.WriteString("propagationPolicy", policy.ToString());
            }
            if (options.GracePeriodSeconds is { } grace)
            {
                writer.WriteNumber("gracePeriodSeconds", grace);
            }
            if (options.DryRun)
            {
                writer.WriteStartArray("dryRun");
                writer.WriteStringValue("All");
                writer.WriteEndArray();
            }
            if (options.PreconditionUid is { Length: > 0 } || options.PreconditionResourceVersion is { Length: > 0 })
            {
                writer.WriteStartObject("preconditions");
                if (options.PreconditionUid is { Length: > 0 } uid)
                {
                    writer.WriteString("uid", uid);
                }
                if (options.PreconditionResourceVersion is { Length: > 0 } rv)
                {
                    writer.WriteString("resourceVersion", rv);
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private byte[] Encode(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, _typeInfo);
    }

    private T Decode(byte[] body) =>
        JsonSerializer.Deserialize(body, _typeInfo) ?? throw new JsonException($"the server returned null for {Mapping.QualifiedResource}");

    private string? RequireNamespace(string? objectNamespace)
    {
        if (!Mapping.Namespaced)
        {
            return null;
        }
        return Namespace ?? (string.IsNullOrEmpty(objectNamespace)
            ? throw new InvalidOperationException($"{Mapping.QualifiedResource} is namespaced: bind a namespace with InNamespace or set metadata.namespace")
            : objectNamespace);
    }

    private string RequireName(string? name) =>
        string.IsNullOrEmpty(name) ? throw new ArgumentException($"the {Mapping.Kind.Kind} has no metadata.name") : name;

    private string CollectionPath(string? ns)
    {
        var resource = Mapping.Resource;
        var prefix = resource.Group.Length == 0 ? $"/api/{resource.Version}" : $"/apis/{resource.Group}/{resource.Version}";
        return ns is null ? $"{prefix}/{resource.Resource}" : $"{prefix}/namespaces/{Uri.EscapeDataString(ns)}/{resource.Resource}";
    }

    private string ItemPath(string? ns, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var path = CollectionPath(ns) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }

    /// <summary>A query string built from the parameters that have values.</summary>
    private sealed class Query
    {
        private readonly StringBuilder _text = new();

        public Query Add(string name, string? value)
        {
            if (value is not null)
            {
                _text.Append(_text.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
            return this;
        }

        public override string ToString() => _text.ToString();
    }
}
