using System.Text.Json.Nodes;
using System.Threading.Channels;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client;
using Microsoft.Extensions.Logging;

namespace Flotilla.Runtime.Events;

/// <summary>
/// Writes core/v1 Events as client-go's recorder does, so <c>kubectl describe</c> shows them: named
/// <c>&lt;object&gt;.&lt;hex nanoseconds&gt;</c>, in the object's namespace (<c>default</c> for cluster-scoped
/// objects), with <c>source.component</c>, <c>reportingComponent</c>, <c>firstTimestamp</c>,
/// <c>lastTimestamp</c> and <c>count</c>.
/// </summary>
/// <remarks>
/// <para>
/// <b>Aggregation.</b> A repeat (same object, type, reason, message) within
/// <see cref="EventRecorderOptions.AggregationWindow"/> of its last occurrence patches the existing Event (count
/// + 1, lastTimestamp) instead of creating another. If that Event is gone (Events expire), it is created again
/// under its name with its count.
/// </para>
/// <para>
/// <b>Spam limit</b> (client-go's, simplified): a token bucket per object, <see cref="EventRecorderOptions.SpamBurst"/>
/// Events at once and then one per <see cref="EventRecorderOptions.SpamRefillInterval"/>; an occurrence without a
/// token is dropped, repeats included. client-go's merging of many distinct messages into one Event is not
/// implemented.
/// </para>
/// <para>
/// <b>Never in the caller's way.</b> <see cref="Record"/> stamps the occurrence and queues it; one background
/// writer correlates and writes, in order. A full queue drops new occurrences; write failures are logged, not
/// thrown.
/// </para>
/// </remarks>
public sealed class EventRecorder : IEventRecorder, IAsyncDisposable
{
    private const string LoggerCategory = "Flotilla.Runtime.Events";

    /// <summary>Events are a stable built-in: no discovery needed.</summary>
    private static readonly ResourceMapping EventsMapping = new("", "v1", "events", "Event", namespaced: true);

    private readonly ResourceClient<JsonObject> _events;
    private readonly EventRecorderOptions _options;
    private readonly ILogger _logger;
    private readonly EventCorrelator _correlator;
    private readonly Channel<Item> _queue;
    private readonly CancellationTokenSource _abandon = new();
    private readonly Task _writer;
    private int _dropping;
    private int _disposed;

    /// <summary>A recorder writing through <paramref name="client"/>; its writer runs until disposed.</summary>
    /// <exception cref="ArgumentException">An option is missing or out of range; the message names it.</exception>
    public EventRecorder(KubernetesClient client, EventRecorderOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _events = client.Resource(EventsMapping);
        _options = options;
        _logger = options.LoggerFactory.CreateLogger(LoggerCategory);
        _correlator = new EventCorrelator(options);
        _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = Task.Run(WriteAllAsync, CancellationToken.None);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="reason"/> is empty.</exception>
    public void Record(ObjectReference involvedObject, EventType type, string reason, string message)
    {
        ArgumentNullException.ThrowIfNull(involvedObject);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentNullException.ThrowIfNull(message);
        var occurrence = new EventOccurrence(involvedObject, type, reason, message, _options.Time.GetUtcNow());
        if (_queue.Writer.TryWrite(new Item(occurrence, null)))
        {
            return;
        }
        if (Volatile.Read(ref _disposed) != 0)
        {
            EventLog.RecordedAfterDispose(_logger, reason, involvedObject.Kind, involvedObject.Name);
            return;
        }
        // Full (or disposed): drop, warning once per episode rather than once per event.
        if (Interlocked.Exchange(ref _dropping, 1) == 0)
        {
            EventLog.QueueFull(_logger, _options.QueueCapacity, reason, Describe(involvedObject));
        }
        else
        {
            EventLog.Dropped(_logger, reason, involvedObject.Kind, involvedObject.Name);
        }
    }

    /// <summary>Completes once every Event recorded before the call has been written (or has failed, or was dropped).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Item(null, flushed), cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            await _writer.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }
        await flushed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops taking Events and writes those queued, abandoning what is left after
    /// <see cref="EventRecorderOptions.ShutdownTimeout"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _queue.Writer.TryComplete();
        try
        {
            await _writer.WaitAsync(_options.ShutdownTimeout, _options.Time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The writer only outlives the timeout while it is busy with an Event, which is abandoned too.
            EventLog.Abandoned(_logger, _queue.Reader.Count + 1);
            await _abandon.CancelAsync().ConfigureAwait(false);
            await _writer.ConfigureAwait(false);
        }
        _abandon.Dispose();
    }

    private async Task WriteAllAsync()
    {
        await foreach (var item in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Volatile.Write(ref _dropping, 0);
            if (item.Flushed is { } flushed)
            {
                flushed.TrySetResult();
                continue;
            }
            if (_abandon.IsCancellationRequested)
            {
                continue;
            }
            var occurrence = item.Occurrence!;
            if (_correlator.Correlate(occurrence) is not { } correlated)
            {
                EventLog.SpamFiltered(_logger, occurrence.Reason, occurrence.InvolvedObject.Kind, occurrence.InvolvedObject.Name);
                continue;
            }
            try
            {
                await WriteAsync(correlated, _abandon.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (!_abandon.IsCancellationRequested)
            {
                EventLog.WriteFailed(_logger, e, correlated.Namespace, correlated.Name, occurrence.Reason, Describe(occurrence.InvolvedObject));
            }
            catch (OperationCanceledException)
            {
                // Abandoned at shutdown.
            }
        }
    }

    private async Task WriteAsync(CorrelatedEvent correlated, CancellationToken cancellationToken)
    {
        var events = _events.InNamespace(correlated.Namespace);
        if (correlated.IsRepeat)
        {
            var patch = new JsonObject
            {
                ["count"] = correlated.Count,
                ["lastTimestamp"] = Obj.FormatTime(correlated.Occurrence.Time),
            };
            try
            {
                await events.PatchAsync(correlated.Name, Patch.Merge(patch), cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.IsNotFound())
            {
                // The Event expired meanwhile: write it again, as upstream does.
            }
        }
        try
        {
            await events.CreateAsync(ToEvent(correlated), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.IsAlreadyExists())
        {
            EventLog.AlreadyExists(_logger, correlated.Namespace, correlated.Name);
        }
    }

    private JsonObject ToEvent(CorrelatedEvent correlated)
    {
        var occurrence = correlated.Occurrence;
        var source = new JsonObject { ["component"] = _options.Component };
        var json = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = new JsonObject { ["name"] = correlated.Name, ["namespace"] = correlated.Namespace },
            ["involvedObject"] = occurrence.InvolvedObject.ToJson(),
            ["reason"] = occurrence.Reason,
            ["message"] = occurrence.Message,
            ["source"] = source,
            ["firstTimestamp"] = Obj.FormatTime(correlated.FirstTimestamp),
            ["lastTimestamp"] = Obj.FormatTime(occurrence.Time),
            ["count"] = correlated.Count,
            ["type"] = occurrence.Type.ToString(),
            ["reportingComponent"] = _options.Component,
        };
        if (!string.IsNullOrEmpty(_options.Host))
        {
            source["host"] = _options.Host;
            json["reportingInstance"] = _options.Host;
        }
        return json;
    }

    private static string Describe(ObjectReference o) =>
        string.IsNullOrEmpty(o.Namespace) ? $"{o.Kind} {o.Name}" : $"{o.Kind} {o.Namespace}/{o.Name}";

    /// <summary>A queued occurrence, or a flush marker.</summary>
    private sealed record Item(EventOccurrence? Occurrence, TaskCompletionSource? Flushed);
}
