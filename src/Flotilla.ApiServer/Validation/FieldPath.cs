using System.Globalization;
using System.Text;

namespace Flotilla.ApiServer.Validation;

/// <summary>
/// A field path as upstream renders it in causes: <c>spec.template.spec.containers[0].name</c>, with map keys in
/// brackets (<c>data[bad key]</c>). Immutable and built by appending, so walkers can hand a child path down without
/// building strings for fields that turn out to be valid; the string is produced only when a cause needs it.
/// </summary>
internal sealed class FieldPath
{
    private enum Step
    {
        Root,
        Child,
        Index,
        Key,
    }

    public static readonly FieldPath Root = new(null, Step.Root, null, 0);

    private readonly FieldPath? _parent;
    private readonly Step _step;
    private readonly string? _name;
    private readonly int _index;

    private FieldPath(FieldPath? parent, Step step, string? name, int index)
    {
        _parent = parent;
        _step = step;
        _name = name;
        _index = index;
    }

    public bool IsRoot => _step == Step.Root;

    public static FieldPath Of(params string[] names)
    {
        var path = Root;
        foreach (var name in names)
        {
            path = path.Child(name);
        }
        return path;
    }

    public FieldPath Child(string name) => new(this, Step.Child, name, 0);

    public FieldPath Index(int index) => new(this, Step.Index, null, index);

    public FieldPath Key(string key) => new(this, Step.Key, key, 0);

    public override string ToString()
    {
        if (IsRoot)
        {
            return "";
        }
        var steps = new Stack<FieldPath>();
        for (var p = this; p is not null && !p.IsRoot; p = p._parent)
        {
            steps.Push(p);
        }
        var sb = new StringBuilder();
        foreach (var s in steps)
        {
            switch (s._step)
            {
                case Step.Child:
                    if (sb.Length > 0)
                    {
                        sb.Append('.');
                    }
                    sb.Append(s._name);
                    break;
                case Step.Index:
                    sb.Append('[').Append(s._index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    break;
                case Step.Key:
                    sb.Append('[').Append(s._name).Append(']');
                    break;
            }
        }
        return sb.ToString();
    }
}
