using System.Globalization;
using Flotilla.Api.Placement;

namespace Flotilla.Hub.Placement.Status;

/// <summary>A condition's or an event's reason and message; <c>{0}</c> in a message stands for a cluster count.</summary>
internal readonly record struct StatusText(string Reason, string Message)
{
    public string Format(int count) => string.Format(CultureInfo.InvariantCulture, Message, count);
}

/// <summary>
/// Every reason and message the placement status writes after scheduling (placement spec §7.5, §7.6, §7.8, §4.6),
/// word for word: clients and users match on them, so they are kept together and never composed elsewhere.
/// </summary>
internal static class StatusTexts
{
    /// <summary>One per-cluster condition type's texts, one row of the spec's tables.</summary>
    internal sealed record TypeTexts(
        StatusText PerClusterUnknown, StatusText PlacementTrue, StatusText PlacementFalse, StatusText PlacementUnknown, StatusText BecameTrueEvent);

    /// <summary>
    /// The types after Scheduled in upstream's order. Removal walks all of them, whatever the apply strategy, so a type
    /// left over from another strategy disappears too.
    /// </summary>
    public static readonly IReadOnlyList<string> AllTypes =
    [
        PerClusterConditionType.RolloutStarted, PerClusterConditionType.Overridden, PerClusterConditionType.WorkSynchronized,
        PerClusterConditionType.Applied, PerClusterConditionType.Available, PerClusterConditionType.DiffReported,
    ];

    private static readonly IReadOnlyList<string> ApplyTypes =
    [
        PerClusterConditionType.RolloutStarted, PerClusterConditionType.Overridden, PerClusterConditionType.WorkSynchronized,
        PerClusterConditionType.Applied, PerClusterConditionType.Available,
    ];

    private static readonly IReadOnlyList<string> ReportDiffTypes =
    [
        PerClusterConditionType.RolloutStarted, PerClusterConditionType.Overridden, PerClusterConditionType.WorkSynchronized,
        PerClusterConditionType.DiffReported,
    ];

    /// <summary>The types expected after Scheduled, in evaluation order: ReportDiff never applies, so it reports diffs instead.</summary>
    public static IReadOnlyList<string> ExpectedTypes(bool reportDiff) => reportDiff ? ReportDiffTypes : ApplyTypes;

    // §7.5: a cluster whose binding is on an older snapshot and that the rollout controller holds back.
    public const string RolloutBlockedReason = "RolloutNotStartedYet";
    public const string RolloutBlockedMessage = "The rollout is being blocked by the rollout strategy";

    // §7.6: Overridden True when no selected cluster has an applicable override.
    public const string NoOverrideSpecifiedReason = "NoOverrideSpecified";
    public const string NoOverrideSpecifiedMessage = "No override rules are configured for the selected resources";

    // §4.6: External strategy, when the clusters do not agree on one resource snapshot.
    public const string ExternalReason = "RolloutControlledByExternalController";
    public const string ExternalDifferentIndicesMessage =
        "Rollout is controlled by an external controller and different resource snapshot versions are observed across clusters";

    /// <summary>§4.6: no cluster's binding names a snapshot yet; points at the update-run kind of the placement's scope.</summary>
    public static string ExternalNoIndexMessage(bool clusterScoped) =>
        "Rollout is controlled by an external controller and no resource snapshot name is observed across clusters. To determine "
        + "rollout status, check the " + (clusterScoped ? "ClusterStagedUpdateRun" : "StagedUpdateRun")
        + " resources with spec.placementName matching this placement";

    // §7.8: when the placement reaches every expected condition.
    public const string RolloutCompletedReason = "PlacementRolloutCompleted";
    public const string RolloutCompletedMessage = "Placement has finished the rollout process and reached the desired status";

    /// <summary>The texts of each type after Scheduled, keyed by the per-cluster type.</summary>
    public static readonly IReadOnlyDictionary<string, TypeTexts> ByType = new Dictionary<string, TypeTexts>(StringComparer.Ordinal)
    {
        [PerClusterConditionType.RolloutStarted] = new(
            new("RolloutStartedUnknown", "In the process of deciding whether to roll out some version of the resources or not"),
            new("RolloutStarted", "All {0} cluster(s) start rolling out the latest resource"),
            new(RolloutBlockedReason, "The rollout is being blocked by the rollout strategy in {0} cluster(s)"),
            new("RolloutStartedUnknown", "There are still {0} cluster(s) in the process of deciding whether to roll out the latest resources or not"),
            new("PlacementRolloutStarted", "Started rolling out the latest resources")),
        [PerClusterConditionType.Overridden] = new(
            new("OverriddenPending", "In the process of overriding the selected resources if there is any override defined"),
            new("OverriddenSucceeded", "The selected resources are successfully overridden in {0} cluster(s)"),
            new("OverriddenFailed", "Failed to override resources in {0} cluster(s)"),
            new("OverriddenPending", "There are still {0} cluster(s) in the process of overriding the selected resources if there is any override defined"),
            new("PlacementOverriddenSucceeded", "Placement has been successfully overridden")),
        [PerClusterConditionType.WorkSynchronized] = new(
            new("WorkSynchronizedUnknown", "In the process of creating or updating the work object(s) in the hub cluster"),
            new("WorkSynchronized", "Work(s) are successfully created or updated in {0} target cluster(s)' namespaces"),
            new("WorkNotSynchronizedYet", "There are {0} cluster(s) which have not finished creating or updating work(s) yet"),
            new("WorkSynchronizedUnknown", "There are still {0} cluster(s) in the process of creating or updating the work object(s) in the hub cluster"),
            new("PlacementWorkSynchronized", "Work(s) have been created or updated successfully for the selected cluster(s)")),
        [PerClusterConditionType.Applied] = new(
            new("ApplyPending", "In the process of applying the resources on the member cluster"),
            new("ApplySucceeded", "The selected resources are successfully applied to {0} cluster(s)"),
            new("ApplyFailed", "Failed to apply resources to {0} cluster(s), please check the `failedPlacements` status"),
            new("ApplyPending", "There are still {0} cluster(s) in the process of applying the resources on the member cluster"),
            new("PlacementApplied", "Resources have been applied to the selected cluster(s)")),
        [PerClusterConditionType.Available] = new(
            // The trailing space is upstream's (sic).
            new("ResourceAvailableUnknown", "The availability of the selected resources is unknown yet "),
            new("ResourceAvailable", "The selected resources in {0} cluster(s) are available now"),
            new("ResourceNotAvailableYet", "The selected resources in {0} cluster(s) are still not available yet"),
            new("ResourceAvailableUnknown", "There are still {0} cluster(s) in the process of checking the availability of the selected resources"),
            new("PlacementAvailable", "Resources are available on the selected cluster(s)")),
        [PerClusterConditionType.DiffReported] = new(
            new("DiffReportingPending", "Diff reporting has just started; its status is not yet to be known"),
            new("DiffReportingCompleted", "Diff reporting in {0} cluster(s) has been completed"),
            // "clusters", not "cluster(s)": upstream's wording (sic).
            new("DiffReportingIncompleteOrFailed", "Diff reporting in {0} clusters is still in progress or has failed"),
            new("DiffReportingPending", "There are still {0} cluster(s) in the process of checking for configuration differences"),
            new("PlacementDiffReported", "Configuration differences have been reported on the selected cluster(s)")),
    };
}
