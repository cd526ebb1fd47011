using static Flotilla.ApiServer.Protobuf.F;

namespace Flotilla.ApiServer.Protobuf;

/// <summary>
/// Schemas of the <c>core/v1</c> messages that make up a pod template: <c>PodSpec</c>, <c>Container</c> and what they
/// hold. Field numbers come from upstream <c>k8s.io/api/core/v1/generated.proto</c>; <c>.Keep()</c> marks Go pointer
/// fields (and the few numbers without <c>omitempty</c>). Legacy in-tree volume plugins (gcePersistentDisk, rbd, …)
/// are not listed and are skipped. A schema must be declared after every schema it references.
/// </summary>
internal static class PodSchemas
{
    public static readonly MessageSchema LocalObjectReference = new("LocalObjectReference",
        Str(1, "name"));

    public static readonly MessageSchema TypedLocalObjectReference = new("TypedLocalObjectReference",
        Str(1, "apiGroup"),
        Str(2, "kind"),
        Str(3, "name"));

    public static readonly MessageSchema TypedObjectReference = new("TypedObjectReference",
        Str(1, "apiGroup"),
        Str(2, "kind"),
        Str(3, "name"),
        Str(4, "namespace"));

    public static readonly MessageSchema ObjectReference = new("ObjectReference",
        Str(1, "kind"),
        Str(2, "namespace"),
        Str(3, "name"),
        Str(4, "uid"),
        Str(5, "apiVersion"),
        Str(6, "resourceVersion"),
        Str(7, "fieldPath"));

    public static readonly MessageSchema ContainerPort = new("ContainerPort",
        Str(1, "name"),
        Int(2, "hostPort"),
        Int(3, "containerPort").Keep(),
        Str(4, "protocol"),
        Str(5, "hostIP"));

    public static readonly MessageSchema ConfigMapEnvSource = new("ConfigMapEnvSource",
        Inline(1, LocalObjectReference),
        Bool(2, "optional").Keep());

    public static readonly MessageSchema SecretEnvSource = new("SecretEnvSource",
        Inline(1, LocalObjectReference),
        Bool(2, "optional").Keep());

    public static readonly MessageSchema EnvFromSource = new("EnvFromSource",
        Str(1, "prefix"),
        Msg(2, "configMapRef", ConfigMapEnvSource).Keep(),
        Msg(3, "secretRef", SecretEnvSource).Keep());

    public static readonly MessageSchema ObjectFieldSelector = new("ObjectFieldSelector",
        Str(1, "apiVersion"),
        Str(2, "fieldPath"));

    public static readonly MessageSchema ResourceFieldSelector = new("ResourceFieldSelector",
        Str(1, "containerName"),
        Str(2, "resource"),
        Quantity(3, "divisor"));

    public static readonly MessageSchema ConfigMapKeySelector = new("ConfigMapKeySelector",
        Inline(1, LocalObjectReference),
        Str(2, "key"),
        Bool(3, "optional").Keep());

    public static readonly MessageSchema SecretKeySelector = new("SecretKeySelector",
        Inline(1, LocalObjectReference),
        Str(2, "key"),
        Bool(3, "optional").Keep());

    public static readonly MessageSchema FileKeySelector = new("FileKeySelector",
        Str(1, "volumeName"),
        Str(2, "path"),
        Str(3, "key"),
        Bool(4, "optional").Keep());

    public static readonly MessageSchema EnvVarSource = new("EnvVarSource",
        Msg(1, "fieldRef", ObjectFieldSelector).Keep(),
        Msg(2, "resourceFieldRef", ResourceFieldSelector).Keep(),
        Msg(3, "configMapKeyRef", ConfigMapKeySelector).Keep(),
        Msg(4, "secretKeyRef", SecretKeySelector).Keep(),
        Msg(5, "fileKeyRef", FileKeySelector).Keep());

    public static readonly MessageSchema EnvVar = new("EnvVar",
        Str(1, "name"),
        Str(2, "value"),
        Msg(3, "valueFrom", EnvVarSource).Keep());

    public static readonly MessageSchema ResourceClaim = new("ResourceClaim",
        Str(1, "name"),
        Str(2, "request"));

