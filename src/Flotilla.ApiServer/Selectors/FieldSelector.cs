using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Nodes;
using Flotilla.Api.Meta;
using Flotilla.ApiServer.Registry;

namespace Flotilla.ApiServer.Selectors;

/// <summary>How a field selector term compares.</summary>
internal enum FieldSelectorOperator
{
    /// <summary><c>f=v</c> or <c>f==v</c>.</summary>
    Equals,

    /// <summary><c>f!=v</c>.</summary>
    NotEquals,
}

/// <summary>One <c>field=value</c> / <c>field!=value</c> term; <see cref="Value"/> is unescaped.</summary>
internal sealed record FieldSelectorRequirement(string Field, FieldSelectorOperator Operator, string Value)
{
    /// <summary>The canonical form, with <c>\</c>, <c>,</c> and <c>=</c> in the value escaped.</summary>
    public override string ToString() =>
        Field + (Operator == FieldSelectorOperator.Equals ? "=" : "!=") + FieldSelector.EscapeValue(Value);
}

/// <summary>
/// A parsed <c>fieldSelector</c> bound to one resource: comma-separated <c>field=value</c>, <c>field==value</c> and
/// <c>field!=value</c> terms that must all hold. Values may contain <c>\,</c> <c>\=</c> <c>\\</c> escapes. Parsing
/// rejects field labels the resource does not support, so matching can never meet an unknown field.
/// </summary>
internal sealed class FieldSelector
{
    private readonly FieldSelectorRequirement[] _requirements;
    private readonly SelectableField[] _fields;

    private FieldSelector(FieldSelectorRequirement[] requirements, SelectableField[] fields)
    {
        _requirements = requirements;
        _fields = fields;
    }

    /// <summary>The selector with no terms; it matches every object.</summary>
    public static FieldSelector Everything { get; } = new([], []);

    public IReadOnlyList<FieldSelectorRequirement> Requirements => _requirements;

    public bool IsEverything => _requirements.Length == 0;

    /// <summary>
    /// Parses <paramref name="text"/> for <paramref name="resource"/>. <c>null</c>, empty or whitespace is
    /// <see cref="Everything"/>; empty terms (<c>a=b,,c=d</c>) are skipped, as upstream.
    /// </summary>
    /// <exception cref="ApiException">
    /// 400 BadRequest: <c>field label not supported: &lt;label&gt;</c> for a label the resource does not have, or a
    /// message naming the malformed term.
    /// </exception>
    public static FieldSelector Parse(string? text, ResourceDefinition resource)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<FieldSelectorRequirement>();
        foreach (var term in SplitTerms(text))
        {
            if (string.IsNullOrWhiteSpace(term))
            {
                continue;
            }
            requirements.Add(ParseTerm(text, term));
        }
        requirements.Sort((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()));

        var fields = new SelectableField[requirements.Count];
        for (var i = 0; i < requirements.Count; i++)
        {
            fields[i] = SelectableFields.Find(resource, requirements[i].Field)
                ?? throw ApiException.BadRequest($"field label not supported: {requirements[i].Field}");
        }
        return new FieldSelector([.. requirements], fields);
    }

    /// <summary>Whether <paramref name="obj"/> satisfies every term. Absent fields compare as their empty value.</summary>
    public bool Matches(JsonObject obj)
    {
        for (var i = 0; i < _requirements.Length; i++)
        {
            var equal = string.Equals(_fields[i].ValueOf(obj), _requirements[i].Value, StringComparison.Ordinal);
            if (equal != (_requirements[i].Operator == FieldSelectorOperator.Equals))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// If some term requires <paramref name="field"/> to equal a value, returns it — lets storage turn
    /// <c>metadata.name=x</c> (sent by <c>kubectl delete</c>/<c>wait</c>) into a point lookup.
    /// </summary>
    public bool TryGetRequiredValue(string field, [NotNullWhen(true)] out string? value)
    {
        foreach (var requirement in _requirements)
        {
            if (requirement.Operator == FieldSelectorOperator.Equals && requirement.Field == field)
            {
                value = requirement.Value;
                return true;
            }
        }
        value = null;
        return false;
    }

    /// <summary>The canonical form: terms sorted, values escaped; empty for <see cref="Everything"/>.</summary>
    public override string ToString() => string.Join(',', _requirements.Select(r => r.ToString()));

    internal static string EscapeValue(string value)
    {
        if (value.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return value;
        }
        var escaped = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '\\' or ',' or '=')
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    // Splits on commas that are not escaped; escapes stay in place for the term parser to undo.
    private static List<string> SplitTerms(string text)
    {
        var terms = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                i++;
            }
            else if (text[i] == ',')
            {
                terms.Add(text[start..i]);
                start = i + 1;
            }
        }
        terms.Add(text[start..]);
        return terms;
    }

    private static FieldSelectorRequirement ParseTerm(string selector, string term)
    {
        // The first operator from the left wins, trying "!=" and "==" before "=" at each position, as upstream;
        // field labels never contain these characters, so the split is unambiguous.
        for (var i = 0; i < term.Length; i++)
        {
            FieldSelectorOperator op;
            int width;
            if (string.CompareOrdinal(term, i, "!=", 0, 2) == 0)
            {
                (op, width) = (FieldSelectorOperator.NotEquals, 2);
            }
            else if (string.CompareOrdinal(term, i, "==", 0, 2) == 0)
            {
                (op, width) = (FieldSelectorOperator.Equals, 2);
            }
            else if (term[i] == '=')
            {
                (op, width) = (FieldSelectorOperator.Equals, 1);
            }
            else
            {
                continue;
            }

            var field = term[..i].Trim();
            if (field.Length == 0)
            {
                throw ApiException.BadRequest($"invalid field selector \"{selector}\": term \"{term}\" has no field label before the operator");
            }
            return new FieldSelectorRequirement(field, op, Unescape(selector, field, term[(i + width)..]));
        }
        throw ApiException.BadRequest($"invalid field selector \"{selector}\": term \"{term}\" has no operator; use field=value, field==value or field!=value");
    }

    private static string Unescape(string selector, string field, string raw)
    {
        if (raw.AsSpan().IndexOfAny('\\', ',', '=') < 0)
        {
            return raw;
        }
        var value = new StringBuilder(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                if (i + 1 == raw.Length || raw[i + 1] is not ('\\' or ',' or '='))
                {
                    var sequence = i + 1 == raw.Length ? "\\" : raw.Substring(i, 2);
                    throw ApiException.BadRequest($"invalid field selector \"{selector}\": invalid escape sequence '{sequence}' in the value of {field}; only \\\\, \\, and \\= are allowed");
                }
                value.Append(raw[++i]);
            }
            else if (c is ',' or '=')
            {
                throw ApiException.BadRequest($"invalid field selector \"{selector}\": unescaped '{c}' in the value of {field}; write it as '\\{c}'");
            }
            else
            {
                value.Append(c);
            }
        }
        return value.ToString();
    }
}
