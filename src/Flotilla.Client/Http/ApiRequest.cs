namespace Flotilla.Client.Http;

/// <summary>
/// Everything needed to (re)build one request, since an <see cref="HttpRequestMessage"/> cannot be sent twice.
/// <see cref="Idempotent"/> says whether sending it again after the server may have seen it is safe; see
/// <see cref="RetryPolicy"/>.
/// </summary>
/// <param name="Method">The HTTP method.</param>
/// <param name="PathAndQuery">Path (escaped) and query below the server URL, starting with '/'.</param>
/// <param name="Idempotent">
/// Safe to replay after the server may have seen it: a read, a PUT, an apply, or a write guarded by a precondition.
/// Deliberately required: a write path must decide.
/// </param>
/// <param name="Body">The request body, if any.</param>
/// <param name="ContentType">The body's media type.</param>
/// <param name="Accept">The Accept header.</param>
internal sealed record ApiRequest(
    HttpMethod Method, string PathAndQuery, bool Idempotent, ReadOnlyMemory<byte>? Body = null, string? ContentType = null,
    string Accept = "application/json")
{
    /// <summary>A GET (get, list, watch start, discovery): always safe to retry.</summary>
    public static ApiRequest Get(string pathAndQuery, string accept = "application/json") => new(HttpMethod.Get, pathAndQuery, Idempotent: true, Accept: accept);
}

/// <summary>A buffered successful response.</summary>
internal sealed record ApiResponse(int StatusCode, byte[] Body, string? ContentType);
