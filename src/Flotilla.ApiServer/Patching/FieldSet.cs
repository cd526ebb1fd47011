using System.Globalization;
using System.Text.Json.Nodes;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// A set of field paths (see <see cref="FieldsV1Path"/>), stored as the trie that <c>fieldsV1</c> serializes: each
/// node is one path element; a node is a <em>member</em> when the path ending there is in the set.
/// </summary>
/// <remarks>
/// Membership is per path: a member's descendants are not implied, and removing a member keeps its descendants.
/// Invariant: after any operation here, no node is both a non-member and childless (such nodes are pruned), so
/// <see cref="IsEmpty"/> on the root means the set is empty. The root itself is never a member.
/// </remarks>
internal sealed class FieldSet
{
    private SortedDictionary<string, FieldSet>? _children;

    public bool IsMember { get; private set; }

    public bool IsEmpty => !IsMember && ChildCount == 0;

    public int ChildCount => _children?.Count ?? 0;

    public IEnumerable<KeyValuePair<string, FieldSet>> Children =>
        _children ?? Enumerable.Empty<KeyValuePair<string, FieldSet>>();

    public FieldSet? Child(string element) =>
        _children is not null && _children.TryGetValue(element, out var child) ? child : null;

    public void Insert(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            node = node.GetOrAdd(element);
        }
        node.IsMember = true;
    }

    public bool Contains(IReadOnlyList<string> path) => Find(path)?.IsMember == true;

    /// <summary>The node at <paramref name="path"/>: non-null when the path or one of its descendants is a member.</summary>
    public FieldSet? Find(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            node = node.Child(element);
            if (node is null)
            {
                return null;
            }
        }
        return node;
    }

    /// <summary>Removes <paramref name="path"/> as a member; its descendants stay.</summary>
    public void Remove(IReadOnlyList<string> path) => RemoveAt(path, 0, subtree: false);

    /// <summary>Removes <paramref name="path"/> and every member below it.</summary>
    public void RemoveSubtree(IReadOnlyList<string> path) => RemoveAt(path, 0, subtree: true);

    public FieldSet Clone()
    {
        var copy = new FieldSet { IsMember = IsMember };
        foreach (var (element, child) in Children)
        {
            copy.Attach(element, child.Clone());
        }
        return copy;
    }

    public void UnionWith(FieldSet other)
    {
        IsMember |= other.IsMember;
        foreach (var (element, otherChild) in other.Children)
        {
            GetOrAdd(element).UnionWith(otherChild);
        }
    }

    public void ExceptWith(FieldSet other)
    {
        if (other.IsMember)
        {
            IsMember = false;
        }
        if (_children is null)
        {
            return;
        }
        foreach (var (element, otherChild) in other.Children)
        {
            if (_children.TryGetValue(element, out var child))
            {
                child.ExceptWith(otherChild);
                if (child.IsEmpty)
                {
                    _children.Remove(element);
                }
            }
        }
    }

    public FieldSet Intersect(FieldSet other)
    {
        var result = new FieldSet { IsMember = IsMember && other.IsMember };
        foreach (var (element, child) in Children)
        {
            if (other.Child(element) is { } otherChild)
            {
                var common = child.Intersect(otherChild);
                if (!common.IsEmpty)
                {
                    result.Attach(element, common);
                }
            }
        }
        return result;
    }

    public bool SetEquals(FieldSet other)
    {
        if (IsMember != other.IsMember || ChildCount != other.ChildCount)
        {
            return false;
        }
        foreach (var (element, child) in Children)
        {
            if (other.Child(element) is not { } otherChild || !child.SetEquals(otherChild))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Every member path, depth first in fieldsV1 order.</summary>
    public List<IReadOnlyList<string>> Members()
    {
        var members = new List<IReadOnlyList<string>>();
        Collect(this, [], members);
        return members;

        static void Collect(FieldSet node, List<string> path, List<IReadOnlyList<string>> into)
        {
            if (node.IsMember)
            {
                into.Add([.. path]);
            }
            foreach (var (element, child) in node.Children)
            {
                path.Add(element);
                Collect(child, path, into);
                path.RemoveAt(path.Count - 1);
            }
        }
    }

    /// <summary>The <c>fieldsV1</c> trie: a member leaf is <c>{}</c>; a member with children also has <c>".": {}</c>.</summary>
    public JsonObject ToFieldsV1()
    {
        var json = new JsonObject();
        foreach (var (element, child) in Children)
        {
            var node = child.ToFieldsV1();
            if (child.IsMember && child.ChildCount > 0)
            {
                node.Insert(0, ".", new JsonObject());
            }
            json[element] = node;
        }
        return json;
    }

    /// <summary>Reads a <c>fieldsV1</c> trie, canonicalizing its elements.</summary>
    /// <exception cref="FormatException">The trie is malformed.</exception>
    public static FieldSet FromFieldsV1(JsonObject json)
    {
        var set = new FieldSet();
        Read(set, json);
        return set;

        static void Read(FieldSet node, JsonObject json)
        {
            foreach (var (element, value) in json)
            {
                if (value is not JsonObject child)
                {
                    throw new FormatException($"invalid fieldsV1 entry \"{element}\": expected an object");
                }
                if (element == ".")
                {
                    node.IsMember = true;
                    continue;
                }
                var childNode = node.GetOrAdd(FieldsV1Path.Canonicalize(element));
                if (child.Count == 0)
                {
                    childNode.IsMember = true;
                }
                else
                {
                    Read(childNode, child);
                }
            }
        }
    }

    private FieldSet GetOrAdd(string element)
    {
        _children ??= new SortedDictionary<string, FieldSet>(ElementOrder.Instance);
        if (!_children.TryGetValue(element, out var child))
        {
            child = new FieldSet();
            _children[element] = child;
        }
        return child;
    }

    private void Attach(string element, FieldSet child)
    {
        _children ??= new SortedDictionary<string, FieldSet>(ElementOrder.Instance);
        _children[element] = child;
    }

    private void RemoveAt(IReadOnlyList<string> path, int depth, bool subtree)
    {
        if (depth == path.Count)
        {
            IsMember = false;
            if (subtree)
            {
                _children = null;
            }
            return;
        }
        if (Child(path[depth]) is not { } child)
        {
            return;
        }
        child.RemoveAt(path, depth + 1, subtree);
        if (child.IsEmpty)
        {
            _children!.Remove(path[depth]);
        }
    }

    /// <summary>fieldsV1 key order: fields, then keys, then values, then indexes (numerically); ordinal within a kind.</summary>
    private sealed class ElementOrder : IComparer<string>
    {
        public static readonly ElementOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var rankX = Rank(x!);
            var rankY = Rank(y!);
            if (rankX != rankY)
            {
                return rankX.CompareTo(rankY);
            }
            if (rankX == 3)
            {
                return int.Parse(x![2..], CultureInfo.InvariantCulture).CompareTo(int.Parse(y![2..], CultureInfo.InvariantCulture));
            }
            return string.CompareOrdinal(x, y);
        }

        private static int Rank(string element) => element[0] switch
        {
            'f' => 0,
            'k' => 1,
            'v' => 2,
            'i' => 3,
            _ => 4,
        };
    }
}
