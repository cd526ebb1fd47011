using System.Threading.Channels;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.Storage;
using Microsoft.Extensions.Logging;

namespace Flotilla.ApiServer.Controllers;

/// <summary>
/// What kube-controller-manager and the apiextensions server do for this API server: garbage collection of
/// owned objects, namespace termination and CRD instance cleanup. One loop reads every change from the store
/// (from a consistent snapshot on), keeps the indexes current and queues work; one worker does the work
/// through <see cref="ResourceService"/>, so every write follows the same rules as a client's.
/// </summary>
internal sealed partial class ServerControllers : IAsyncDisposable
{
    private readonly ResourceService _service;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ObjectIndex _index = new();
    private readonly GarbageCollector _gc;
    private readonly NamespaceLifecycle _namespaces;
    private readonly CrdLifecycle _crds;
    private Task? _loop;
    private Task? _worker;

    public ServerControllers(ResourceService service, ILogger logger)
    {
        _service = service;
        _logger = logger;
        _gc = new GarbageCollector(service, _index);
        _namespaces = new NamespaceLifecycle(service);
        _crds = new CrdLifecycle(service);
    }

    /// <summary>Set once the initial snapshot is indexed (readiness).</summary>
    public bool Synced { get; private set; }

    public void Start()
    {
        var snapshot = _service.Store.List("/");
        foreach (var item in snapshot.Items)
        {
            Observe(new WatchEvent(WatchEventType.Added, item.Key, item.Revision, item.Value, null));
        }
        Synced = true;
        _loop = Task.Run(() => WatchLoopAsync(snapshot.Revision, _stop.Token));
        _worker = Task.Run(() => WorkLoopAsync(_stop.Token));
    }

    private async Task WatchLoopAsync(long revision, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = _service.Store.Watch("/", revision);
            if (started.Expired)
            {
                // Fell out of the window (only after an overflow): rebuild from a fresh snapshot.
                var snapshot = _service.Store.List("/");
                _index.Clear();
                foreach (var item in snapshot.Items)
                {
                    Observe(new WatchEvent(WatchEventType.Added, item.Key, item.Revision, item.Value, null));
                }
                revision = snapshot.Revision;
                continue;
            }
            using var watch = started.Watch!;
            try
            {
                await foreach (var change in watch.Events(cancellationToken).ConfigureAwait(false))
                {
                    Observe(change);
                    revision = change.Revision;
                }
                return;
            }
            catch (WatchOverflowException e)
            {
                revision = e.LastDeliveredRevision;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Observe(WatchEvent change)
    {
        var obj = Obj.Parse(change.Value);
        var reference = ObjectRef.From(change.Key, obj);
        if (change.Type == WatchEventType.Deleted)
        {
            var dependents = _index.Remove(reference);
            foreach (var dependent in dependents)
            {
                Enqueue(new WorkItem(WorkKind.CheckOwners, dependent));
            }
            foreach (var owner in _index.PresentOwnersOf(obj))
            {
                Enqueue(new WorkItem(WorkKind.Foreground, owner));
            }
            if (reference.Namespace.Length > 0 && _index.IsNamespaceTerminating(reference.Namespace))
            {
                Enqueue(new WorkItem(WorkKind.Namespace, _index.NamespaceRef(reference.Namespace)!));
            }
            if (_crds.IsInstanceOfDeletingCrd(reference) is { } crd)
            {
                Enqueue(new WorkItem(WorkKind.CrdCleanup, crd));
            }
            return;
        }
        _index.Upsert(reference, obj);
        if (_index.HasMissingOwner(obj))
        {
            Enqueue(new WorkItem(WorkKind.CheckOwners, reference));
        }
        if (obj.IsDeleting())
        {
            var finalizers = obj.Finalizers();
            if (finalizers.Contains(Finalizers.ForegroundDeletion)) Enqueue(new WorkItem(WorkKind.Foreground, reference));
            if (finalizers.Contains(Finalizers.Orphan)) Enqueue(new WorkItem(WorkKind.Orphan, reference));
            if (reference.IsNamespace) Enqueue(new WorkItem(WorkKind.Namespace, reference));
            if (reference.IsCrd && finalizers.Contains(Finalizers.CustomResourceCleanup)) Enqueue(new WorkItem(WorkKind.CrdCleanup, reference));
        }
    }

    private void Enqueue(WorkItem item) => _work.Writer.TryWrite(item);

    private async Task WorkLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var item in _work.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await (item.Kind switch
                    {
                        WorkKind.CheckOwners => _gc.CheckOwnersAsync(item.Target, cancellationToken),
                        WorkKind.Foreground => _gc.ForegroundAsync(item.Target, cancellationToken),
                        WorkKind.Orphan => _gc.OrphanAsync(item.Target, cancellationToken),
                        WorkKind.Namespace => _namespaces.TerminateAsync(item.Target.Name, cancellationToken),
                        WorkKind.CrdCleanup => _crds.CleanupAsync(item.Target.Name, cancellationToken),
                        _ => Task.CompletedTask,
                    }).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogWorkFailed(_logger, e, item.Kind, item.Target.Key);
                    // Retry later: the next change to the object or its dependents enqueues it again, and this
                    // delayed retry covers failures no further change would reveal.
                    _ = Task.Delay(TimeSpan.FromSeconds(1), _service.Time, cancellationToken).ContinueWith(_ => Enqueue(item), TaskScheduler.Default);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _work.Writer.TryComplete();
        foreach (var task in new[] { _loop, _worker })
        {
            if (task is not null)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        _stop.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} of {Key} failed; retrying")]
    private static partial void LogWorkFailed(ILogger logger, Exception exception, WorkKind kind, string key);

    private enum WorkKind
    {
        CheckOwners,
        Foreground,
        Orphan,
        Namespace,
        CrdCleanup,
    }

    private sealed record WorkItem(WorkKind Kind, ObjectRef Target);
}