    public static readonly MessageSchema ResourceRequirements = new("ResourceRequirements",
        QtyMap(1, "limits"),
        QtyMap(2, "requests"),
        Msgs(3, "claims", ResourceClaim));

    public static readonly MessageSchema ContainerResizePolicy = new("ContainerResizePolicy",
        Str(1, "resourceName"),
        Str(2, "restartPolicy"));

    public static readonly MessageSchema ContainerRestartRuleOnExitCodes = new("ContainerRestartRuleOnExitCodes",
        Str(1, "operator"),
        Ints(2, "values"));

    public static readonly MessageSchema ContainerRestartRule = new("ContainerRestartRule",
        Str(1, "action"),
        Msg(2, "exitCodes", ContainerRestartRuleOnExitCodes).Keep());

    public static readonly MessageSchema VolumeMount = new("VolumeMount",
        Str(1, "name"),
        Bool(2, "readOnly"),
        Str(7, "recursiveReadOnly"),
        Str(3, "mountPath"),
        Str(4, "subPath"),
        Str(5, "mountPropagation"),
        Str(6, "subPathExpr"));

    public static readonly MessageSchema VolumeDevice = new("VolumeDevice",
        Str(1, "name"),
        Str(2, "devicePath"));

    public static readonly MessageSchema ExecAction = new("ExecAction",
        Strs(1, "command"));

    public static readonly MessageSchema HttpHeader = new("HTTPHeader",
        Str(1, "name"),
        Str(2, "value"));

    public static readonly MessageSchema HttpGetAction = new("HTTPGetAction",
        Str(1, "path"),
        IntOrString(2, "port").Keep(),
        Str(3, "host"),
        Str(4, "scheme"),
        Msgs(5, "httpHeaders", HttpHeader));

    public static readonly MessageSchema TcpSocketAction = new("TCPSocketAction",
        IntOrString(1, "port").Keep(),
        Str(2, "host"));

    public static readonly MessageSchema GrpcAction = new("GRPCAction",
        Int(1, "port").Keep(),
        Str(2, "service"));

    public static readonly MessageSchema SleepAction = new("SleepAction",
        Long(1, "seconds").Keep());

    public static readonly MessageSchema ProbeHandler = new("ProbeHandler",
        Msg(1, "exec", ExecAction).Keep(),
        Msg(2, "httpGet", HttpGetAction).Keep(),
        Msg(3, "tcpSocket", TcpSocketAction).Keep(),
        Msg(4, "grpc", GrpcAction).Keep());

    public static readonly MessageSchema Probe = new("Probe",
        Inline(1, ProbeHandler),
        Int(2, "initialDelaySeconds"),
        Int(3, "timeoutSeconds"),
        Int(4, "periodSeconds"),
        Int(5, "successThreshold"),
        Int(6, "failureThreshold"),
        Long(7, "terminationGracePeriodSeconds").Keep());

    public static readonly MessageSchema LifecycleHandler = new("LifecycleHandler",
        Msg(1, "exec", ExecAction).Keep(),
        Msg(2, "httpGet", HttpGetAction).Keep(),
        Msg(3, "tcpSocket", TcpSocketAction).Keep(),
        Msg(4, "sleep", SleepAction).Keep());

    public static readonly MessageSchema Lifecycle = new("Lifecycle",
        Msg(1, "postStart", LifecycleHandler).Keep(),
        Msg(2, "preStop", LifecycleHandler).Keep(),
        Str(3, "stopSignal"));

    public static readonly MessageSchema Capabilities = new("Capabilities",
        Strs(1, "add"),
        Strs(2, "drop"));

    public static readonly MessageSchema SeLinuxOptions = new("SELinuxOptions",
        Str(1, "user"),
        Str(2, "role"),
        Str(3, "type"),
        Str(4, "level"));

    public static readonly MessageSchema WindowsSecurityContextOptions = new("WindowsSecurityContextOptions",
        Str(1, "gmsaCredentialSpecName"),
        Str(2, "gmsaCredentialSpec"),
        Str(3, "runAsUserName"),
        Bool(4, "hostProcess").Keep());

