using System.Diagnostics;
using System.Globalization;
using Flotilla.Api.Placement;
using Flotilla.Api.Unstructured;
using Flotilla.Client;

namespace Flotilla.LoadTest;

/// <summary>
/// What the hub API server's requests cost once the hub holds step 3's state: the uncached reads the hub controllers
/// make on every reconcile (a placement's bindings and resource snapshots by label selector) against a GET and an
/// unfiltered LIST. Each is timed five times, one at a time, through the load test's own client; the median is
/// printed. A label-selected LIST that costs as much as the unfiltered one scans (and decodes) the whole collection.
/// </summary>
internal static class PropagationProbe
{
    private const int Repetitions = 5;

    public static async Task<List<Figure>> RunAsync(KubernetesClient hub, string placement, CancellationToken cancellationToken)
    {
        var byPlacement = new ListOptions { LabelSelector = $"{PlacementApi.ParentPlacementLabel}={placement}" };
        var bindings = hub.Resource(PlacementMappings.Bindings);
        var snapshots = hub.Resource(PlacementMappings.ResourceSnapshots);
        var all = await bindings.ListAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var allSnapshots = await snapshots.ListAllAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (all.Items.FirstOrDefault(b => b.Labels()?.GetString(PlacementApi.ParentPlacementLabel) == placement)?.Name() is not { } one)
        {
            Console.WriteLine($"  probe skipped: {placement} has no bindings");
            return [];
        }

        var selectedBindings = await TimeAsync(async () => (await bindings.ListAsync(byPlacement, cancellationToken).ConfigureAwait(false)).Items.Count).ConfigureAwait(false);
        var selectedSnapshots = await TimeAsync(async () => (await snapshots.ListAsync(byPlacement, cancellationToken).ConfigureAwait(false)).Items.Count).ConfigureAwait(false);
        var get = await TimeAsync(async () => (await bindings.GetAsync(one, cancellationToken).ConfigureAwait(false)).Name().Length > 0 ? 1 : 0).ConfigureAwait(false);
        // Unpaged, as the hub controllers' uncached lists are.
        var everything = await TimeAsync(async () => (await bindings.ListAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Items.Count).ConfigureAwait(false);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  probe (hub with {all.Items.Count:N0} bindings, {allSnapshots.Items.Count:N0} resource snapshots; median of {Repetitions}, one at a time; load {Program.LoadAverage()}):"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          LIST bindings by label (one placement's: {selectedBindings.Count}) {selectedBindings.Median:F1} ms; LIST resource snapshots by label ({selectedSnapshots.Count}) {selectedSnapshots.Median:F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"          GET one binding {get.Median:F1} ms; LIST all {everything.Count:N0} bindings {everything.Median:F1} ms"));
        return
        [
            new("propagation", $"LIST {selectedBindings.Count} of {all.Items.Count:N0} bindings by label", Scenarios.Ms(selectedBindings.Median), "", true),
            new("propagation", $"LIST {selectedSnapshots.Count} of {allSnapshots.Items.Count:N0} resource snapshots by label", Scenarios.Ms(selectedSnapshots.Median), "", true),
            new("propagation", "GET one binding", Scenarios.Ms(get.Median), "", true),
            new("propagation", $"LIST all {everything.Count:N0} bindings", Scenarios.Ms(everything.Median), "", true),
        ];
    }

    private static async Task<(double Median, int Count)> TimeAsync(Func<Task<int>> request)
    {
        var times = new List<double>(Repetitions);
        var count = 0;
        for (var i = 0; i < Repetitions; i++)
        {
            var start = Stopwatch.GetTimestamp();
            count = await request().ConfigureAwait(false);
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return (times[times.Count / 2], count);
    }
}
