using Flotilla.Api.Meta;

namespace Flotilla.Client;

/// <summary>
/// Classifies <see cref="ApiException"/>s by the Status they carry, as client-go's <c>apierrors</c> does: by
/// <c>reason</c> first, falling back to the HTTP code only when the reason is not a known one.
/// </summary>
public static class ApiErrors
{
    private static readonly HashSet<string> KnownReasons =
    [
        "Unauthorized", "Forbidden", "NotFound", "AlreadyExists", "Conflict", "Gone", "Invalid", "ServerTimeout",
        "StoreReadError", "Timeout", "TooManyRequests", "BadRequest", "MethodNotAllowed", "NotAcceptable",
        "RequestEntityTooLarge", "UnsupportedMediaType", "InternalError", "Expired", "ServiceUnavailable",
    ];

    /// <summary>404: the object (or the resource) does not exist.</summary>
    public static bool IsNotFound(this ApiException e) => Is(e, "NotFound", 404);

    /// <summary>409 AlreadyExists: a create found an object with that name.</summary>
    public static bool IsAlreadyExists(this ApiException e) => e.Reason == "AlreadyExists";

    /// <summary>409 Conflict: a stale resourceVersion, failed preconditions or an apply conflict; re-read and retry.</summary>
    public static bool IsConflict(this ApiException e) => Is(e, "Conflict", 409);

    /// <summary>410 (Gone or Expired): the resourceVersion or continue token is too old. List again, then watch from the new list.</summary>
    public static bool IsGone(this ApiException e) => e.Reason is "Gone" or "Expired" || (!KnownReasons.Contains(e.Reason) && e.Code == 410);

    /// <summary>410 Expired specifically (client-go's <c>IsResourceExpired</c>).</summary>
    public static bool IsResourceExpired(this ApiException e) => e.Reason == "Expired";

    /// <summary>422 Invalid: validation failed; <see cref="ApiException.Details"/> lists the causes per field.</summary>
    public static bool IsInvalid(this ApiException e) => Is(e, "Invalid", 422);

    /// <summary>400 BadRequest.</summary>
    public static bool IsBadRequest(this ApiException e) => Is(e, "BadRequest", 400);

    /// <summary>401 Unauthorized: missing or rejected credentials.</summary>
    public static bool IsUnauthorized(this ApiException e) => Is(e, "Unauthorized", 401);

    /// <summary>403 Forbidden: not allowed (RBAC, or a terminating namespace).</summary>
    public static bool IsForbidden(this ApiException e) => Is(e, "Forbidden", 403);

    /// <summary>405 MethodNotAllowed: the resource does not support the verb.</summary>
    public static bool IsMethodNotSupported(this ApiException e) => Is(e, "MethodNotAllowed", 405);

    /// <summary>415 UnsupportedMediaType, e.g. a strategic merge patch on a custom resource.</summary>
    public static bool IsUnsupportedMediaType(this ApiException e) => Is(e, "UnsupportedMediaType", 415);

    /// <summary>429 TooManyRequests: the server shed load; retry later.</summary>
    public static bool IsTooManyRequests(this ApiException e) => Is(e, "TooManyRequests", 429);

    /// <summary>504 Timeout, or the server's 500 ServerTimeout.</summary>
    public static bool IsTimeout(this ApiException e) => e.Reason is "Timeout" or "ServerTimeout" || (!KnownReasons.Contains(e.Reason) && e.Code == 504);

    /// <summary>500 InternalError.</summary>
    public static bool IsInternalError(this ApiException e) => Is(e, "InternalError", 500);

    /// <summary>503 ServiceUnavailable.</summary>
    public static bool IsServiceUnavailable(this ApiException e) => Is(e, "ServiceUnavailable", 503);

    private static bool Is(ApiException e, string reason, int code) =>
        e.Reason == reason || (!KnownReasons.Contains(e.Reason) && e.Code == code);
}
