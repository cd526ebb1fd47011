namespace Flotilla.Api.Admission;

/// <summary>
/// An error message built the way upstream's webhooks build theirs, so denial texts match byte for byte: leaves
/// (<c>errors.New</c>, <c>fmt.Errorf</c>) and aggregates (<c>utilerrors.NewAggregate</c>).
/// </summary>
/// <remarks>
/// An aggregate prints its only error as is; with more, it flattens nested aggregates, drops repeated messages and
/// prints <c>[a, b]</c> (and a single message, without brackets, when all repeat). Wrapping (<c>%w</c>) does not
/// flatten: the wrapped aggregate's text, brackets included, becomes part of the new leaf's message.
/// </remarks>
internal sealed class GoError
{
    private readonly string? _text;
    private readonly List<GoError>? _children;

    private GoError(string? text, List<GoError>? children)
    {
        _text = text;
        _children = children;
    }

    public static GoError New(string text) => new(text, null);

    /// <summary><c>utilerrors.NewAggregate</c>: null entries are dropped; null when nothing is left.</summary>
    public static GoError? Aggregate(IEnumerable<GoError?> errors)
    {
        var list = errors.Where(e => e is not null).Select(e => e!).ToList();
        return list.Count == 0 ? null : new GoError(null, list);
    }

    /// <summary><c>fmt.Errorf(prefix + "%w", inner)</c>.</summary>
    public static GoError Wrap(string prefix, GoError inner) => new(prefix + inner.Message, null);

    public string Message
    {
        get
        {
            if (_children is null)
            {
                return _text!;
            }
            if (_children.Count == 1)
            {
                return _children[0].Message;
            }
            var seen = new List<string>();
            Visit(this, seen);
            return seen.Count == 1 ? seen[0] : "[" + string.Join(", ", seen) + "]";
        }
    }

    public override string ToString() => Message;

    private static void Visit(GoError error, List<string> seen)
    {
        foreach (var child in error._children!)
        {
            if (child._children is not null)
            {
                Visit(child, seen);
                continue;
            }
            if (!seen.Contains(child._text!, StringComparer.Ordinal))
            {
                seen.Add(child._text!);
            }
        }
    }
}

/// <summary>Collects errors in order, as upstream's <c>allErr = append(allErr, …)</c> lists do.</summary>
internal sealed class GoErrorList
{
    private readonly List<GoError?> _errors = [];

    public void Add(GoError? error) => _errors.Add(error);

    public void Add(string message) => _errors.Add(GoError.New(message));

    public GoError? ToAggregate() => GoError.Aggregate(_errors);
}
