using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.Api.Meta;

/// <summary>
/// One term of a <see cref="LabelSelector"/>: a label key, an operator and (for the operators that take them) values.
/// Immutable and validated on construction, so a requirement that exists is one the server would accept.
/// </summary>
public sealed class LabelSelectorRequirement
{
    private readonly string[] _values;

    // The parsed value of a > or < requirement, so matching does not re-parse it per object.
    private readonly long _bound;

    /// <summary>Builds and validates a requirement.</summary>
    /// <param name="key">A label key: optional DNS subdomain prefix and <c>/</c>, then a name of at most 63 characters.</param>
    /// <param name="op">The operator.</param>
    /// <param name="values">
    /// Exactly one value for <c>=</c>, <c>!=</c>, <c>&gt;</c>, <c>&lt;</c>; at least one for <c>in</c>/<c>notin</c>; none for
    /// exists/does-not-exist. Duplicates are dropped and the rest sorted, so equal requirements print equally.
    /// </param>
    /// <exception cref="ApiException">400 BadRequest naming the key or value that is wrong and why.</exception>
    public LabelSelectorRequirement(string key, LabelSelectorOperator op, IEnumerable<string>? values = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var error = LabelSelector.ValidateLabelKey(key);
        if (error is not null)
        {
            throw ApiException.BadRequest($"invalid label key \"{key}\": {error}");
        }

        var distinct = values is null ? [] : values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        switch (op)
        {
            case LabelSelectorOperator.In or LabelSelectorOperator.NotIn when distinct.Length == 0:
                throw ApiException.BadRequest($"label selector requirement on \"{key}\": for 'in', 'notin' operators, values set can't be empty");
            case LabelSelectorOperator.Equals or LabelSelectorOperator.NotEquals when distinct.Length != 1:
                throw ApiException.BadRequest($"label selector requirement on \"{key}\": exact-match compatibility requires one single value");
            case LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist when distinct.Length != 0:
                throw ApiException.BadRequest($"label selector requirement on \"{key}\": values set must be empty for exists and does not exist");
            case LabelSelectorOperator.GreaterThan or LabelSelectorOperator.LessThan when distinct.Length != 1:
                throw ApiException.BadRequest($"label selector requirement on \"{key}\": for 'Gt', 'Lt' operators, exactly one value is required");
            case < LabelSelectorOperator.Equals or > LabelSelectorOperator.LessThan:
                throw ApiException.BadRequest($"label selector requirement on \"{key}\": unknown operator {(int)op}");
        }

        foreach (var value in distinct)
        {
            var valueError = LabelSelector.ValidateLabelValue(value);
            if (valueError is not null)
            {
                throw ApiException.BadRequest($"invalid label value \"{value}\" at key \"{key}\": {valueError}");
            }
        }

        Key = key;
        Operator = op;
        _values = distinct;
        Values = Array.AsReadOnly(distinct);
        if (op is LabelSelectorOperator.GreaterThan or LabelSelectorOperator.LessThan && !TryParseInteger(distinct[0], out _bound))
        {
            throw ApiException.BadRequest($"label selector requirement on \"{key}\": for 'Gt', 'Lt' operators, the value must be an integer, got \"{distinct[0]}\"");
        }
    }

    /// <summary>The label key this requirement tests.</summary>
    public string Key { get; }

    /// <summary>How the label is compared.</summary>
    public LabelSelectorOperator Operator { get; }

    /// <summary>The values, distinct and sorted ordinally; empty for exists/does-not-exist.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Whether a label set satisfies this requirement; <c>null</c> labels are an empty set.</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        string? value = null;
        var present = labels is not null && labels.TryGetValue(Key, out value);
        return Matches(present, value);
    }

    /// <summary>
    /// Whether a JSON labels map (<c>metadata.labels</c>) satisfies this requirement; <c>null</c> is an empty set.
    /// Entries whose value is not a JSON string are treated as absent, since they can never be valid labels.
    /// </summary>
    public bool Matches(JsonObject? labels)
    {
        string? value = null;
        var present = labels is not null
            && labels.TryGetPropertyValue(Key, out var node)
            && node is JsonValue jsonValue
            && jsonValue.GetValueKind() == JsonValueKind.String
            && jsonValue.TryGetValue(out value);
        return Matches(present, value);
    }

    private bool Matches(bool present, string? value)
    {
        switch (Operator)
        {
            case LabelSelectorOperator.Equals:
            case LabelSelectorOperator.In:
                return present && Contains(value!);
            case LabelSelectorOperator.NotEquals:
            case LabelSelectorOperator.NotIn:
                return !present || !Contains(value!);
            case LabelSelectorOperator.Exists:
                return present;
            case LabelSelectorOperator.DoesNotExist:
                return !present;
            case LabelSelectorOperator.GreaterThan:
            case LabelSelectorOperator.LessThan:
                // A label that is not an integer never matches either way, as upstream.
                if (!present || !TryParseInteger(value!, out var actual))
                {
                    return false;
                }
                return Operator == LabelSelectorOperator.GreaterThan ? actual > _bound : actual < _bound;
            default:
                return false;
        }
    }

    private bool Contains(string value) => Array.BinarySearch(_values, value, StringComparer.Ordinal) >= 0;

    /// <summary>The canonical string form, e.g. <c>env in (dev,prod)</c>, <c>!legacy</c>, <c>tier=web</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        AppendTo(text);
        return text.ToString();
    }

    internal void AppendTo(StringBuilder text)
    {
        if (Operator == LabelSelectorOperator.DoesNotExist)
        {
            text.Append('!');
        }
        text.Append(Key);
        switch (Operator)
        {
            case LabelSelectorOperator.Equals:
                text.Append('=').Append(_values[0]);
                break;
            case LabelSelectorOperator.NotEquals:
                text.Append("!=").Append(_values[0]);
                break;
            case LabelSelectorOperator.GreaterThan:
                text.Append('>').Append(_values[0]);
                break;
            case LabelSelectorOperator.LessThan:
                text.Append('<').Append(_values[0]);
                break;
            case LabelSelectorOperator.In:
                text.Append(" in (").AppendJoin(',', _values).Append(')');
                break;
            case LabelSelectorOperator.NotIn:
                text.Append(" notin (").AppendJoin(',', _values).Append(')');
                break;
        }
    }

    // Same acceptance as Go's strconv.ParseInt(s, 10, 64): optional sign, digits, no whitespace.
    internal static bool TryParseInteger(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
