using System.Globalization;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// Builds <see cref="StatusCause"/>s with upstream's reasons and message bodies (<c>Invalid value: -1: must be …</c>,
/// <c>Required value</c>, <c>Unsupported value: "Foo": supported values: "A", "B"</c>). The cause's message is the body
/// only; <see cref="ApiException.Invalid"/> prefixes the field, exactly as kube-apiserver's Status does.
/// </summary>
internal static class FieldErrors
{
    public const string InvalidReason = "FieldValueInvalid";
    public const string RequiredReason = "FieldValueRequired";
    public const string NotSupportedReason = "FieldValueNotSupported";
    public const string DuplicateReason = "FieldValueDuplicate";
    public const string ForbiddenReason = "FieldValueForbidden";
    public const string TooLongReason = "FieldValueTooLong";
    public const string TooManyReason = "FieldValueTooMany";
    public const string TypeInvalidReason = "FieldValueTypeInvalid";

    public static StatusCause Invalid(FieldPath field, JsonNode? value, string detail) =>
        Invalid(field.ToString(), value, detail);

    public static StatusCause Invalid(string field, JsonNode? value, string detail) =>
        InvalidRendered(field, JsonGoFormat.Value(value), detail);

    public static StatusCause Invalid(string field, string value, string detail) =>
        InvalidRendered(field, GoFormat.Quote(value), detail);

    public static StatusCause Invalid(string field, long value, string detail) =>
        InvalidRendered(field, value.ToString(CultureInfo.InvariantCulture), detail);

    /// <summary>Invalid with a value already rendered (e.g. <see cref="GoFormat.StringMap"/>).</summary>
    public static StatusCause InvalidRendered(string field, string renderedValue, string detail) =>
        new(InvalidReason, WithDetail("Invalid value: " + renderedValue, detail), field);

    public static StatusCause Required(FieldPath field, string detail = "") => Required(field.ToString(), detail);

    public static StatusCause Required(string field, string detail = "") =>
        new(RequiredReason, WithDetail("Required value", detail), field);

    public static StatusCause NotSupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        NotSupportedRendered(field, JsonGoFormat.Value(value), supported);

    public static StatusCause NotSupported(string field, string value, IEnumerable<string> supported) =>
        NotSupportedRendered(field, GoFormat.Quote(value), supported);

    public static StatusCause Duplicate(string field, JsonNode? value) => DuplicateRendered(field, JsonGoFormat.Value(value));

    public static StatusCause Duplicate(string field, string value) => DuplicateRendered(field, GoFormat.Quote(value));

    public static StatusCause DuplicateRendered(string field, string renderedValue) =>
        new(DuplicateReason, "Duplicate value: " + renderedValue, field);

    public static StatusCause Forbidden(string field, string detail) =>
        new(ForbiddenReason, WithDetail("Forbidden", detail), field);

    /// <summary>Too long; the value itself is never echoed (it is too long to be useful).</summary>
    public static StatusCause TooLong(string field, string detail) =>
        new(TooLongReason, WithDetail("Too long", detail), field);

    public static StatusCause TooMany(string field, long actual, long max) =>
        new(TooManyReason, $"Too many: {actual.ToString(CultureInfo.InvariantCulture)}: must have at most {max.ToString(CultureInfo.InvariantCulture)} items", field);

    /// <summary>The schema's type does not match; rendered like Invalid, with its own reason.</summary>
    public static StatusCause TypeInvalid(string field, string value, string detail) =>
        new(TypeInvalidReason, WithDetail("Invalid value: " + GoFormat.Quote(value), detail), field);

    private static StatusCause NotSupportedRendered(string field, string renderedValue, IEnumerable<string> supported)
    {
        var quoted = string.Join(", ", supported.Select(GoFormat.Quote));
        return new(NotSupportedReason, WithDetail("Unsupported value: " + renderedValue, quoted.Length == 0 ? "" : "supported values: " + quoted), field);
    }

    private static string WithDetail(string head, string detail) => detail.Length == 0 ? head : head + ": " + detail;
}
