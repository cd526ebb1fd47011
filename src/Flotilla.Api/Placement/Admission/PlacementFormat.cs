using System.Text;
using Flotilla.Api.Meta;
using Flotilla.Api.Unstructured;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// Go's <c>%+v</c> (and <c>%s</c>) of the placement types that appear in webhook messages. Field order is upstream's
/// struct order; an unset optional string prints as empty, as Go's zero value does.
/// </summary>
internal static class PlacementFormat
{
    /// <summary><c>{Group: Version:v1 Kind:Namespace Name:app LabelSelector:nil SelectionScope:NamespaceWithResources}</c>.</summary>
    public static string Term(ResourceSelectorTerm term) =>
        $"{{Group:{term.Group} Version:{term.Version} Kind:{term.Kind} Name:{term.Name} LabelSelector:{GoFormat.LabelSelector(term.LabelSelector)} SelectionScope:{term.SelectionScope}}}";

    /// <summary><c>{Group:apps Version:v1 Kind:Deployment Name:web}</c> (a ResourceOverride's selector).</summary>
    public static string Selector(ResourceSelector selector) =>
        $"{{Group:{selector.Group} Version:{selector.Version} Kind:{selector.Kind} Name:{selector.Name}}}";

    /// <summary><c>{Key:k Operator:Equal Value:v Effect:NoSchedule}</c>.</summary>
    public static string Toleration(Toleration toleration) =>
        $"{{Key:{toleration.Key} Operator:{toleration.Operator} Value:{toleration.Value} Effect:{toleration.Effect}}}";

    /// <summary>
    /// <c>{LabelSelector:&amp;LabelSelector{…} PropertySelector:&lt;nil&gt; PropertySorter:&lt;nil&gt;}</c>.
    /// </summary>
    /// <remarks>
    /// Approximation: Go prints a non-nil pointer to a plain struct nested in another struct as a memory address
    /// (<c>0xc000123456</c>), which cannot be reproduced; the pointed-to value is printed as <c>&amp;{…}</c> instead.
    /// </remarks>
    public static string ClusterSelectorTerm(ClusterSelectorTerm term)
    {
        var text = new StringBuilder("{LabelSelector:").Append(GoFormat.LabelSelector(term.LabelSelector));
        text.Append(" PropertySelector:");
        if (term.PropertySelector is null)
        {
            text.Append("<nil>");
        }
        else
        {
            text.Append("&{MatchExpressions:[")
                .AppendJoin(' ', term.PropertySelector.MatchExpressions.Select(r => $"{{Name:{r.Name} Operator:{r.Operator} Values:{GoFormat.Slice(r.Values)}}}"))
                .Append("]}");
        }
        text.Append(" PropertySorter:");
        text.Append(term.PropertySorter is null ? "<nil>" : $"&{{Name:{term.PropertySorter.Name} SortOrder:{term.PropertySorter.SortOrder}}}");
        return text.Append('}').ToString();
    }

    /// <summary>
    /// <c>%s</c> of a JSONPatchOverride: <c>{add /metadata/labels/a {"b"}}</c> — the value's raw JSON bytes printed as
    /// text inside braces (it is an <c>apiextensionsv1.JSON</c> struct), <c>{}</c> when there is none.
    /// </summary>
    public static string Patch(JsonPatchOverride patch) =>
        $"{{{patch.Operator} {patch.Path} {{{(patch.Value is null ? "" : patch.Value.ToJsonString(Obj.Wire))}}}}}";
}
