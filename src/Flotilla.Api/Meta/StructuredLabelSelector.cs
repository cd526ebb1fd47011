namespace Flotilla.Api.Meta;

/// <summary>
/// The wire form of a label selector (metav1.LabelSelector: <c>matchLabels</c> and <c>matchExpressions</c>), as it
/// appears inside API objects. <see cref="ToSelector"/> turns it into the parsed <see cref="LabelSelector"/>.
/// </summary>
public sealed class StructuredLabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }

    public List<StructuredLabelRequirement>? MatchExpressions { get; set; }

    /// <summary>The parsed selector; an empty one matches everything.</summary>
    /// <exception cref="ApiException">400 BadRequest naming the key, operator or value that is wrong.</exception>
    public LabelSelector ToSelector()
    {
        var requirements = new List<LabelSelectorRequirement>();
        foreach (var (key, value) in MatchLabels ?? [])
        {
            requirements.Add(new LabelSelectorRequirement(key, LabelSelectorOperator.Equals, [value]));
        }
        foreach (var expression in MatchExpressions ?? [])
        {
            var op = expression.Operator switch
            {
                "In" => LabelSelectorOperator.In,
                "NotIn" => LabelSelectorOperator.NotIn,
                "Exists" => LabelSelectorOperator.Exists,
                "DoesNotExist" => LabelSelectorOperator.DoesNotExist,
                _ => throw ApiException.BadRequest($"\"{expression.Operator}\" is not a valid label selector operator"),
            };
            if (op is LabelSelectorOperator.Exists or LabelSelectorOperator.DoesNotExist && expression.Values is { Count: > 0 })
            {
                throw ApiException.BadRequest($"values: Invalid value: {expression.Values.Count}: values set must be empty for exists and does not exist");
            }
            requirements.Add(new LabelSelectorRequirement(expression.Key, op, expression.Values));
        }
        return new LabelSelector(requirements);
    }

    /// <summary>Like <see cref="ToSelector"/>, but reports a malformed selector as <paramref name="error"/>.</summary>
    public bool TryToSelector(out LabelSelector? selector, out string? error)
    {
        try
        {
            selector = ToSelector();
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
}

/// <summary>One <c>matchExpressions</c> entry.</summary>
public sealed class StructuredLabelRequirement
{
    public string Key { get; set; } = "";

    /// <summary><c>In</c>, <c>NotIn</c>, <c>Exists</c> or <c>DoesNotExist</c>.</summary>
    public string Operator { get; set; } = "";

    public List<string>? Values { get; set; }
}
