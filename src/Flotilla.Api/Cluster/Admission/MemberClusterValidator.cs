using Flotilla.Api.Admission;
using Flotilla.Api.Meta;
using Flotilla.Api.Networking;

namespace Flotilla.Api.Cluster.Admission;

/// <summary>
/// Admission for MemberCluster (placement spec §1.1, §8.5; networking spec §6.3), in the order a real API server
/// applies it: the CRD's CEL rule first (422 Invalid), then upstream's validating webhook (403 denial), which checks
/// the taints on create and update and guards deletion while the cluster still exports services. The CRD's schema
/// rules come before both and are the server's: it validates objects against the generated CRD first.
/// </summary>
/// <remarks>
/// The spec quotes only the deletion message verbatim. The taint messages are written in upstream's style
/// (<c>invalid key %s specified for taint %+v: …</c>, the taint in Go's <c>%+v</c> form) but are not confirmed
/// word for word; tests pin them so a correction is one deliberate change.
/// </remarks>
public static class MemberClusterValidator
{
    /// <summary>
    /// The webhook's name as kubectl shows it in a denial. Not quoted by the spec; follows upstream's
    /// <c>fleet.&lt;resource&gt;.validating</c> naming.
    /// </summary>
    public const string WebhookName = "fleet.membercluster.validating";

    private const int MaxNameLength = 63;
    private const string NameLengthMessage = "metadata.name max length is 63";

    /// <summary>Validates a MemberCluster being created (after defaulting).</summary>
    public static AdmissionResult ValidateCreate(MemberCluster cluster) => Validate(cluster);

    /// <summary>Validates an update; upstream's webhook applies the same checks as on create to the new object.</summary>
    public static AdmissionResult ValidateUpdate(MemberCluster old, MemberCluster cluster) => Validate(cluster);

    /// <summary>
    /// Validates a DELETE. With <c>deleteOptions.validationMode: Strict</c> (also when unset, the default) the request
    /// is denied while an InternalServiceExport that is not itself being deleted remains in the cluster's namespace:
    /// leaving would strand the service's endpoints in other clusters. <c>Skip</c> bypasses the check, as does a hub
    /// running without the networking agents.
    /// </summary>
    /// <param name="cluster">The stored MemberCluster.</param>
    /// <param name="exportsInClusterNamespace">The InternalServiceExports in <c>fleet-member-&lt;name&gt;</c>, in list order.</param>
    /// <param name="networkingAgentsEnabled">The hub's <c>--networking-agents-enabled</c>.</param>
    public static AdmissionResult ValidateDelete(MemberCluster cluster, IEnumerable<InternalServiceExport> exportsInClusterNamespace, bool networkingAgentsEnabled = true)
    {
        if (cluster.Spec.DeleteOptions?.ValidationMode == DeleteValidationMode.Skip || !networkingAgentsEnabled)
        {
            return AdmissionResult.Allowed;
        }
        var remaining = exportsInClusterNamespace.FirstOrDefault(e => !e.Metadata.IsDeleting);
        if (remaining is null)
        {
            return AdmissionResult.Allowed;
        }
        // The export names the member's ServiceExport (<namespace>/<name>), which is what the user must delete.
        var reference = remaining.Spec.ServiceReference.NamespacedName;
        if (reference.Length == 0)
        {
            reference = NetworkingApi.NamespacedName(remaining.Spec.ServiceReference.Namespace, remaining.Spec.ServiceReference.Name);
        }
        return AdmissionResult.Deny(WebhookName,
            $"Please delete serviceExport {reference} in the member cluster before leaving, request is denied");
    }

    private static AdmissionResult Validate(MemberCluster cluster)
    {
        // The CRD's CEL rule. Its schema rules (heartbeat bounds, taint count and effect, validation mode, a required
        // identity) are not repeated here: the server enforces them from the generated CRD before admission runs, with
        // the same messages (FleetCrdSchemaTests).
        if ((cluster.Metadata.Name?.Length ?? 0) > MaxNameLength)
        {
            return AdmissionResult.Invalid([FieldError.Cel(FieldError.RootPath, "object", NameLengthMessage)]);
        }
        var denials = new GoErrorList();
        TaintErrors(cluster.Spec.Taints ?? [], denials);
        return denials.ToAggregate() is { } denial ? AdmissionResult.Deny(WebhookName, denial.Message) : AdmissionResult.Allowed;
    }

    /// <summary>The webhook's taint checks: a qualified-name key, a label-value value, and no exact duplicates.</summary>
    private static void TaintErrors(List<Taint> taints, GoErrorList errors)
    {
        var seen = new HashSet<(string Key, string Value, string Effect)>();
        foreach (var taint in taints)
        {
            var value = taint.Value ?? "";
            if (LabelSelector.ValidateLabelKey(taint.Key) is { } keyError)
            {
                errors.Add($"invalid key {taint.Key} specified for taint {Format(taint)}: {keyError}");
            }
            if (value.Length > 0 && LabelSelector.ValidateLabelValue(value) is { } valueError)
            {
                errors.Add($"invalid value {value} specified for taint {Format(taint)}: {valueError}");
            }
            // Identity is the whole taint (key, value and effect); only NoSchedule exists, so this is key and value.
            if (!seen.Add((taint.Key, value, taint.Effect)))
            {
                errors.Add($"taint {Format(taint)} already exists, taints must be unique");
            }
        }
    }

    /// <summary>Go's <c>%+v</c> of a Taint value: <c>{Key:k Value:v Effect:NoSchedule}</c>.</summary>
    internal static string Format(Taint taint) => $"{{Key:{taint.Key} Value:{taint.Value ?? ""} Effect:{taint.Effect}}}";
}
