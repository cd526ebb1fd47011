namespace Flotilla.Api.Meta;

/// <summary>How one <see cref="LabelSelectorRequirement"/> compares a label against its values.</summary>
/// <remarks>
/// The string form's <c>==</c> is the same operator as <c>=</c>; it is parsed to <see cref="Equals"/> and printed
/// back as <c>=</c>, as upstream does.
/// </remarks>
public enum LabelSelectorOperator
{
    /// <summary><c>k=v</c> or <c>k==v</c>: the label is present and equals the one value.</summary>
    Equals,

    /// <summary><c>k!=v</c>: the label is absent or differs from the one value.</summary>
    NotEquals,

    /// <summary><c>k in (a,b)</c>: the label is present and is one of the values.</summary>
    In,

    /// <summary><c>k notin (a,b)</c>: the label is absent or is none of the values.</summary>
    NotIn,

    /// <summary><c>k</c>: the label is present, whatever its value.</summary>
    Exists,

    /// <summary><c>!k</c>: the label is absent.</summary>
    DoesNotExist,

    /// <summary><c>k&gt;5</c>: the label is present, is an integer, and is greater than the one value.</summary>
    GreaterThan,

    /// <summary><c>k&lt;5</c>: the label is present, is an integer, and is less than the one value.</summary>
    LessThan,
}
