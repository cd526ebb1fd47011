using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Informers;

internal enum NotificationKind
{
    Add,
    Update,
    Delete,

    /// <summary>Everything before this was the handler's initial state: mark its registration synced.</summary>
    Synced,
}

/// <summary>
/// One change for one handler. <see cref="Flag"/> is <c>isInInitialList</c> for adds; deletes carry their
/// <see cref="Deleted"/> record.
/// </summary>
internal readonly record struct Notification<T>(NotificationKind Kind, T? Object, T? Old, bool Flag, DeletedObject<T>? Deleted)
    where T : class
{
    public static Notification<T> Add(T obj, bool initial) => new(NotificationKind.Add, obj, null, initial, null);

    public static Notification<T> Update(T old, T obj) => new(NotificationKind.Update, obj, old, false, null);

    public static Notification<T> Delete(DeletedObject<T> deleted) => new(NotificationKind.Delete, null, null, false, deleted);

    public static Notification<T> SyncedMarker => new(NotificationKind.Synced, null, null, false, null);
}

/// <summary>
/// Delivers notifications to one handler from its own unbounded queue on its own loop, so handlers never wait for
/// each other and the informer never waits for a handler. Notifications are posted under the informer's store lock,
/// so the queue's order is the order of the cache's changes.
/// </summary>
internal sealed class HandlerListener<T>
    where T : class
{
    private readonly Channel<Notification<T>> _queue = Channel.CreateUnbounded<Notification<T>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly IResourceEventHandler<T> _handler;
    private readonly ILogger _logger;
    private readonly string _informer;
    private Task _loop = Task.CompletedTask;
    private volatile bool _stopped;

    public HandlerListener(IResourceEventHandler<T> handler, EventHandlerRegistration registration, ILogger logger, string informer)
    {
        _handler = handler;
        Registration = registration;
        _logger = logger;
        _informer = informer;
    }

    public EventHandlerRegistration Registration { get; }

    public void Post(Notification<T> notification) => _queue.Writer.TryWrite(notification);

    public void Start() => _loop = Task.Run(RunAsync, CancellationToken.None);

    /// <summary>Ends the loop after the call in progress, dropping what is queued.</summary>
    public Task StopAsync()
    {
        _stopped = true;
        _queue.Writer.TryComplete();
        return _loop;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (!_stopped && reader.TryRead(out var notification))
            {
                Deliver(notification);
            }
            if (_stopped)
            {
                return;
            }
        }
    }

    private void Deliver(in Notification<T> notification)
    {
        try
        {
            switch (notification.Kind)
            {
                case NotificationKind.Add:
                    _handler.OnAdd(notification.Object!, notification.Flag);
                    break;
                case NotificationKind.Update:
                    _handler.OnUpdate(notification.Old!, notification.Object!);
                    break;
                case NotificationKind.Delete:
                    _handler.OnDelete(notification.Deleted!);
                    break;
                default:
                    Registration.MarkSynced();
                    break;
            }
        }
        catch (Exception e)
        {
            // A failing handler must not stop the deliveries to itself or to anyone else.
            InformerLog.HandlerFailed(_logger, e, _informer, notification.Kind);
        }
    }
}
