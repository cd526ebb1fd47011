using System.Collections.Concurrent;
using System.Net;

namespace Flotilla.Client.Tests.Support;

/// <summary>
/// Network faults for watches, between the client and the shared handler (the internal WrapHandler seam):
/// <see cref="Partition"/> breaks every open watch stream (reads fail as on a reset connection) and holds new watch
/// requests until <see cref="Heal"/>; <see cref="Silence"/> answers watches with a stream that never sends a byte,
/// as a half-open connection does. Other requests pass untouched. Counts the watch and list requests it passes.
/// </summary>
internal sealed class WatchFaults : DelegatingHandler
{
    private readonly ConcurrentDictionary<CancellationTokenSource, byte> _open = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource? _healed;
    private int _watches;
    private int _lists;

    public WatchFaults(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>When set, watches get a silent stream instead of reaching the server.</summary>
    public bool Silence { get; set; }

    /// <summary>Watch requests answered (by the server, once their stream can be broken, or by the silence).</summary>
    public int Watches => Volatile.Read(ref _watches);

    /// <summary>Collection GETs that were not watches.</summary>
    public int Lists => Volatile.Read(ref _lists);

    /// <summary>Breaks open watches and holds new ones until <see cref="Heal"/>.</summary>
    public void Partition()
    {
        lock (_lock)
        {
            _healed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        foreach (var open in _open.Keys)
        {
            open.Cancel();
        }
    }

    /// <summary>Lets held and new watches through.</summary>
    public void Heal()
    {
        TaskCompletionSource? healed;
        lock (_lock)
        {
            healed = _healed;
            _healed = null;
        }
        healed?.TrySetResult();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var query = request.RequestUri!.Query;
        if (!query.Contains("watch=true", StringComparison.Ordinal))
        {
            if (request.Method == HttpMethod.Get && !query.Contains("fieldSelector=metadata.name", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _lists);
            }
            return await base.SendAsync(request, cancellationToken);
        }
        Task? held;
        lock (_lock)
        {
            held = _healed?.Task;
        }
        if (held is not null)
        {
            await held.WaitAsync(cancellationToken);
        }
        if (Silence)
        {
            Interlocked.Increment(ref _watches);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new SilentStream()), RequestMessage = request };
        }
        var response = await base.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return response;
        }
        var breaker = new CancellationTokenSource();
        _open.TryAdd(breaker, 0);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var wrapped = new StreamContent(new BreakableStream(body, breaker, () => _open.TryRemove(breaker, out _)));
        foreach (var header in response.Content.Headers)
        {
            wrapped.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content = wrapped;
        // Counted once breakable: a partition after a test saw this count breaks this watch.
        Interlocked.Increment(ref _watches);
        return response;
    }

    /// <summary>A response body whose reads fail with an IOException once its breaker is cancelled.</summary>
    private sealed class BreakableStream(Stream inner, CancellationTokenSource breaker, Action closed) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, breaker.Token);
            try
            {
                return await inner.ReadAsync(buffer, linked.Token);
            }
            catch (OperationCanceledException) when (breaker.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new IOException("the connection was reset (test partition)");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                closed();
                breaker.Dispose();
                inner.Dispose();
            }
            base.Dispose(disposing);
        }
    }

    /// <summary>A body that never yields a byte: reads wait until cancelled.</summary>
    private sealed class SilentStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
