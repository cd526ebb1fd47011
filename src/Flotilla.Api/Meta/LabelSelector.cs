using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flotilla.Api.Meta;

/// <summary>
/// A parsed label selector: requirements that must all hold (comma = AND). Shared by the server (list/watch
/// filtering), clients (building <c>labelSelector=</c>) and the scheduler (placement selectors).
/// </summary>
/// <remarks>
/// <para>An empty selector — the empty string, or the structured <c>{}</c> — matches every object.</para>
/// <para>
/// A missing structured selector (JSON <c>null</c> or an absent field) is deliberately not given a meaning here:
/// upstream reads it as "nothing" for some fields (a Deployment's selector) and "everything" for others (a
/// NetworkPolicy peer), so <see cref="FromStructured"/> returns <c>null</c> and the caller decides.
/// </para>
/// <para>Instances are immutable and safe to share between threads.</para>
/// </remarks>
public sealed class LabelSelector
{
    private readonly LabelSelectorRequirement[] _requirements;

    /// <summary>Builds a selector from requirements; they are kept sorted by key so equal selectors print equally.</summary>
    public LabelSelector(IEnumerable<LabelSelectorRequirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        _requirements = [.. requirements.OrderBy(r => r.Key, StringComparer.Ordinal)];
        Requirements = Array.AsReadOnly(_requirements);
    }

    /// <summary>The selector with no requirements, which matches every object.</summary>
    public static LabelSelector Everything { get; } = new([]);

    /// <summary>The requirements, sorted by key.</summary>
    public IReadOnlyList<LabelSelectorRequirement> Requirements { get; }

    /// <summary>True when there are no requirements, so every object matches.</summary>
    public bool IsEverything => _requirements.Length == 0;

