using System.Globalization;
using System.Text;
using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking.Admission;

/// <summary>
/// The 422 causes an API server's OpenAPI schema validation produces, for the typed validators that check schema
/// rules the typed model can express (enum, bounds, lengths, patterns). Bodies match Flotilla's own schema validator
/// (<c>spec.x: Invalid value: 0: spec.x in body should be greater than or equal to 1</c>), so a typed check and the
/// server's structural check read the same.
/// </summary>
internal static class SchemaErrors
{
    public const string NotSupportedReason = "FieldValueNotSupported";
    public const string TooLongReason = "FieldValueTooLong";
    public const string TooManyReason = "FieldValueTooMany";

    public static StatusCause NotSupported(string path, string value, params string[] supported) =>
        new(NotSupportedReason, $"Unsupported value: {Quote(value)}: supported values: {string.Join(", ", supported.Select(Quote))}", path);

    public static StatusCause TooLong(string path, int maxLength) =>
        new(TooLongReason, "Too long: may not be longer than " + maxLength.ToString(CultureInfo.InvariantCulture), path);

    public static StatusCause TooMany(string path, int actual, int max) =>
        new(TooManyReason, $"Too many: {actual.ToString(CultureInfo.InvariantCulture)}: must have at most {max.ToString(CultureInfo.InvariantCulture)} items", path);

    public static StatusCause Pattern(string path, string value, string pattern) =>
        FieldError.Invalid(path, Quote(value), $"{path} in body should match '{pattern}'");

    public static StatusCause Minimum(string path, long value, long minimum) =>
        FieldError.Invalid(path, Number(value), $"{path} in body should be greater than or equal to {Number(minimum)}");

    public static StatusCause Maximum(string path, long value, long maximum) =>
        FieldError.Invalid(path, Number(value), $"{path} in body should be less than or equal to {Number(maximum)}");

    /// <summary>Go's <c>%q</c>: double quotes, with backslash escapes for quotes, backslashes and control characters.</summary>
    public static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
