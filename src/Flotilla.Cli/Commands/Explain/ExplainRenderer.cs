using System.Globalization;
using System.Text;
using System.Text.Json;
using Flotilla.Api.Crd;

namespace Flotilla.Cli.Commands.Explain;

/// <summary>The output formats of <c>flotilla explain</c>: a table for people, JSON and YAML for scripts.</summary>
internal static class ExplainRenderer
{
    public const string Table = "table";
    public const string Json = "json";
    public const string Yaml = "yaml";

    public static readonly string[] Formats = [Table, Json, Yaml];

    // Readable strings (kubectl writes "quotes" and & as they are); the output is never embedded in HTML.
    private static readonly ExplainJsonContext Context = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Render(ExplainReport report, string format) => format switch
    {
        Json => JsonSerializer.Serialize(report, Context.ExplainReport) + "\n",
        Yaml => YamlWriter.Write(JsonSerializer.SerializeToNode(report, Context.ExplainReport)!),
        _ => RenderTable(report),
    };

    /// <summary>
    /// A header (placement, policy, Scheduled condition, error and notes), then one row per cluster, then a NOTE per
    /// selected cluster that its filters would reject today.
    /// </summary>
    public static string RenderTable(ExplainReport report)
    {
        var text = new StringBuilder();
        var header = new List<(string Label, string Value)>
        {
            ("Placement", report.Placement.ToString()),
            ("Source", Source(report)),
            ("Policy", Policy(report)),
            ("Scheduled", report.Scheduled is { } c
                ? $"{c.Status}  {c.Reason}  {c.Message}".TrimEnd()
                : report.Error is not null ? "none (the scheduler stops on the error below and writes no condition)" : "none yet (the scheduler has not written one)"),
        };
        var width = header.Max(h => h.Label.Length) + 3;
        foreach (var (label, value) in header)
        {
            text.Append((label + ":").PadRight(width)).Append(value).Append('\n');
        }
        if (report.Error is { } error)
        {
            text.Append('\n').Append("ERROR: scheduling cannot proceed: ").Append(error).Append('\n');
        }
        foreach (var note in report.Notes)
        {
            text.Append("Note: ").Append(note).Append('\n');
        }
        text.Append('\n');

        if (report.Clusters.Count == 0)
        {
            text.Append(report.Error is null ? "No member clusters.\n" : "No cluster can be explained until the error is fixed.\n");
            return text.ToString();
        }
        var rows = new List<string[]> { new[] { "CLUSTER", "OUTCOME", "PLUGIN", "AFFINITY", "TOPOLOGY", "RANK", "REASON" } };
        foreach (var cluster in report.Clusters)
        {
            rows.Add(
            [
                cluster.Name,
                Outcome(cluster.Outcome) + (cluster.FilteredNowBy is null ? "" : "*"),
                cluster.Plugin ?? "-",
                cluster.Score is { } s ? s.Affinity.ToString(CultureInfo.InvariantCulture) : "-",
                cluster.Score is { } t ? t.TopologySpread.ToString(CultureInfo.InvariantCulture) : "-",
                cluster.Rank?.ToString(CultureInfo.InvariantCulture) ?? "-",
                cluster.Reason.Length == 0 ? "-" : cluster.Reason,
            ]);
        }
        var widths = Enumerable.Range(0, rows[0].Length).Select(i => rows.Max(r => r[i].Length)).ToArray();
        foreach (var row in rows)
        {
            text.Append(string.Join("   ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd()).Append('\n');
        }
        foreach (var cluster in report.Clusters.Where(c => c.FilteredNowBy is not null))
        {
            text.Append('\n').Append("NOTE: * ").Append(cluster.Name)
                .Append(" stays selected (a placed cluster is not dropped when it stops passing the filters), but a new placement would filter it out (")
                .Append(cluster.FilteredNowByPlugin).Append("): ").Append(cluster.FilteredNowBy).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>How the table names an outcome.</summary>
    public static string Outcome(string outcome) => outcome switch
    {
        "NotPicked" => "Not picked",
        "NotFound" => "Not found",
        _ => outcome,
    };

    private static string Source(ExplainReport report) => (report.DryRun, report.Source) switch
    {
        (false, _) => "the hub: the latest policy snapshot and the bindings, against the fleet now",
        (true, "hub") => "dry run of the placement's spec.policy on the hub against the live fleet (nothing was created)",
        (true, "-") => "dry run of stdin against the live fleet (nothing was created)",
        (true, var file) => $"dry run of {file} against the live fleet (nothing was created)",
    };

    private static string Policy(ExplainReport report)
    {
        var policy = report.NumberOfClusters is { } n
            ? $"{report.PlacementType}, numberOfClusters {n.ToString(CultureInfo.InvariantCulture)}"
            : report.PlacementType;
        return report.PolicySnapshot is { } snapshot ? $"{policy} (policy snapshot {snapshot})" : policy;
    }
}
