using Flotilla.ApiServer.Schema;

namespace Flotilla.ApiServer.Core;

/// <summary>Per-request write options and the warnings the request accumulates for the response.</summary>
internal sealed class RequestOptions
{
    /// <summary><c>dryRun=All</c>: run everything, persist nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>The field manager recorded in managedFields: the <c>fieldManager</c> parameter, else the User-Agent's product.</summary>
    public string Manager { get; init; } = "unknown";

    /// <summary>Whether the client named the manager explicitly (server-side apply requires it).</summary>
    public bool ManagerGiven { get; init; }

    /// <summary>Upstream's default when the parameter is absent is Warn.</summary>
    public FieldValidationMode FieldValidation { get; init; } = FieldValidationMode.Warn;

    /// <summary>Fields the request body named twice (a Strict error, a warning otherwise).</summary>
    public IReadOnlyList<string> DuplicateFields { get; set; } = [];

    /// <summary>A server-side apply: managedFields are maintained by the apply itself, not as an Update.</summary>
    public bool IsApply { get; init; }

    /// <summary>Server-side apply: take ownership of conflicting fields.</summary>
    public bool Force { get; init; }

    /// <summary>Warnings to send as <c>Warning: 299 - "…"</c> headers.</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Options for the server's own writes (garbage collector, namespace and CRD lifecycle).</summary>
    public static RequestOptions System(string manager) => new() { Manager = manager, ManagerGiven = true, FieldValidation = FieldValidationMode.Ignore };
}

/// <summary>DELETE options, from the query or a <c>DeleteOptions</c> body.</summary>
internal sealed record DeleteOptions(
    PropagationPolicy? Propagation = null,
    string? PreconditionUid = null,
    string? PreconditionResourceVersion = null,
    bool DryRun = false);

internal enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}
