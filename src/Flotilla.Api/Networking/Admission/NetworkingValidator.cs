using Flotilla.Api.Admission;
using Flotilla.Api.Meta;

namespace Flotilla.Api.Networking.Admission;

/// <summary>
/// Admission for the <c>networking.fleet.azure.com</c> kinds. Upstream has no networking webhook: every check here is
/// a CRD rule that a real API server evaluates as CEL, so every refusal is a 422 Invalid. Flotilla's server validates
/// the CRDs' schema rules itself, before admission, but not CEL, so these functions are what enforce the CEL rules.
/// </summary>
/// <remarks>
/// Deliberately absent, as upstream: the ServiceExport weight annotation (<c>networking.fleet.azure.com/weight</c>) is
/// not validated at admission; the member agent reports a bad value in the <c>Valid</c> condition instead (spec §2.2
/// step 5). The internal kinds (InternalServiceExport/Import, EndpointSliceExport/Import) have no name-length rule
/// and may use the full 253 characters of a DNS subdomain.
/// </remarks>
public static class NetworkingValidator
{
    /// <summary>Validates any networking object by its type; kinds without rules are admitted.</summary>
    /// <param name="obj">The object being created or updated.</param>
    /// <param name="old">The stored object on update; null on create.</param>
    public static AdmissionResult Validate(KubeObject obj, KubeObject? old = null) => obj switch
    {
        ServiceExport export => ValidateServiceExport(export),
        ServiceImport import => ValidateServiceImport(import),
        MultiClusterService mcs => ValidateMultiClusterService(mcs),
        TrafficManagerProfile profile => ValidateTrafficManagerProfile(profile, old as TrafficManagerProfile),
        TrafficManagerBackend backend => ValidateTrafficManagerBackend(backend),
        _ => AdmissionResult.Allowed,
    };

    public static AdmissionResult ValidateServiceExport(ServiceExport export) => AdmissionResult.Invalid(NameRule(export));

    public static AdmissionResult ValidateServiceImport(ServiceImport import) => AdmissionResult.Invalid(NameRule(import));

    /// <summary>
    /// The name rule. The schema rules of <c>spec.serviceImport.name</c> (at most 63 characters, a DNS-1035 label) are
    /// the server's: it validates objects against the generated CRD before admission runs.
    /// </summary>
    public static AdmissionResult ValidateMultiClusterService(MultiClusterService mcs) => AdmissionResult.Invalid(NameRule(mcs));

    /// <summary>
    /// The name rule and the immutability of <c>spec.resourceGroup</c> on update (its schema length is the server's, as
    /// for <see cref="ValidateMultiClusterService"/>).
    /// </summary>
    public static AdmissionResult ValidateTrafficManagerProfile(TrafficManagerProfile profile, TrafficManagerProfile? old = null)
    {
        var errors = NameRule(profile).ToList();
        if (old is not null && old.Spec.ResourceGroup != profile.Spec.ResourceGroup)
        {
            errors.Add(FieldError.Cel("spec.resourceGroup", "string", NetworkingCelRules.ResourceGroupImmutableMessage));
        }
        return AdmissionResult.Invalid(errors);
    }

    public static AdmissionResult ValidateTrafficManagerBackend(TrafficManagerBackend backend) => AdmissionResult.Invalid(NameRule(backend));

    /// <summary>
    /// <c>size(self.metadata.name) &lt; 64</c> on the root: reported at the root path with the schema type "object",
    /// as <c>&lt;nil&gt;: Invalid value: "object": metadata.name max length is 63</c>.
    /// </summary>
    internal static IEnumerable<StatusCause> NameRule(KubeObject obj)
    {
        // CEL's size() counts code points; names are ASCII DNS names, where that equals the UTF-16 length.
        if ((obj.Metadata.Name?.Length ?? 0) > NetworkingCelRules.MaxNameLength)
        {
            yield return FieldError.Cel(FieldError.RootPath, "object", NetworkingCelRules.NameLengthMessage);
        }
    }
}
