using System.Net;
using System.Net.Http.Headers;

namespace Flotilla.Client.Http;

/// <summary>
/// When a failed attempt is tried again, and after how long.
/// <list type="bullet">
/// <item>A request that provably never reached the server (connection refused or unreachable, name resolution
/// failed) is retried whatever its method: nothing happened.</item>
/// <item>Otherwise only idempotent requests are retried (GET, PUT, apply, and a PATCH or DELETE guarded by a
/// resourceVersion or uid precondition, which fails with 409 rather than acting twice). A POST, an unguarded PATCH
/// or DELETE and a deletecollection are never sent twice: the server may have acted on the first one.</item>
/// <item>Responses worth retrying: 429, 502, 503 and 504, and any other 5xx that carries Retry-After.</item>
/// <item>The delay is the server's Retry-After when it gives one, else exponential backoff with jitter.</item>
/// </list>
/// </summary>
internal sealed class RetryPolicy(int maxRetries, TimeSpan initialBackoff, TimeSpan maxBackoff)
{
    /// <summary>A Retry-After beyond this is treated as this; a misbehaving proxy must not park a controller for hours.</summary>
    private static readonly TimeSpan RetryAfterCap = TimeSpan.FromMinutes(5);

    public int MaxRetries => maxRetries;

    /// <summary>True when the exception proves the request never left this process (no connection was made).</summary>
    public static bool NeverSent(HttpRequestException e) =>
        e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

    /// <summary>Whether to try again after a transport failure (no response).</summary>
    public bool ShouldRetry(ApiRequest request, Exception failure, int attempt) =>
        attempt < maxRetries && failure switch
        {
            // A TLS handshake failure (untrusted certificate, wrong host) will fail the same way again.
            HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => false,
            HttpRequestException e when NeverSent(e) => true,
            HttpRequestException or IOException or TimeoutException => request.Idempotent,
            _ => false,
        };

    /// <summary>Whether to try again after an error response.</summary>
    public bool ShouldRetry(ApiRequest request, HttpResponseMessage response, int attempt) =>
        attempt < maxRetries && request.Idempotent && response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => true,
            >= HttpStatusCode.InternalServerError => response.Headers.RetryAfter is not null,
            _ => false,
        };

    /// <summary>The server's Retry-After when present, else backoff for this attempt (0-based).</summary>
    public TimeSpan Delay(int attempt, RetryConditionHeaderValue? retryAfter, DateTimeOffset now)
    {
        if (retryAfter?.Delta is { } delta)
        {
            return Clamp(delta);
        }
        if (retryAfter?.Date is { } date)
        {
            return Clamp(date - now);
        }
        return Backoff(attempt, Random.Shared.NextDouble());
    }

    /// <summary>
    /// Exponential backoff with "equal jitter": the nominal delay doubles per attempt up to the maximum, and the
    /// actual delay is uniformly between half of it and all of it, so that clients that failed together do not
    /// retry together.
    /// </summary>
    public TimeSpan Backoff(int attempt, double random)
    {
        var nominal = Math.Min(maxBackoff.TotalMilliseconds, initialBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds((nominal / 2) + (nominal / 2 * random));
    }

    private static TimeSpan Clamp(TimeSpan delay) => delay < TimeSpan.Zero ? TimeSpan.Zero : delay > RetryAfterCap ? RetryAfterCap : delay;
}
