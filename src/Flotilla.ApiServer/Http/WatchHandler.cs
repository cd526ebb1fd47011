using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.ApiServer.Core;
using Flotilla.ApiServer.Registry;
using Flotilla.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Flotilla.ApiServer.Http;

/// <summary>Watch tuning: how often idle watchers get a bookmark.</summary>
internal sealed record WatchSettings(TimeSpan BookmarkInterval)
{
    public static readonly WatchSettings Default = new(TimeSpan.FromMinutes(1));
}

/// <summary>
/// Serves <c>?watch=true</c>: newline-delimited JSON events, flushed one by one, held open until the client
/// leaves or <c>timeoutSeconds</c> passes. A start without resourceVersion (or "0") first sends the current
/// objects as ADDED; a start at N sends changes after N, or one ERROR 410 when N is older than the retained
/// window. Selectors apply per event, so an object that leaves the selection is DELETED for this watcher and
/// one that enters it is ADDED. When <paramref name="stopping"/> fires (the server is shutting down) every watch
/// ends cleanly, as upstream's graceful shutdown does, so that the HTTP server can stop without aborting
/// connections and clients simply re-watch.
/// </summary>
internal sealed class WatchHandler(ResourceService service, Responses responses, TimeProvider time, WatchSettings settings, CancellationToken stopping)
{
    private static readonly byte[] AddedPrefix = Encoding.UTF8.GetBytes("{\"type\":\"ADDED\",\"object\":");
    private static readonly byte[] ModifiedPrefix = Encoding.UTF8.GetBytes("{\"type\":\"MODIFIED\",\"object\":");
    private static readonly byte[] DeletedPrefix = Encoding.UTF8.GetBytes("{\"type\":\"DELETED\",\"object\":");
    private static readonly byte[] EventEnd = Encoding.UTF8.GetBytes("}\n");

    public async Task ServeAsync(HttpContext context, ResourcePath path)
    {
        var request = context.Request;
        var resource = path.Resource;
        var form = Negotiation.ResponseFormOf(request);
        var filter = ObjectFilter.Parse(resource, Negotiation.Query(request, "labelSelector"), Negotiation.Query(request, "fieldSelector"));
        var requested = ResourceHandler.CheckResourceVersionParameter(request);
        var bookmarks = Negotiation.Flag(request, "allowWatchBookmarks");
        var sendInitialEvents = Negotiation.Query(request, "sendInitialEvents") is { Length: > 0 } && Negotiation.Flag(request, "sendInitialEvents");
        if (sendInitialEvents && Negotiation.Query(request, "resourceVersionMatch") != "NotOlderThan")
        {
            throw ApiException.BadRequest("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
        }
        var timeout = ParseTimeout(request);

        var prefix = ObjectKeys.Prefix(resource, path.Namespace);
        IReadOnlyList<StoredValue> initial = [];
        long start;
        if (requested is null or 0 || sendInitialEvents)
        {
            var snapshot = service.Store.List(prefix);
            initial = snapshot.Items;
            start = snapshot.Revision;
        }
        else
        {
            start = requested.Value;
        }
        var started = service.Store.Watch(prefix, start);

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = Negotiation.Json;
        response.Headers.CacheControl = "no-cache, private";
        await response.StartAsync(context.RequestAborted).ConfigureAwait(false);

        if (started.Expired)
        {
            var status = ApiException.Expired($"too old resource version: {start} ({started.OldestAvailableRevision})").ToStatus();
            await WriteEventAsync(response, "ERROR", status, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        using var watch = started.Watch!;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, service.Registry.ServedToken(resource), stopping);
        var stream = new EventWriter(responses, response, resource, form, filter, Responses.IncludeObject(request));
        foreach (var item in initial)
        {
            await stream.WriteAsync(new WatchEvent(WatchEventType.Added, item.Key, item.Revision, item.Value, null), context.RequestAborted).ConfigureAwait(false);
        }
        var lastRevision = start;
        if (sendInitialEvents)
        {
            await WriteBookmarkAsync(response, resource, lastRevision, initialEventsEnd: true, context.RequestAborted).ConfigureAwait(false);
        }
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);

        var deadline = timeout is { } t ? time.GetUtcNow() + t : (DateTimeOffset?)null;
        var nextBookmark = time.GetUtcNow() + settings.BookmarkInterval;
        // Set once the deadline has passed and the last bookmark's progress marker is queued: the stream then only
        // writes what comes before the marker, the bookmark, and ends.
        var closing = false;
        await using var events = watch.Events(ended.Token).GetAsyncEnumerator(ended.Token);
        var pending = events.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                var now = time.GetUtcNow();
                var wake = closing ? null : bookmarks ? Min(nextBookmark, deadline) : deadline;
                if (wake is { } due && due <= now)
                {
                    if (deadline is { } end && end <= now)
                    {
                        if (!bookmarks)
                        {
                            return;
                        }
                        if (!watch.RequestProgress())
                        {
                            await WriteBookmarkAsync(response, resource, lastRevision, false, context.RequestAborted).ConfigureAwait(false);
                            return;
                        }
                        closing = true;
                        continue;
                    }
                    // Bookmarks carry the store's progress, not just this watch's last event, as upstream's carry the
                    // current resourceVersion: a watch on a quiet namespace (or selection) then resumes from a recent
                    // point instead of one the window has long dropped (410 and a full re-list). The marker comes
                    // through the watch's own queue, behind every event it covers. A full queue skips this one.
                    watch.RequestProgress();
                    nextBookmark = now + settings.BookmarkInterval;
                    continue;
                }
                if (wake is { } wakeAt)
                {
                    using var delayCancel = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
                    var delay = Task.Delay(wakeAt - now, time, delayCancel.Token);
                    var first = await Task.WhenAny(pending, delay).ConfigureAwait(false);
                    await delayCancel.CancelAsync().ConfigureAwait(false);
                    if (first != pending)
                    {
                        if (ended.IsCancellationRequested)
                        {
                            // The delay ends early only when the stream does (client gone, resource unserved, server
                            // stopping). The pending read is cancelled with the stream but completes asynchronously;
                            // looping would meet an already-cancelled delay again and again without yielding, and
                            // spin. Awaiting the read ends the loop and lets the reader be disposed.
                            await pending.ConfigureAwait(false);
                        }
                        continue;
                    }
                }
                if (!await pending.ConfigureAwait(false))
                {
                    return;
                }
                var change = events.Current;
                if (change.Type == WatchEventType.Progress)
                {
                    lastRevision = Math.Max(lastRevision, change.Revision);
                    await WriteBookmarkAsync(response, resource, lastRevision, false, context.RequestAborted).ConfigureAwait(false);
                    if (closing)
                    {
                        return;
                    }
                    pending = events.MoveNextAsync().AsTask();
                    continue;
                }
                lastRevision = change.Revision;
                await stream.WriteAsync(change, context.RequestAborted).ConfigureAwait(false);
                await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                pending = events.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested)
        {
            // The client went away, the resource is no longer served, or the server is stopping: the stream ends.
        }
        catch (WatchOverflowException)
        {
            // This watcher fell behind; ending the stream makes the client resume from its last resourceVersion.
        }
        finally
        {
            // Observe the outstanding read so that its cancellation is not reported as unobserved.
            _ = pending.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }

    private static DateTimeOffset? Min(DateTimeOffset a, DateTimeOffset? b) => b is { } other && other < a ? other : a;

    private static TimeSpan? ParseTimeout(HttpRequest request)
    {
        var text = Negotiation.Query(request, "timeoutSeconds");
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Min(seconds, 24 * 3600))
            : throw ApiException.BadRequest($"timeoutSeconds: Invalid value: \"{text}\": must be a non-negative integer");
    }

