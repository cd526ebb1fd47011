using System.Collections.Concurrent;
using Flotilla.Client;
using Flotilla.Runtime.Events;

namespace Flotilla.LocalCluster.Common;

/// <summary>
/// One Event recorder per reporting component (<c>default-scheduler</c>, <c>kubelet</c>, <c>deployment-controller</c>…),
/// as a real cluster's components each report under their own name, made on first use. With events turned off,
/// every recorder discards.
/// </summary>
internal sealed class EventSinks(KubernetesClient client, LocalClusterOptions options) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(string Component, string? Host), Lazy<IEventRecorder>> _recorders = new();

    public IEventRecorder For(string component, string? host = null)
    {
        if (!options.RecordEvents)
        {
            return NullEventRecorder.Instance;
        }
        return _recorders.GetOrAdd((component, host), key => new Lazy<IEventRecorder>(() => new EventRecorder(client, new EventRecorderOptions
        {
            Component = key.Component,
            Host = key.Host,
            Time = options.Time,
            LoggerFactory = options.LoggerFactory,
        }))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var recorder in _recorders.Values)
        {
            if (recorder.IsValueCreated && recorder.Value is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
        _recorders.Clear();
    }

    private sealed class NullEventRecorder : IEventRecorder
    {
        public static readonly NullEventRecorder Instance = new();

        public void Record(ObjectReference involvedObject, EventType type, string reason, string message)
        {
        }
    }
}
