using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Informers;

/// <summary>
/// What every informer offers whatever its object type: its scope, whether its cache has synced, and starting it.
/// Lets a controller wait for all the informers it reads, of any type.
/// </summary>
public abstract class SharedInformer
{
    /// <summary>The built-in index: objects by namespace (empty for cluster-scoped objects).</summary>
    public const string NamespaceIndex = "namespace";

    private protected SharedInformer()
    {
    }

    /// <summary>The resource watched.</summary>
    public abstract ResourceMapping Mapping { get; }

    /// <summary>The namespace watched; null for all namespaces (and for cluster-scoped resources).</summary>
    public abstract string? Namespace { get; }

    /// <summary>The label selector of the list and watch; null for none.</summary>
    public abstract string? LabelSelector { get; }

    /// <summary>The field selector of the list and watch; null for none.</summary>
    public abstract string? FieldSelector { get; }

    /// <summary>True once the cache holds the first list (it then stays true, through re-lists too).</summary>
    public abstract bool HasSynced { get; }

    /// <summary>The resourceVersion the cache reflects: of the last list, event or bookmark. Opaque.</summary>
    public abstract string LastSyncResourceVersion { get; }

    /// <summary>Starts listing and watching, unless already started (idempotent). The factory that made the informer stops it.</summary>
    public abstract void Start();

    /// <summary>Completes once the cache has synced (at once if it has).</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled, or the informer stopped first.</exception>
    public abstract Task WaitForCacheSyncAsync(CancellationToken cancellationToken = default);

    internal abstract Task StopAsync();

    /// <summary>How logs name the informer: <c>configmaps</c>, <c>configmaps in a</c>, <c>configmaps (app=web)</c>…</summary>
    private protected static string Describe(ResourceMapping mapping, string? ns, string? labelSelector, string? fieldSelector)
    {
        var text = mapping.QualifiedResource;
        if (ns is not null)
        {
            text += $" in {ns}";
        }
        var selectors = string.Join(",", new[] { labelSelector, fieldSelector }.Where(s => !string.IsNullOrEmpty(s)));
        return selectors.Length == 0 ? text : $"{text} ({selectors})";
    }
}

