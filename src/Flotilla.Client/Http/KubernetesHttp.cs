using System.Net;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;
using Flotilla.Client.Config;
using Microsoft.Extensions.Logging;

namespace Flotilla.Client.Http;

/// <summary>
/// The transport of one client: sends <see cref="ApiRequest"/>s to one server over its shared handler, with the
/// bearer token, User-Agent and Accept headers, client-side rate limiting, a per-request timeout (not for
/// watches) and retries (<see cref="RetryPolicy"/>). Error responses become <see cref="ApiException"/>s carrying
/// the server's Status.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The invoker does not own the shared handler (disposeHandler: false); there is nothing to dispose.")]
internal sealed class KubernetesHttp
{
    private readonly HttpMessageInvoker _invoker;
    private readonly string _baseUrl;
    private readonly BearerToken? _token;
    private readonly TokenBucket? _limiter;
    private readonly RetryPolicy _retry;
    private readonly TimeProvider _time;
    private readonly TimeSpan _requestTimeout;
    private readonly string _userAgent;
    private readonly ILogger _logger;

    public KubernetesHttp(ClusterConnection connection, KubernetesClientOptions options, ILogger logger)
    {
        HttpMessageHandler handler = SharedHandlers.For(connection);
        if (options.WrapHandler is { } wrap)
        {
            handler = wrap(handler);
        }
        _invoker = new HttpMessageInvoker(handler, disposeHandler: false);
        _baseUrl = connection.Server.GetLeftPart(UriPartial.Authority) + connection.Server.AbsolutePath.TrimEnd('/');
        _time = options.Time;
        _token = BearerToken.For(connection, _time);
        _limiter = options.QueriesPerSecond > 0 ? new TokenBucket(options.QueriesPerSecond, options.Burst, _time) : null;
        _retry = new RetryPolicy(options.MaxRetries, options.InitialBackoff, options.MaxBackoff);
        _requestTimeout = options.RequestTimeout;
        _userAgent = options.UserAgent ?? UserAgent.Default;
        _logger = logger;
        foreach (var warning in connection.Warnings)
        {
            ClientLog.ConfigurationWarning(logger, connection.Server, warning);
        }
    }

    /// <summary>Sends a request and returns its buffered successful response.</summary>
    public async Task<ApiResponse> SendAsync(ApiRequest request, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, streaming: false, cancellationToken).ConfigureAwait(false);
        // Buffered inside the retry loop, so this read does no I/O.
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new ApiResponse((int)response.StatusCode, body, response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Starts a streaming request (a watch): returns once a successful response's headers arrive.</summary>
    public Task<HttpResponseMessage> OpenStreamAsync(ApiRequest request, CancellationToken cancellationToken) =>
        SendAsync(request, streaming: true, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(ApiRequest request, bool streaming, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_limiter is not null)
            {
                await _limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            // A watch is meant to stay open; only the caller ends it.
            using var deadline = streaming ? null : new CancellationTokenSource(_requestTimeout, _time);
            using var linked = deadline is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            var token = linked?.Token ?? cancellationToken;
            HttpResponseMessage? response = null;
            Exception? failure = null;
            try
            {
                using (var message = Build(request))
                {
                    response = await _invoker.SendAsync(message, token).ConfigureAwait(false);
                }
                if (!streaming || !response.IsSuccessStatusCode)
                {
                    await response.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new TimeoutException($"{request.Method} {request.PathAndQuery} did not complete within {_requestTimeout.TotalSeconds:0.###}s", e);
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                failure = e;
            }
            if (failure is not null)
            {
                response?.Dispose();
                if (!_retry.ShouldRetry(request, failure, attempt))
                {
                    ExceptionDispatchInfo.Throw(failure);
                }
                await WaitToRetryAsync(request, attempt, null, failure.Message, cancellationToken).ConfigureAwait(false);
                continue;
            }
            if (response!.IsSuccessStatusCode)
            {
                LogWarnings(request, response);
                return response;
            }
            using (response)
            {
                if (!_retry.ShouldRetry(request, response, attempt))
                {
                    throw await ErrorAsync(request, response, cancellationToken).ConfigureAwait(false);
                }
                await WaitToRetryAsync(request, attempt, response.Headers.RetryAfter, $"{(int)response.StatusCode} {response.ReasonPhrase}", cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private Task WaitToRetryAsync(ApiRequest request, int attempt, RetryConditionHeaderValue? retryAfter, string why, CancellationToken cancellationToken)
    {
        var delay = _retry.Delay(attempt, retryAfter, _time.GetUtcNow());
        ClientLog.Retrying(_logger, request.Method, request.PathAndQuery, why, attempt + 1, delay);
        return Task.Delay(delay, _time, cancellationToken);
    }

    private HttpRequestMessage Build(ApiRequest request)
    {
        var message = new HttpRequestMessage(request.Method, new Uri(_baseUrl + request.PathAndQuery))
        {
            // HTTP/2 when the server offers it through ALPN; HTTP/1.1 otherwise (and always over plain http).
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        message.Headers.TryAddWithoutValidation("User-Agent", _userAgent);
        message.Headers.TryAddWithoutValidation("Accept", request.Accept);
        if (_token?.Current() is { Length: > 0 } token)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (request.Body is { } body)
        {
            message.Content = new ReadOnlyMemoryContent(body);
            message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType ?? "application/json");
        }
        return message;
    }

    private void LogWarnings(ApiRequest request, HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Warning", out var warnings))
        {
            return;
        }
        foreach (var warning in warnings)
        {
            // "299 - "text"": the agent is always "-" for the API server; log the text.
            var start = warning.IndexOf('"', StringComparison.Ordinal);
            var end = warning.LastIndexOf('"');
            ClientLog.ServerWarning(_logger, request.Method, request.PathAndQuery, start >= 0 && end > start ? warning[(start + 1)..end] : warning);
        }
    }

    /// <summary>The error a non-2xx response stands for: the server's Status when it sent one, else one made from the code.</summary>
    private static async Task<ApiException> ErrorAsync(ApiRequest request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length > 0 && body[0] == (byte)'{')
        {
            try
            {
                var status = Obj.Parse(body);
                if (status.GetString("kind") == "Status")
                {
                    return ApiException.FromStatus(code, status, $"the server responded with {code}");
                }
            }
            catch (JsonException)
            {
                // Not JSON after all; describe it below.
            }
        }
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 256)).Trim();
        var message = $"the server responded with {code} {response.ReasonPhrase} to {request.Method} {request.PathAndQuery}" + (text.Length > 0 ? $": {text}" : "");
        return new ApiException(code, ReasonFor(code), message);
    }

    /// <summary>client-go's reasons for responses without a Status body.</summary>
    private static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Gone",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        >= 500 => "InternalError",
        _ => "Unknown",
    };
}
