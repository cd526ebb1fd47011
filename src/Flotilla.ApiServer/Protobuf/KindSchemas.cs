using System.Collections.Frozen;
using static Flotilla.ApiServer.Protobuf.F;

namespace Flotilla.ApiServer.Protobuf;

/// <summary>
/// The top-level kinds the protobuf decoder accepts, with the spec messages only they use. These are the kinds that
/// kubectl's typed subcommands send as protobuf: <c>create namespace|configmap|secret|serviceaccount|deployment|
/// service|job|cronjob|role|clusterrole|rolebinding|clusterrolebinding|quota|poddisruptionbudget|priorityclass|
/// ingress</c> (plus Pod, which costs nothing given PodSpec). Status messages are not listed: a create ignores
/// status, so it is skipped as an unknown field. A schema must be declared after every schema it references.
/// </summary>
internal static class KindSchemas
{
    private static readonly MessageSchema ObjectMeta = MetaSchemas.ObjectMeta;

    // core/v1

    public static readonly MessageSchema NamespaceSpec = new("NamespaceSpec",
        Strs(1, "finalizers"));

    public static readonly MessageSchema NamespaceStatus = new("NamespaceStatus",
        Str(1, "phase"));

    public static readonly MessageSchema Namespace = new("Namespace",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", NamespaceSpec),
        Msg(3, "status", NamespaceStatus));

    public static readonly MessageSchema ConfigMap = new("ConfigMap",
        Msg(1, "metadata", ObjectMeta),
        Bool(4, "immutable").Keep(),
        StrMap(2, "data"),
        BytesMap(3, "binaryData"));

    public static readonly MessageSchema Secret = new("Secret",
        Msg(1, "metadata", ObjectMeta),
        Bool(5, "immutable").Keep(),
        BytesMap(2, "data"),
        StrMap(4, "stringData"),
        Str(3, "type"));

    public static readonly MessageSchema ServiceAccount = new("ServiceAccount",
        Msg(1, "metadata", ObjectMeta),
        Msgs(2, "secrets", PodSchemas.ObjectReference),
        Msgs(3, "imagePullSecrets", PodSchemas.LocalObjectReference),
        Bool(4, "automountServiceAccountToken").Keep());

    public static readonly MessageSchema ServicePort = new("ServicePort",
        Str(1, "name"),
        Str(2, "protocol"),
        Str(6, "appProtocol"),
        Int(3, "port").Keep(),
        IntOrString(4, "targetPort"),
        Int(5, "nodePort"));

    public static readonly MessageSchema ClientIpConfig = new("ClientIPConfig",
        Int(1, "timeoutSeconds").Keep());

    public static readonly MessageSchema SessionAffinityConfig = new("SessionAffinityConfig",
        Msg(1, "clientIP", ClientIpConfig).Keep());

    public static readonly MessageSchema ServiceSpec = new("ServiceSpec",
        Msgs(1, "ports", ServicePort),
        StrMap(2, "selector"),
        Str(3, "clusterIP"),
        Strs(18, "clusterIPs"),
        Str(4, "type"),
        Strs(5, "externalIPs"),
        Str(7, "sessionAffinity"),
        Str(8, "loadBalancerIP"),
        Strs(9, "loadBalancerSourceRanges"),
        Str(10, "externalName"),
        Str(11, "externalTrafficPolicy"),
        Int(12, "healthCheckNodePort"),
        Bool(13, "publishNotReadyAddresses"),
        Msg(14, "sessionAffinityConfig", SessionAffinityConfig).Keep(),
        Strs(19, "ipFamilies"),
        Str(17, "ipFamilyPolicy"),
        Bool(20, "allocateLoadBalancerNodePorts").Keep(),
        Str(21, "loadBalancerClass"),
        Str(22, "internalTrafficPolicy"),
        Str(23, "trafficDistribution"));

