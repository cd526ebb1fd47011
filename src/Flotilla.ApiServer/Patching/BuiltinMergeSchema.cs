using System.Collections.Frozen;

namespace Flotilla.ApiServer.Patching;

/// <summary>
/// List semantics of built-in kinds, from upstream's patch strategies and merge keys (a path table per
/// (group, kind)). Every kind gets the metadata rules (<c>ownerReferences</c> by <c>uid</c>, <c>finalizers</c> a
/// set); Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob and Service add their own lists;
/// every other list is atomic. Instances are immutable and shared.
/// </summary>
internal sealed class BuiltinMergeSchema : IMergeSchema
{
    private static readonly FrozenDictionary<(string Group, string Kind), BuiltinMergeSchema> Known = BuildKnown();

    private static readonly BuiltinMergeSchema MetadataOnly = new(new Builder().Metadata([]));

    private readonly FrozenDictionary<IReadOnlyList<string>, ListSemantics> _lists;

    private readonly FrozenSet<IReadOnlyList<string>> _retainKeys;

    private BuiltinMergeSchema(Builder builder)
    {
        _lists = builder.Lists.ToFrozenDictionary(PathComparer.Instance);
        _retainKeys = builder.RetainKeys.ToFrozenSet(PathComparer.Instance);
    }

    /// <summary>The schema of a built-in kind; <paramref name="group"/> is empty for the core group.</summary>
    public static BuiltinMergeSchema For(string group, string kind) =>
        Known.TryGetValue((group, kind), out var schema) ? schema : MetadataOnly;

    public ListSemantics ListAt(IReadOnlyList<string> path) =>
        _lists.TryGetValue(path, out var semantics) ? semantics : ListSemantics.Atomic;

    /// <summary>True for <c>spec.strategy</c> of a Deployment and for the volume items of every pod spec.</summary>
    public bool RetainsKeys(IReadOnlyList<string> path) => _retainKeys.Contains(path);

    /// <summary>The metadata rules alone, for paths inside any object's (or embedded object's) metadata.</summary>
    internal static ListSemantics MetadataListAt(IReadOnlyList<string> path) => MetadataOnly.ListAt(path);

    private static FrozenDictionary<(string Group, string Kind), BuiltinMergeSchema> BuildKnown()
    {
        string[] template = ["spec", "template"];
        string[] jobTemplate = ["spec", "jobTemplate", "spec", "template"];
        var kinds = new Dictionary<(string, string), Builder>
        {
            [("", "Pod")] = new Builder().Metadata([]).PodSpec(["spec"]).Conditions(),
            [("apps", "Deployment")] = new Builder().Metadata([]).PodTemplate(template).Conditions().RetainKeysAt(["spec", "strategy"]),
            [("apps", "ReplicaSet")] = new Builder().Metadata([]).PodTemplate(template).Conditions(),
            [("apps", "StatefulSet")] = new Builder().Metadata([]).PodTemplate(template).Conditions(),
            [("apps", "DaemonSet")] = new Builder().Metadata([]).PodTemplate(template).Conditions(),
            [("batch", "Job")] = new Builder().Metadata([]).PodTemplate(template).Conditions(),
            [("batch", "CronJob")] = new Builder().Metadata([]).Metadata(["spec", "jobTemplate"]).PodTemplate(jobTemplate),
            [("", "Service")] = new Builder().Metadata([]).Map(["spec", "ports"], "port").Conditions(),
            [("", "Node")] = new Builder().Metadata([]).Conditions(),
            [("", "Namespace")] = new Builder().Metadata([]).Conditions(),
        };
        return kinds.ToFrozenDictionary(k => k.Key, k => new BuiltinMergeSchema(k.Value));
    }

    /// <summary>Collects the path table of one kind.</summary>
    private sealed class Builder
    {
        public Dictionary<IReadOnlyList<string>, ListSemantics> Lists { get; } = new(PathComparer.Instance);

        public HashSet<IReadOnlyList<string>> RetainKeys { get; } = new(PathComparer.Instance);

        public Builder Map(string[] path, params string[] keys)
        {
            Lists[path] = ListSemantics.MapBy(keys);
            return this;
        }

        public Builder RetainKeysAt(string[] path)
        {
            RetainKeys.Add(path);
            return this;
        }

        /// <summary>ObjectMeta at <paramref name="at"/> (the root for <c>[]</c>).</summary>
        public Builder Metadata(string[] at)
        {
            Map([.. at, "metadata", "ownerReferences"], "uid");
            Lists[[.. at, "metadata", "finalizers"]] = ListSemantics.Set;
            return this;
        }

        /// <summary>A PodTemplateSpec at <paramref name="at"/>: its metadata and its pod spec.</summary>
        public Builder PodTemplate(string[] at) => Metadata(at).PodSpec([.. at, "spec"]);

        public Builder PodSpec(string[] at)
        {
            foreach (var containers in new[] { "containers", "initContainers", "ephemeralContainers" })
            {
                string[] list = [.. at, containers];
                Map(list, "name");
                Map([.. list, "ports"], "containerPort");
                Map([.. list, "env"], "name");
                Map([.. list, "volumeMounts"], "mountPath");
                Map([.. list, "volumeDevices"], "devicePath");
            }
            Map([.. at, "volumes"], "name");
            RetainKeysAt([.. at, "volumes"]);
            Map([.. at, "imagePullSecrets"], "name");
            Map([.. at, "hostAliases"], "ip");
            Map([.. at, "topologySpreadConstraints"], "topologyKey");
            Map([.. at, "resourceClaims"], "name");
            Map([.. at, "schedulingGates"], "name");
            return this;
        }

        public Builder Conditions() => Map(["status", "conditions"], "type");
    }
}

/// <summary>Compares field paths element by element (ordinal), so a table lookup needs no joined string.</summary>
internal sealed class PathComparer : IEqualityComparer<IReadOnlyList<string>>
{
    public static readonly PathComparer Instance = new();

    public bool Equals(IReadOnlyList<string>? x, IReadOnlyList<string>? y)
    {
        if (ReferenceEquals(x, y))
        {
            return true;
        }
        if (x is null || y is null || x.Count != y.Count)
        {
            return false;
        }
        for (var i = 0; i < x.Count; i++)
        {
            if (!string.Equals(x[i], y[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public int GetHashCode(IReadOnlyList<string> path)
    {
        var hash = new HashCode();
        foreach (var element in path)
        {
            hash.Add(element, StringComparer.Ordinal);
        }
        return hash.ToHashCode();
    }
}