    public static readonly MessageSchema SeccompProfile = new("SeccompProfile",
        Str(1, "type"),
        Str(2, "localhostProfile"));

    public static readonly MessageSchema AppArmorProfile = new("AppArmorProfile",
        Str(1, "type"),
        Str(2, "localhostProfile"));

    public static readonly MessageSchema SecurityContext = new("SecurityContext",
        Msg(1, "capabilities", Capabilities).Keep(),
        Bool(2, "privileged").Keep(),
        Msg(3, "seLinuxOptions", SeLinuxOptions).Keep(),
        Msg(10, "windowsOptions", WindowsSecurityContextOptions).Keep(),
        Long(4, "runAsUser").Keep(),
        Long(8, "runAsGroup").Keep(),
        Bool(5, "runAsNonRoot").Keep(),
        Bool(6, "readOnlyRootFilesystem").Keep(),
        Bool(7, "allowPrivilegeEscalation").Keep(),
        Str(9, "procMount"),
        Msg(11, "seccompProfile", SeccompProfile).Keep(),
        Msg(12, "appArmorProfile", AppArmorProfile).Keep());

    /// <summary>Also the schema of <c>EphemeralContainerCommon</c>, which repeats Container's field numbers.</summary>
    public static readonly MessageSchema Container = new("Container",
        Str(1, "name"),
        Str(2, "image"),
        Strs(3, "command"),
        Strs(4, "args"),
        Str(5, "workingDir"),
        Msgs(6, "ports", ContainerPort),
        Msgs(19, "envFrom", EnvFromSource),
        Msgs(7, "env", EnvVar),
        Msg(8, "resources", ResourceRequirements),
        Msgs(23, "resizePolicy", ContainerResizePolicy),
        Str(24, "restartPolicy"),
        Msgs(25, "restartPolicyRules", ContainerRestartRule),
        Msgs(9, "volumeMounts", VolumeMount),
        Msgs(21, "volumeDevices", VolumeDevice),
        Msg(10, "livenessProbe", Probe).Keep(),
        Msg(11, "readinessProbe", Probe).Keep(),
        Msg(22, "startupProbe", Probe).Keep(),
        Msg(12, "lifecycle", Lifecycle).Keep(),
        Str(13, "terminationMessagePath"),
        Str(20, "terminationMessagePolicy"),
        Str(14, "imagePullPolicy"),
        Msg(15, "securityContext", SecurityContext).Keep(),
        Bool(16, "stdin"),
        Bool(17, "stdinOnce"),
        Bool(18, "tty"));

    public static readonly MessageSchema EphemeralContainer = new("EphemeralContainer",
        Inline(1, Container),
        Str(2, "targetContainerName"));

    public static readonly MessageSchema KeyToPath = new("KeyToPath",
        Str(1, "key"),
        Str(2, "path"),
        Int(3, "mode").Keep());

    public static readonly MessageSchema HostPathVolumeSource = new("HostPathVolumeSource",
        Str(1, "path"),
        Str(2, "type"));

    public static readonly MessageSchema EmptyDirVolumeSource = new("EmptyDirVolumeSource",
        Str(1, "medium"),
        Quantity(2, "sizeLimit"));

    public static readonly MessageSchema SecretVolumeSource = new("SecretVolumeSource",
        Str(1, "secretName"),
        Msgs(2, "items", KeyToPath),
        Int(3, "defaultMode").Keep(),
        Bool(4, "optional").Keep());

    public static readonly MessageSchema NfsVolumeSource = new("NFSVolumeSource",
        Str(1, "server"),
        Str(2, "path"),
        Bool(3, "readOnly"));

    public static readonly MessageSchema PersistentVolumeClaimVolumeSource = new("PersistentVolumeClaimVolumeSource",
        Str(1, "claimName"),
        Bool(2, "readOnly"));

    public static readonly MessageSchema DownwardApiVolumeFile = new("DownwardAPIVolumeFile",
        Str(1, "path"),
        Msg(2, "fieldRef", ObjectFieldSelector).Keep(),
        Msg(3, "resourceFieldRef", ResourceFieldSelector).Keep(),
        Int(4, "mode").Keep());

