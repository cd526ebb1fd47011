using System.Collections.Frozen;

namespace Flotilla.Member.Work;

/// <summary>
/// The order in which the work applier processes a Work's manifests (placement spec §5.4 step 6): namespaces before
/// what lives in them, configuration and RBAC before the workloads that use them, webhooks last so that they cannot
/// block the objects placed with them. Manifests of one wave may run in parallel; waves run one after another.
/// </summary>
internal static class ApplyWaves
{
    /// <summary>The wave of every resource the table does not name: custom resources and unknown groups.</summary>
    public const int LastWave = 6;

    // Helm's install order, grouped so that similar objects share a wave (upstream's table).
    private static readonly FrozenDictionary<string, int> WaveByResource = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["namespaces"] = 0,
        ["priorityclasses"] = 0,
        ["networkpolicies"] = 1,
        ["resourcequotas"] = 1,
        ["limitranges"] = 1,
        ["podsecuritypolicies"] = 1,
        ["poddisruptionbudgets"] = 1,
        ["serviceaccounts"] = 1,
        ["secrets"] = 1,
        ["configmaps"] = 1,
        ["storageclasses"] = 1,
        ["persistentvolumes"] = 1,
        ["persistentvolumeclaims"] = 1,
        ["customresourcedefinitions"] = 1,
        ["ingressclasses"] = 1,
        ["clusterroles"] = 2,
        ["roles"] = 2,
        ["clusterrolebindings"] = 3,
        ["rolebindings"] = 3,
        ["services"] = 4,
        ["daemonsets"] = 4,
        ["pods"] = 4,
        ["replicationcontrollers"] = 4,
        ["replicasets"] = 4,
        ["deployments"] = 4,
        ["horizontalpodautoscalers"] = 4,
        ["statefulsets"] = 4,
        ["jobs"] = 4,
        ["cronjobs"] = 4,
        ["ingresses"] = 4,
        ["apiservices"] = 5,
        ["mutatingwebhookconfigurations"] = 5,
        ["validatingwebhookconfigurations"] = 5,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Only built-in groups map to the table: a custom resource named "services" in group example.com is not a
    // Service and goes last. As upstream, the check is on the group alone, not on the (group, resource) pair.
    private static readonly FrozenSet<string> BuiltInGroups = new[]
    {
        "", "apps", "batch", "rbac.authorization.k8s.io", "policy", "networking.k8s.io", "storage.k8s.io",
        "apiextensions.k8s.io", "apiregistration.k8s.io", "admissionregistration.k8s.io", "scheduling.k8s.io",
        "autoscaling",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The wave of a built-in resource (lower-case plural name, e.g. <c>deployments</c>); unknown → <see cref="LastWave"/>.</summary>
    public static int WaveOf(string resource) =>
        WaveByResource.TryGetValue(resource, out var wave) ? wave : LastWave;

    /// <summary>
    /// The wave of a resource in a group: the table's wave when the group is a built-in one, else
    /// <see cref="LastWave"/> (so custom resources whose plural collides with a built-in one go last).
    /// </summary>
    public static int WaveOf(string group, string resource) =>
        BuiltInGroups.Contains(group) ? WaveOf(resource) : LastWave;

    /// <summary>
    /// Splits items into waves, in wave order, leaving out empty waves; items keep their input order within a wave
    /// so that processing (and the statuses it produces) stays deterministic.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<T>> Group<T>(IEnumerable<T> items, Func<T, (string Group, string Resource)> resourceOf)
    {
        var waves = new List<T>?[LastWave + 1];
        foreach (var item in items)
        {
            var (group, resource) = resourceOf(item);
            var wave = WaveOf(group, resource);
            (waves[wave] ??= []).Add(item);
        }
        return [.. waves.Where(w => w is not null).Select(w => (IReadOnlyList<T>)w!)];
    }
}
