namespace Flotilla.ApiServer.Registry;

/// <summary>The built-in kinds this server serves, with upstream's names, scopes, short names and subresources.</summary>
internal static class BuiltinResources
{
    private static readonly ScaleMapping WorkloadScale = new(".spec.replicas", ".status.replicas", ".status.selector");

    public static IReadOnlyList<ResourceDefinition> All { get; } =
    [
        // core/v1
        Define("", "v1", "Namespace", "namespaces", namespaced: false, shortNames: ["ns"], status: true),
        Define("", "v1", "ConfigMap", "configmaps", shortNames: ["cm"]),
        Define("", "v1", "Secret", "secrets"),
        Define("", "v1", "Service", "services", shortNames: ["svc"], categories: ["all"], status: true),
        Define("", "v1", "ServiceAccount", "serviceaccounts", shortNames: ["sa"]),
        Define("", "v1", "Pod", "pods", shortNames: ["po"], categories: ["all"], status: true),
        Define("", "v1", "Node", "nodes", namespaced: false, shortNames: ["no"], status: true),
        Define("", "v1", "Event", "events", shortNames: ["ev"]),
        Define("", "v1", "Endpoints", "endpoints", shortNames: ["ep"]),
        Define("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", shortNames: ["pvc"], status: true),
        Define("", "v1", "ResourceQuota", "resourcequotas", shortNames: ["quota"], status: true),
        Define("", "v1", "LimitRange", "limitranges", shortNames: ["limits"]),
        // apps/v1
        Define("apps", "v1", "Deployment", "deployments", shortNames: ["deploy"], categories: ["all"], status: true, generation: true, scale: WorkloadScale),
        Define("apps", "v1", "ReplicaSet", "replicasets", shortNames: ["rs"], categories: ["all"], status: true, generation: true, scale: WorkloadScale),
        Define("apps", "v1", "StatefulSet", "statefulsets", shortNames: ["sts"], categories: ["all"], status: true, generation: true, scale: WorkloadScale),
        Define("apps", "v1", "DaemonSet", "daemonsets", shortNames: ["ds"], categories: ["all"], status: true, generation: true),
        // batch/v1
        Define("batch", "v1", "Job", "jobs", categories: ["all"], status: true, generation: true),
        Define("batch", "v1", "CronJob", "cronjobs", shortNames: ["cj"], categories: ["all"], status: true, generation: true),
        // discovery, coordination, events
        Define("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"),
        Define("coordination.k8s.io", "v1", "Lease", "leases"),
        Define("events.k8s.io", "v1", "Event", "events", shortNames: ["ev"]),
        // rbac
        Define("rbac.authorization.k8s.io", "v1", "Role", "roles"),
        Define("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
        Define("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", namespaced: false),
        Define("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", namespaced: false),
        // policy, networking
        Define("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", shortNames: ["pdb"], status: true, generation: true),
        Define("networking.k8s.io", "v1", "Ingress", "ingresses", shortNames: ["ing"], status: true, generation: true),
        Define("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", shortNames: ["netpol"], generation: true),
        // apiextensions
        Define("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", namespaced: false,
            shortNames: ["crd", "crds"], categories: ["api-extensions"], status: true, generation: true),
    ];

    /// <summary>The group order of <c>/apis</c>, as upstream lists built-in groups (CRD groups follow).</summary>
    public static IReadOnlyList<string> GroupOrder { get; } =
    [
        "apps", "events.k8s.io", "batch", "policy", "rbac.authorization.k8s.io", "networking.k8s.io",
        "apiextensions.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
    ];

    private static ResourceDefinition Define(
        string group, string version, string kind, string plural, bool namespaced = true,
        string[]? shortNames = null, string[]? categories = null, bool status = false, bool generation = false,
        ScaleMapping? scale = null) => new()
        {
            Group = group,
            Version = version,
            Kind = kind,
            Plural = plural,
            Singular = kind.ToLowerInvariant(),
            Namespaced = namespaced,
            ShortNames = shortNames ?? [],
            Categories = categories ?? [],
            HasStatusSubresource = status,
            TracksGeneration = generation,
            Scale = scale,
        };
}