    private static async Task WriteEventAsync(HttpResponse response, string type, JsonNode obj, CancellationToken cancellationToken)
    {
        var line = Obj.ToBytes(new JsonObject { ["type"] = type, ["object"] = obj });
        await response.Body.WriteAsync(line, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static Task WriteBookmarkAsync(HttpResponse response, ResourceDefinition resource, long revision, bool initialEventsEnd, CancellationToken cancellationToken)
    {
        var metadata = new JsonObject { ["resourceVersion"] = revision.ToString(CultureInfo.InvariantCulture) };
        if (initialEventsEnd)
        {
            metadata["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        }
        return WriteEventAsync(response, "BOOKMARK", new JsonObject
        {
            ["kind"] = resource.Kind,
            ["apiVersion"] = resource.GroupVersion,
            ["metadata"] = metadata,
        }, cancellationToken);
    }

    /// <summary>Turns store events into this watcher's events: filtering, selector transitions, form.</summary>
    private sealed class EventWriter(Responses responses, HttpResponse response, ResourceDefinition resource, ResponseForm form, ObjectFilter filter, Printing.IncludeObject include)
    {
        private readonly bool _raw = form == ResponseForm.Object && filter.IsEmpty && !resource.IsCustom;
        private bool _columnsSent;

        public async Task WriteAsync(WatchEvent change, CancellationToken cancellationToken)
        {
            if (_raw)
            {
                var prefix = change.Type switch
                {
                    WatchEventType.Added => AddedPrefix,
                    WatchEventType.Modified => ModifiedPrefix,
                    _ => DeletedPrefix,
                };
                await response.Body.WriteAsync(prefix, cancellationToken).ConfigureAwait(false);
                await response.Body.WriteAsync(change.Value, cancellationToken).ConfigureAwait(false);
                await response.Body.WriteAsync(EventEnd, cancellationToken).ConfigureAwait(false);
                return;
            }
            var obj = ResourceService.Decode(resource, new StoredValue(change.Key, change.Revision, change.Value));
            var matchesNow = filter.Matches(obj);
            var before = change.PreviousValue is { } previous ? Obj.Parse(previous) : null;
            var matchedBefore = before is not null && filter.Matches(before);
            var type = change.Type switch
            {
                WatchEventType.Added => matchesNow ? "ADDED" : null,
                WatchEventType.Modified when matchesNow => matchedBefore ? "MODIFIED" : "ADDED",
                WatchEventType.Modified => matchedBefore ? "DELETED" : null,
                _ => matchedBefore || (change.PreviousValue is null && matchesNow) ? "DELETED" : null,
            };
            if (type is null)
            {
                return;
            }
            if (change.Type == WatchEventType.Modified && type == "DELETED")
            {
                // As upstream's watch cache: an object leaving the selection is deleted with its last state that
                // matched, stamped with the revision of the change that made it leave.
                obj = before!;
                obj["apiVersion"] = resource.GroupVersion;
                obj.Metadata()["resourceVersion"] = change.Revision.ToString(CultureInfo.InvariantCulture);
            }
            JsonNode payload = form switch
            {
                ResponseForm.Table => Table(obj),
                ResponseForm.PartialObjectMetadata => Responses.PartialObjectMetadata(obj),
                _ => obj,
            };
            var line = Obj.ToBytes(new JsonObject { ["type"] = type, ["object"] = payload });
            await response.Body.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            await response.Body.WriteAsync("\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A one-row Table; column definitions go with the first event only, as upstream sends them.</summary>
        private JsonObject Table(JsonObject obj)
        {
            var table = responses.Table(resource, [obj], new ListMeta(obj.ResourceVersion()), include, !_columnsSent);
            _columnsSent = true;
            return table;
        }
    }
}
