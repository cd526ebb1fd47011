namespace Flotilla.Client;

/// <summary>How the server treats fields it does not know (<c>fieldValidation</c>).</summary>
public enum FieldValidation
{
    /// <summary>Drop unknown fields silently.</summary>
    Ignore,

    /// <summary>Drop unknown fields and answer with <c>Warning</c> headers (the server default).</summary>
    Warn,

    /// <summary>Reject the request (400) when it has unknown or duplicate fields.</summary>
    Strict,
}

/// <summary>What happens to an object's dependents when it is deleted.</summary>
public enum PropagationPolicy
{
    /// <summary>Delete the object now; the garbage collector deletes dependents afterwards.</summary>
    Background,

    /// <summary>Delete dependents first; the object goes once none that block its deletion remain.</summary>
    Foreground,

    /// <summary>Keep dependents, removing their owner references.</summary>
    Orphan,
}

/// <summary>Options of list requests: selectors, pagination and resourceVersion semantics.</summary>
public sealed record ListOptions
{
    /// <summary>A label selector, e.g. <c>app=web,tier!=db</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>A field selector, e.g. <c>metadata.name=web</c>.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>The most items per page; the response then carries a continue token when more remain.</summary>
    public int? Limit { get; init; }

    /// <summary>The continue token of the previous page.</summary>
    public string? Continue { get; init; }

    /// <summary>
    /// Opaque resourceVersion to serve from: unset = most recent (a consistent read), <c>"0"</c> = any (may be
    /// served from a cache). Never compare or compute resourceVersions; only pass them back.
    /// </summary>
    public string? ResourceVersion { get; init; }

    /// <summary><c>NotOlderThan</c> or <c>Exact</c>; meaningful only with <see cref="ResourceVersion"/>.</summary>
    public string? ResourceVersionMatch { get; init; }
}

/// <summary>Options of watch requests.</summary>
public sealed record WatchOptions
{
    /// <summary>A label selector, e.g. <c>app=web</c>.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>A field selector, e.g. <c>metadata.name=web</c>.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>
    /// Where to start: the resourceVersion of the list this watch follows, or of the last event seen, to get exactly
    /// the changes after it. Unset starts with synthetic ADDED events for every current object. A version the
    /// server no longer retains ends the watch with 410 Gone (<see cref="ApiErrors.IsGone"/>): list again.
    /// </summary>
    public string? ResourceVersion { get; init; }

    /// <summary>Ask for BOOKMARK events, which carry a newer resourceVersion to resume from. On by default.</summary>
    public bool AllowBookmarks { get; init; } = true;

    /// <summary>Ask the server to end the stream after this many seconds (it sends a last bookmark first).</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>Options of create, update and patch.</summary>
public sealed record WriteOptions
{
    /// <summary>Run admission and validation and return the result without persisting it (<c>dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>The manager recorded in managedFields; the server otherwise uses the User-Agent's product.</summary>
    public string? FieldManager { get; init; }

    /// <summary>How the server treats unknown fields; unset leaves the server default.</summary>
    public FieldValidation? FieldValidation { get; init; }
}

/// <summary>Options of server-side apply.</summary>
public sealed record ApplyOptions
{
    /// <summary>The field manager that owns the applied fields. Required by the API for apply.</summary>
    public required string FieldManager { get; init; }

    /// <summary>Take ownership of fields other managers own instead of failing with 409 Conflict.</summary>
    public bool Force { get; init; }

    /// <summary>Run everything without persisting (<c>dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>How the server treats unknown fields; unset leaves the server default.</summary>
    public FieldValidation? FieldValidation { get; init; }
}

/// <summary>Options of delete and deletecollection, sent as a <c>DeleteOptions</c> body.</summary>
public sealed record DeleteOptions
{
    /// <summary>Delete only if the object still has this uid (else 409 Conflict). Makes the delete safe to retry.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Delete only if the object is still at this resourceVersion (else 409 Conflict). Makes the delete safe to retry.</summary>
    public string? PreconditionResourceVersion { get; init; }

    /// <summary>What happens to dependents; unset leaves the server default (Background for almost every kind).</summary>
    public PropagationPolicy? PropagationPolicy { get; init; }

    /// <summary>Grace period before deletion; 0 deletes at once.</summary>
    public long? GracePeriodSeconds { get; init; }

    /// <summary>Validate the deletion without performing it.</summary>
    public bool DryRun { get; init; }
}
