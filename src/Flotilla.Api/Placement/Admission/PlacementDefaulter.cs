using Flotilla.Api.Meta;

namespace Flotilla.Api.Placement.Admission;

/// <summary>
/// Upstream's placement defaulter (placement spec §1.3.4 "Defaulter"): what the CRP mutating webhook fills in, and
/// what the rollout and staged-update controllers fill in again in memory, because ResourcePlacements have no
/// mutating webhook and v1 objects may lack v1beta1-only defaults.
/// </summary>
/// <remarks>Defaulting is idempotent and only fills unset fields; it never overrides what the user wrote.</remarks>
public static class PlacementDefaulter
{
    public const int DefaultRevisionHistoryLimit = 10;
    public const int DefaultMaxSkew = 1;
    public const string DefaultMaxUnavailable = "25%";
    public const string DefaultMaxSurge = "25%";
    public const int DefaultUnavailablePeriodSeconds = 60;

    /// <summary>Defaults a ClusterResourcePlacement's or ResourcePlacement's spec in place; true when anything changed.</summary>
    public static bool Default(IPlacement placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        return Default(placement.Spec);
    }

    /// <summary>Defaults a placement spec in place; true when anything changed.</summary>
    public static bool Default(PlacementSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var changed = false;

        // No policy means "every eligible cluster".
        if (spec.Policy is null)
        {
            spec.Policy = new PlacementPolicy();
            changed = true;
        }
        if (string.IsNullOrEmpty(spec.Policy.PlacementType))
        {
            spec.Policy.PlacementType = PlacementType.PickAll;
            changed = true;
        }
        foreach (var constraint in spec.Policy.TopologySpreadConstraints ?? [])
        {
            if (constraint.MaxSkew is null)
            {
                constraint.MaxSkew = DefaultMaxSkew;
                changed = true;
            }
            if (string.IsNullOrEmpty(constraint.WhenUnsatisfiable))
            {
                constraint.WhenUnsatisfiable = UnsatisfiableConstraintAction.DoNotSchedule;
                changed = true;
            }
        }
        foreach (var toleration in spec.Policy.Tolerations ?? [])
        {
            if (string.IsNullOrEmpty(toleration.Operator))
            {
                toleration.Operator = TolerationOperator.Equal;
                changed = true;
            }
        }

        if (spec.Strategy is null)
        {
            spec.Strategy = new RolloutStrategy();
            changed = true;
        }
        changed |= DefaultStrategy(spec.Strategy);

        if (spec.RevisionHistoryLimit is null)
        {
            spec.RevisionHistoryLimit = DefaultRevisionHistoryLimit;
            changed = true;
        }
        return changed;
    }

    /// <summary>
    /// Defaults a rollout strategy in place: type, rolling-update pace (RollingUpdate only) and apply strategy; true
    /// when anything changed.
    /// </summary>
    public static bool DefaultStrategy(RolloutStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var changed = false;
        if (string.IsNullOrEmpty(strategy.Type))
        {
            strategy.Type = RolloutStrategyType.RollingUpdate;
            changed = true;
        }
        if (strategy.Type == RolloutStrategyType.RollingUpdate)
        {
            if (strategy.RollingUpdate is null)
            {
                strategy.RollingUpdate = new RollingUpdateConfig();
                changed = true;
            }
            if (strategy.RollingUpdate.MaxUnavailable is null)
            {
                strategy.RollingUpdate.MaxUnavailable = IntOrString.FromString(DefaultMaxUnavailable);
                changed = true;
            }
            if (strategy.RollingUpdate.MaxSurge is null)
            {
                strategy.RollingUpdate.MaxSurge = IntOrString.FromString(DefaultMaxSurge);
                changed = true;
            }
            if (strategy.RollingUpdate.UnavailablePeriodSeconds is null)
            {
                strategy.RollingUpdate.UnavailablePeriodSeconds = DefaultUnavailablePeriodSeconds;
                changed = true;
            }
        }
        if (strategy.ApplyStrategy is null)
        {
            strategy.ApplyStrategy = new ApplyStrategy();
            changed = true;
        }
        return DefaultApplyStrategy(strategy.ApplyStrategy) || changed;
    }

    /// <summary>
    /// Defaults an apply strategy in place; true when anything changed. The server-side apply config is created only
    /// for the ServerSideApply type: for the others it would be rejected ("serverSideApplyConfig is only valid for
    /// ServerSideApply strategy type").
    /// </summary>
    public static bool DefaultApplyStrategy(ApplyStrategy applyStrategy)
    {
        ArgumentNullException.ThrowIfNull(applyStrategy);
        var changed = false;
        if (string.IsNullOrEmpty(applyStrategy.Type))
        {
            applyStrategy.Type = ApplyStrategyType.ClientSideApply;
            changed = true;
        }
        if (applyStrategy.Type == ApplyStrategyType.ServerSideApply && applyStrategy.ServerSideApplyConfig is null)
        {
            applyStrategy.ServerSideApplyConfig = new ServerSideApplyConfig { Force = false };
            changed = true;
        }
        if (string.IsNullOrEmpty(applyStrategy.ComparisonOption))
        {
            applyStrategy.ComparisonOption = ComparisonOption.PartialComparison;
            changed = true;
        }
        if (string.IsNullOrEmpty(applyStrategy.WhenToApply))
        {
            applyStrategy.WhenToApply = WhenToApply.Always;
            changed = true;
        }
        if (string.IsNullOrEmpty(applyStrategy.WhenToTakeOver))
        {
            applyStrategy.WhenToTakeOver = WhenToTakeOver.Always;
            changed = true;
        }
        return changed;
    }
}