    public static readonly MessageSchema DownwardApiVolumeSource = new("DownwardAPIVolumeSource",
        Msgs(1, "items", DownwardApiVolumeFile),
        Int(2, "defaultMode").Keep());

    public static readonly MessageSchema ConfigMapVolumeSource = new("ConfigMapVolumeSource",
        Inline(1, LocalObjectReference),
        Msgs(2, "items", KeyToPath),
        Int(3, "defaultMode").Keep(),
        Bool(4, "optional").Keep());

    public static readonly MessageSchema SecretProjection = new("SecretProjection",
        Inline(1, LocalObjectReference),
        Msgs(2, "items", KeyToPath),
        Bool(4, "optional").Keep());

    public static readonly MessageSchema ConfigMapProjection = new("ConfigMapProjection",
        Inline(1, LocalObjectReference),
        Msgs(2, "items", KeyToPath),
        Bool(4, "optional").Keep());

    public static readonly MessageSchema DownwardApiProjection = new("DownwardAPIProjection",
        Msgs(1, "items", DownwardApiVolumeFile));

    public static readonly MessageSchema ServiceAccountTokenProjection = new("ServiceAccountTokenProjection",
        Str(1, "audience"),
        Long(2, "expirationSeconds").Keep(),
        Str(3, "path"));

    public static readonly MessageSchema VolumeProjection = new("VolumeProjection",
        Msg(1, "secret", SecretProjection).Keep(),
        Msg(2, "downwardAPI", DownwardApiProjection).Keep(),
        Msg(3, "configMap", ConfigMapProjection).Keep(),
        Msg(4, "serviceAccountToken", ServiceAccountTokenProjection).Keep());

    public static readonly MessageSchema ProjectedVolumeSource = new("ProjectedVolumeSource",
        Msgs(1, "sources", VolumeProjection),
        Int(2, "defaultMode").Keep());

    public static readonly MessageSchema CsiVolumeSource = new("CSIVolumeSource",
        Str(1, "driver"),
        Bool(2, "readOnly").Keep(),
        Str(3, "fsType"),
        StrMap(4, "volumeAttributes"),
        Msg(5, "nodePublishSecretRef", LocalObjectReference).Keep());

    public static readonly MessageSchema VolumeResourceRequirements = new("VolumeResourceRequirements",
        QtyMap(1, "limits"),
        QtyMap(2, "requests"));

    public static readonly MessageSchema PersistentVolumeClaimSpec = new("PersistentVolumeClaimSpec",
        Strs(1, "accessModes"),
        Msg(4, "selector", MetaSchemas.LabelSelector).Keep(),
        Msg(2, "resources", VolumeResourceRequirements),
        Str(3, "volumeName"),
        Str(5, "storageClassName"),
        Str(6, "volumeMode"),
        Msg(7, "dataSource", TypedLocalObjectReference).Keep(),
        Msg(8, "dataSourceRef", TypedObjectReference).Keep(),
        Str(9, "volumeAttributesClassName"));

    public static readonly MessageSchema PersistentVolumeClaimTemplate = new("PersistentVolumeClaimTemplate",
        Msg(1, "metadata", MetaSchemas.ObjectMeta),
        Msg(2, "spec", PersistentVolumeClaimSpec));

    public static readonly MessageSchema EphemeralVolumeSource = new("EphemeralVolumeSource",
        Msg(1, "volumeClaimTemplate", PersistentVolumeClaimTemplate).Keep());

    public static readonly MessageSchema ImageVolumeSource = new("ImageVolumeSource",
        Str(1, "reference"),
        Str(2, "pullPolicy"));

