using System.Text.Json.Serialization;
using Flotilla.Scheduler;
using Flotilla.Scheduler.Framework;

namespace Flotilla.Cli.Commands.Explain;

/// <summary>
/// What <c>flotilla explain</c> prints, in the shape <c>-o json</c> and <c>-o yaml</c> write (docs/cli.md documents it).
/// Every field is always present (null when it does not apply), so scripts can rely on the shape.
/// </summary>
/// <param name="Placement">Which placement: kind, name, namespace.</param>
/// <param name="DryRun">True when nothing was read from an existing placement: the scheduler ran in memory on its policy.</param>
/// <param name="Source">Where the policy came from: <c>hub</c>, or the manifest file (<c>-</c> for stdin).</param>
/// <param name="PolicySnapshot">The policy snapshot explained (for a dry run, the in-memory one's name).</param>
/// <param name="PlacementType">PickAll, PickN or PickFixed.</param>
/// <param name="NumberOfClusters">PickN's numberOfClusters; null for the other types.</param>
/// <param name="Scheduled">The snapshot's Scheduled condition (for a dry run, the one the scheduler would write).</param>
/// <param name="Error">Why scheduling cannot proceed, when it cannot (the scheduler's error, verbatim).</param>
/// <param name="Notes">Anything else worth knowing, one sentence each.</param>
/// <param name="Clusters">One entry per cluster: selected first (in decision order), then not picked (best first), then filtered and not found.</param>
internal sealed record ExplainReport(
    ReportPlacement Placement,
    bool DryRun,
    string Source,
    string? PolicySnapshot,
    string PlacementType,
    int? NumberOfClusters,
    ReportCondition? Scheduled,
    string? Error,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ReportCluster> Clusters)
{
    /// <summary>The report of an explanation.</summary>
    public static ExplainReport From(
        ReportPlacement placement, bool dryRun, string source, PolicyView policy, PlacementExplanation explanation, IReadOnlyList<string> notes) =>
        new(
            placement,
            dryRun,
            source,
            policy.SnapshotName,
            explanation.PlacementType,
            explanation.PlacementType == Api.Placement.PlacementType.PickN ? policy.NumberOfClusters : null,
            explanation.Scheduled is { } c ? new ReportCondition(c.Status, c.Reason, c.Message, c.ObservedGeneration) : null,
            explanation.Error,
            notes,
            [.. explanation.Clusters.Select(ReportCluster.From)]);
}

/// <summary>The placement explained.</summary>
/// <param name="Kind">ClusterResourcePlacement or ResourcePlacement.</param>
/// <param name="Name">Its name.</param>
/// <param name="Namespace">A ResourcePlacement's namespace; null for a ClusterResourcePlacement.</param>
internal sealed record ReportPlacement(string Kind, string Name, string? Namespace)
{
    public override string ToString() => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";
}

/// <summary>A Scheduled condition.</summary>
internal sealed record ReportCondition(string Status, string Reason, string Message, long? ObservedGeneration);

/// <summary>One cluster's outcome.</summary>
/// <param name="Name">The cluster.</param>
/// <param name="Outcome"><c>Selected</c>, <c>NotPicked</c>, <c>Filtered</c> or <c>NotFound</c>.</param>
/// <param name="Plugin">The plugin that filtered it out (<c>PickFixed</c> for a cluster a PickFixed policy does not name); null otherwise.</param>
/// <param name="Reason">The decision's reason, the filter's status, or why it did not score high enough.</param>
/// <param name="Score">The summed score when the cluster was scored (PickN); null otherwise.</param>
/// <param name="PluginScores">Each scoring plugin's part of <paramref name="Score"/>; empty when not scored (or, for a selected cluster, as recorded: the decision keeps only the sum).</param>
/// <param name="Rank">Position among the clusters that pass every filter and are not selected, best first (1-based); null otherwise.</param>
/// <param name="FilteredNowBy">For a selected cluster that would not pass the filters today, the filter's status; null otherwise.</param>
/// <param name="FilteredNowByPlugin">The plugin that would filter it out; null otherwise.</param>
internal sealed record ReportCluster(
    string Name,
    string Outcome,
    string? Plugin,
    string Reason,
    ReportScore? Score,
    IReadOnlyList<ReportPluginScore> PluginScores,
    int? Rank,
    string? FilteredNowBy,
    string? FilteredNowByPlugin)
{
    public static ReportCluster From(ClusterExplanation row) => new(
        row.Cluster,
        row.Outcome.ToString(),
        row.Plugin,
        row.Reason,
        row.Score is { } s ? ReportScore.From(s) : null,
        [.. row.PluginScores.Select(p => new ReportPluginScore(p.Plugin, p.Score.Affinity, p.Score.TopologySpread, p.Score.ObsoletePlacementAffinity))],
        row.Rank,
        row.FilteredNowBy,
        row.FilteredNowByPlugin);
}

/// <summary>
/// A cluster score (placement spec §3.4): clusters compare by topology spread, then affinity, then the internal
/// obsolete-placement tie-breaker (1 when the placement was on the cluster under an older policy).
/// </summary>
internal sealed record ReportScore(int Affinity, int TopologySpread, int ObsoletePlacement)
{
    public static ReportScore From(Score score) => new(score.Affinity, score.TopologySpread, score.ObsoletePlacementAffinity);
}

/// <summary>One scoring plugin's part of a cluster's score.</summary>
internal sealed record ReportPluginScore(string Plugin, int Affinity, int TopologySpread, int ObsoletePlacement);

/// <summary>Source-generated JSON for the report; <see cref="ExplainRenderer"/> gives the options (camelCase, nulls written, indented).</summary>
[JsonSerializable(typeof(ExplainReport))]
internal sealed partial class ExplainJsonContext : JsonSerializerContext;
