namespace Flotilla.Api.Cluster.Admission;

/// <summary>
/// Fills MemberCluster defaults as upstream's CRD defaults do (placement spec §1.1): a 60-second heartbeat and
/// <c>deleteOptions.validationMode: Strict</c>, so deletion is guarded unless a user opts out with <c>Skip</c>.
/// </summary>
public static class MemberClusterDefaulter
{
    public const int DefaultHeartbeatPeriodSeconds = 60;

    /// <summary>Applies the defaults in place; true when anything changed.</summary>
    public static bool Default(MemberCluster cluster)
    {
        var spec = cluster.Spec;
        var changed = false;
        if (spec.HeartbeatPeriodSeconds is null)
        {
            spec.HeartbeatPeriodSeconds = DefaultHeartbeatPeriodSeconds;
            changed = true;
        }
        // A CRD default on validationMode applies only inside an existing deleteOptions; the defaulter also creates
        // deleteOptions, so a stored MemberCluster always states its mode.
        if (spec.DeleteOptions is null)
        {
            spec.DeleteOptions = new DeleteOptions();
            changed = true;
        }
        if (spec.DeleteOptions.ValidationMode is null)
        {
            spec.DeleteOptions.ValidationMode = DeleteValidationMode.Strict;
            changed = true;
        }
        return changed;
    }
}