    /// <summary>Every source is a Go pointer, so <c>emptyDir: {}</c> survives as the volume's type.</summary>
    public static readonly MessageSchema VolumeSource = new("VolumeSource",
        Msg(1, "hostPath", HostPathVolumeSource).Keep(),
        Msg(2, "emptyDir", EmptyDirVolumeSource).Keep(),
        Msg(6, "secret", SecretVolumeSource).Keep(),
        Msg(7, "nfs", NfsVolumeSource).Keep(),
        Msg(10, "persistentVolumeClaim", PersistentVolumeClaimVolumeSource).Keep(),
        Msg(16, "downwardAPI", DownwardApiVolumeSource).Keep(),
        Msg(19, "configMap", ConfigMapVolumeSource).Keep(),
        Msg(26, "projected", ProjectedVolumeSource).Keep(),
        Msg(28, "csi", CsiVolumeSource).Keep(),
        Msg(29, "ephemeral", EphemeralVolumeSource).Keep(),
        Msg(30, "image", ImageVolumeSource).Keep());

    public static readonly MessageSchema Volume = new("Volume",
        Str(1, "name"),
        Inline(2, VolumeSource));

    public static readonly MessageSchema NodeSelectorRequirement = new("NodeSelectorRequirement",
        Str(1, "key"),
        Str(2, "operator"),
        Strs(3, "values"));

    public static readonly MessageSchema NodeSelectorTerm = new("NodeSelectorTerm",
        Msgs(1, "matchExpressions", NodeSelectorRequirement),
        Msgs(2, "matchFields", NodeSelectorRequirement));

    public static readonly MessageSchema NodeSelector = new("NodeSelector",
        Msgs(1, "nodeSelectorTerms", NodeSelectorTerm));

    public static readonly MessageSchema PreferredSchedulingTerm = new("PreferredSchedulingTerm",
        Int(1, "weight").Keep(),
        Msg(2, "preference", NodeSelectorTerm).Keep());

    public static readonly MessageSchema NodeAffinity = new("NodeAffinity",
        Msg(1, "requiredDuringSchedulingIgnoredDuringExecution", NodeSelector).Keep(),
        Msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", PreferredSchedulingTerm));

    public static readonly MessageSchema PodAffinityTerm = new("PodAffinityTerm",
        Msg(1, "labelSelector", MetaSchemas.LabelSelector).Keep(),
        Strs(2, "namespaces"),
        Str(3, "topologyKey"),
        Msg(4, "namespaceSelector", MetaSchemas.LabelSelector).Keep(),
        Strs(5, "matchLabelKeys"),
        Strs(6, "mismatchLabelKeys"));

    public static readonly MessageSchema WeightedPodAffinityTerm = new("WeightedPodAffinityTerm",
        Int(1, "weight").Keep(),
        Msg(2, "podAffinityTerm", PodAffinityTerm).Keep());

    public static readonly MessageSchema PodAffinity = new("PodAffinity",
        Msgs(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm),
        Msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm));

