using Flotilla.Api.Meta;

namespace Flotilla.Api.Admission;

/// <summary>
/// What fleet admission decided about one create or update. A refusal comes in one of the two shapes a real API
/// server produces, because clients (and users comparing messages) see them differently:
/// <list type="bullet">
/// <item>schema and CEL rule violations (<see cref="FieldErrors"/>): 422 Invalid, one cause per field, printed by
/// kubectl as <c>The Kind "name" is invalid: spec.policy: Invalid value: "object": placement type is immutable</c>;</item>
/// <item>a validating webhook's denial (<see cref="Denial"/>): 403 Forbidden, printed as
/// <c>admission webhook "fleet.clusterresourceplacementv1beta1.validating" denied the request: &lt;message&gt;</c>.</item>
/// </list>
/// </summary>
/// <remarks>
/// A real API server evaluates CEL rules before it calls validating webhooks, so a result never carries both: when
/// a rule fails the webhook part is not consulted. Results are immutable values.
/// </remarks>
public sealed class AdmissionResult
{
    private AdmissionResult(IReadOnlyList<StatusCause> fieldErrors, string? webhook, string? denial, string? message)
    {
        FieldErrors = fieldErrors;
        Webhook = webhook;
        Denial = denial;
        Message = message;
    }

    /// <summary>Admitted, with nothing to say.</summary>
    public static AdmissionResult Allowed { get; } = new([], null, null, null);

    /// <summary>The CEL/schema violations (422 Invalid); empty unless the request is invalid.</summary>
    public IReadOnlyList<StatusCause> FieldErrors { get; }

    /// <summary>The name of the webhook that decided, e.g. <c>fleet.clusterresourceplacementv1beta1.validating</c>.</summary>
    public string? Webhook { get; }

    /// <summary>The webhook's denial message (403 Forbidden); null unless denied.</summary>
    public string? Denial { get; }

    /// <summary>The webhook's own explanation of an allowed request (upstream logs it; clients never see it).</summary>
    public string? Message { get; }

    public bool IsAllowed => FieldErrors.Count == 0 && Denial is null;

    public bool IsInvalid => FieldErrors.Count > 0;

    public bool IsDenied => Denial is not null;

    /// <summary>Admitted by <paramref name="webhook"/> with its explanation.</summary>
    public static AdmissionResult Allow(string webhook, string message) => new([], webhook, null, message);

    /// <summary>Refused by <paramref name="webhook"/> with <paramref name="message"/>.</summary>
    public static AdmissionResult Deny(string webhook, string message) => new([], webhook, message, null);

    /// <summary>Refused because of rule violations; an empty list means admitted.</summary>
    public static AdmissionResult Invalid(IEnumerable<StatusCause> fieldErrors)
    {
        ArgumentNullException.ThrowIfNull(fieldErrors);
        var list = fieldErrors.ToList();
        return list.Count == 0 ? Allowed : new AdmissionResult(list.AsReadOnly(), null, null, null);
    }

    /// <summary>
    /// The refusal as the API boundary's exception: <see cref="ApiException.Invalid"/> for rule violations (the kind,
    /// not the resource, names the object, as upstream), 403 Forbidden for a denial; null when admitted.
    /// </summary>
    public ApiException? ToException(string kind, string group, string name)
    {
        if (FieldErrors.Count > 0)
        {
            return ApiException.Invalid(kind, group, name, FieldErrors);
        }
        if (Denial is not null)
        {
            return ApiException.Forbidden($"admission webhook \"{Webhook}\" denied the request: {Denial}");
        }
        return null;
    }

    public override string ToString() =>
        FieldErrors.Count > 0 ? "invalid: " + string.Join(", ", FieldErrors.Select(e => $"{e.Field}: {e.Message}"))
        : Denial is not null ? $"denied by {Webhook}: {Denial}"
        : "allowed";
}

/// <summary>
/// Builds the <see cref="StatusCause"/>s of a 422 Invalid with upstream's reasons and bodies. The cause's message is
/// the body only (<c>Invalid value: "object": …</c>); <see cref="ApiException.Invalid"/> prefixes the field.
/// </summary>
public static class FieldError
{
    public const string InvalidReason = "FieldValueInvalid";
    public const string RequiredReason = "FieldValueRequired";
    public const string ForbiddenReason = "FieldValueForbidden";

    /// <summary>
    /// How upstream prints the path of a rule declared on the object's root type (a nil field path), e.g.
    /// <c>&lt;nil&gt;: Invalid value: "object": metadata.name max length is 63</c>.
    /// </summary>
    public const string RootPath = "<nil>";

    /// <summary>
    /// A failed CEL rule (<c>x-kubernetes-validations</c>): upstream reports the schema type of the node the rule is
    /// declared on as the "value": <c>object</c>, <c>array</c>, <c>string</c>, <c>integer</c>, or the empty string for
    /// int-or-string fields.
    /// </summary>
    public static StatusCause Cel(string path, string schemaType, string message) =>
        Invalid(path, Quote(schemaType), message);

    /// <summary><c>Invalid value: &lt;rendered&gt;: detail</c>; <paramref name="renderedValue"/> is already Go-formatted.</summary>
    public static StatusCause Invalid(string path, string renderedValue, string detail) =>
        new(InvalidReason, WithDetail("Invalid value: " + renderedValue, detail), path);

    public static StatusCause Required(string path, string detail = "") =>
        new(RequiredReason, WithDetail("Required value", detail), path);

    public static StatusCause Forbidden(string path, string detail) =>
        new(ForbiddenReason, WithDetail("Forbidden", detail), path);

    // Go's %q for the plain ASCII type names used here.
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string WithDetail(string head, string detail) => detail.Length == 0 ? head : head + ": " + detail;
}