/// <summary>
/// A cache of one resource (optionally one namespace, optionally selected by labels or fields), kept equal to the
/// server's state by list and watch, shared by any number of event handlers: client-go's shared index informer. Get
/// one from a <see cref="SharedInformerFactory"/>, add handlers and indexes, read through <see cref="Lister"/>.
/// </summary>
/// <remarks>
/// Guarantees: a handler is told of every change once, in the order the cache applied them (so never out of order
/// for a key); after every (re-)list the cache equals the list, with objects that vanished meanwhile delivered as
/// deletes marked <see cref="DeletedObject{T}.FinalStateUnknown"/>. Objects are shared by the cache, the listers and
/// every handler: never modify one; deep-clone it first.
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "StopAsync disposes the token source; the factory that made the informer calls it.")]
public sealed class SharedInformer<T> : SharedInformer
    where T : class
{
    private readonly InformerStore<T> _store;
    private readonly Reflector<T> _reflector;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly string _name;
    private readonly Lock _lock = new();
    private readonly Dictionary<EventHandlerRegistration, HandlerListener<T>> _listeners = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _running;
    private ITimer? _resync;
    private bool _stopped;

    internal SharedInformer(ResourceClient<T> client, ObjectAccessor<T> accessor, string? labelSelector, string? fieldSelector, InformerOptions options, ILogger logger)
    {
        Mapping = client.Mapping;
        Namespace = client.Namespace;
        LabelSelector = labelSelector;
        FieldSelector = fieldSelector;
        Accessor = accessor;
        _options = options;
        _logger = logger;
        _name = Describe(Mapping, Namespace, labelSelector, fieldSelector);
        _store = new InformerStore<T>(accessor, logger, _name, OnFirstSync);
        _reflector = new Reflector<T>(client, labelSelector, fieldSelector, _store, options, logger, _name);
        Lister = new Lister<T>(_store, accessor);
    }

    /// <inheritdoc />
    public override ResourceMapping Mapping { get; }

    /// <inheritdoc />
    public override string? Namespace { get; }

    /// <inheritdoc />
    public override string? LabelSelector { get; }

    /// <inheritdoc />
    public override string? FieldSelector { get; }

    /// <inheritdoc />
    public override bool HasSynced => _store.HasSynced;

    /// <inheritdoc />
    public override string LastSyncResourceVersion => _reflector.ResourceVersion;

    /// <summary>How the informer reads objects' keys, versions and labels.</summary>
    public ObjectAccessor<T> Accessor { get; }

    /// <summary>Reads from the cache: by key, by namespace, by label selector, by index.</summary>
    public Lister<T> Lister { get; }

    /// <summary>Lists started, the first included (diagnostics and tests).</summary>
    internal int Lists => _reflector.Lists;

    /// <summary>Watches started (diagnostics and tests).</summary>
    internal int Watches => _reflector.Watches;

    /// <summary>
    /// Adds a handler. If the cache has synced it is first given every cached object as an add, then every later
    /// change; otherwise it gets the first list's objects as adds, like every other handler.
    /// </summary>
    /// <returns>The registration: dispose it to remove the handler.</returns>
    /// <exception cref="ObjectDisposedException">The informer was stopped.</exception>
    public EventHandlerRegistration AddEventHandler(IResourceEventHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var registration = new EventHandlerRegistration(Remove);
        var listener = new HandlerListener<T>(handler, registration, _logger, _name);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            _listeners.Add(registration, listener);
            listener.Start();
            _store.AddListener(listener);
        }
        return registration;
    }

    /// <summary>Adds a handler made of delegates; any may be null.</summary>
    /// <returns>The registration: dispose it to remove the handler.</returns>
    public EventHandlerRegistration AddEventHandler(Action<T>? onAdd = null, Action<T, T>? onUpdate = null, Action<DeletedObject<T>>? onDelete = null) =>
        AddEventHandler(new DelegateEventHandler<T>(onAdd, onUpdate, onDelete));

    /// <summary>
    /// Adds an index: <paramref name="indexFunc"/> gives the values an object is indexed under (none to leave it
    /// out); <see cref="Lister{T}.ByIndex"/> then finds objects by value. Built at once over the cache, kept up to
    /// date after. Index functions must be quick and deterministic.
    /// </summary>
    /// <exception cref="ArgumentException">An index of that name exists.</exception>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexFunc)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(indexFunc);
        _store.AddIndex(name, indexFunc);
    }

    /// <inheritdoc />
    public override void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_running is not null)
            {
                return;
            }
            _running = Task.Run(() => _reflector.RunAsync(_stopping.Token), CancellationToken.None);
            if (_options.ResyncPeriod > TimeSpan.Zero)
            {
                _resync = _options.Time.CreateTimer(static state => ((InformerStore<T>)state!).Resync(), _store, _options.ResyncPeriod, _options.ResyncPeriod);
            }
        }
    }

    /// <inheritdoc />
    public override Task WaitForCacheSyncAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Stops the list-watch loop, resync and every handler's deliveries; waits for them to end.</summary>
    internal override async Task StopAsync()
    {
        Task? running;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            running = _running;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_resync is not null)
        {
            await _resync.DisposeAsync().ConfigureAwait(false);
        }
        if (running is not null)
        {
            await running.ConfigureAwait(false);
        }
        _synced.TrySetException(new OperationCanceledException($"the informer of {_name} stopped before its cache synced"));
        await Task.WhenAll(_store.RemoveAllListeners().Select(l => l.StopAsync())).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void OnFirstSync()
    {
        InformerLog.Synced(_logger, _name);
        _synced.TrySetResult();
    }

    private void Remove(EventHandlerRegistration registration)
    {
        HandlerListener<T>? listener;
        lock (_lock)
        {
            if (!_listeners.Remove(registration, out listener))
            {
                return;
            }
        }
        _store.RemoveListener(listener);
        _ = listener.StopAsync();
    }
}
