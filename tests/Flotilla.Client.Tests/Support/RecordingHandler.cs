using System.Collections.Concurrent;

namespace Flotilla.Client.Tests.Support;

/// <summary>
/// Sits between the client and the shared handler (through the internal WrapHandler seam): records every attempt
/// with the response's HTTP version, and lets a test fail chosen attempts before they leave the process.
/// </summary>
internal sealed class RecordingHandler : DelegatingHandler
{
    private int _attempts;

    public RecordingHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    /// <summary>Decides per attempt (1-based): return an exception to throw instead of sending, or null to send.</summary>
    public Func<HttpRequestMessage, int, Exception?>? Fault { get; init; }

    /// <summary>Rewrites the request before it is sent (e.g. to aim it at a closed port).</summary>
    public Action<HttpRequestMessage, int>? Rewrite { get; init; }

    public ConcurrentQueue<(HttpMethod Method, string PathAndQuery, Version? ResponseVersion, string? Error)> Attempts { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var attempt = Interlocked.Increment(ref _attempts);
        var path = request.RequestUri!.PathAndQuery;
        if (Fault?.Invoke(request, attempt) is { } fault)
        {
            Attempts.Enqueue((request.Method, path, null, fault.Message));
            throw fault;
        }
        Rewrite?.Invoke(request, attempt);
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            Attempts.Enqueue((request.Method, path, response.Version, null));
            return response;
        }
        catch (Exception e)
        {
            Attempts.Enqueue((request.Method, path, null, e.Message));
            throw;
        }
    }
}
