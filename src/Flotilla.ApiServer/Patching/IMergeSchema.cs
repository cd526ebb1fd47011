namespace Flotilla.ApiServer.Patching;

/// <summary>How a list field merges, in strategic merge patch and server-side apply.</summary>
internal enum ListType
{
    /// <summary>Replaced as a whole.</summary>
    Atomic,

    /// <summary>Items are objects identified by <see cref="ListSemantics.Keys"/>; merged item by item.</summary>
    Map,

    /// <summary>Items are scalars; merged as a set union.</summary>
    Set,
}

/// <summary>The merge behaviour of one list field.</summary>
internal sealed record ListSemantics(ListType Type, IReadOnlyList<string> Keys)
{
    public static readonly ListSemantics Atomic = new(ListType.Atomic, []);

    public static readonly ListSemantics Set = new(ListType.Set, []);

    public static ListSemantics MapBy(params string[] keys) => new(ListType.Map, keys);
}

/// <summary>
/// Structural knowledge a merge needs about one kind: how each list merges and which maps retain only the
/// keys they are given. A path is the field names from the object's root, with list items not named
/// (<c>spec.template.spec.containers.env</c> is <c>["spec","template","spec","containers","env"]</c>).
/// Built-in kinds answer from a table of upstream patch strategies; custom resources answer from their
/// schema's <c>x-kubernetes-list-type</c> and <c>x-kubernetes-list-map-keys</c>.
/// </summary>
internal interface IMergeSchema
{
    ListSemantics ListAt(IReadOnlyList<string> path);

    /// <summary>True where the map at <paramref name="path"/> carries the <c>retainKeys</c> strategy.</summary>
    bool RetainsKeys(IReadOnlyList<string> path);
}