    /// <summary>
    /// Parses the string form (<c>labelSelector=</c> query parameter): <c>k=v</c>, <c>k==v</c>, <c>k!=v</c>,
    /// <c>k in (a,b)</c>, <c>k notin (a,b)</c>, <c>k</c>, <c>!k</c>, <c>k&gt;5</c>, <c>k&lt;5</c>, joined with commas.
    /// <c>null</c>, empty or all-whitespace text is <see cref="Everything"/>.
    /// </summary>
    /// <exception cref="ApiException">400 BadRequest saying what is wrong and at which column.</exception>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }
        return new LabelSelector(LabelSelectorParser.Parse(text));
    }

    /// <summary>Like <see cref="Parse"/>, but reports a malformed selector as <paramref name="error"/> instead of throwing.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out LabelSelector? selector, [NotNullWhen(false)] out string? error)
    {
        try
        {
            selector = Parse(text);
            error = null;
            return true;
        }
        catch (ApiException e)
        {
            selector = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>A selector requiring each label in <paramref name="labels"/> to equal its value (a Service's <c>spec.selector</c>).</summary>
    /// <exception cref="ApiException">400 BadRequest when a key or value is not valid label syntax.</exception>
    public static LabelSelector FromLabels(IEnumerable<KeyValuePair<string, string>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return new LabelSelector(labels.Select(l => new LabelSelectorRequirement(l.Key, LabelSelectorOperator.Equals, [l.Value])));
    }

    /// <summary>
    /// Converts the structured <c>metav1.LabelSelector</c> form,
    /// <c>{"matchLabels":{"k":"v"},"matchExpressions":[{"key":"k","operator":"In","values":["a"]}]}</c>, with operators
    /// <c>In</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>. <c>{}</c> is <see cref="Everything"/>; <c>null</c>
    /// returns <c>null</c> because what a missing selector means depends on the field (see the type remarks).
    /// </summary>
    /// <exception cref="ApiException">400 BadRequest naming the malformed part.</exception>
    [return: NotNullIfNotNull(nameof(labelSelector))]
    public static LabelSelector? FromStructured(JsonObject? labelSelector)
    {
        if (labelSelector is null)
        {
            return null;
        }

        var requirements = new List<LabelSelectorRequirement>();
        switch (labelSelector["matchLabels"])
        {
            case null:
                break;
            case JsonObject matchLabels:
                foreach (var (key, node) in matchLabels)
                {
                    var value = AsString(node) ?? throw ApiException.BadRequest($"matchLabels[\"{key}\"]: label value must be a string");
                    requirements.Add(new LabelSelectorRequirement(key, LabelSelectorOperator.Equals, [value]));
                }
                break;
            default:
                throw ApiException.BadRequest("matchLabels: must be an object of label key to value");
        }

        switch (labelSelector["matchExpressions"])
        {
            case null:
                break;
            case JsonArray matchExpressions:
                for (var i = 0; i < matchExpressions.Count; i++)
                {
                    requirements.Add(ExpressionToRequirement(matchExpressions[i], $"matchExpressions[{i}]"));
                }
                break;
            default:
                throw ApiException.BadRequest("matchExpressions: must be a list of {key, operator, values}");
        }

        return requirements.Count == 0 ? Everything : new LabelSelector(requirements);
    }

    /// <summary>Like <see cref="FromStructured"/>, but reports a malformed selector as <paramref name="error"/> instead of throwing.</summary>
    public static bool TryFromStructured(JsonObject? labelSelector, out LabelSelector? selector, [NotNullWhen(false)] out string? error)
    {
        try
        {
            selector = FromStructured(labelSelector);
            error = null;
            return true;
        }
        catch (ApiException e)
        {
            selector = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Returns why <paramref name="key"/> is not a valid label key, or <c>null</c> when it is. The rule is upstream's
    /// (<see cref="NameValidation.IsQualifiedName"/>); the message is the first problem only, in a shorter wording than
    /// upstream's list, for selectors, fleet files and taint keys.
    /// </summary>
    public static string? ValidateLabelKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = key;
        if (slash >= 0)
        {
            if (key.IndexOf('/', slash + 1) >= 0)
            {
                return "a qualified name may contain at most one '/', separating an optional DNS subdomain prefix from the name (e.g. 'example.com/MyName')";
            }
            var prefix = key[..slash];
            name = key[(slash + 1)..];
            if (prefix.Length == 0)
            {
                return "prefix part must be non-empty";
            }
            if (prefix.Length > NameValidation.Dns1123SubdomainMaxLength)
            {
                return $"prefix part must be no more than {NameValidation.Dns1123SubdomainMaxLength} characters";
            }
            if (!NameValidation.MatchesDns1123Subdomain(prefix))
            {
                return "prefix part must be a lowercase RFC 1123 subdomain: lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character (e.g. 'example.com')";
            }
        }

        if (name.Length == 0)
        {
            return "name part must be non-empty";
        }
        if (name.Length > NameValidation.QualifiedNameMaxLength)
        {
            return $"name part must be no more than {NameValidation.QualifiedNameMaxLength} characters";
        }
        return NameValidation.MatchesQualifiedName(name)
            ? null
            : "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', 'my.name', or '123-abc')";
    }

    /// <summary>
    /// Returns why <paramref name="value"/> is not a valid label value, or <c>null</c> when it is: upstream's rule
    /// (<see cref="NameValidation.IsValidLabelValue"/>), the first problem only, in the wording of <see cref="ValidateLabelKey"/>.
    /// </summary>
    public static string? ValidateLabelValue(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }
        if (value.Length > NameValidation.LabelValueMaxLength)
        {
            return $"must be no more than {NameValidation.LabelValueMaxLength} characters";
        }
        return NameValidation.MatchesQualifiedName(value)
            ? null
            : "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', 'my_value', or '12345')";
    }

    /// <summary>Whether every requirement holds for <paramref name="labels"/>; <c>null</c> is an empty label set.</summary>
    public bool Matches(IReadOnlyDictionary<string, string>? labels)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether every requirement holds for a JSON labels map (an object's <c>metadata.labels</c>).</summary>
    public bool Matches(JsonObject? labels)
    {
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The canonical string form, requirements sorted by key and values sorted, e.g. <c>app=web,env in (dev,prod)</c>;
    /// empty for <see cref="Everything"/>. <see cref="Parse"/> reads it back to an equal selector.
    /// </summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var requirement in _requirements)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }
            requirement.AppendTo(text);
        }
        return text.ToString();
    }

    private static LabelSelectorRequirement ExpressionToRequirement(JsonNode? node, string where)
    {
        if (node is not JsonObject expression)
        {
            throw ApiException.BadRequest($"{where}: must be an object with key, operator and values");
        }
        var key = AsString(expression["key"]) ?? throw ApiException.BadRequest($"{where}.key: required string");
        var operatorName = AsString(expression["operator"]) ?? throw ApiException.BadRequest($"{where}.operator: required string");
        var op = operatorName switch
        {
            "In" => LabelSelectorOperator.In,
            "NotIn" => LabelSelectorOperator.NotIn,
            "Exists" => LabelSelectorOperator.Exists,
            "DoesNotExist" => LabelSelectorOperator.DoesNotExist,
            _ => throw ApiException.BadRequest($"{where}.operator: \"{operatorName}\" is not a valid label selector operator (use In, NotIn, Exists or DoesNotExist)"),
        };

        var values = new List<string>();
        switch (expression["values"])
        {
            case null:
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    values.Add(AsString(array[i]) ?? throw ApiException.BadRequest($"{where}.values[{i}]: must be a string"));
                }
                break;
            default:
                throw ApiException.BadRequest($"{where}.values: must be a list of strings");
        }

        try
        {
            return new LabelSelectorRequirement(key, op, values);
        }
        catch (ApiException e)
        {
            throw ApiException.BadRequest($"{where}: {e.Message}");
        }
    }

    private static string? AsString(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
