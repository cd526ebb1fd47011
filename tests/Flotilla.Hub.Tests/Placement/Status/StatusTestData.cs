using Flotilla.Api.Meta;
using Flotilla.Api.Placement;
using Flotilla.Hub.Placement.Status;

namespace Flotilla.Hub.Tests.Placement.Status;

/// <summary>Builders shared by the placement status tests; generations differ on purpose so a mix-up shows.</summary>
internal static class StatusTestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Earlier = Now.AddMinutes(-10);

    public const long PlacementGeneration = 7;
    public const long BindingGeneration = 3;
    public const string LatestSnapshot = "crp-2-snapshot";
    public const string LatestIndex = "2";
    public const string OldSnapshot = "crp-1-snapshot";
    public const string OldIndex = "1";
    public const string Cluster = "member-1";

    public static readonly string[] ApplyTypes = ["RolloutStarted", "Overridden", "WorkSynchronized", "Applied", "Available"];
    public static readonly string[] ReportDiffTypes = ["RolloutStarted", "Overridden", "WorkSynchronized", "DiffReported"];
    public static readonly string[] AllTypes = ["RolloutStarted", "Overridden", "WorkSynchronized", "Applied", "Available", "DiffReported"];

    public static string[] Types(bool reportDiff) => reportDiff ? ReportDiffTypes : ApplyTypes;

    /// <summary>A binding condition whose reason and message say where they came from, so a copy is recognisable.</summary>
    public static Condition BindingCondition(string type, string status, long? generation = BindingGeneration) => new()
    {
        Type = type, Status = status, ObservedGeneration = generation, Reason = $"{type}{status}Reason", Message = $"binding: {type} is {status}",
        LastTransitionTime = Earlier,
    };

    /// <summary>Parses "RolloutStarted=True Applied=False" into current binding conditions.</summary>
    public static Condition[] BindingConditions(string spec) =>
        spec.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('='))
            .Select(pair => BindingCondition(pair[0], pair[1]))
            .ToArray();

    public static Condition[] AllTrue(IEnumerable<string> types) => types.Select(t => BindingCondition(t, "True")).ToArray();

    public static ClusterResourceBinding Binding(string? snapshot, params Condition[] conditions) => new()
    {
        Metadata = new ObjectMeta { Name = "crp-member-1-abc", Generation = BindingGeneration },
        Spec = new ResourceBindingSpec
        {
            State = BindingState.Bound,
            ResourceSnapshotName = snapshot,
            SchedulingPolicySnapshotName = "crp-0",
            TargetCluster = Cluster,
            ResourceOverrideSnapshots = [new NamespacedName { Namespace = "app", Name = "ro-1-0" }],
            ClusterResourceOverrideSnapshots = ["cro-1-0"],
        },
        Status = new ResourceBindingStatus
        {
            Conditions = [.. conditions],
            FailedPlacements = [new FailedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "failed", Namespace = "app" }],
            DriftedPlacements = [new DriftedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "drifted", Namespace = "app" }],
            DiffedPlacements = [new DiffedResourcePlacement { Version = "v1", Kind = "ConfigMap", Name = "diffed", Namespace = "app" }],
        },
    };

    /// <summary>An entry as <c>ScheduledStatus</c> leaves it: Scheduled True, plus whatever the previous pass wrote.</summary>
    public static PerClusterPlacementStatus Entry(params Condition[] previous) => new()
    {
        ClusterName = Cluster,
        Conditions =
        [
            new Condition
            {
                Type = "Scheduled", Status = "True", Reason = "Scheduled", Message = "picked", ObservedGeneration = PlacementGeneration,
                LastTransitionTime = Earlier,
            },
            .. previous,
        ],
    };

    public static ClusterStatusContext Context(bool reportDiff = false, bool external = false) => new(
        PlacementGeneration, reportDiff, external, LatestSnapshot, LatestIndex,
        name => name switch { LatestSnapshot => LatestIndex, OldSnapshot => OldIndex, _ => null });

    /// <summary>A condition as the tests compare it: everything but the transition time.</summary>
    public static (string Type, string Status, string Reason, string Message, long Generation) Row(Condition c) =>
        (c.Type, c.Status, c.Reason, c.Message, c.ObservedGeneration ?? -1);

    /// <summary>The row of a condition copied from <see cref="BindingCondition"/>.</summary>
    public static (string, string, string, string, long) Copied(string type, string status) =>
        (type, status, $"{type}{status}Reason", $"binding: {type} is {status}", PlacementGeneration);

    public static (string, string, string, string, long) ScheduledRow => ("Scheduled", "True", "Scheduled", "picked", PlacementGeneration);

    /// <summary>A selected cluster's entry with the given per-cluster conditions ("Applied=False"), as ClusterStatus leaves it.</summary>
    public static PerClusterPlacementStatus Selected(string cluster, string conditions) => new()
    {
        ClusterName = cluster,
        Conditions =
        [
            new Condition { Type = "Scheduled", Status = "True", Reason = "Scheduled", ObservedGeneration = PlacementGeneration },
            .. conditions.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=')).Select(pair => new Condition
            {
                Type = pair[0], Status = pair[1], Reason = "r", Message = "m", ObservedGeneration = PlacementGeneration,
            }),
        ],
    };

    /// <summary>"RolloutStarted=True Overridden=True …" for the given types.</summary>
    public static string TrueSpec(IEnumerable<string> types) => string.Join(' ', types.Select(t => t + "=True"));
}
