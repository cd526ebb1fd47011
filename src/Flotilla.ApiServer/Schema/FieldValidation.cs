using System.Globalization;
using System.Text;
using Flotilla.Api.Meta;

namespace Flotilla.ApiServer.Schema;

/// <summary>The <c>fieldValidation</c> query parameter: what to do about unknown and duplicate fields.</summary>
internal enum FieldValidationMode
{
    /// <summary>Drop them silently.</summary>
    Ignore,

    /// <summary>Drop them and tell the client in <c>Warning</c> headers (upstream's default).</summary>
    Warn,

    /// <summary>Reject the request with 400 BadRequest.</summary>
    Strict,
}

/// <summary>
/// Turns unknown and duplicate fields into what the client sees for its <c>fieldValidation</c> mode: a 400
/// strict decoding error, <c>Warning: 299</c> header values, or nothing.
/// </summary>
internal static class FieldValidation
{
    /// <summary>
    /// Parses the query value case-sensitively as upstream does; absent means <see cref="FieldValidationMode.Warn"/>.
    /// An unknown value is a 400.
    /// </summary>
    public static FieldValidationMode Parse(string? value) => value switch
    {
        null or "" => FieldValidationMode.Warn,
        "Ignore" => FieldValidationMode.Ignore,
        "Warn" => FieldValidationMode.Warn,
        "Strict" => FieldValidationMode.Strict,
        _ => throw ApiException.BadRequest($"fieldValidation: Unsupported value: {GoFormat.Quote(value)}: supported values: \"Ignore\", \"Warn\", \"Strict\""),
    };

    /// <summary><c>unknown field "spec.foo"</c></summary>
    public static string UnknownField(string path) => $"unknown field {GoFormat.Quote(path)}";

    /// <summary><c>duplicate field "spec.replicas"</c></summary>
    public static string DuplicateField(string path) => $"duplicate field {GoFormat.Quote(path)}";

    /// <summary>
    /// Applies <paramref name="mode"/> to the problems found while reading a body. Strict with any problem throws a
    /// 400 naming all of them (duplicates first, as upstream's decoder finds them before pruning); Warn returns one
    /// warning text per problem (send each with <see cref="WarningHeaderValue"/>); Ignore returns none.
    /// </summary>
    /// <param name="mode">The request's mode.</param>
    /// <param name="kind">The Kind, e.g. <c>ClusterResourcePlacement</c>.</param>
    /// <param name="version">The version of the URL, e.g. <c>v1beta1</c>.</param>
    /// <param name="duplicateFields">From <see cref="StrictJson"/>.</param>
    /// <param name="unknownFields">From pruning (<see cref="PruneResult.UnknownFields"/>).</param>
    public static IReadOnlyList<string> Apply(FieldValidationMode mode, string kind, string version, IReadOnlyList<string> duplicateFields, IReadOnlyList<string> unknownFields)
    {
        if (mode == FieldValidationMode.Ignore || (duplicateFields.Count == 0 && unknownFields.Count == 0))
        {
            return [];
        }
        var problems = duplicateFields.Select(DuplicateField).Concat(unknownFields.Select(UnknownField)).ToList();
        if (mode == FieldValidationMode.Strict)
        {
            throw StrictError(kind, version, problems);
        }
        return problems;
    }

    /// <summary>
    /// <c>ClusterResourcePlacement in version "v1beta1" cannot be handled as a ClusterResourcePlacement: strict
    /// decoding error: unknown field "spec.foo", unknown field "spec.bar"</c>
    /// </summary>
    public static ApiException StrictError(string kind, string version, IEnumerable<string> problems) =>
        ApiException.BadRequest($"{kind} in version {GoFormat.Quote(version)} cannot be handled as a {kind}: strict decoding error: {string.Join(", ", problems)}");

    /// <summary>
    /// The value of one <c>Warning</c> response header, e.g. <c>299 - "unknown field \"spec.foo\""</c>
    /// (code 299, agent "-", the text quoted with backslash escapes per RFC 7234). Header values must be ASCII
    /// (Kestrel refuses to send anything else), and a field name from a request body may hold any character: those
    /// outside printable ASCII are escaped as Go's <c>strconv.QuoteToASCII</c> writes them (<c>\x00</c>, <c>\u0680</c>).
    /// </summary>
    public static string WarningHeaderValue(string text)
    {
        var quoted = new StringBuilder("299 - \"", text.Length + 9);
        foreach (var rune in text.EnumerateRunes())
        {
            _ = rune.Value switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                < 0x20 or 0x7f => quoted.Append(CultureInfo.InvariantCulture, $"\\x{rune.Value:x2}"),
                < 0x7f => quoted.Append((char)rune.Value),
                <= 0xffff => quoted.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}"),
                _ => quoted.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:x8}"),
            };
        }
        return quoted.Append('"').ToString();
    }
}
