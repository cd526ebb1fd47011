using System.Text.Json.Nodes;
using Flotilla.Api.Unstructured;

namespace Flotilla.ApiServer.Controllers;

/// <summary>Where an object lives: its storage key and the parts of it (see <c>ObjectKeys</c>).</summary>
internal sealed record ObjectRef(string Key, string Group, string Plural, string Namespace, string Name, string Uid)
{
    public bool IsNamespace => Group.Length == 0 && Plural == "namespaces";

    public bool IsCrd => Group == "apiextensions.k8s.io" && Plural == "customresourcedefinitions";

    /// <summary>Keys are <c>/{group|core}/{plural}/[{namespace}/]{name}</c>.</summary>
    public static ObjectRef From(string key, JsonObject obj)
    {
        var parts = key.Split('/');
        var group = parts[1] == "core" ? "" : parts[1];
        var ns = parts.Length == 5 ? parts[3] : "";
        return new ObjectRef(key, group, parts[2], ns, parts[^1], obj.Uid());
    }
}

/// <summary>
/// The garbage collector's view of every object: uid to object, owner uid to dependents, and the namespaces
/// being terminated. Written by the watch loop, read by the worker; guarded by one lock.
/// </summary>
internal sealed class ObjectIndex
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Entry> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _dependents = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ObjectRef> _terminatingNamespaces = new(StringComparer.Ordinal);

    public void Clear()
    {
        lock (_lock)
        {
            _byUid.Clear();
            _dependents.Clear();
            _terminatingNamespaces.Clear();
        }
    }

    public void Upsert(ObjectRef reference, JsonObject obj)
    {
        var owners = OwnerUids(obj);
        lock (_lock)
        {
            if (_byUid.TryGetValue(reference.Uid, out var previous))
            {
                Unlink(reference.Uid, previous.Owners);
            }
            _byUid[reference.Uid] = new Entry(reference, owners);
            foreach (var owner in owners)
            {
                if (!_dependents.TryGetValue(owner, out var set))
                {
                    set = new HashSet<string>(StringComparer.Ordinal);
                    _dependents[owner] = set;
                }
                set.Add(reference.Uid);
            }
            if (reference.IsNamespace)
            {
                if (obj.IsDeleting())
                {
                    _terminatingNamespaces[reference.Name] = reference;
                }
                else
                {
                    _terminatingNamespaces.Remove(reference.Name);
                }
            }
        }
    }

    /// <summary>Forgets a deleted object and returns its dependents, which may now be orphans.</summary>
    public IReadOnlyList<ObjectRef> Remove(ObjectRef reference)
    {
        lock (_lock)
        {
            if (_byUid.Remove(reference.Uid, out var entry))
            {
                Unlink(reference.Uid, entry.Owners);
            }
            if (reference.IsNamespace)
            {
                _terminatingNamespaces.Remove(reference.Name);
            }
            return DependentsOfLocked(reference.Uid);
        }
    }

    public IReadOnlyList<ObjectRef> DependentsOf(string ownerUid)
    {
        lock (_lock)
        {
            return DependentsOfLocked(ownerUid);
        }
    }

    public bool Exists(string uid)
    {
        lock (_lock)
        {
            return _byUid.ContainsKey(uid);
        }
    }

    /// <summary>True when some owner this object names is not (or no longer) present.</summary>
    public bool HasMissingOwner(JsonObject obj)
    {
        var owners = OwnerUids(obj);
        lock (_lock)
        {
            return owners.Any(o => !_byUid.ContainsKey(o));
        }
    }

    /// <summary>The owners of <paramref name="obj"/> that are present (the caller checks which are deleting).</summary>
    public IReadOnlyList<ObjectRef> PresentOwnersOf(JsonObject obj)
    {
        var owners = OwnerUids(obj);
        lock (_lock)
        {
            return [.. owners.Where(_byUid.ContainsKey).Select(o => _byUid[o].Reference)];
        }
    }

    public bool IsNamespaceTerminating(string name)
    {
        lock (_lock)
        {
            return _terminatingNamespaces.ContainsKey(name);
        }
    }

    public ObjectRef? NamespaceRef(string name)
    {
        lock (_lock)
        {
            return _terminatingNamespaces.GetValueOrDefault(name);
        }
    }

    private List<ObjectRef> DependentsOfLocked(string ownerUid) =>
        _dependents.TryGetValue(ownerUid, out var set)
            ? [.. set.Where(_byUid.ContainsKey).Select(uid => _byUid[uid].Reference)]
            : [];

    private void Unlink(string uid, IReadOnlyList<string> owners)
    {
        foreach (var owner in owners)
        {
            if (_dependents.TryGetValue(owner, out var set))
            {
                set.Remove(uid);
                if (set.Count == 0)
                {
                    _dependents.Remove(owner);
                }
            }
        }
    }

    public static IReadOnlyList<string> OwnerUids(JsonObject obj) =>
        obj.At("metadata", "ownerReferences") is JsonArray refs
            ? [.. refs.OfType<JsonObject>().Select(r => r.GetString("uid")).OfType<string>().Where(u => u.Length > 0).Distinct()]
            : [];

    private sealed record Entry(ObjectRef Reference, IReadOnlyList<string> Owners);
}