    public static readonly MessageSchema Service = new("Service",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", ServiceSpec));

    public static readonly MessageSchema ScopedResourceSelectorRequirement = new("ScopedResourceSelectorRequirement",
        Str(1, "scopeName"),
        Str(2, "operator"),
        Strs(3, "values"));

    public static readonly MessageSchema ScopeSelector = new("ScopeSelector",
        Msgs(1, "matchExpressions", ScopedResourceSelectorRequirement));

    public static readonly MessageSchema ResourceQuotaSpec = new("ResourceQuotaSpec",
        QtyMap(1, "hard"),
        Strs(2, "scopes"),
        Msg(3, "scopeSelector", ScopeSelector).Keep());

    public static readonly MessageSchema ResourceQuota = new("ResourceQuota",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", ResourceQuotaSpec));

    public static readonly MessageSchema Pod = new("Pod",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", PodSchemas.PodSpec));

    // apps/v1

    public static readonly MessageSchema RollingUpdateDeployment = new("RollingUpdateDeployment",
        IntOrString(1, "maxUnavailable").Keep(),
        IntOrString(2, "maxSurge").Keep());

    public static readonly MessageSchema DeploymentStrategy = new("DeploymentStrategy",
        Str(1, "type"),
        Msg(2, "rollingUpdate", RollingUpdateDeployment).Keep());

    public static readonly MessageSchema DeploymentSpec = new("DeploymentSpec",
        Int(1, "replicas").Keep(),
        Msg(2, "selector", MetaSchemas.LabelSelector).Keep(),
        Msg(3, "template", PodSchemas.PodTemplateSpec),
        Msg(4, "strategy", DeploymentStrategy),
        Int(5, "minReadySeconds"),
        Int(6, "revisionHistoryLimit").Keep(),
        Bool(7, "paused"),
        Int(9, "progressDeadlineSeconds").Keep(),
        Str(10, "podReplacementPolicy"));

    public static readonly MessageSchema Deployment = new("Deployment",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", DeploymentSpec));

    // batch/v1

    public static readonly MessageSchema PodFailurePolicyOnExitCodesRequirement = new("PodFailurePolicyOnExitCodesRequirement",
        Str(1, "containerName"),
        Str(2, "operator"),
        Ints(3, "values"));

    public static readonly MessageSchema PodFailurePolicyOnPodConditionsPattern = new("PodFailurePolicyOnPodConditionsPattern",
        Str(1, "type"),
        Str(2, "status"));

    public static readonly MessageSchema PodFailurePolicyRule = new("PodFailurePolicyRule",
        Str(1, "action"),
        Msg(2, "onExitCodes", PodFailurePolicyOnExitCodesRequirement).Keep(),
        Msgs(3, "onPodConditions", PodFailurePolicyOnPodConditionsPattern));

    public static readonly MessageSchema PodFailurePolicy = new("PodFailurePolicy",
        Msgs(1, "rules", PodFailurePolicyRule));

    public static readonly MessageSchema SuccessPolicyRule = new("SuccessPolicyRule",
        Str(1, "succeededIndexes"),
        Int(2, "succeededCount").Keep());

    public static readonly MessageSchema SuccessPolicy = new("SuccessPolicy",
        Msgs(1, "rules", SuccessPolicyRule));

    public static readonly MessageSchema JobSpec = new("JobSpec",
        Int(1, "parallelism").Keep(),
        Int(2, "completions").Keep(),
        Long(3, "activeDeadlineSeconds").Keep(),
        Msg(11, "podFailurePolicy", PodFailurePolicy).Keep(),
        Msg(16, "successPolicy", SuccessPolicy).Keep(),
        Int(7, "backoffLimit").Keep(),
        Int(12, "backoffLimitPerIndex").Keep(),
        Int(13, "maxFailedIndexes").Keep(),
        Msg(4, "selector", MetaSchemas.LabelSelector).Keep(),
        Bool(5, "manualSelector").Keep(),
        Msg(6, "template", PodSchemas.PodTemplateSpec),
        Int(8, "ttlSecondsAfterFinished").Keep(),
        Str(9, "completionMode"),
        Bool(10, "suspend").Keep(),
        Str(14, "podReplacementPolicy"),
        Str(15, "managedBy"));

    public static readonly MessageSchema Job = new("Job",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", JobSpec));

    public static readonly MessageSchema JobTemplateSpec = new("JobTemplateSpec",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", JobSpec));

    public static readonly MessageSchema CronJobSpec = new("CronJobSpec",
        Str(1, "schedule"),
        Str(8, "timeZone"),
        Long(2, "startingDeadlineSeconds").Keep(),
        Str(3, "concurrencyPolicy"),
        Bool(4, "suspend").Keep(),
        Msg(5, "jobTemplate", JobTemplateSpec),
        Int(6, "successfulJobsHistoryLimit").Keep(),
        Int(7, "failedJobsHistoryLimit").Keep());

    public static readonly MessageSchema CronJob = new("CronJob",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", CronJobSpec));

    // rbac.authorization.k8s.io/v1

    public static readonly MessageSchema PolicyRule = new("PolicyRule",
        Strs(1, "verbs"),
        Strs(2, "apiGroups"),
        Strs(3, "resources"),
        Strs(4, "resourceNames"),
        Strs(5, "nonResourceURLs"));

    public static readonly MessageSchema AggregationRule = new("AggregationRule",
        Msgs(1, "clusterRoleSelectors", MetaSchemas.LabelSelector));

    public static readonly MessageSchema Role = new("Role",
        Msg(1, "metadata", ObjectMeta),
        Msgs(2, "rules", PolicyRule));

    public static readonly MessageSchema ClusterRole = new("ClusterRole",
        Msg(1, "metadata", ObjectMeta),
        Msgs(2, "rules", PolicyRule),
        Msg(3, "aggregationRule", AggregationRule).Keep());

    public static readonly MessageSchema Subject = new("Subject",
        Str(1, "kind"),
        Str(2, "apiGroup"),
        Str(3, "name"),
        Str(4, "namespace"));

    public static readonly MessageSchema RoleRef = new("RoleRef",
        Str(1, "apiGroup"),
        Str(2, "kind"),
        Str(3, "name"));

    public static readonly MessageSchema RoleBinding = new("RoleBinding",
        Msg(1, "metadata", ObjectMeta),
        Msgs(2, "subjects", Subject),
        Msg(3, "roleRef", RoleRef));

    public static readonly MessageSchema ClusterRoleBinding = new("ClusterRoleBinding",
        Msg(1, "metadata", ObjectMeta),
        Msgs(2, "subjects", Subject),
        Msg(3, "roleRef", RoleRef));

    // policy/v1

    public static readonly MessageSchema PodDisruptionBudgetSpec = new("PodDisruptionBudgetSpec",
        IntOrString(1, "minAvailable").Keep(),
        Msg(2, "selector", MetaSchemas.LabelSelector).Keep(),
        IntOrString(3, "maxUnavailable").Keep(),
        Str(4, "unhealthyPodEvictionPolicy"));

    public static readonly MessageSchema PodDisruptionBudget = new("PodDisruptionBudget",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", PodDisruptionBudgetSpec));

    // scheduling.k8s.io/v1

    public static readonly MessageSchema PriorityClass = new("PriorityClass",
        Msg(1, "metadata", ObjectMeta),
        Int(2, "value").Keep(),
        Bool(3, "globalDefault"),
        Str(4, "description"),
        Str(5, "preemptionPolicy"));

    // networking.k8s.io/v1

    public static readonly MessageSchema ServiceBackendPort = new("ServiceBackendPort",
        Str(1, "name"),
        Int(2, "number"));

    public static readonly MessageSchema IngressServiceBackend = new("IngressServiceBackend",
        Str(1, "name"),
        Msg(2, "port", ServiceBackendPort));

    public static readonly MessageSchema IngressBackend = new("IngressBackend",
        Msg(4, "service", IngressServiceBackend).Keep(),
        Msg(3, "resource", PodSchemas.TypedLocalObjectReference).Keep());

    public static readonly MessageSchema IngressTls = new("IngressTLS",
        Strs(1, "hosts"),
        Str(2, "secretName"));

    public static readonly MessageSchema HttpIngressPath = new("HTTPIngressPath",
        Str(1, "path"),
        Str(3, "pathType"),
        Msg(2, "backend", IngressBackend));

    public static readonly MessageSchema HttpIngressRuleValue = new("HTTPIngressRuleValue",
        Msgs(1, "paths", HttpIngressPath));

    public static readonly MessageSchema IngressRuleValue = new("IngressRuleValue",
        Msg(1, "http", HttpIngressRuleValue).Keep());

    public static readonly MessageSchema IngressRule = new("IngressRule",
        Str(1, "host"),
        Inline(2, IngressRuleValue));

    public static readonly MessageSchema IngressSpec = new("IngressSpec",
        Str(4, "ingressClassName"),
        Msg(1, "defaultBackend", IngressBackend).Keep(),
        Msgs(2, "tls", IngressTls),
        Msgs(3, "rules", IngressRule));

    public static readonly MessageSchema Ingress = new("Ingress",
        Msg(1, "metadata", ObjectMeta),
        Msg(2, "spec", IngressSpec));

    /// <summary>(apiVersion, kind) → schema of the object inside <c>runtime.Unknown.raw</c>.</summary>
    private static readonly FrozenDictionary<(string ApiVersion, string Kind), MessageSchema> Kinds =
        new Dictionary<(string, string), MessageSchema>
        {
            [("v1", "Namespace")] = Namespace,
            [("v1", "ConfigMap")] = ConfigMap,
            [("v1", "Secret")] = Secret,
            [("v1", "ServiceAccount")] = ServiceAccount,
            [("v1", "Service")] = Service,
            [("v1", "ResourceQuota")] = ResourceQuota,
            [("v1", "Pod")] = Pod,
            [("apps/v1", "Deployment")] = Deployment,
            [("batch/v1", "Job")] = Job,
            [("batch/v1", "CronJob")] = CronJob,
            [("rbac.authorization.k8s.io/v1", "Role")] = Role,
            [("rbac.authorization.k8s.io/v1", "ClusterRole")] = ClusterRole,
            [("rbac.authorization.k8s.io/v1", "RoleBinding")] = RoleBinding,
            [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = ClusterRoleBinding,
            [("policy/v1", "PodDisruptionBudget")] = PodDisruptionBudget,
            [("scheduling.k8s.io/v1", "PriorityClass")] = PriorityClass,
            [("networking.k8s.io/v1", "Ingress")] = Ingress,
        }.ToFrozenDictionary();

    /// <summary>The supported kinds as "apiVersion Kind" pairs, for the 415 message.</summary>
    public static readonly string SupportedKindsText =
        string.Join(", ", Kinds.Keys.OrderBy(k => k.ApiVersion, StringComparer.Ordinal).ThenBy(k => k.Kind, StringComparer.Ordinal).Select(k => $"{k.ApiVersion} {k.Kind}"));

    public static MessageSchema? Find(string apiVersion, string kind) => Kinds.GetValueOrDefault((apiVersion, kind));

    /// <summary>Every registered (apiVersion, kind), for tests and discovery of what protobuf bodies are accepted.</summary>
    public static IEnumerable<(string ApiVersion, string Kind)> SupportedKinds => Kinds.Keys;
}
