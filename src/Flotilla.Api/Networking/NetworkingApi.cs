using Flotilla.Api.Cluster;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking;

/// <summary>
/// Names of the <c>networking.fleet.azure.com</c> API (networking spec §0.4, §1.1): group, versions, finalizers, labels,
/// annotations and the name formulas every controller must agree on. The strings are wire contracts shared with
/// upstream agents and tooling, so they are verbatim.
/// </summary>
public static class NetworkingApi
{
    public const string Group = "networking.fleet.azure.com";
    public const string V1Alpha1 = "v1alpha1";
    public const string V1Beta1 = "v1beta1";

    /// <summary>The category every networking kind belongs to (<c>kubectl get fleet-networking</c>).</summary>
    public const string Category = "fleet-networking";

    /// <summary>ServiceExport and the Traffic Manager kinds store v1beta1; everything else exists only in v1alpha1.</summary>
    public const string ApiVersionV1Alpha1 = Group + "/" + V1Alpha1;

    public const string ApiVersionV1Beta1 = Group + "/" + V1Beta1;

    /// <summary>The member namespace holding derived Services and imported EndpointSlices (flag <c>--fleet-system-namespace</c>).</summary>
    public const string DefaultFleetSystemNamespace = "fleet-system";

    // Finalizers (§0.4). ServiceImport uses the same string on the member and on the hub.
    public const string ServiceExportCleanupFinalizer = Group + "/svc-export-cleanup";
    public const string InternalServiceExportCleanupFinalizer = Group + "/internal-svc-export-cleanup";
    public const string ServiceImportCleanupFinalizer = Group + "/serviceimport-cleanup";
    public const string InternalServiceImportCleanupFinalizer = Group + "/internalsvcimport-cleanup";
    public const string EndpointSliceExportCleanupFinalizer = Group + "/endpointsliceexport-cleanup";
    public const string EndpointSliceImportCleanupFinalizer = Group + "/endpointsliceimport-cleanup";
    public const string ServiceResourcesCleanupFinalizer = Group + "/service-resources-cleanup";

    // Labels (§0.4).
    public const string ServiceImportLabel = Group + "/service-import";
    public const string DerivedServiceLabel = Group + "/derived-service";
    public const string MultiClusterServiceNameLabel = Group + "/multi-cluster-service-name";
    public const string MultiClusterServiceNamespaceLabel = Group + "/multi-cluster-service-namespace";

    /// <summary>discovery/v1's link from an EndpointSlice to its Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    public const string EndpointSliceManagedByLabel = "endpointslice.kubernetes.io/managed-by";

    /// <summary>The <see cref="EndpointSliceManagedByLabel"/> value on imported EndpointSlices.</summary>
    public const string EndpointSliceImportControllerName = "endpointsliceimport-controller.networking.fleet.azure.com";

    // Annotations (§0.4).
    public const string WeightAnnotation = Group + "/weight";
    public const string AzureLoadBalancerInternalAnnotation = Group + "/azure-load-balancer-internal";
    public const string ServiceInUseByAnnotation = Group + "/service-in-use-by";
    public const string FleetUniqueNameAnnotation = Group + "/fleet-unique-name";
    public const string LastSeenGenerationAnnotation = Group + "/last-seen-generation";
    public const string LastSeenTimestampAnnotation = Group + "/last-seen-timestamp";
    public const string LastSeenResourceVersionAnnotation = Group + "/last-seen-resource-version";
    public const string LastObservedResourceVersionAnnotation = Group + "/last-observed-resource-version";
    public const string LastObservedGenerationAnnotation = Group + "/last-observed-generation";

    /// <summary>Written on derived Services; read on member Services by the Traffic Manager feature.</summary>
    public const string ServiceAzureLoadBalancerInternalAnnotation = "service.beta.kubernetes.io/azure-load-balancer-internal";

    public const string ServiceAzureLoadBalancerResourceGroupAnnotation = "service.beta.kubernetes.io/azure-load-balancer-resource-group";
    public const string ServiceAzureDnsLabelNameAnnotation = "service.beta.kubernetes.io/azure-dns-label-name";

    // The CRD installer's labels (§1.1).
    public const string CrdInstallerManagedLabel = "crd-installer.networking.azure.fleet.com/managed";
    public const string AzureManagedByLabel = "kubernetes.azure.com/managedby";
    public const string AzureManagedByFleet = "fleet";

    /// <summary>The hub namespace of a member cluster: <c>fleet-member-&lt;clusterID&gt;</c>, shared with the cluster API.</summary>
    public static string ClusterNamespace(string clusterId) => ClusterApi.MemberNamespace(clusterId);

    /// <summary>The <c>&lt;namespace&gt;/&lt;name&gt;</c> key carried in references and used by the field indexes.</summary>
    public static string NamespacedName(string ns, string name) => ns + "/" + name;

    /// <summary>
    /// The hub InternalServiceExport name for Service <c>&lt;ns&gt;/&lt;name&gt;</c>: a plain <c>&lt;ns&gt;-&lt;name&gt;</c>
    /// join with no truncation or escaping. Two services can collide (<c>a-b/c</c> and <c>a/b-c</c>); upstream
    /// resolves that only through the UID check (spec §7), and the name must stay as is to interoperate.
    /// </summary>
    public static string InternalServiceExportName(string serviceNamespace, string serviceName) => serviceNamespace + "-" + serviceName;

    /// <summary>The hub InternalServiceImport name for member ServiceImport <c>&lt;ns&gt;/&lt;name&gt;</c> (same join).</summary>
    public static string InternalServiceImportName(string serviceImportNamespace, string serviceImportName) =>
        serviceImportNamespace + "-" + serviceImportName;

