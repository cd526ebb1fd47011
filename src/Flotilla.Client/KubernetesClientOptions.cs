using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flotilla.Client;

/// <summary>Tuning of a <see cref="KubernetesClient"/>: rate limits, retries, timeouts, clock and logging.</summary>
public sealed class KubernetesClientOptions
{
    /// <summary>
    /// Sustained requests per second (client-go's default of 5 is far too low for a fleet controller). Zero or less
    /// disables client-side rate limiting.
    /// </summary>
    public double QueriesPerSecond { get; init; } = 50;

    /// <summary>Requests that may go at once before <see cref="QueriesPerSecond"/> applies.</summary>
    public int Burst { get; init; } = 100;

    /// <summary>How many times a failed request is retried (when retrying is safe; see the docs).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The backoff before the first retry when the server gives no Retry-After; doubles per retry.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff between retries (a server's Retry-After is honoured as given).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt of a non-watch request may take, response body included.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The clock for rate limiting, backoff, timeouts and token-file refresh.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Where configuration warnings, server <c>Warning</c> headers and retries are logged.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Overrides the User-Agent, by default <c>flotilla/&lt;version&gt; (&lt;os&gt;/&lt;arch&gt;)</c>.</summary>
    public string? UserAgent { get; init; }

    /// <summary>Test seam: wraps the shared handler (fault injection, observation).</summary>
    internal Func<HttpMessageHandler, HttpMessageHandler>? WrapHandler { get; init; }

    internal KubernetesClientOptions Validated()
    {
        if (QueriesPerSecond > 0 && Burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Burst), Burst, $"{nameof(Burst)} must be at least 1 when {nameof(QueriesPerSecond)} is positive.");
        }
        if (MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, $"{nameof(MaxRetries)} must be zero (no retries) or more.");
        }
        if (InitialBackoff < TimeSpan.Zero || MaxBackoff < InitialBackoff)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBackoff), MaxBackoff, $"{nameof(InitialBackoff)} must be non-negative and {nameof(MaxBackoff)} at least {nameof(InitialBackoff)}.");
        }
        if (RequestTimeout <= TimeSpan.Zero && RequestTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, $"{nameof(RequestTimeout)} must be positive; use Timeout.InfiniteTimeSpan for none.");
        }
        return this;
    }
}
