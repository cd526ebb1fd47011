using Flotilla.Api.Meta;
using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Informers;

/// <summary>
/// Keeps an <see cref="InformerStore{T}"/> equal to the server's state, as client-go's reflector does: list, then
/// watch from the list's resourceVersion; when a watch ends or breaks, watch again from the last resourceVersion seen
/// (bookmarks included); when the server no longer retains it (410), list again. Failures back off exponentially
/// with jitter; a watch that stays silent past <see cref="InformerOptions.WatchIdleTimeout"/> is restarted.
/// </summary>
/// <remarks>
/// Relies only on what every kube-apiserver guarantees: a list's resourceVersion is a point a watch can start from
/// without gaps or duplicates, events of one watch arrive in order, and resourceVersions are opaque (compared for
/// equality only). Lists are consistent reads (no <c>resourceVersion</c>), so a re-list never goes back in time.
/// </remarks>
internal sealed class Reflector<T>
    where T : class
{
    private readonly ResourceClient<T> _client;
    private readonly string? _labelSelector;
    private readonly string? _fieldSelector;
    private readonly InformerStore<T> _store;
    private readonly InformerOptions _options;
    private readonly ILogger _logger;
    private readonly string _name;
    private volatile string _resourceVersion = "";

    public Reflector(ResourceClient<T> client, string? labelSelector, string? fieldSelector, InformerStore<T> store, InformerOptions options, ILogger logger, string name)
    {
        _client = client;
        _labelSelector = labelSelector;
        _fieldSelector = fieldSelector;
        _store = store;
        _options = options;
        _logger = logger;
        _name = name;
    }

    /// <summary>The resourceVersion the cache reflects (of the last list, event or bookmark); empty before the first list.</summary>
    public string ResourceVersion => _resourceVersion;

    /// <summary>How many lists (the first one included) and watches were started: for tests and diagnostics.</summary>
    public int Lists { get; private set; }

    public int Watches { get; private set; }

    public async Task RunAsync(CancellationToken stopping)
    {
        var mustList = true;
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            var operation = mustList ? "list" : "watch";
            Exception? error = null;
            var backoff = false;
            try
            {
                if (mustList)
                {
                    await ListAsync(stopping).ConfigureAwait(false);
                    mustList = false;
                }
                operation = "watch";
                if (await WatchAsync(stopping).ConfigureAwait(false))
                {
                    failures = 0;
                    continue;
                }
                // A watch that ended without a single event or bookmark: the server may be ending every watch at
                // once (shutting down, say). Back off instead of spinning.
                failures++;
                backoff = true;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ApiException e) when (e.IsGone())
            {
                InformerLog.Expired(_logger, _name, _resourceVersion);
                mustList = true;
                // One 410 is routine (the watch fell out of the window); 410s in a row mean the list itself is
                // already too old when the watch starts, and listing again at once would not help.
                failures++;
                backoff = failures > 1;
                error = e;
            }
            catch (Exception e)
            {
                // Transport failures, server errors, malformed responses: try again later from where we are.
                failures++;
                backoff = true;
                error = e;
            }
            if (backoff && !await BackoffAsync(failures, error, operation, stopping).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    private async Task ListAsync(CancellationToken stopping)
    {
        Lists++;
        var list = await _client.ListAllAsync(new ListOptions { LabelSelector = _labelSelector, FieldSelector = _fieldSelector }, _options.PageSize, stopping).ConfigureAwait(false);
        _store.Replace(list.Items);
        _resourceVersion = list.ResourceVersion;
        InformerLog.Listed(_logger, _name, list.Items.Count, list.ResourceVersion);
    }

    /// <summary>One watch from <see cref="ResourceVersion"/>, until it ends; true when it delivered anything.</summary>
    private async Task<bool> WatchAsync(CancellationToken stopping)
    {
        Watches++;
        var from = _resourceVersion;
        var options = new WatchOptions
        {
            ResourceVersion = from,
            AllowBookmarks = true,
            LabelSelector = _labelSelector,
            FieldSelector = _fieldSelector,
            TimeoutSeconds = (int)(_options.MinWatchTimeout.TotalSeconds * (1 + Random.Shared.NextDouble())),
        };
        using var watch = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watchdog = new Watchdog(watch, _options.WatchIdleTimeout, _options.Time);
        await using var dog = watchdog.ConfigureAwait(false);
        var delivered = false;
        try
        {
            await foreach (var e in _client.WatchAsync(options, watch.Token).ConfigureAwait(false))
            {
                delivered = true;
                watchdog.Reset();
                if (e.Type != WatchEventType.Bookmark)
                {
                    _store.Apply(e.Type, e.Object);
                }
                if (e.ResourceVersion.Length > 0)
                {
                    _resourceVersion = e.ResourceVersion;
                }
            }
            InformerLog.WatchEnded(_logger, _name, from);
        }
        catch (OperationCanceledException) when (watchdog.Fired && !stopping.IsCancellationRequested)
        {
            InformerLog.WatchSilent(_logger, _name, _options.WatchIdleTimeout, _resourceVersion);
            // Restart at once: silence is not an error of the server's.
            return true;
        }
        return delivered;
    }

    /// <summary>Waits out the backoff for the <paramref name="failures"/>-th failure in a row; false when stopping.</summary>
    private async Task<bool> BackoffAsync(int failures, Exception? error, string operation, CancellationToken stopping)
    {
        var nominal = Math.Min(_options.MaxBackoff.TotalMilliseconds, _options.InitialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        // Between half the nominal delay and all of it, so that informers that failed together retry apart.
        var delay = TimeSpan.FromMilliseconds(nominal * (0.5 + (0.5 * Random.Shared.NextDouble())));
        if (error is not null)
        {
            InformerLog.Failed(_logger, error, _name, operation, failures, delay);
        }
        try
        {
            await Task.Delay(delay, _options.Time, stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Cancels a watch that has been silent for the idle timeout; <see cref="Reset"/> on every event.</summary>
    private sealed class Watchdog : IAsyncDisposable
    {
        private readonly CancellationTokenSource _watch;
        private readonly TimeSpan _timeout;
        private readonly ITimer? _timer;
        private readonly Lock _lock = new();
        private bool _disposed;
        private Task _cancelling = Task.CompletedTask;

        public Watchdog(CancellationTokenSource watch, TimeSpan timeout, TimeProvider time)
        {
            _watch = watch;
            _timeout = timeout;
            if (timeout != Timeout.InfiniteTimeSpan)
            {
                _timer = time.CreateTimer(static state => ((Watchdog)state!).Bark(), this, timeout, Timeout.InfiniteTimeSpan);
            }
        }

        public bool Fired { get; private set; }

        public void Reset() => _timer?.Change(_timeout, Timeout.InfiniteTimeSpan);

        /// <summary>Stops the timer and waits for a cancellation in progress, after which the watch's token source may be disposed.</summary>
        public async ValueTask DisposeAsync()
        {
            Task cancelling;
            lock (_lock)
            {
                _disposed = true;
                cancelling = _cancelling;
            }
            if (_timer is not null)
            {
                await _timer.DisposeAsync().ConfigureAwait(false);
            }
            await cancelling.ConfigureAwait(false);
        }

        private void Bark()
        {
            lock (_lock)
            {
                if (_disposed)
                {
                    return;
                }
                Fired = true;
                // CancelAsync runs the watch's cancellation callbacks off this thread (the timer's, or a test's
                // advancing a manual clock), and DisposeAsync waits for them.
                _cancelling = _watch.CancelAsync();
            }
        }
    }
}