    /// <summary>
    /// The derived Service name in <c>fleet-system</c> for MultiClusterService <c>&lt;ns&gt;/&lt;name&gt;</c>. Not truncated:
    /// a result over 63 characters makes the Service creation fail, as upstream (spec §7).
    /// </summary>
    public static string DerivedServiceName(string mcsNamespace, string mcsName) => mcsNamespace + "-" + mcsName;

    /// <summary>Each component of a fleet-unique name is cut to (253 − 3 dashes − 5 suffix characters) / 3.</summary>
    public const int FleetUniqueNameComponentMaxLength = 81;

    private const int FleetUniqueNameSuffixLength = 5;
    private const int FleetUniqueNameFallbackLength = 25;

    /// <summary>
    /// The fleet-unique name of an exported EndpointSlice (spec §0.4):
    /// <c>&lt;clusterID&gt;-&lt;namespace&gt;-&lt;sliceName&gt;-&lt;first 5 characters of <paramref name="uuid"/>&gt;</c>, each
    /// component cut to 81 characters. When the result is not a DNS-1123 subdomain (a cluster ID with upper case
    /// letters, say) it falls back to 25 random lower-case letters from <paramref name="random"/>. Randomness is
    /// passed in so tests are deterministic.
    /// </summary>
    public static string FleetUniqueName(string clusterId, string ns, string endpointSliceName, Guid uuid, Random random)
    {
        var name = string.Join('-',
            Cut(clusterId), Cut(ns), Cut(endpointSliceName), uuid.ToString("D")[..FleetUniqueNameSuffixLength]);
        if (NameValidation.IsDns1123Subdomain(name).Count == 0)
        {
            return name;
        }
        return string.Create(FleetUniqueNameFallbackLength, random, static (chars, r) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + r.Next(26));
            }
        });

        static string Cut(string text) => text.Length > FleetUniqueNameComponentMaxLength ? text[..FleetUniqueNameComponentMaxLength] : text;
    }
}

/// <summary>Condition types, reasons and messages on ServiceExport and InternalServiceExport (spec §2.3, §3.3).</summary>
public static class ServiceExportConditions
{
    public const string Valid = "Valid";
    public const string Conflict = "Conflict";

    public const string ServiceIsValidReason = "ServiceIsValid";
    public const string ServiceNotFoundReason = "ServiceNotFound";
    public const string ServiceIneligibleReason = "ServiceIneligible";
    public const string InvalidWeightAnnotationReason = "ServiceExportInvalidWeightAnnotation";
    public const string PendingConflictResolutionReason = "ServicePendingConflictResolution";
    public const string NoConflictFoundReason = "NoConflictFound";
    public const string ConflictFoundReason = "ConflictFound";

    public static string ValidMessage(string ns, string name) => $"service {ns}/{name} is valid for export";

    public static string ValidWithZeroWeightMessage(string ns, string name) => $"exported service {ns}/{name} with 0 weight";

    public static string NotFoundMessage(string ns, string name) => $"service {ns}/{name} is not found";

    public static string IneligibleMessage(string ns, string name) => $"service {ns}/{name} is not eligible for export";

    public static string InvalidWeightAnnotationMessage(string ns, string name, string error) =>
        $"serviceExport {ns}/{name} has an invalid weight annotation, err = {error}";

    public static string PendingConflictResolutionMessage(string ns, string name) => $"service {ns}/{name} is pending export conflict resolution";

    public static string NoConflictFoundMessage(string ns, string name) => $"service {ns}/{name} is exported without conflict";

    public static string ConflictFoundMessage(string ns, string name) => $"service {ns}/{name} is in conflict with other exported services";
}

/// <summary>The MultiClusterService <c>Valid</c> condition (spec §5.3). There is no False state.</summary>
public static class MultiClusterServiceConditions
{
    public const string Valid = "Valid";

    public const string FoundServiceImportReason = "FoundServiceImport";
    public const string UnknownServiceImportReason = "UnknownServiceImport";

    public const string FoundServiceImportMessage = "found valid service import";

    public const string UnknownServiceImportMessage =
        "importing service; if the condition remains for a while, please verify that service has been exported or service has been exported by other multiClusterService";
}

/// <summary>Agent-level conditions the networking agents report in the InternalMemberCluster (spec §6.3).</summary>
public static class NetworkingAgentConditions
{
    public const string AgentJoinedReason = "AgentJoined";
    public const string AgentLeftReason = "AgentLeft";
}

/// <summary>TrafficManagerProfile and TrafficManagerBackend conditions (spec §1.10).</summary>
public static class TrafficManagerConditions
{
    public const string Programmed = "Programmed";
    public const string Accepted = "Accepted";

    public const string AcceptedReason = "Accepted";
    public const string InvalidReason = "Invalid";
    public const string PendingReason = "Pending";
}

/// <summary><c>ServiceImport.status.type</c> values; the hub always writes <see cref="ClusterSetIP"/>.</summary>
public static class ServiceImportType
{
    public const string ClusterSetIP = "ClusterSetIP";
    public const string Headless = "Headless";
}

/// <summary>Port protocols of <see cref="ServicePort"/> (the CRD default is TCP).</summary>
public static class PortProtocol
{
    public const string Tcp = "TCP";
    public const string Udp = "UDP";
    public const string Sctp = "SCTP";
}

/// <summary>EndpointSliceExport address types: only IPv4 slices are exported.</summary>
public static class EndpointAddressType
{
    public const string IPv4 = "IPv4";
}

/// <summary>Traffic Manager health-probe protocols.</summary>
public static class TrafficManagerMonitorProtocol
{
    public const string Http = "HTTP";
    public const string Https = "HTTPS";
    public const string Tcp = "TCP";
}
