using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Flotilla.Api.Meta;
using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Informers;

/// <summary>
/// Hands out <see cref="SharedInformer{T}"/>s of one server: one per resource, namespace, selectors and object type,
/// however many times it is asked, so every controller of a process shares one list, one watch and one cache per
/// scope. <see cref="Start"/> starts those not yet started (and, from then on, new ones as they are made);
/// disposing the factory stops them all. Thread-safe.
/// </summary>
public sealed class SharedInformerFactory : IAsyncDisposable
{
    private readonly KubernetesClient _client;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<InformerKey, SharedInformer> _informers = [];
    private bool _started;
    private bool _disposed;

    /// <summary>A factory of informers of the server <paramref name="client"/> talks to.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public SharedInformerFactory(KubernetesClient client, InformerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = (options ?? new InformerOptions()).Validated();
        _logger = _options.LoggerFactory.CreateLogger("Flotilla.Client.Informers");
    }

    /// <summary>The informers made so far.</summary>
    public IReadOnlyList<SharedInformer> Informers
    {
        get
        {
            lock (_lock)
            {
                return [.. _informers.Values];
            }
        }
    }

    /// <summary>
    /// The dynamic informer (objects as <see cref="JsonObject"/>) of <paramref name="mapping"/>, in
    /// <paramref name="namespace"/> (null: all namespaces; ignored for cluster-scoped resources), of the objects
    /// matching the selectors (kube-apiserver syntax: <c>app=web,tier!=db</c>, <c>metadata.name=x</c>).
    /// </summary>
    public SharedInformer<JsonObject> For(ResourceMapping mapping, string? @namespace = null, string? labelSelector = null, string? fieldSelector = null) =>
        For(mapping, ClientJsonContext.Object, ObjectAccessors.Unstructured, @namespace, labelSelector, fieldSelector);

    /// <summary>
    /// The typed informer of <paramref name="mapping"/>: objects decoded with <paramref name="typeInfo"/> and read
    /// through <paramref name="accessor"/>. The first call for a scope decides both; later calls share that informer.
    /// </summary>
    public SharedInformer<T> For<T>(
        ResourceMapping mapping, JsonTypeInfo<T> typeInfo, ObjectAccessor<T> accessor, string? @namespace = null, string? labelSelector = null, string? fieldSelector = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(typeInfo);
        ArgumentNullException.ThrowIfNull(accessor);
        var ns = mapping.Namespaced && !string.IsNullOrEmpty(@namespace) ? @namespace : null;
        var labels = Normalize(labelSelector);
        var fields = string.IsNullOrWhiteSpace(fieldSelector) ? null : fieldSelector.Trim();
        var key = new InformerKey(mapping.Resource, ns, labels, fields, typeof(T));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_informers.TryGetValue(key, out var existing))
            {
                return (SharedInformer<T>)existing;
            }
            var informer = new SharedInformer<T>(_client.Resource(mapping, typeInfo).InNamespace(ns), accessor, labels, fields, _options, _logger);
            _informers.Add(key, informer);
            if (_started)
            {
                informer.Start();
            }
            return informer;
        }
    }

    /// <summary>The typed informer of a <see cref="KubeObject"/> model, read through its <see cref="ObjectMeta"/>.</summary>
    public SharedInformer<T> For<T>(ResourceMapping mapping, JsonTypeInfo<T> typeInfo, string? @namespace = null, string? labelSelector = null, string? fieldSelector = null)
        where T : KubeObject =>
        For(mapping, typeInfo, ObjectAccessors.Typed<T>(), @namespace, labelSelector, fieldSelector);

    /// <summary>The dynamic informer of the resource serving <paramref name="kind"/>, found through discovery.</summary>
    public async Task<SharedInformer<JsonObject>> ForAsync(
        GroupVersionKind kind, string? @namespace = null, string? labelSelector = null, string? fieldSelector = null, CancellationToken cancellationToken = default) =>
        For(await _client.Mapper.MappingForAsync(kind, cancellationToken).ConfigureAwait(false), @namespace, labelSelector, fieldSelector);

    /// <summary>Starts every informer not started yet; informers made later start as they are made. Idempotent.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _started = true;
            foreach (var informer in _informers.Values)
            {
                informer.Start();
            }
        }
    }

    /// <summary>Completes once every informer made so far has synced.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or an informer stopped first.</exception>
    public Task WaitForCacheSyncAsync(CancellationToken cancellationToken = default) =>
        Task.WhenAll(Informers.Select(informer => informer.WaitForCacheSyncAsync(cancellationToken)));

    /// <summary>Stops every informer and waits for their loops and handlers to end.</summary>
    public async ValueTask DisposeAsync()
    {
        SharedInformer[] informers;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            informers = [.. _informers.Values];
        }
        await Task.WhenAll(informers.Select(informer => informer.StopAsync())).ConfigureAwait(false);
    }

    /// <summary>The selector in its canonical form, so that equal selectors share an informer; validated here.</summary>
    private static string? Normalize(string? labelSelector)
    {
        if (string.IsNullOrWhiteSpace(labelSelector))
        {
            return null;
        }
        var parsed = Api.Meta.LabelSelector.Parse(labelSelector);
        return parsed.IsEverything ? null : parsed.ToString();
    }

    private readonly record struct InformerKey(GroupVersionResource Resource, string? Namespace, string? LabelSelector, string? FieldSelector, Type ObjectType);
}