    public static readonly MessageSchema PodAntiAffinity = new("PodAntiAffinity",
        Msgs(1, "requiredDuringSchedulingIgnoredDuringExecution", PodAffinityTerm),
        Msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", WeightedPodAffinityTerm));

    public static readonly MessageSchema Affinity = new("Affinity",
        Msg(1, "nodeAffinity", NodeAffinity).Keep(),
        Msg(2, "podAffinity", PodAffinity).Keep(),
        Msg(3, "podAntiAffinity", PodAntiAffinity).Keep());

    public static readonly MessageSchema Sysctl = new("Sysctl",
        Str(1, "name"),
        Str(2, "value"));

    public static readonly MessageSchema PodSecurityContext = new("PodSecurityContext",
        Msg(1, "seLinuxOptions", SeLinuxOptions).Keep(),
        Msg(8, "windowsOptions", WindowsSecurityContextOptions).Keep(),
        Long(2, "runAsUser").Keep(),
        Long(6, "runAsGroup").Keep(),
        Bool(3, "runAsNonRoot").Keep(),
        Longs(4, "supplementalGroups"),
        Str(12, "supplementalGroupsPolicy"),
        Long(5, "fsGroup").Keep(),
        Msgs(7, "sysctls", Sysctl),
        Str(9, "fsGroupChangePolicy"),
        Msg(10, "seccompProfile", SeccompProfile).Keep(),
        Msg(11, "appArmorProfile", AppArmorProfile).Keep(),
        Str(13, "seLinuxChangePolicy"));

    public static readonly MessageSchema Toleration = new("Toleration",
        Str(1, "key"),
        Str(2, "operator"),
        Str(3, "value"),
        Str(4, "effect"),
        Long(5, "tolerationSeconds").Keep());

    public static readonly MessageSchema HostAlias = new("HostAlias",
        Str(1, "ip"),
        Strs(2, "hostnames"));

    public static readonly MessageSchema PodDnsConfigOption = new("PodDNSConfigOption",
        Str(1, "name"),
        Str(2, "value"));

    public static readonly MessageSchema PodDnsConfig = new("PodDNSConfig",
        Strs(1, "nameservers"),
        Strs(2, "searches"),
        Msgs(3, "options", PodDnsConfigOption));

    public static readonly MessageSchema PodReadinessGate = new("PodReadinessGate",
        Str(1, "conditionType"));

    public static readonly MessageSchema TopologySpreadConstraint = new("TopologySpreadConstraint",
        Int(1, "maxSkew").Keep(),
        Str(2, "topologyKey"),
        Str(3, "whenUnsatisfiable"),
        Msg(4, "labelSelector", MetaSchemas.LabelSelector).Keep(),
        Int(5, "minDomains").Keep(),
        Str(6, "nodeAffinityPolicy"),
        Str(7, "nodeTaintsPolicy"),
        Strs(8, "matchLabelKeys"));

    public static readonly MessageSchema PodOs = new("PodOS",
        Str(1, "name"));

    public static readonly MessageSchema PodSchedulingGate = new("PodSchedulingGate",
        Str(1, "name"));

    public static readonly MessageSchema PodResourceClaim = new("PodResourceClaim",
        Str(1, "name"),
        Str(3, "resourceClaimName"),
        Str(4, "resourceClaimTemplateName"));

    public static readonly MessageSchema PodSpec = new("PodSpec",
        Msgs(1, "volumes", Volume),
        Msgs(20, "initContainers", Container),
        Msgs(2, "containers", Container),
        Msgs(34, "ephemeralContainers", EphemeralContainer),
        Str(3, "restartPolicy"),
        Long(4, "terminationGracePeriodSeconds").Keep(),
        Long(5, "activeDeadlineSeconds").Keep(),
        Str(6, "dnsPolicy"),
        StrMap(7, "nodeSelector"),
        Str(8, "serviceAccountName"),
        Str(9, "serviceAccount"),
        Bool(21, "automountServiceAccountToken").Keep(),
        Str(10, "nodeName"),
        Bool(11, "hostNetwork"),
        Bool(12, "hostPID"),
        Bool(13, "hostIPC"),
        Bool(27, "shareProcessNamespace").Keep(),
        Msg(14, "securityContext", PodSecurityContext).Keep(),
        Msgs(15, "imagePullSecrets", LocalObjectReference),
        Str(16, "hostname"),
        Str(17, "subdomain"),
        Msg(18, "affinity", Affinity).Keep(),
        Str(19, "schedulerName"),
        Msgs(22, "tolerations", Toleration),
        Msgs(23, "hostAliases", HostAlias),
        Str(24, "priorityClassName"),
        Int(25, "priority").Keep(),
        Msg(26, "dnsConfig", PodDnsConfig).Keep(),
        Msgs(28, "readinessGates", PodReadinessGate),
        Str(29, "runtimeClassName"),
        Bool(30, "enableServiceLinks").Keep(),
        Str(31, "preemptionPolicy"),
        QtyMap(32, "overhead"),
        Msgs(33, "topologySpreadConstraints", TopologySpreadConstraint),
        Bool(35, "setHostnameAsFQDN").Keep(),
        Msg(36, "os", PodOs).Keep(),
        Bool(37, "hostUsers").Keep(),
        Msgs(38, "schedulingGates", PodSchedulingGate),
        Msgs(39, "resourceClaims", PodResourceClaim),
        Msg(40, "resources", ResourceRequirements).Keep(),
        Str(41, "hostnameOverride"));

    public static readonly MessageSchema PodTemplateSpec = new("PodTemplateSpec",
        Msg(1, "metadata", MetaSchemas.ObjectMeta),
        Msg(2, "spec", PodSpec));
}
