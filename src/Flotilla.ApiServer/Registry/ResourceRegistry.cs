using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace Flotilla.ApiServer.Registry;

/// <summary>One API group and its served versions, most preferred first.</summary>
internal sealed record ApiGroupInfo(string Name, IReadOnlyList<string> Versions)
{
    public string PreferredVersion => Versions[0];
}

/// <summary>
/// The served resources: built-ins plus those registered by CustomResourceDefinitions. Lookups read an
/// immutable snapshot; changes swap in a new one and bump <see cref="Revision"/>, which discovery and OpenAPI
/// use to rebuild their cached documents.
/// </summary>
internal sealed partial class ResourceRegistry
{
    private readonly object _writeLock = new();
    private readonly Dictionary<string, CancellationTokenSource> _served = new(StringComparer.Ordinal);
    private volatile Snapshot _snapshot;

    public ResourceRegistry()
    {
        _snapshot = Snapshot.Build(BuiltinResources.All, ImmutableDictionary<string, IReadOnlyList<ResourceDefinition>>.Empty);
    }

    /// <summary>Raised after a CRD's resources were added, changed or removed.</summary>
    public event Action? Changed;

    /// <summary>Increases with every change.</summary>
    public long Revision => _snapshot.Revision;

    public IReadOnlyList<ResourceDefinition> All => _snapshot.All;

    public IReadOnlyList<ApiGroupInfo> Groups => _snapshot.Groups;

    public ResourceDefinition? Find(string group, string version, string plural) =>
        _snapshot.ByGvr.GetValueOrDefault((group, version, plural));

    /// <summary>All served versions of one resource (any version addresses the same stored objects).</summary>
    public IEnumerable<ResourceDefinition> Versions(string group, string plural) =>
        _snapshot.All.Where(d => d.Group == group && d.Plural == plural);

    public IEnumerable<ResourceDefinition> InGroupVersion(string group, string version) =>
        _snapshot.All.Where(d => d.Group == group && d.Version == version);

    /// <summary>True when a group-version is served at all.</summary>
    public bool Serves(string group, string version) =>
        _snapshot.Groups.Any(g => g.Name == group && g.Versions.Contains(version));

    /// <summary>Registers (or replaces) the served versions of the CRD <paramref name="crdName"/>.</summary>
    public void SetCustom(string crdName, IReadOnlyList<ResourceDefinition> versions)
    {
        lock (_writeLock)
        {
            var custom = _snapshot.Custom.SetItem(crdName, versions);
            _snapshot = Snapshot.Build(BuiltinResources.All, custom, _snapshot.Revision + 1);
            if (!_served.ContainsKey(crdName))
            {
                _served[crdName] = new CancellationTokenSource();
            }
        }
        Changed?.Invoke();
    }

    public void RemoveCustom(string crdName)
    {
        CancellationTokenSource? served;
        lock (_writeLock)
        {
            if (!_snapshot.Custom.ContainsKey(crdName))
            {
                return;
            }
            _snapshot = Snapshot.Build(BuiltinResources.All, _snapshot.Custom.Remove(crdName), _snapshot.Revision + 1);
            _served.Remove(crdName, out served);
        }
        // Open watches on the removed resources end, as upstream closes them.
        served?.Cancel();
        served?.Dispose();
        Changed?.Invoke();
    }

    /// <summary>
    /// Cancelled when <paramref name="resource"/> stops being served (its CRD was deleted); never for built-ins.
    /// </summary>
    public CancellationToken ServedToken(ResourceDefinition resource)
    {
        if (!resource.IsCustom)
        {
            return CancellationToken.None;
        }
        lock (_writeLock)
        {
            return _served.TryGetValue($"{resource.Plural}.{resource.Group}", out var source) ? source.Token : new CancellationToken(canceled: true);
        }
    }

    /// <summary>Orders versions as Kubernetes does: GA before beta before alpha, higher numbers first, then others by name.</summary>
    public static int CompareVersionPriority(string a, string b)
    {
        var (ka, ma, na) = Parse(a);
        var (kb, mb, nb) = Parse(b);
        if (ka != kb) return ka.CompareTo(kb);
        if (ka == 3) return string.CompareOrdinal(a, b);
        if (ma != mb) return mb.CompareTo(ma);
        return nb.CompareTo(na);

        static (int Kind, int Major, int Minor) Parse(string v)
        {
            var m = KubeVersionPattern().Match(v);
            if (!m.Success) return (3, 0, 0);
            var major = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            var kind = m.Groups[2].Value switch { "" => 0, "beta" => 1, _ => 2 };
            var minor = m.Groups[3].Success ? int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
            return (kind, major, minor);
        }
    }

    [GeneratedRegex("^v([0-9]+)(?:(alpha|beta)([0-9]+))?$")]
    private static partial Regex KubeVersionPattern();

    private sealed record Snapshot(
        long Revision,
        IReadOnlyList<ResourceDefinition> All,
        ImmutableDictionary<(string, string, string), ResourceDefinition> ByGvr,
        IReadOnlyList<ApiGroupInfo> Groups,
        ImmutableDictionary<string, IReadOnlyList<ResourceDefinition>> Custom)
    {
        public static Snapshot Build(
            IReadOnlyList<ResourceDefinition> builtins,
            ImmutableDictionary<string, IReadOnlyList<ResourceDefinition>> custom,
            long revision = 1)
        {
            var all = builtins.Concat(custom.OrderBy(c => c.Key, StringComparer.Ordinal).SelectMany(c => c.Value)).ToList();
            var byGvr = ImmutableDictionary.CreateBuilder<(string, string, string), ResourceDefinition>();
            foreach (var d in all)
            {
                byGvr[(d.Group, d.Version, d.Plural)] = d;
            }
            var groups = all
                .Where(d => d.Group.Length > 0)
                .GroupBy(d => d.Group)
                .Select(g => new ApiGroupInfo(g.Key, [.. g.Select(d => d.Version).Distinct().Order(Comparer<string>.Create(CompareVersionPriority))]))
                .OrderBy(g => GroupRank(g.Name))
                .ThenBy(g => g.Name, StringComparer.Ordinal)
                .ToList();
            return new Snapshot(revision, all, byGvr.ToImmutable(), groups, custom);
        }

        private static int GroupRank(string group)
        {
            var index = -1;
            for (var i = 0; i < BuiltinResources.GroupOrder.Count; i++)
            {
                if (BuiltinResources.GroupOrder[i] == group) index = i;
            }
            return index < 0 ? int.MaxValue : index;
        }
    }
}
