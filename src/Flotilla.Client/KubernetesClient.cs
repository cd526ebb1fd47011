using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Config;
using Flotilla.Client.Discovery;
using Flotilla.Client.Http;

namespace Flotilla.Client;

/// <summary>
/// A client of one Kubernetes API server (ours or any real one): hands out <see cref="ResourceClient{T}"/>s that
/// share its transport (rate limiter, retries, token) and the process-wide connection pool of that server, and a
/// discovery-backed <see cref="RestMapper"/>. Create one per server and keep it; it is thread-safe.
/// </summary>
public sealed class KubernetesClient
{
    private readonly KubernetesHttp _http;

    /// <summary>A client of the server <paramref name="connection"/> describes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public KubernetesClient(ClusterConnection connection, KubernetesClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        options = (options ?? new KubernetesClientOptions()).Validated();
        var logger = options.LoggerFactory.CreateLogger("Flotilla.Client");
        Connection = connection;
        _http = new KubernetesHttp(connection, options, logger);
        Mapper = new RestMapper(_http, logger);
    }

    /// <summary>A client for a context of a kubeconfig file (default: its current-context).</summary>
    public static KubernetesClient FromKubeConfigFile(string path, string? context = null, KubernetesClientOptions? options = null) =>
        new(ClusterConnection.FromKubeConfig(KubeConfig.LoadFile(path), context), options);

    /// <summary>The server, TLS settings and credentials this client uses.</summary>
    public ClusterConnection Connection { get; }

    /// <summary>The connection's default namespace (the context's, or the pod's).</summary>
    public string DefaultNamespace => Connection.Namespace;

    /// <summary>Kind ↔ resource mapping from discovery.</summary>
    public RestMapper Mapper { get; }

    /// <summary>The dynamic client of a resource: objects as <see cref="JsonObject"/>.</summary>
    public ResourceClient<JsonObject> Resource(ResourceMapping mapping) => new(_http, mapping, ClientJsonContext.Object, null);

    /// <summary>The typed client of a resource, with the model's source-generated JSON metadata.</summary>
    public ResourceClient<T> Resource<T>(ResourceMapping mapping, JsonTypeInfo<T> typeInfo)
        where T : class => new(_http, mapping, typeInfo, null);

    /// <summary>The dynamic client of the resource that serves <paramref name="kind"/>, found through discovery.</summary>
    public async Task<ResourceClient<JsonObject>> ResourceAsync(GroupVersionKind kind, CancellationToken cancellationToken = default) =>
        Resource(await Mapper.MappingForAsync(kind, cancellationToken).ConfigureAwait(false));

    /// <summary>The dynamic client of <paramref name="resource"/>, with its kind and scope from discovery.</summary>
    public async Task<ResourceClient<JsonObject>> ResourceAsync(GroupVersionResource resource, CancellationToken cancellationToken = default) =>
        Resource(await Mapper.MappingForAsync(resource, cancellationToken).ConfigureAwait(false));

    /// <summary>The server's <c>/version</c> document (<c>major</c>, <c>minor</c>, <c>gitVersion</c>, …).</summary>
    public async Task<JsonObject> GetVersionAsync(CancellationToken cancellationToken = default)
    {
        var response = await _http.SendAsync(ApiRequest.Get("/version"), cancellationToken).ConfigureAwait(false);
        return Obj.Parse(response.Body);
    }
}
